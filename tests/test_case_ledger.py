"""The case ledger page (/cases/ledger/): the filter set's answer, in scope, paged, without N+1."""
from django.urls import reverse

from gongzhi.cases.models import Case, Status
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


def numbers(response):
    return sorted(c.number for c in response.context["cases"])


def test_the_ledger_lists_what_the_filter_set_finds_in_scope(client, cw):
    for _ in range(3):
        report(cw)
    Case.objects.filter(pk=Case.objects.order_by("pk").first().pk).update(status=Status.CLOSED)
    client.force_login(cw.secretary)
    assert len(numbers(client.get(reverse("cases:ledger"), {"status": "open"}))) == 2
    assert len(numbers(client.get(reverse("cases:ledger"), {"unit": cw.grid_a.code}))) == 3
    client.force_login(cw.worker_b)
    assert numbers(client.get(reverse("cases:ledger"))) == []


def test_the_ledger_pages_keep_the_filters_and_do_not_grow_queries(client, cw, django_assert_max_num_queries):
    for _ in range(30):
        report(cw)
    client.force_login(cw.secretary)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("cases:ledger"), {"status": "open"})
    assert len(first.context["cases"]) == 25 and first.context["next_cursor"]
    assert "?status=open&after=" in first.content.decode()
    rest = client.get(reverse("cases:ledger"), {"status": "open", "after": first.context["next_cursor"]})
    assert len(rest.context["cases"]) == 5
