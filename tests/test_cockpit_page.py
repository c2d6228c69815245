"""The cockpit page of a unit: its figures, panels and links against a hand-computed fixture."""
import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.cases.models import Case
from gongzhi.dashboard import tallies
from gongzhi.people.models import Role
from gongzhi.territory import services as territory
from gongzhi.territory.models import Level
from tests.conftest import make_user, square
from tests.test_api import bearer
from tests.test_case_workflow import cw, move, report  # noqa: F401  (fixture)

NOW = timezone.now()
THIS_MONTH = timezone.localdate().replace(day=1)
LAST_MONTH = tallies.add_months(THIS_MONTH, -1)
LAST_YEAR = tallies.add_months(THIS_MONTH, -12)


def at(month):
    return timezone.make_aware(datetime.datetime(month.year, month.month, 2, 10, 0))


@pytest.fixture
def cockpit(cw):
    """This month: grid A five cases, grid B two. a0, a1 solved on the spot, a1 rated satisfied;
    a2 sent to agency 0 and overdue; a3 overdue; b0 solved on the spot, rated basically, not solved.
    Last month one case in grid A; the same month last year two."""
    w = cw
    a = [report(w) for _ in range(5)]
    b = [report(w, lng=116.03) for _ in range(2)]
    move(a[0], "solve_on_spot", w.worker_a, note="当场修好了")
    move(a[1], "solve_on_spot", w.worker_a, note="当场修好了")
    move(a[1], "rate", w.reporter, rating="satisfied", solved=True)
    move(a[2], "dispatch", w.worker_a, agency=w.agencies[0])
    move(b[0], "solve_on_spot", w.worker_b, note="好了")
    move(b[0], "rate", w.reporter, rating="basically", solved=False)
    Case.objects.filter(pk__in=[a[2].pk, a[3].pk]).update(resolve_by=NOW - datetime.timedelta(hours=1))
    report(w, now=at(LAST_MONTH))
    report(w, now=at(LAST_YEAR))
    report(w, lng=116.03, now=at(LAST_YEAR))
    w.other_street = territory.create_unit(name="别的街道", level=Level.STREET, parent=w.district)
    other_community = territory.create_unit(name="别的社区", level=Level.COMMUNITY, parent=w.other_street)
    w.other_grid = territory.create_unit(name="别的网格", level=Level.GRID, parent=other_community,
                                         boundary=square(116.10, 35.00, 0.02))
    w.street_admin = make_user("street-admin", Role.STREET_ADMIN, [w.street])
    tallies.rebuild(first=LAST_YEAR)
    w.a, w.b = a, b
    return w


def figures(client, user, code):
    client.force_login(user)
    response = client.get(f"/dashboard/cockpit/{code}/")
    assert response.status_code == 200
    return {f["key"]: f for f in response.context["data"]["figures"]}, response


def test_the_street_cockpit_shows_the_hand_counted_figures_with_their_trends(client, cockpit):
    found, _ = figures(client, cockpit.street_admin, cockpit.street.code)
    assert {k: found[k]["value"] for k in ("cases.received", "cases.closed", "cases.open", "cases.overdue",
                                           "cases.solved", "cases.satisfied", "cases.basically")} == {
        "cases.received": 7, "cases.closed": 3, "cases.open": 4, "cases.overdue": 2,
        "cases.solved": 1, "cases.satisfied": 1, "cases.basically": 1}
    received = found["cases.received"]
    assert (received["last_month"], received["last_year"]) == (1, 2)
    assert received["vs_last_month"] == pytest.approx(6.0)  # (7 − 1) / 1
    assert received["vs_last_year"] == pytest.approx(2.5)  # (7 − 2) / 2


def test_a_grid_cockpit_counts_only_its_own_grid(client, cockpit):
    found, _ = figures(client, cockpit.street_admin, cockpit.grid_b.code)
    assert (found["cases.received"]["value"], found["cases.closed"]["value"], found["cases.open"]["value"]) == (2, 1, 1)


def test_the_panels_hold_categories_by_month_rates_by_unit_and_overdue_by_agency(client, cockpit):
    _, response = figures(client, cockpit.street_admin, cockpit.community.code)
    panels = {p["key"]: p for p in response.context["data"]["panels"]}
    categories = panels["cases-by-category"]
    assert categories["x"][-1] == THIS_MONTH.strftime("%Y-%m") and len(categories["x"]) == 12
    assert [s["data"][-1] for s in categories["series"]] == [7]  # one category, seven cases this month
    assert categories["series"][0]["data"][-2] == 1  # last month
    # Rates: a1 satisfied and solved, b0 basically and not solved; too few to rank either grid.
    rates = panels["rates"]
    assert rates["own"]["rated"] == 2
    assert rates["own"]["solution"] == pytest.approx(0.5)
    assert rates["own"]["satisfaction"] == pytest.approx((1 + 0.9) / 2)
    assert rates["top"] == [] and rates["bottom"] == []
    agencies = panels["overdue-by-agency"]
    assert agencies["x"] == [cockpit.agencies[0].name] and agencies["series"][0]["data"] == [1]
    assert {"meetings-and-issues", "services"} <= set(panels)


