"""The printable monthly report of a unit."""
from tests.test_case_workflow import cw, move, report  # noqa: F401  (fixture)
from tests.test_cockpit_page import LAST_MONTH, THIS_MONTH, cockpit  # noqa: F401  (fixture)


def test_the_monthly_report_lists_the_headline_figures_ranking_overdue_meetings_and_services(client, cockpit):
    client.force_login(cockpit.street_admin)
    response = client.get(f"/dashboard/cockpit/{cockpit.street.code}/report/", {"month": THIS_MONTH.strftime("%Y-%m")})
    page = response.content.decode()
    for testid in ("report-figures", "report-ranking", "report-overdue", "report-meetings-and-issues", "report-services"):
        assert f'data-testid="{testid}"' in page, testid
    figures = {f["key"]: f for f in response.context["data"]["figures"]}
    assert (figures["cases.received"]["value"], figures["cases.received"]["last_month"]) == (7, 1)
    overdue = next(p for p in response.context["data"]["panels"] if p["key"] == "overdue-by-agency")
    assert overdue["rows"][0][:2] == (cockpit.agencies[0].name, [1])
    assert "@media print" in open("src/gongzhi/static/gongzhi/site.css", encoding="utf-8").read()


def test_a_past_month_s_report_counts_that_month(client, cockpit):
    client.force_login(cockpit.street_admin)
    response = client.get(f"/dashboard/cockpit/{cockpit.street.code}/report/", {"month": LAST_MONTH.strftime("%Y-%m")})
    figures = {f["key"]: f["value"] for f in response.context["data"]["figures"]}
    # Last month's one case is still open and past its week: it counts as overdue in its month.
    assert figures["cases.received"] == 1 and figures["cases.overdue"] == 1 and figures["cases.closed"] == 0


def test_a_bad_month_is_not_found(client, cockpit):
    client.force_login(cockpit.street_admin)
    assert client.get(f"/dashboard/cockpit/{cockpit.street.code}/report/", {"month": "2026-13"}).status_code == 404
