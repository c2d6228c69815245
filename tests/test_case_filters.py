"""The one case filter set (issue 11): it answers what the API list answers, searches by keyword
and never filters on personal data."""
import pytest

from gongzhi.cases.filters import CaseFilterSet
from gongzhi.cases.models import Case, Status
from tests.test_api import api, bearer  # noqa: F401  (fixture)
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


def filtered(user, **params):
    fs = CaseFilterSet({k: str(v) for k, v in params.items()}, queryset=Case.objects.visible_to(user))
    assert fs.is_valid(), fs.errors
    return sorted(c.number for c in fs.qs)


def listed(api, user, **params):
    return sorted(item["number"] for item in api.get("/cases", user, limit=100, **params).json()["items"])


def test_the_filter_set_answers_what_the_api_list_answers(api, cw):
    for _ in range(4):
        report(cw)
    Case.objects.filter(pk=Case.objects.order_by("pk").first().pk).update(status=Status.CLOSED)
    assert len(filtered(cw.worker_a, status="registered")) == 3
    assert filtered(cw.worker_a, status="registered") == listed(api, cw.worker_a, status="registered")
    assert filtered(cw.secretary, unit=cw.grid_a.code) == listed(api, cw.secretary, unit=cw.grid_a.code)
    assert filtered(cw.worker_b) == listed(api, cw.worker_b) == []
    assert len(filtered(cw.worker_a, status="open")) == 3


def test_keyword_search_finds_words_in_title_or_description(cw):
    lamp = report(cw, title="路灯不亮", description="南门路灯晚上不亮")
    report(cw)
    assert filtered(cw.worker_a, q="路灯") == [lamp.number]
    assert filtered(cw.worker_a, q="扶手") != [lamp.number]


def test_personal_data_is_not_a_filter():
    assert not {"contact_phone", "phone", "id_number", "care_tags"} & set(CaseFilterSet.base_filters)