def test_the_ranking_shows_the_top_and_the_bottom(client, cockpit):
    month = THIS_MONTH
    from gongzhi.dashboard.models import Tally
    # Five rated cases in each grid, all solved in grid B, none in grid A: B tops, A is at the bottom.
    for grid, solved in ((cockpit.grid_a, 0), (cockpit.grid_b, 5)):
        for measure, n in (("cases.rated", 5), ("cases.responded", 5), ("cases.solved", solved), ("cases.satisfied", 5)):
            Tally.objects.update_or_create(month=month, unit_code=grid.code, measure=measure, defaults={"count": n})
    tallies.resum(month)  # the units' sums from the rows written here (the recounts keep them otherwise)
    _, response = figures(client, cockpit.street_admin, cockpit.community.code)
    rates = next(p for p in response.context["data"]["panels"] if p["key"] == "rates")
    assert [r["code"] for r in rates["top"]] == [cockpit.grid_b.code, cockpit.grid_a.code]
    assert [r["code"] for r in rates["bottom"]] == [cockpit.grid_a.code, cockpit.grid_b.code]
    assert 'data-testid="ranking"' in response.content.decode()


def api_count(client, user, link):
    """How many cases the case list answers for a cockpit link (the API's list takes the
    ledger's filters as they are: one case filter set, decision 83)."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    assert urlsplit(link).path == "/cases/ledger/"
    items, after = [], ""
    while True:
        page = client.get("/api/v1/cases", {**query, "limit": 100, "after": after}, **bearer(user)).json()
        items += page["items"]
        if not page["next"]:
            return len(items)
        after = page["next"]


@pytest.mark.parametrize("key", ["cases.received", "cases.closed", "cases.open", "cases.overdue"])
def test_every_case_figure_links_to_a_list_with_that_many_cases(client, cockpit, key):
    for code in (cockpit.street.code, cockpit.grid_a.code):
        found, _ = figures(client, cockpit.street_admin, code)
        assert api_count(client, cockpit.street_admin, found[key]["link"]) == found[key]["value"], (code, key)


def test_every_figure_is_a_link(client, cockpit):
    found, response = figures(client, cockpit.street_admin, cockpit.street.code)
    page = response.content.decode()
    for key, figure in found.items():
        assert figure["link"], key
        assert f'data-figure="{key}"' in page


def test_a_street_admin_gets_404_outside_the_street(client, cockpit):
    client.force_login(cockpit.street_admin)
    for code in (cockpit.other_street.code, cockpit.other_grid.code, cockpit.district.code):
        for suffix in ("", "screen/", "data.json", "map.json", "report/"):
            assert client.get(f"/dashboard/cockpit/{code}/{suffix}").status_code == 404, (code, suffix)
    for code in (cockpit.street.code, cockpit.community.code, cockpit.grid_a.code):
        assert client.get(f"/dashboard/cockpit/{code}/").status_code == 200
    assert client.get("/dashboard/cockpit/")["Location"] == f"/dashboard/cockpit/{cockpit.street.code}/"


def test_a_grid_worker_sees_only_the_grid_and_a_resident_no_cockpit(client, cockpit):
    client.force_login(cockpit.worker_a)
    assert client.get(f"/dashboard/cockpit/{cockpit.grid_a.code}/").status_code == 200
    assert client.get(f"/dashboard/cockpit/{cockpit.grid_b.code}/").status_code == 404
    client.force_login(cockpit.reporter)
    assert client.get(f"/dashboard/cockpit/{cockpit.grid_a.code}/").status_code == 404
    assert client.get("/dashboard/cockpit/").status_code == 404


def test_the_cockpit_costs_the_same_queries_whatever_the_number_of_cases(client, cockpit):
    client.force_login(cockpit.street_admin)
    url = f"/dashboard/cockpit/{cockpit.street.code}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(12):
        report(cockpit, lng=116.005 + (i % 3) * 0.01)
    tallies.refresh_recent()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) <= 16
    assert not any('"cases_case"' in q["sql"] for q in many.captured_queries)


def test_the_map_has_the_grids_with_their_measures(client, cockpit):
    client.force_login(cockpit.street_admin)
    data = client.get(f"/dashboard/cockpit/{cockpit.community.code}/map.json").json()
    grids = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert set(grids) == {cockpit.grid_a.code, cockpit.grid_b.code}
    assert (grids[cockpit.grid_a.code]["density"], grids[cockpit.grid_a.code]["overdue"]) == (5, 2)
    assert grids[cockpit.grid_b.code]["satisfaction"] == pytest.approx(0.9)
    assert grids[cockpit.grid_b.code]["url"] == f"/dashboard/cockpit/{cockpit.grid_b.code}/"
