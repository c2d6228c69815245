"""perform() asks "may the actor see this case?" as Case.scope_q does, and cheaply: the
territory and own-report branches are answered in Python for the case in hand (a move by the
grid's worker, a supervisor or the reporter needs no visibility query); agency staff and merged
reports are asked of the database."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.cases.models import Rating, Status
from tests.conftest import make_user, refused
from tests.test_case_workflow import cw, move, report  # noqa: F401  (fixture)
from gongzhi.people.models import Role


def visibility_queries(case, name, actor, **params):
    with CaptureQueriesContext(connection) as captured:
        move(case, name, actor, **params)
    # The scope check is an EXISTS over the case table (Case.objects.visible_to(...).exists()).
    return [q["sql"] for q in captured if q["sql"].startswith('SELECT 1 AS "a" FROM "cases_case"')]


def test_the_grids_worker_and_the_reporter_move_without_a_visibility_query(cw):
    case = report(cw)
    assert visibility_queries(case, "solve_on_spot", cw.worker_a, note="当场修好了") == []
    assert visibility_queries(case, "rate", cw.reporter, rating=Rating.SATISFIED) == []


def test_an_agency_clerk_is_still_checked_by_the_database(cw):
    case = move(report(cw), "dispatch", cw.worker_a, agency=cw.agencies[0])
    assert len(visibility_queries(case, "accept", cw.clerks[0])) == 1
    with refused("No such case"):
        move(case, "feed_back", cw.clerks[2], note="不是我们的")


def test_a_deactivated_account_sees_nothing_even_over_its_own_grid(cw):
    case = report(cw)
    cw.worker_a.is_active = False
    with refused("No such case"):
        move(case, "solve_on_spot", cw.worker_a, note="账号已停用")
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_a_grid_worker_of_another_grid_is_refused_as_if_the_case_did_not_exist(cw):
    other = make_user("worker-elsewhere", Role.GRID_WORKER, [cw.grid_b])
    with refused("No such case"):
        move(report(cw), "solve_on_spot", other, note="不是我的网格")
