"""The API answers as its spec says (issue 7, defect 5): 401 without credentials, CSRF only for a
signed-in session, strict numbers, 413 for a large body and 415 for a body that is not JSON,
all in the one error shape."""
import json

import pytest
from django.test import Client

from gongzhi.api.services import create_token
from gongzhi.cases.models import Case
from tests.conftest import PASSWORD
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


def case_body(cw, **extra):
    return {"title": "路灯不亮", "description": "南门路灯不亮", "category_code": cw.category.code,
            "lat": 35.01, "lng": 116.005, **extra}


def bearer(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, name='test')[1]}"}


def error_of(response, status):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


@pytest.fixture
def browser():
    """A client that enforces CSRF, as a real browser session is checked."""
    return Client(enforce_csrf_checks=True)


def test_a_signed_out_post_gets_401_not_a_csrf_403(browser, cw):
    error = error_of(browser.post("/api/v1/cases", case_body(cw), content_type="application/json"), 401)
    assert error["code"] == "not_authenticated"
    case = report(cw)
    assert error_of(browser.post(f"/api/v1/cases/{case.number}/urge", {"note": "快"}, content_type="application/json"), 401)


def test_a_signed_out_post_with_a_stale_session_cookie_gets_401(browser, cw):
    browser.cookies["sessionid"] = "not-a-session"
    assert error_of(browser.post("/api/v1/cases", case_body(cw), content_type="application/json"), 401)


def test_a_signed_in_session_post_without_the_csrf_token_is_403_in_the_error_shape(browser, cw):
    browser.login(username=cw.worker_a.username, password=PASSWORD)
    error = error_of(browser.post("/api/v1/cases", case_body(cw), content_type="application/json",
                                  HTTP_ACCEPT_LANGUAGE="en"), 403)
    assert error["code"] == "csrf_failed" and "CSRF" in error["message"]
    assert not Case.objects.exists()


def test_a_signed_in_session_post_with_the_csrf_token_goes_through(browser, cw):
    browser.login(username=cw.worker_a.username, password=PASSWORD)
    browser.get("/api/tokens/")  # any page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post("/api/v1/cases", case_body(cw), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


def test_a_token_post_needs_no_csrf_token(browser, cw):
    assert browser.post("/api/v1/cases", case_body(cw), content_type="application/json", **bearer(cw.worker_a)).status_code == 201


@pytest.mark.parametrize("field, value", [("lat", True), ("lng", False), ("lat", "35.01"), ("lat", 91), ("lng", -181)])
def test_coordinates_are_numbers_in_range_never_booleans_or_strings(client, cw, field, value):
    response = client.post("/api/v1/cases", case_body(cw, **{field: value}), content_type="application/json", **bearer(cw.worker_a))
    assert field in error_of(response, 400)["fields"]
    assert not Case.objects.exists()


def test_whole_numbers_are_still_taken_for_coordinates(cw):
    from gongzhi.cases.api import CaseIn

    assert CaseIn.model_validate(case_body(cw, lat=35, lng=116)).lat == 35.0


def test_a_boolean_is_not_taken_for_an_id_nor_a_string_for_solved(client, cw):
    case = report(cw)
    response = client.post(f"/api/v1/cases/{case.number}/dispatch", {"agency_id": True}, content_type="application/json",
                           **bearer(cw.worker_a))
    assert "agency_id" in error_of(response, 400)["fields"]
    response = client.post(f"/api/v1/cases/{case.number}/rate", {"rating": "satisfied", "solved": "no"},
                           content_type="application/json", **bearer(cw.reporter))
    assert "solved" in error_of(response, 400)["fields"]


def test_a_body_over_the_upload_limit_is_413_in_the_error_shape(client, cw, settings):
    big = json.dumps(case_body(cw, description="长" * 1_100_000), ensure_ascii=False)  # about 3.3 MB
    response = client.post("/api/v1/cases", big, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
                           **bearer(cw.worker_a))
    assert error_of(response, 413)["code"] == "too_large"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    assert error_of(client.post("/api/v1/cases", case_body(cw), content_type="application/json", **bearer(cw.worker_a)), 413)
    assert not Case.objects.exists()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""])
def test_a_body_that_is_not_json_is_415(client, cw, content_type):
    response = client.post("/api/v1/cases", json.dumps(case_body(cw)), content_type=content_type, HTTP_ACCEPT_LANGUAGE="en",
                           **bearer(cw.worker_a))
    error = error_of(response, 415)
    assert error["code"] == "unsupported_media_type" and "application/json" in error["message"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/merge-patch+json", "APPLICATION/JSON"])
def test_json_with_parameters_or_a_json_suffix_is_taken(client, cw, content_type):
    response = client.post("/api/v1/cases", json.dumps(case_body(cw)), content_type=content_type, **bearer(cw.worker_a))
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("raw", [b"{not json", b'{"title": NaN}', b"\xff\xfe{}"])
def test_a_body_that_is_not_valid_json_is_400_with_a_clear_message(client, cw, raw):
    response = client.post("/api/v1/cases", raw, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans",
                           **bearer(cw.worker_a))
    error = error_of(response, 400)
    assert error["code"] == "invalid_json" and "JSON" in error["message"]


def test_field_messages_follow_the_language(client, cw):
    hdrs = bearer(cw.worker_a)
    en = client.post("/api/v1/cases", {"title": "x" * 101}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **hdrs)
    zh = client.post("/api/v1/cases", {"title": "x" * 101}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans", **hdrs)
    assert error_of(en, 400)["fields"]["title"] == ["At most 100 characters."]
    assert error_of(zh, 400)["fields"]["title"] == ["最多 100 个字符。"]
    assert error_of(zh, 400)["fields"]["description"] == ["缺少此项。"]


def test_django_answers_from_outside_ninja_keep_the_shape(client, db, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/api/v1/units", HTTP_HOST="evil.example")  # DisallowedHost: Django's own 400
    assert error_of(response, 400)["code"] == "bad_request"
