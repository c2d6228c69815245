"""The rates page limits every dimension to the viewer's scope: agencies count only the
viewer's cases, a level above the viewer shows their own units (never zeros), the headline
is the same whichever dimension is shown, and the chart shows the best and the worst."""
import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases import rates, workflow
from gongzhi.cases.models import RateDimension, RateRollup
from gongzhi.people.models import Role
from gongzhi.territory import services as territory
from gongzhi.territory.models import Level
from tests.conftest import PASSWORD, make_user, square
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)

MARCH = timezone.make_aware(datetime.datetime(2026, 3, 10, 9, 0))
LNG = {"a": 116.005, "b": 116.03, "c": 116.05}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def rated(w, grid, rating, agency=None):
    case = report(w, lng=LNG[grid], now=MARCH)
    worker = {"a": w.worker_a, "b": w.worker_b, "c": w.worker_c}[grid]
    later = MARCH + datetime.timedelta(hours=1)
    if agency is None:
        workflow.perform(case.pk, "solve_on_spot", worker, note="已处理", now=later)
    else:
        workflow.perform(case.pk, "dispatch", worker, agency=agency, now=later)
        clerk = w.clerks[w.agencies.index(agency)]
        workflow.perform(case.pk, "accept", clerk, now=later)
        workflow.perform(case.pk, "feed_back", clerk, note="已处理", now=later)
        workflow.perform(case.pk, "verify", worker, now=later)
    workflow.perform(case.pk, "rate", w.reporter, rating=rating, solved=rating != "unsatisfied")
    return case


@pytest.fixture
def spread(cw):
    """Street 1 (grids A, B) and street 2 (grid C) of one district; the first agency works in all three grids."""
    street2 = territory.create_unit(name="第二街道", level=Level.STREET, parent=cw.district)
    community2 = territory.create_unit(name="第二社区", level=Level.COMMUNITY, parent=street2)
    cw.grid_c = territory.create_unit(name="C网格", level=Level.GRID, parent=community2, boundary=square(116.04, 35.00, 0.02))
    territory.create_unit(name="C1", level=Level.MICRO_GRID, parent=cw.grid_c, boundary=square(116.04, 35.00, 0.02))
    cw.worker_c = make_user("worker-c", Role.GRID_WORKER, [cw.grid_c])
    cw.street_admin = make_user("street-admin", Role.STREET_ADMIN, [cw.street])
    cw.district_admin = make_user("district-admin", Role.DISTRICT_ADMIN, [cw.district])
    for clerk in cw.clerks:
        clerk.role_assignments.get().units.add(cw.grid_c)
    first = cw.agencies[0]
    rated(cw, "a", "satisfied", first)
    rated(cw, "a", "unsatisfied", first)
    rated(cw, "a", "satisfied")
    rated(cw, "b", "satisfied", first)
    rated(cw, "c", "basically", first)
    rates.refresh_month(MARCH.date())
    return cw


def shown(user, dimension):
    ranked, overall = rates.visible_ranking(user, dimension)
    return {key: r.total for key, r in ranked}, overall.total


def test_agencies_count_only_the_rated_cases_of_the_viewers_grids(spread):
    first = str(spread.agencies[0].pk)
    assert shown(spread.worker_a, RateDimension.AGENCY)[0] == {first: 2}
    assert shown(spread.secretary, RateDimension.AGENCY)[0] == {first: 3}
    assert shown(spread.street_admin, RateDimension.AGENCY)[0] == {first: 3}
    assert shown(spread.district_admin, RateDimension.AGENCY)[0] == {first: 4}


@pytest.mark.parametrize("persona, total", [("worker_a", 3), ("secretary", 4), ("street_admin", 4), ("district_admin", 5)])
def test_the_headline_is_the_same_whichever_dimension_is_shown(spread, persona, total):
    user = getattr(spread, persona)
    assert {shown(user, d)[1] for d in RateDimension.values} == {total}


