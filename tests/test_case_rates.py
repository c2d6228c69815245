"""The three rates on a small fixture, with the expected values worked out by hand."""
import datetime

import pytest
from django.utils import timezone

from gongzhi.cases import rates, workflow
from gongzhi.cases.models import Case, RateDimension
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)

MARCH = timezone.make_aware(datetime.datetime(2026, 3, 10, 9, 0))


def rated(w, grid_lng, rating, *, solved=True, responded_late=False, agency=None):
    case = report(w, lng=grid_lng, now=MARCH)
    worker = w.worker_a if grid_lng < 116.02 else w.worker_b
    later = MARCH + datetime.timedelta(hours=1)
    if agency is None:
        workflow.perform(case.pk, "solve_on_spot", worker, note="已处理", now=later)
    else:
        workflow.perform(case.pk, "dispatch", worker, agency=agency, now=later)
        clerk = w.clerks[w.agencies.index(agency)]
        workflow.perform(case.pk, "accept", clerk, now=later)
        workflow.perform(case.pk, "feed_back", clerk, note="已处理", now=later)
        workflow.perform(case.pk, "verify", worker, now=later)
    if responded_late:
        Case.objects.filter(pk=case.pk).update(responded_at=case.respond_by + datetime.timedelta(minutes=5))
    workflow.perform(case.pk, "rate", case.reporter or w.reporter, rating=rating, solved=solved)
    return case


@pytest.fixture
def march(cw):
    # Grid A: 4 rated cases. Grid B: 2 rated cases, 1 left unrated.
    rated(cw, 116.005, "satisfied")
    rated(cw, 116.005, "basically", agency=cw.agencies[0])
    rated(cw, 116.005, "unsatisfied", solved=False, responded_late=True, agency=cw.agencies[0])
    rated(cw, 116.015, "satisfied", responded_late=True)
    rated(cw, 116.03, "satisfied", agency=cw.agencies[1])
    rated(cw, 116.03, "basically", solved=False)
    report(cw, lng=116.03, now=MARCH)  # not rated: not counted
    rates.refresh_month(MARCH.date())
    return cw


def by_key(dimension):
    return dict(rates.ranking(dimension, month=MARCH.date()))


def test_grid_rates_match_the_hand_computed_values(march):
    a = by_key(RateDimension.GRID)[march.grid_a.code]
    # 4 rated; responded in time 2 of 4; solved 3 of 4; satisfaction (2 + 0.9 × 1) / 4
    assert a.total == 4
    assert a.response_rate == pytest.approx(0.5)
    assert a.solution_rate == pytest.approx(0.75)
    assert a.satisfaction_rate == pytest.approx(0.725)
    assert a.composite == pytest.approx(0.1 * 0.5 + 0.5 * 0.75 + 0.4 * 0.725)  # 0.715
    b = by_key(RateDimension.GRID)[march.grid_b.code]
    # 2 rated; responded 2/2; solved 1/2; satisfaction (1 + 0.9) / 2 = 0.95
    assert (b.total, b.response_rate, b.solution_rate) == (2, 1.0, 0.5)
    assert b.satisfaction_rate == pytest.approx(0.95)
    assert b.composite == pytest.approx(0.1 + 0.25 + 0.38)  # 0.73


def test_the_ranking_puts_the_best_composite_first(march):
    order = [key for key, _ in rates.ranking(RateDimension.GRID, month=MARCH.date())]
    assert order == [march.grid_b.code, march.grid_a.code]  # 0.73 before 0.715


def test_community_street_and_district_sum_their_grids(march):
    for dimension, code in ((RateDimension.COMMUNITY, march.community.code), (RateDimension.STREET, march.street.code),
                            (RateDimension.DISTRICT, march.district.code)):
        r = by_key(dimension)[code]
        # 6 rated; responded 4; solved 4; satisfaction (3 + 0.9 × 2) / 6 = 0.8
        assert (r.total, r.responded, r.resolved) == (6, 4, 4)
        assert r.satisfaction_rate == pytest.approx(0.8)


def test_agency_rates_count_the_cases_it_worked_on(march):
    agencies = by_key(RateDimension.AGENCY)
    first = agencies[str(march.agencies[0].pk)]
    # two cases: one basically satisfied and solved, one unsatisfied, unsolved, responded late
    assert (first.total, first.responded, first.resolved) == (2, 1, 1)
    assert first.satisfaction_rate == pytest.approx(0.45)
    assert agencies[str(march.agencies[1].pk)].satisfaction_rate == pytest.approx(1.0)


