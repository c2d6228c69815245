"""The minute job keeps the roll-ups current by counting only what changed (decision 81); once a
day it recounts this month and the last in full."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from gongzhi.cases import rates
from gongzhi.cases.models import AgencyRateRollup, Case, RateRollup
from gongzhi.core import outbox, tick
from gongzhi.dashboard import tallies
from gongzhi.dashboard.models import Tally
from tests.test_case_rates import MARCH, rated
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)
from tests.test_cockpit_rollups import recount, stored


def snapshot():
    return ({(r.month, r.dimension, r.key): (r.total, r.responded, r.resolved, r.satisfied, r.basically)
             for r in RateRollup.objects.all()},
            {(r.month, r.agency_id, r.grid_code): (r.total, r.responded, r.resolved, r.satisfied, r.basically)
             for r in AgencyRateRollup.objects.all()})


def local(year, month, day, hour, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def test_refreshing_each_rated_cases_grid_gives_the_same_rates_as_a_full_recount(cw):
    cases = [
        rated(cw, 116.005, "satisfied"),
        rated(cw, 116.005, "basically", agency=cw.agencies[0]),
        rated(cw, 116.005, "unsatisfied", solved=False, responded_late=True, agency=cw.agencies[0]),
        rated(cw, 116.015, "satisfied", responded_late=True),
        rated(cw, 116.03, "satisfied", agency=cw.agencies[1]),
        rated(cw, 116.03, "basically", solved=False),
    ]
    rates.refresh_month(MARCH.date())
    full = snapshot()
    assert full[0] and full[1]
    RateRollup.objects.all().delete()
    AgencyRateRollup.objects.all().delete()
    for case in cases:
        rates.refresh_for_case(Case.objects.get(pk=case.pk))
    assert snapshot() == full


def test_a_grid_refresh_reads_only_that_grids_cases(cw):
    rated(cw, 116.005, "satisfied", agency=cw.agencies[0])
    other = rated(cw, 116.03, "basically")
    with CaptureQueriesContext(connection) as queries:
        rates.refresh_for_case(other)
    case_reads = [q["sql"] for q in queries.captured_queries if 'FROM "cases_case"' in q["sql"]]
    assert case_reads and all(cw.grid_b.code in sql for sql in case_reads), case_reads


def test_the_rates_are_recounted_in_full_once_a_day_at_the_configured_hour(cw):
    with override_settings(ROLLUP_FULL_HOUR=3):
        assert rates.refresh_recent(now=local(2026, 3, 10, 2)) == {"full": True}  # the first tick ever
        assert rates.refresh_recent(now=local(2026, 3, 10, 2, 59)) == {"full": False}
        assert rates.refresh_recent(now=local(2026, 3, 10, 3, 1)) == {"full": True}
        assert rates.refresh_recent(now=local(2026, 3, 10, 23)) == {"full": False}
        assert rates.refresh_recent(now=local(2026, 3, 11, 4)) == {"full": True}


def test_the_minute_job_counts_a_case_overdue_once_its_deadline_passes_and_reads_only_its_grid(cw):
    case = report(cw)
    report(cw, lng=116.03)
    outbox.drain()
    assert tallies.refresh_recent()["full"] is True
    month = timezone.localtime(case.created_at).date().replace(day=1)
    assert stored(month).get((cw.grid_a.code, "cases.overdue"), 0) == 0
    Case.objects.filter(pk=case.pk).update(resolve_by=timezone.now() - datetime.timedelta(seconds=1))
    with CaptureQueriesContext(connection) as queries:
        result = tallies.refresh_recent()
    assert result["units"] == 1 and "full" not in result
    assert stored(month)[(cw.grid_a.code, "cases.overdue")] == 1
    # Only grid A's cases were counted again, not the month's.
    counts = [q["sql"] for q in queries.captured_queries
              if 'FROM "cases_case"' in q["sql"] and '"created_at" >=' in q["sql"]]
    assert counts and all(cw.grid_a.code in sql for sql in counts), counts
    Tally.objects.filter(month=month).update(count=99)  # a message lost: the minutes do not see it
    tallies.refresh_recent(now=timezone.now() + datetime.timedelta(minutes=1))
    assert stored(month) != recount(month)
    nightly = timezone.localtime().replace(hour=3, minute=0) + datetime.timedelta(days=1)
    with override_settings(ROLLUP_FULL_HOUR=3):
        assert tallies.refresh_recent(now=nightly)["full"] is True  # the daily pass corrects it
    assert stored(month) == recount(month)


def test_the_minute_jobs_queries_do_not_grow_with_the_cases(cw):
    def one_minute(n_cases):
        for _ in range(n_cases):
            report(cw)
        outbox.drain()
        now = timezone.now() + datetime.timedelta(days=400 * n_cases)  # a fresh window each time
        tick.mark(tallies.MINUTE_MARK, now - datetime.timedelta(minutes=1))
        tick.mark(tallies.FULL_MARK, now)
        with CaptureQueriesContext(connection) as queries:
            tallies.refresh_recent(now=now)
        return len(queries.captured_queries)

    assert one_minute(2) == one_minute(20)
