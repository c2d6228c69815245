"""The one case filter set (issue 11): it answers what the API list answers, searches by keyword
(jieba words stored at intake, decision 83) and never filters on personal data."""
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


def test_keyword_search_finds_every_word_of_the_query_in_the_stored_words(cw):
    lamp = report(cw, title="路灯不亮", description="南门路灯晚上不亮")
    fitness = report(cw)  # 小区健身器材的扶手断了
    assert filtered(cw.worker_a, q="路灯") == [lamp.number]
    assert filtered(cw.worker_a, q="南门 路灯") == [lamp.number]
    assert filtered(cw.worker_a, q="南门路灯") == [lamp.number]  # cut like the case's text
    assert filtered(cw.worker_a, q="扶手") == [fitness.number]
    assert filtered(cw.worker_a, q="路灯 扶手") == []  # every word, not any
    assert filtered(cw.worker_a, q="电梯") == []


def test_a_keyword_is_a_whole_word_not_a_part_of_one(cw):
    fitness = report(cw)
    assert " 健身器材 " in f" {Case.objects.get(pk=fitness.pk).words} "
    assert filtered(cw.worker_a, q="健身器材") == [fitness.number]
    assert filtered(cw.worker_a, q="器材") == []  # inside 健身器材, not a word of the case


def test_keyword_search_combines_with_the_other_filters(cw):
    lamp = report(cw, title="路灯不亮", description="南门路灯晚上不亮")
    other = report(cw, title="路灯坏了", description="北门路灯坏了")
    Case.objects.filter(pk=other.pk).update(status=Status.CLOSED)
    assert filtered(cw.worker_a, q="路灯") == sorted([lamp.number, other.number])
    assert filtered(cw.worker_a, q="路灯", status="open") == [lamp.number]
    assert filtered(cw.worker_b, q="路灯") == []  # never outside one's scope


def test_a_case_number_typed_as_a_keyword_finds_that_case(cw):
    first, second = report(cw), report(cw)
    assert filtered(cw.worker_a, q=second.number) == [second.number]
    assert filtered(cw.worker_a, q=f" {first.number} ") == [first.number]
    assert filtered(cw.worker_b, q=first.number) == []


def test_a_case_without_stored_words_is_searched_in_its_text(cw):
    lamp = report(cw, title="路灯不亮", description="南门路灯晚上不亮")
    Case.objects.filter(pk=lamp.pk).update(words="")  # closed before words were stored
    assert filtered(cw.worker_a, q="路灯") == [lamp.number]
    assert filtered(cw.worker_a, q="路灯 扶手") == []


def test_a_keyword_search_counts_nothing(cw):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report(cw, title="路灯不亮", description="南门路灯晚上不亮")
    fs = CaseFilterSet({"q": "南门 路灯", "status": "open"}, queryset=Case.objects.visible_to(cw.worker_a))
    with CaptureQueriesContext(connection) as seen:
        assert fs.is_valid() and len(list(fs.qs[:25])) == 1
    assert len(seen.captured_queries) == 1
    assert "COUNT(" not in seen.captured_queries[0]["sql"].upper()


def test_a_keyword_too_long_is_refused_before_the_database(cw):
    fs = CaseFilterSet({"q": "路灯" * 60}, queryset=Case.objects.visible_to(cw.worker_a))
    assert not fs.is_valid() and "q" in fs.errors


def test_personal_data_is_not_a_filter():
    assert not {"contact_phone", "phone", "id_number", "care_tags"} & set(CaseFilterSet.base_filters)


def test_on_postgresql_a_keyword_is_looked_up_in_the_words_index(cw):
    # At 10 M cases a LIKE over every row's words is a scan of the table; the GIN index over the
    # array of words (migration 0017) answers "cases with all these words" (and the partial index
    # the few cases without stored words). Forbidding the scan, the plan must use both.
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the words index is PostgreSQL's (SQLite keeps the LIKE)")
    report(cw, title="路灯不亮", description="南门路灯晚上不亮")
    fs = CaseFilterSet({"q": "南门 路灯"}, queryset=Case.objects.all())
    assert fs.is_valid()
    sql, params = fs.qs.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " | ".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
    assert "case_words" in plan and "case_uncut" in plan, plan