def test_the_weights_come_from_settings(march, settings):
    settings.CASE_RATE_WEIGHTS = (0.2, 0.4, 0.4)
    a = by_key(RateDimension.GRID)[march.grid_a.code]
    assert a.composite == pytest.approx(0.2 * 0.5 + 0.4 * 0.75 + 0.4 * 0.725)


def test_a_rating_refreshes_the_roll_up_on_commit(cw, django_capture_on_commit_callbacks):
    case = report(cw, now=MARCH)
    workflow.perform(case.pk, "solve_on_spot", cw.worker_a, note="已处理")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(case.pk, "rate", cw.reporter, rating="satisfied")
    assert by_key(RateDimension.GRID)[cw.grid_a.code].total == 1
    with django_capture_on_commit_callbacks(execute=True):
        pass
    assert rates.overall().total == 1


def test_a_reopened_case_leaves_the_rates_until_rated_again(cw, django_capture_on_commit_callbacks):
    case = report(cw, now=MARCH)
    workflow.perform(case.pk, "solve_on_spot", cw.worker_a, note="已处理")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(case.pk, "rate", cw.reporter, rating="unsatisfied", solved=False)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(case.pk, "reopen", cw.reporter, note="没修好")
    assert cw.grid_a.code not in by_key(RateDimension.GRID)


def test_the_roll_up_is_updated_in_place_by_code_ranges_without_like(march, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.cases.models import RateRollup

    before = dict(RateRollup.objects.values_list("pk", "total"))
    case = rated(march, 116.005, "satisfied")
    with CaptureQueriesContext(connection) as queries:
        rates.refresh_for_case(case)
        rates.refresh_month(MARCH.date())
    sqls = [q["sql"].upper() for q in queries]
    assert not any("LIKE" in sql for sql in sqls), sqls
    assert any("ON CONFLICT" in sql for sql in sqls), sqls
    assert not any(sql.startswith("DELETE") for sql in sqls), sqls  # nothing dropped: nothing deleted
    after = dict(RateRollup.objects.values_list("pk", "total"))
    assert set(after) == set(before)  # the same rows, updated
    assert after[RateRollup.objects.get(dimension=RateDimension.GRID, key=march.grid_a.code).pk] == 5


def test_a_unit_whose_rated_cases_are_gone_loses_its_row_and_the_others_keep_theirs(march):
    from gongzhi.cases.models import CaseRating, RateRollup

    Case.objects.filter(grid_code=march.grid_b.code).update(rating="", rating_solved=None)
    CaseRating.objects.filter(case__grid_code=march.grid_b.code).delete()
    kept = RateRollup.objects.get(dimension=RateDimension.GRID, key=march.grid_a.code).pk
    rates.refresh_month(MARCH.date())
    assert march.grid_b.code not in by_key(RateDimension.GRID)
    assert str(march.agencies[1].pk) not in by_key(RateDimension.AGENCY)
    assert RateRollup.objects.get(dimension=RateDimension.GRID, key=march.grid_a.code).pk == kept
    assert by_key(RateDimension.COMMUNITY)[march.community.code].total == 4


@pytest.mark.django_db(transaction=True)
def test_two_refreshes_of_one_month_at_once_both_succeed(cw):
    """Delete-and-insert made the second refresh collide on the unique key once the first committed."""
    import threading
    import time

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time (IMMEDIATE transactions): refreshes cannot overlap")
    rated(cw, 116.005, "satisfied")
    rated(cw, 116.03, "basically", agency=cw.agencies[1])
    rates.refresh_month(MARCH.date())
    rated(cw, 116.005, "unsatisfied", solved=False)
    first_wrote, release, errors = threading.Event(), threading.Event(), []

    def first():
        try:
            with transaction.atomic():
                rates.refresh_month(MARCH.date())
                first_wrote.set()
                release.wait(30)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    def second():
        try:
            rates.refresh_month(MARCH.date())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    a = threading.Thread(target=first)
    a.start()
    assert first_wrote.wait(30)
    b = threading.Thread(target=second)
    b.start()
    with connection.cursor() as cursor:  # until the second waits for the first's row locks
        for _ in range(200):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
    release.set()
    a.join(30)
    b.join(30)
    assert errors == []
    assert by_key(RateDimension.GRID)[cw.grid_a.code].total == 2
