"""One case filter set (decisions 70 and 83): the API list, the ledger page and the export answer
the same cases for the same query string; the API's older parameters still work."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases.models import OPEN_STATUSES, Case, Status
from tests.test_api import api, bearer  # noqa: F401  (fixture)
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)
from tests.test_ledgers_export import sheet_rows


def api_numbers(api, user, query):
    found, after = [], ""
    while True:
        body = api.get("/cases", user, limit=2, after=after, **query).json()
        found += [item["number"] for item in body["items"]]
        if not body["next"]:
            return sorted(found)
        after = body["next"]


def page_numbers(client, query):
    numbers, after = [], {}
    while True:
        page = client.get(reverse("cases:ledger"), {**query, **after})
        assert page.status_code == 200
        numbers += [c.number for c in page.context["cases"]]
        if not page.context["next_cursor"]:
            return sorted(numbers)
        after = {"after": page.context["next_cursor"]}


def export_numbers(client, query):
    _headers, rows = sheet_rows(client.get(reverse("ledgers:export", args=["cases"]), query))
    return sorted(r[0] for r in rows)


@pytest.fixture
def mixed(cw):
    cases = [report(cw) for _ in range(5)]
    lamp = report(cw, title="路灯不亮", description="南门路灯晚上不亮")
    old = timezone.now() - dt.timedelta(days=40)
    Case.objects.filter(pk=cases[0].pk).update(status=Status.CLOSED, closed_at=old, created_at=old)
    Case.objects.filter(pk=cases[1].pk).update(status=Status.RATED, rating="satisfied", rating_solved=True)
    Case.objects.filter(pk=cases[2].pk).update(resolve_by=timezone.now() - dt.timedelta(hours=1))
    return cw, cases, lamp


QUERIES = [
    {}, {"status": "open"}, {"status": "closed,rated"}, {"status": "registered"}, {"overdue": "true"}, {"status": "open", "overdue": "1"},
    {"overdue": "false"}, {"rating": "satisfied"}, {"solved": "true"}, {"q": "路灯"},
    {"created_after": (timezone.localdate() - dt.timedelta(days=2)).isoformat()},
    {"created_before": (timezone.localdate() - dt.timedelta(days=2)).isoformat()},
    {"status": "open", "overdue": "false", "created_after": (timezone.localdate() - dt.timedelta(days=2)).isoformat()},
]


def test_the_api_list_the_ledger_and_the_export_answer_the_same_cases(api, client, mixed):
    cw, cases, lamp = mixed
    client.force_login(cw.secretary)
    seen = set()
    for query in QUERIES + [{"unit": cw.grid_a.code}, {"category": str(cw.category.pk)},
                            {"category_code": cw.category.code}]:
        from_api = api_numbers(api, cw.secretary, query)
        assert from_api == page_numbers(client, query) == export_numbers(client, query), query
        seen.add(len(from_api))
    assert len(seen) >= 4  # the queries do tell cases apart


def test_the_api_keeps_its_older_parameters(api, mixed):
    cw, cases, lamp = mixed
    user = cw.secretary
    open_ones = api_numbers(api, user, {"status": ",".join(OPEN_STATUSES)})
    assert open_ones == api_numbers(api, user, {"status": "open"}) and len(open_ones) == 4
    assert api_numbers(api, user, {"category_code": cw.category.code}) == api_numbers(api, user, {})
    since = (timezone.now() - dt.timedelta(days=2)).isoformat()
    assert len(api_numbers(api, user, {"created_after": since})) == 5
    assert len(api_numbers(api, user, {"created_before": since})) == 1


def test_a_bad_filter_is_a_400_naming_the_field(api, cw):
    for query in ({"status": "nonsense"}, {"created_after": "yesterday"}, {"category": "x"}):
        response = api.get("/cases", cw.secretary, **query)
        assert response.status_code == 400, query
        assert list(response.json()["error"]["fields"]) == list(query)


def inbox_numbers(client, tab):
    numbers, after = [], {}
    while True:
        page = client.get(reverse("cases:inbox"), {"tab": tab, **after})
        numbers += [c.number for c in page.context["cases"]]
        if not page.context["next_cursor"]:
            return sorted(numbers)
        after = {"after": page.context["next_cursor"]}


def test_each_inbox_tab_lists_what_the_ledger_lists_for_the_tabs_filters(client, mixed):
    """The secretary reported none of these, so the cases they work on are the ledger's."""
    from gongzhi.cases.views import INBOX_TABS

    cw, cases, lamp = mixed
    client.force_login(cw.secretary)
    counts = {}
    for tab in ("overdue", "supervised", "new", "open"):
        counts[tab] = len(inbox_numbers(client, tab))
        assert inbox_numbers(client, tab) == page_numbers(client, INBOX_TABS[tab][1]), tab
    assert counts["overdue"] == 1 and counts["open"] == 4
