"""Unchecked input through the JSON API: every answer a 4xx in the error shape, never a 500,
and the same on SQLite and PostgreSQL (issue 7, defect 2)."""
import json

import pytest

from gongzhi.api.services import create_token
from gongzhi.cases.models import Case, CaseRating, TimelineEntry
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


@pytest.fixture
def call(client):
    """Raw JSON calls (the body is sent as written, so it can hold what json.dumps would not make)."""
    def send(method, path, user, body=None, **headers):
        _token, plaintext = create_token(user, name="test")
        if body is not None and not isinstance(body, (str, bytes)):
            body = json.dumps(body, ensure_ascii=False)
        kwargs = {"content_type": "application/json"} if body is not None else {}
        return getattr(client, method)(f"/api/v1{path}", body, HTTP_AUTHORIZATION=f"Bearer {plaintext}",
                                       HTTP_ACCEPT_LANGUAGE="en", **kwargs, **headers)
    return send


def case_body(cw, **extra):
    return {"title": "路灯不亮", "description": "南门路灯不亮", "category_code": cw.category.code,
            "lat": 35.01, "lng": 116.005, **extra}


def refused_field(response, field, status=400):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert field in error["fields"], error
    return error


@pytest.mark.parametrize("field, value", [
    ("address", "地" * 201),
    ("address", "地" * 10_000),  # SQLite stored it; PostgreSQL would not
    ("source_detail", "来" * 51),
    ("title", "标" * 101),
    ("description", "述" * 4001),
    ("contact_phone", "1" * 21),
])
def test_a_case_field_over_its_column_is_refused_and_nothing_is_written(call, cw, field, value):
    error = refused_field(call("post", "/cases", cw.worker_a, case_body(cw, **{field: value})), field)
    assert "characters" in " ".join(error["fields"][field])
    assert not Case.objects.exists()


@pytest.mark.parametrize("field", ["title", "description", "address", "source_detail"])
def test_a_nul_in_a_case_field_is_refused(call, cw, field):
    refused_field(call("post", "/cases", cw.worker_a, case_body(cw, **{field: "南门\u0000路灯"})), field)
    assert not Case.objects.exists()


@pytest.mark.parametrize("field", ["title", "description", "address"])
def test_a_lone_surrogate_in_json_is_refused(call, cw, field):
    # Written by hand: "\ud800x" is valid JSON text but not a character, and json.dumps would not send it.
    body = json.dumps(case_body(cw, **{field: "PLACEHOLDER"}), ensure_ascii=False).replace("PLACEHOLDER", "\\ud800x")
    error = refused_field(call("post", "/cases", cw.worker_a, body), field)
    assert "U+D800" in error["message"]
    assert not Case.objects.exists()


def test_other_control_characters_are_refused_by_the_service(call, cw):
    refused_field(call("post", "/cases", cw.worker_a, case_body(cw, title="路灯\u0007不亮")), "title")


def test_a_nul_or_an_overlong_note_on_a_move_is_refused_and_the_case_is_unchanged(call, cw):
    case = report(cw)
    for note in ("已处理\u0000", "处" * 4001):
        refused_field(call("post", f"/cases/{case.number}/solve_on_spot", cw.worker_a, {"note": note}), "note")
    case.refresh_from_db()
    assert case.version == 0 and TimelineEntry.objects.filter(case=case).count() == 1


def test_a_rating_comment_over_its_column_is_refused(call, cw):
    from gongzhi.cases import workflow

    case = report(cw)
    workflow.perform(case.pk, "solve_on_spot", cw.worker_a, note="修好了")
    for comment in ("好" * 501, "好\u0000"):
        refused_field(call("post", f"/cases/{case.number}/rate", cw.reporter, {"rating": "satisfied", "comment": comment}), "comment")
    assert not CaseRating.objects.exists()


@pytest.mark.parametrize("ids", [[9223372036854775808], [-1], [0], [True]])
def test_agency_ids_outside_the_64_bit_range_are_refused(call, cw, ids):
    case = report(cw)
    refused_field(call("post", f"/cases/{case.number}/whistle", cw.worker_a, {"agency_ids": ids}), "agency_ids.0")
    case.refresh_from_db()
    assert case.version == 0


@pytest.mark.parametrize("field", ["agency_id", "version"])
def test_other_ids_in_a_move_are_bounded_too(call, cw, field):
    case = report(cw)
    refused_field(call("post", f"/cases/{case.number}/dispatch", cw.worker_a, {field: 2**63}), field)


@pytest.mark.parametrize("path", [
    "/cases?unit=%00", "/cases?status=%00", "/cases?category=a%00b", "/units?prefix=%00", "/residents?unit=%00",
    "/cases/%00", "/units/%00",
])
def test_a_nul_in_the_path_or_the_query_is_a_400_in_the_error_shape(call, cw, path):
    response = call("get", path, cw.secretary)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid_character"


def test_a_well_formed_case_still_goes_through_with_line_breaks_in_its_description(call, cw):
    response = call("post", "/cases", cw.worker_a, case_body(cw, description="南门路灯不亮\n已经三天了", lat=35, address="南门"))
    assert response.status_code == 201, response.content
    assert Case.objects.get().description == "南门路灯不亮\n已经三天了"


def test_the_spec_carries_each_fields_limit(client, db):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    case_in = schemas["CaseIn"]["properties"]
    assert case_in["address"]["maxLength"] == 200 and case_in["source_detail"]["maxLength"] == 50
    assert case_in["title"]["maxLength"] == 100 and case_in["description"]["maxLength"] == 4000
    move_in = schemas["MoveIn"]["properties"]
    assert move_in["note"]["maxLength"] == 4000 and move_in["agency_ids"]["items"]["maximum"] == 2**63 - 1
