"""Idempotency-Key on POST /api/v1/cases (issue 7, defects 3 and 4): one key, one request, for a while."""
import datetime
import threading

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.utils import timezone

from gongzhi.api import idempotency
from gongzhi.api.models import IdempotencyRecord
from gongzhi.api.services import create_token
from gongzhi.cases.models import Case
from gongzhi.core import tick
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


def body(cw, **extra):
    return {"title": "路灯不亮", "description": "南门路灯不亮", "category_code": cw.category.code,
            "lat": 35.01, "lng": 116.005, **extra}


def headers(user, key):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, name='hotline')[1]}", "HTTP_IDEMPOTENCY_KEY": key,
            "HTTP_ACCEPT_LANGUAGE": "en"}


def post(client, data, hdrs):
    return client.post("/api/v1/cases", data, content_type="application/json", **hdrs)


def test_a_retry_with_the_same_body_replays_the_first_answer(client, cw):
    hdrs = headers(cw.worker_a, "retry-1")
    first = post(client, body(cw), hdrs)
    # The same request spelled differently (key order, 35 for 35.0) is the same request.
    again = post(client, {"lng": 116.005, "lat": 35.01, **body(cw)}, hdrs)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and Case.objects.count() == 1


def test_reusing_a_key_with_a_different_body_is_refused_with_422(client, cw):
    hdrs = headers(cw.worker_a, "retry-2")
    first = post(client, body(cw), hdrs)
    other = post(client, body(cw, title="井盖丢了"), hdrs)
    assert first.status_code == 201
    assert other.status_code == 422, other.content
    error = other.json()["error"]
    assert error["code"] == "idempotency_key_reused" and "different request" in error["message"]
    assert Case.objects.count() == 1 and Case.objects.get().title == "路灯不亮"


def test_the_422_is_in_chinese_by_default(client, cw):
    hdrs = headers(cw.worker_a, "retry-zh") | {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    post(client, body(cw), hdrs)
    assert "不同的请求" in post(client, body(cw, title="别的"), hdrs).json()["error"]["message"]


def test_a_key_longer_than_100_characters_is_refused_not_cut(client, cw):
    prefix = "k" * 100
    first = post(client, body(cw), headers(cw.worker_a, prefix + "1"))
    assert first.status_code == 400, first.content
    assert first.json()["error"]["fields"]["Idempotency-Key"] == ["At most 100 characters."]
    # Before, both keys were cut to the same 100 characters and the second request got the first one's case.
    assert post(client, body(cw), headers(cw.worker_a, prefix)).status_code == 201
    assert post(client, body(cw, title="井盖丢了"), headers(cw.worker_a, prefix + "2")).status_code == 400
    assert Case.objects.count() == 1 and not IdempotencyRecord.objects.filter(key__startswith=prefix + "1").exists()


def test_a_key_is_per_account(client, cw):
    assert post(client, body(cw), headers(cw.worker_a, "shared")).status_code == 201
    assert post(client, body(cw), headers(cw.secretary, "shared")).status_code == 201
    assert Case.objects.count() == 2


def test_a_refused_request_does_not_use_up_its_key(client, cw):
    hdrs = headers(cw.worker_a, "fix-and-retry")
    assert post(client, body(cw, lat=36.9, lng=117.9), hdrs).status_code == 400  # outside every grid
    assert post(client, body(cw), hdrs).status_code == 201


def test_keys_expire_after_the_set_time_and_the_tick_deletes_them(client, cw, settings):
    settings.IDEMPOTENCY_HOURS = 24
    hdrs = headers(cw.worker_a, "old-key")
    first = post(client, body(cw), hdrs).json()["number"]
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    # Expired: the key is free again, even before the tick has deleted the old record.
    again = post(client, body(cw), hdrs)
    assert again.status_code == 201 and again.json()["number"] != first
    assert IdempotencyRecord.objects.count() == 1
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(hours=23))
    assert tick.run_once()["api.delete_expired"] == {"deleted": 0}
    result = tick.run_once(now=timezone.now() + datetime.timedelta(hours=2))
    assert result["api.delete_expired"] == {"deleted": 1} and not IdempotencyRecord.objects.exists()


def test_the_lifetime_follows_the_setting(client, cw, settings):
    settings.IDEMPOTENCY_HOURS = 1
    hdrs = headers(cw.worker_a, "short")
    post(client, body(cw), hdrs)
    IdempotencyRecord.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    assert post(client, body(cw), hdrs).status_code == 201 and Case.objects.count() == 2


def test_the_spec_documents_the_key(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/cases"]["post"]
    header = next(p for p in operation["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and header["schema"]["anyOf"][0]["maxLength"] == 100
    assert "Idempotency-Key" in operation["description"] and "422" in operation["responses"]
    assert "GONGZHI_IDEMPOTENCY_HOURS" in spec["info"]["description"]


@pytest.mark.django_db(transaction=True)
def test_two_requests_with_one_key_at_once_make_one_case_without_a_failed_insert(cw, monkeypatch):
    """Both requests pass the "already done?" look-up before either has written: the real race.

    On PostgreSQL a failed INSERT is written to the server's log with its values (the case's
    text), so the loser must not run into the unique constraint: it waits for the winner's
    transaction and replays its answer. Every query's error is recorded to prove it.
    """
    from gongzhi.cases import api as cases_api

    both_looked = threading.Barrier(2, timeout=30)
    real_intake = cases_api.intake

    def intake_after_both_looked(request, user):
        both_looked.wait()  # both have found no record for the key; now both go on to create
        return real_intake(request, user)

    monkeypatch.setattr(cases_api, "intake", intake_after_both_looked)
    hdrs = headers(cw.worker_a, "race")
    failed_queries, answers = [], {}

    def record_failures(execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except Exception as error:
            failed_queries.append(type(error).__name__)
            raise

    def send(name):
        try:
            with connection.execute_wrapper(record_failures):
                answers[name] = post(Client(), body(cw), hdrs)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(name,)) for name in ("one", "two")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert {a.status_code for a in answers.values()} == {201}, {n: a.content for n, a in answers.items()}
    assert answers["one"].json()["number"] == answers["two"].json()["number"]
    assert Case.objects.count() == 1 and IdempotencyRecord.objects.count() == 1
    assert failed_queries == [], failed_queries
    assert IntegrityError.__name__ not in failed_queries


def test_the_claim_tells_the_second_request_it_lost(cw):
    from django.db import transaction

    with transaction.atomic():
        assert idempotency.claim(cw.worker_a, "k", "POST /cases", "h1") is None
        idempotency.finish(cw.worker_a, "k", "POST /cases", 201, {"number": "2026-000001"})
    done = idempotency.claim(cw.worker_a, "k", "POST /cases", "h1")
    assert done.status == 201 and done.body == {"number": "2026-000001"}
    with pytest.raises(idempotency.KeyReused):
        idempotency.claim(cw.worker_a, "k", "POST /cases", "h2")


def test_a_key_with_a_control_character_is_refused(client, cw):
    response = post(client, body(cw), headers(cw.worker_a, "key\x07"))
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["error"]["fields"]
    assert not Case.objects.exists()
