"""Free text is checked once, before the database sees it (core.text), on every channel.

PostgreSQL refuses a NUL and text longer than its column (a 500 until this
check); SQLite stored both. These tests run on both databases.
"""
import pytest
from django.utils import translation

from gongzhi.api.models import ApiToken
from gongzhi.api.services import create_token
from gongzhi.cases import workflow
from gongzhi.cases.models import Case, TimelineEntry
from gongzhi.core.errors import DomainError
from gongzhi.core.text import clean_text
from gongzhi.territory import services as territory
from gongzhi.territory.models import Resident
from tests.conftest import PASSWORD, refused, texts
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


def test_clean_text_strips_and_keeps_line_breaks_only_in_multiline_text():
    assert clean_text("  路灯不亮 ", field="title", max_length=10) == "路灯不亮"
    assert clean_text("第一行\r\n\t第二行", field="note", max_length=20, multiline=True) == "第一行\r\n\t第二行"
    # A one-line field takes a pasted line break as a space, as a browser's text box does.
    assert clean_text("南门\n路灯", field="title", max_length=10) == "南门 路灯"
    assert clean_text(None, field="address", max_length=10) == ""


@pytest.mark.parametrize("bad", ["a\x00b", "a\x07b", "a\x1bb", "a\x7fb", "a\x85b"])
def test_clean_text_refuses_control_characters_in_both_languages(bad):
    for multiline in (False, True):
        with refused("U+") as caught:
            clean_text(bad, field="note", max_length=100, multiline=multiline)
        assert caught.value.field == "note"
        assert "control character" in texts(caught.value) and "控制字符" in texts(caught.value)


def test_clean_text_refuses_a_lone_surrogate():
    with refused("UTF-16") as caught:
        clean_text("\ud800x", field="title", max_length=10)
    assert "U+D800" in texts(caught.value) and "残缺" in texts(caught.value)


def test_clean_text_names_the_field_and_its_limit_in_both_languages():
    with pytest.raises(DomainError) as caught:
        clean_text("长" * 201, field="address", label="address", max_length=200)
    with translation.override("en"):
        assert caught.value.text == "Address is limited to 200 characters; this one has 201."
    with translation.override("zh-hans"):
        assert "200" in caught.value.text and "201" in caught.value.text and "最多" in caught.value.text
    assert clean_text("长" * 200, field="address", max_length=200) == "长" * 200


def test_clean_text_can_require_a_value():
    with refused("required"):
        clean_text("  ", field="name", max_length=10, required=True)


@pytest.mark.parametrize("field, value, match", [
    ("title", "标题" * 51, "100"),
    ("address", "地址" * 101, "200"),
    ("address", "地" * 10_000, "200"),
    ("source_detail", "来" * 51, "50"),
    ("title", "路灯\x00不亮", "U+0000"),
    ("description", "南门\x00路灯", "U+0000"),
    ("description", "南门\ud800路灯", "U+D800"),
])
def test_create_case_refuses_text_that_does_not_fit_its_column_and_writes_nothing(cw, field, value, match):
    with refused(match) as caught:
        report(cw, **{field: value})
    assert caught.value.field == field
    assert not Case.objects.exists()


@pytest.mark.parametrize("note", ["修好了\x00", "修" * 4001])
def test_a_move_note_that_cannot_be_stored_is_refused_before_anything_is_written(cw, note):
    case = report(cw)
    with refused("U+0000" if "\x00" in note else "4000") as caught:
        workflow.perform(case.pk, "solve_on_spot", cw.worker_a, note=note)
    assert caught.value.field == "note"
    case.refresh_from_db()
    assert case.version == 0 and TimelineEntry.objects.filter(case=case).count() == 1


def test_a_rating_comment_over_its_column_is_refused_not_cut(cw):
    case = report(cw)
    workflow.perform(case.pk, "solve_on_spot", cw.worker_a, note="修好了")
    with refused("500") as caught:
        workflow.perform(case.pk, "rate", cw.reporter, rating="satisfied", comment="好" * 501)
    assert caught.value.field == "comment"
    workflow.perform(case.pk, "rate", cw.reporter, rating="satisfied", comment="好" * 500)


def test_a_resident_name_with_a_nul_or_over_its_column_is_refused(world):
    for name in ("王\x00五", "王" * 51):
        with pytest.raises(DomainError) as caught:
            territory.create_resident(household=world.household_a, name=name, gender="M", id_number="370811198503030037")
        assert caught.value.field == "name"
    assert not Resident.objects.filter(id_number="370811198503030037").exists()


def test_a_token_name_that_does_not_fit_is_refused_not_cut(world):
    for name in ("热线\x00", "热" * 101):
        with pytest.raises(DomainError):
            create_token(world.worker_a, name=name)
    assert not ApiToken.objects.exists()


def test_the_token_page_answers_a_nul_in_the_name_with_a_message(client, world):
    client.login(username=world.worker_a.username, password=PASSWORD)
    page = client.post("/api/tokens/", {"name": "热线\x00系统"}, follow=True)
    assert page.status_code == 200 and "U+0000" in page.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("path", ["/territory/residents/?q=%00", "/territory/residents/?unit=%00", "/cases/inbox/?q=%00"])
def test_a_search_with_a_nul_answers_the_page_with_a_message(client, cw, path):
    report(cw)
    client.login(username=cw.secretary.username, password=PASSWORD)
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "control character (U+0000)" in page.content.decode()


@pytest.mark.parametrize("path", ["/cases/%00/", "/territory/units/%00/", "/cases/2026-%00/"])
def test_a_page_path_with_a_nul_is_not_found(client, cw, path):
    client.login(username=cw.secretary.username, password=PASSWORD)
    assert client.get(path).status_code == 404


def test_a_view_that_checks_its_own_input_answers_a_nul_path_itself(rf):
    from django.http import Http404, HttpResponse

    from gongzhi.core.middleware import UnstorablePathMiddleware

    guard = UnstorablePathMiddleware(lambda request: HttpResponse())
    request = rf.get("/open311/v2/requests/2026-\x00.json")

    def plain_view(request):
        return HttpResponse()

    def own_format_view(request):
        return HttpResponse()

    own_format_view.checks_its_input = True
    with pytest.raises(Http404):
        guard.process_view(request, plain_view, (), {})
    assert guard.process_view(request, own_format_view, (), {}) is None
