"""The cockpit's roll-ups (dashboard.Tally) against a recount from the records."""
import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongzhi.cases.cockpit import count
from gongzhi.core import outbox
from gongzhi.dashboard import tallies
from gongzhi.dashboard.models import Tally
from tests.test_case_workflow import cw, move, report  # noqa: F401  (fixture)


def stored(month):
    return {(t.unit_code, t.measure): t.count for t in Tally.objects.filter(month=month)}


def recount(month):
    start, end = tallies.month_bounds(month)
    found = {}
    for part in tallies.parts():
        for code, measure, n in part.count(start, end):
            if n:
                found[(code, measure)] = found.get((code, measure), 0) + n
    return found


@pytest.fixture
def mix(cw):
    """This month: five cases in grid A, two in grid B, taken along different roads."""
    a = [report(cw) for _ in range(5)]
    b = [report(cw, lng=116.03) for _ in range(2)]
    move(a[0], "solve_on_spot", cw.worker_a, note="当场修好了")
    move(a[1], "solve_on_spot", cw.worker_a, note="当场修好了")
    workflow_rate(cw, a[1], "satisfied")
    move(a[2], "dispatch", cw.worker_a, agency=cw.agencies[0])
    move(b[0], "solve_on_spot", cw.worker_b, note="好了")
    workflow_rate(cw, b[0], "basically", solved=False)
    return cw, a, b


def workflow_rate(w, case, rating, solved=True):
    move(case, "rate", w.reporter, rating=rating, solved=solved)


def this_month():
    return timezone.localdate().replace(day=1)


def test_the_moves_keep_the_roll_ups_equal_to_a_recount_from_the_records(mix):
    outbox.drain()  # what runs after each commit (tests keep one transaction open)
    month = this_month()
    assert stored(month) == recount(month)
    w = mix[0]
    assert stored(month)[(w.grid_a.code, "cases.received")] == 5
    assert stored(month)[(w.grid_a.code, "cases.closed")] == 2
    assert stored(month)[(w.grid_b.code, "cases.basically")] == 1


def test_a_lost_message_is_corrected_by_the_minute_jobs_daily_full_pass(mix):
    outbox.drain()
    month = this_month()
    Tally.objects.filter(month=month).update(count=99)
    Tally.objects.create(month=month, unit_code=mix[0].grid_a.code, measure="cases.category:999999", count=3)
    tallies.refresh_recent()
    assert stored(month) == recount(month)


def test_a_case_past_its_deadline_counts_as_overdue_once_the_minute_job_has_run(mix):
    w, a, b = mix
    later = timezone.now() + datetime.timedelta(days=30)
    start, end = tallies.month_bounds(this_month())
    overdue = {(c, m): n for c, m, n in count(start, end, now=later) if m.startswith("cases.overdue")}
    # Open after a month: a[0..1] closed, so a[2], a[3], a[4] and b[1] are late; a[2] is with agency 0.
    assert overdue[(w.grid_a.code, "cases.overdue")] == 3
    assert overdue[(w.grid_b.code, "cases.overdue")] == 1
    assert overdue[(w.grid_a.code, f"cases.overdue_agency:{w.agencies[0].pk}")] == 1


def test_the_rebuild_command_recounts_every_month_from_the_records(mix):
    Tally.objects.all().delete()
    Tally.objects.create(month=datetime.date(2001, 1, 1), unit_code="370871", measure="cases.received", count=7)
    call_command("rollups", "--rebuild", verbosity=0)
    month = this_month()
    assert stored(month) == recount(month)
    assert not Tally.objects.filter(month__lt=month).exists()


def test_a_street_is_the_sum_of_its_grids_read_from_the_stored_rows(mix, django_assert_num_queries):
    w = mix[0]
    tallies.refresh_recent()
    month = this_month()
    with django_assert_num_queries(1):
        street = tallies.sums(w.street.code, [month])[month]
    grids = [tallies.sums(code, [month])[month] for code in (w.grid_a.code, w.grid_b.code)]
    assert street["cases.received"] == 7 == grids[0]["cases.received"] + grids[1]["cases.received"]
    assert tallies.by_child(w.community.code, [month])[w.grid_b.code]["cases.received"] == 2
