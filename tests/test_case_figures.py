"""The cases' headline figures are sums of the cockpit's roll-ups, never counts of the case table."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.cases.figures import FIGURES
from gongzhi.cases.models import OPEN_STATUSES, Case, Status
from gongzhi.core import outbox
from tests.test_case_workflow import cw, move, report  # noqa: F401  (fixture)

COUNTED = {"problems_solved", "cases_total", "cases_open", "cases_overdue"}


def test_the_case_figures_equal_the_records_and_never_read_the_case_table(cw):
    cases = [report(cw) for _ in range(4)] + [report(cw, lng=116.03)]
    move(cases[0], "solve_on_spot", cw.worker_a, note="当场修好了")
    move(cases[1], "solve_on_spot", cw.worker_a, note="当场修好了")
    outbox.drain()  # what runs after each commit (tests keep one transaction open)
    figures = {f.key: f for f in FIGURES}
    with CaptureQueriesContext(connection) as queries:
        found = {key: figures[key].count() for key in COUNTED}
        in_zone = {key: figures[key].count_in(cw.district.code) for key in COUNTED}
    assert not any('"cases_case"' in q["sql"] for q in queries.captured_queries)
    assert found == in_zone == {
        "problems_solved": Case.objects.filter(status__in=(Status.CLOSED, Status.RATED)).count(),
        "cases_total": Case.objects.exclude(status=Status.MERGED).count(),
        "cases_open": Case.objects.filter(status__in=OPEN_STATUSES).count(),
        "cases_overdue": 0,
    }
    assert found["problems_solved"] == 2 and found["cases_total"] == 5
    assert figures["cases_total"].count_in("999999") == 0  # another zone's code: nothing of ours
