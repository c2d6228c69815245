"""The cockpit's roll-ups (dashboard.Tally, and each unit's sums in TallySum) against a recount
from the records."""
import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from gongzhi.cases.cockpit import count
from gongzhi.core import outbox
from gongzhi.dashboard import tallies
from gongzhi.dashboard.models import SUM_LEVELS, Tally, TallySum
from tests.test_case_workflow import cw, move, report  # noqa: F401  (fixture)


def stored(month):
    return {(t.unit_code, t.measure): t.count for t in Tally.objects.filter(month=month)}


def stored_sums(month):
    return {(t.unit_code, t.measure): t.count for t in TallySum.objects.filter(month=month)}


def summed(month):
    """Each district's, street's, community's and grid's sums, added up here from the Tally rows."""
    found = {}
    for (code, measure), n in stored(month).items():
        for length in SUM_LEVELS:
            if length <= len(code):
                found[(code[:length], measure)] = found.get((code[:length], measure), 0) + n
    return {key: n for key, n in found.items() if n}


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
    assert stored_sums(month) == summed(month)
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
    assert stored_sums(month) == summed(month)


def test_a_record_gone_from_a_grid_lowers_every_unit_above_it_and_empty_sums_are_dropped(mix):
    w, a, b = mix
    outbox.drain()
    month = this_month()
    district = w.grid_b.code[:6]
    before = stored_sums(month)
    for case in b:
        type(case).objects.filter(pk=case.pk).delete()
    tallies.refresh_month(month, unit_code=w.grid_b.code)
    after = stored_sums(month)
    assert after == summed(month)
    assert after[(district, "cases.received")] == before[(district, "cases.received")] - 2
    assert (w.grid_b.code, "cases.received") not in after
    assert not TallySum.objects.filter(count=0).exists()


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
    assert stored_sums(month) == summed(month)
    assert not Tally.objects.filter(month__lt=month).exists()
    assert not TallySum.objects.filter(month__lt=month).exists()


def test_a_street_is_the_sum_of_its_grids_read_from_the_stored_rows(mix, django_assert_num_queries):
    w = mix[0]
    tallies.refresh_recent()
    month = this_month()
    with django_assert_num_queries(1):
        street = tallies.sums(w.street.code, [month])[month]
    grids = [tallies.sums(code, [month])[month] for code in (w.grid_a.code, w.grid_b.code)]
    assert street["cases.received"] == 7 == grids[0]["cases.received"] + grids[1]["cases.received"]
    assert tallies.by_child(w.community.code, [month])[w.grid_b.code]["cases.received"] == 2


def test_a_district_reads_its_own_stored_sums_not_its_grids_rows(mix, django_assert_num_queries):
    w = mix[0]
    outbox.drain()
    month = this_month()
    with django_assert_num_queries(1) as captured:
        district = tallies.sums(w.grid_a.code[:6], [month])[month]
    assert "dashboard_tallysum" in captured.captured_queries[0]["sql"]
    assert district["cases.received"] == 7


@pytest.mark.django_db(transaction=True)
def test_recounts_of_a_grid_and_its_community_at_once_add_each_change_once(cw):
    """A recount adds to the sums the difference it made; if a second recount read the rows
    while the first had not committed, both would add the same difference (decision 86)."""
    import threading
    import time

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time (IMMEDIATE transactions): recounts cannot overlap")
    for _ in range(3):
        report(cw)
    report(cw, lng=116.03)
    month = this_month()
    tallies.rebuild()
    # As if the grids' messages were still queued: their rows not yet counted, the sums consistent.
    Tally.objects.filter(unit_code__startswith=cw.community.code, month=month).delete()
    tallies.resum(month)
    first_wrote, release, errors = threading.Event(), threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                tallies.refresh_month(month, unit_code=cw.grid_a.code)
                first_wrote.set()
                release.wait(30)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    def second():
        try:
            tallies.refresh_month(month, unit_code=cw.community.code)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    a = threading.Thread(target=first)
    a.start()
    assert first_wrote.wait(30)
    b = threading.Thread(target=second)
    b.start()
    with connection.cursor() as cursor:  # until the second waits for the first's lock
        for _ in range(200):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
    release.set()
    a.join(30)
    b.join(30)
    assert errors == []
    assert stored(month) == recount(month)
    assert stored_sums(month) == summed(month)
    assert stored_sums(month)[(cw.community.code, "cases.received")] == 4


def test_one_grids_recount_counts_what_the_whole_months_group_by_counts(mix):
    """A move's recount reads its grid's month once and counts in Python; the whole month is
    counted by GROUP BY in the database. Same rows, overdue and per agency included."""
    w = mix[0]
    later = timezone.now() + datetime.timedelta(days=30)
    start, end = tallies.month_bounds(this_month())
    for grid in (w.grid_a, w.grid_b):
        everywhere = sorted(row for row in count(start, end, now=later) if row[0] == grid.code and row[2])
        one_grid = sorted(row for row in count(start, end, unit_code=grid.code, now=later) if row[2])
        assert one_grid == everywhere
    measures = {m for _c, m, n in count(start, end, unit_code=w.grid_a.code, now=later) if n}
    assert {"cases.overdue", "cases.rated", "cases.satisfied", "cases.closed"} <= measures
    assert any(m.startswith("cases.overdue_agency:") for m in measures)
    assert any(m.startswith("cases.category:") for m in measures)