def test_a_level_above_the_viewers_scope_shows_their_own_units_not_zeros(spread):
    assert shown(spread.street_admin, RateDimension.DISTRICT)[0] == {spread.street.code: 4}
    assert shown(spread.worker_a, RateDimension.STREET)[0] == {spread.grid_a.code: 3}
    # At or below their level: the units under their scope, as before.
    assert shown(spread.street_admin, RateDimension.GRID)[0] == {spread.grid_a.code: 3, spread.grid_b.code: 1}
    assert shown(spread.district_admin, RateDimension.STREET)[0] == {spread.street.code: 4, spread.grid_c.parent.parent.code: 1}


def test_the_page_of_a_street_admin_by_district_shows_their_street_and_says_so(client, spread):
    login(client, spread.street_admin)
    pages = {d: client.get(reverse("cases:rates"), {"by": d}).content.decode() for d in RateDimension.values}
    headlines = {d: re.search(r'data-rate="total">(\d+)<', page).group(1) for d, page in pages.items()}
    assert set(headlines.values()) == {"4"}, headlines
    assert f'data-key="{spread.street.code}"' in pages["district"]
    assert 'data-testid="shown-by"' in pages["district"]
    assert 'data-testid="shown-by"' not in pages["grid"]


def test_a_rating_after_the_month_was_rolled_up_reaches_the_agency_rows_of_its_grid(spread, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rated(spread, "b", "satisfied", spread.agencies[0])
    assert shown(spread.secretary, RateDimension.AGENCY)[0] == {str(spread.agencies[0].pk): 4}
    assert shown(spread.worker_a, RateDimension.AGENCY)[0] == {str(spread.agencies[0].pk): 2}


def test_the_chart_shows_the_top_ten_and_the_bottom_ten_labelled(client, cw):
    month = datetime.date(2026, 3, 1)
    for i in range(25):
        grid = territory.create_unit(name=f"网格{i:02d}", level=Level.GRID, parent=cw.community)
        # Grid i: 10 rated, i of them satisfied and solved: 网格24 best, 网格00 worst.
        RateRollup.objects.create(month=month, dimension="grid", key=grid.code, total=10, responded=10,
                                  resolved=i % 11, satisfied=i % 11)
    login(client, cw.secretary)
    page = client.get(reverse("cases:rates"), {"by": "grid"}).content.decode()
    chart = json.loads(re.search(r'<script id="rates-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    labels = [group["label"] for group in chart["groups"]]
    assert labels == ["前 10 名", "后 10 名"]
    top, bottom = chart["groups"]
    assert len(top["names"]) == len(bottom["names"]) == 10
    assert top["names"][0] in ("网格10", "网格21")  # 10 of 10 satisfied
    assert bottom["names"][-1] in ("网格00", "网格11", "网格22")  # 0 of 10
    assert not set(top["names"]) & set(bottom["names"])


def test_a_short_ranking_is_one_chart_of_all(client, cw):
    RateRollup.objects.create(month=datetime.date(2026, 3, 1), dimension="grid", key=cw.grid_a.code, total=5, responded=5, resolved=5, satisfied=5)
    login(client, cw.secretary)
    page = client.get(reverse("cases:rates"), {"by": "grid"}).content.decode()
    chart = json.loads(re.search(r'<script id="rates-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    assert len(chart["groups"]) == 1 and chart["groups"][0]["names"] == ["A网格"]


def test_the_migration_rolls_up_the_months_rated_before_it(spread):
    import importlib

    from django.apps import apps

    from gongzhi.cases.models import AgencyRateRollup

    before = sorted(AgencyRateRollup.objects.values_list("month", "agency_id", "grid_code", "total", "responded", "resolved", "satisfied", "basically"))
    assert before
    AgencyRateRollup.objects.all().delete()
    importlib.import_module("gongzhi.cases.migrations.0012_agency_rate_rollup").fill(apps, None)
    assert sorted(AgencyRateRollup.objects.values_list("month", "agency_id", "grid_code", "total", "responded", "resolved", "satisfied", "basically")) == before
