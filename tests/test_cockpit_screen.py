"""The big screen (大屏) and the JSON it polls."""
from tests.test_case_workflow import cw, move, report  # noqa: F401  (fixture)
from tests.test_cockpit_page import cockpit  # noqa: F401  (fixture)


def test_the_big_screen_is_a_dark_page_that_polls_the_cockpit_json(client, cockpit, settings):
    settings.COCKPIT_REFRESH_SECONDS = 30
    client.force_login(cockpit.street_admin)
    page = client.get(f"/dashboard/cockpit/{cockpit.street.code}/screen/").content.decode()
    assert 'data-bs-theme="dark"' in page and 'class="cockpit-screen"' in page
    assert 'data-refresh="30"' in page
    assert f'data-src="/dashboard/cockpit/{cockpit.street.code}/data.json?month=' in page
    assert "<script>" not in page  # code lives in static files (CSP)


def test_the_json_holds_the_same_figures_as_the_page(client, cockpit):
    client.force_login(cockpit.street_admin)
    data = client.get(f"/dashboard/cockpit/{cockpit.street.code}/data.json").json()
    page = client.get(f"/dashboard/cockpit/{cockpit.street.code}/").context["data"]
    assert data["figures"] == page["figures"]
    figures = {f["key"]: f["value"] for f in data["figures"]}
    assert (figures["cases.received"], figures["cases.overdue"]) == (7, 2)
    assert [p["key"] for p in data["panels"]] == [p["key"] for p in page["panels"]]


def test_the_json_follows_new_cases_after_the_minute_job(client, cockpit):
    from gongzhi.dashboard import tallies

    client.force_login(cockpit.street_admin)
    url = f"/dashboard/cockpit/{cockpit.street.code}/data.json"
    report(cockpit)
    tallies.refresh_recent()
    figures = {f["key"]: f["value"] for f in client.get(url).json()["figures"]}
    assert figures["cases.received"] == 8
