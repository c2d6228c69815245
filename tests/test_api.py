"""The JSON API: tokens, one error shape, scoping for every resource, cases and their moves."""
import datetime

import pytest
from django.utils import timezone

from gongzhi.api.models import ApiToken
from gongzhi.api.services import create_token
from gongzhi.cases.models import Case, Status
from gongzhi.party.models import OrganizationKind, PartyMember, PartyOrganization
from gongzhi.territory.models import PersonalDataView
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


def bearer(user, **kw):
    _token, plaintext = create_token(user, name="test", **kw)
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


@pytest.fixture
def api(client):
    class Api:
        def get(self, path, user=None, headers=None, **params):
            return client.get(f"/api/v1{path}", params, **(headers or (bearer(user) if user else {})))

        def post(self, path, data, user=None, headers=None):
            return client.post(f"/api/v1{path}", data, content_type="application/json", **(headers or (bearer(user) if user else {})))
    return Api()


def test_it_refuses_a_request_without_credentials_in_the_one_error_shape(api, world):
    response = api.get("/units")
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_the_error_message_follows_accept_language(api, world):
    zh = api.get("/units", headers={"HTTP_ACCEPT_LANGUAGE": "zh-hans"}).json()["error"]["message"]
    en = api.get("/units", headers={"HTTP_ACCEPT_LANGUAGE": "en"}).json()["error"]["message"]
    assert en.startswith("Sign in") and zh != en


def test_a_revoked_or_expired_token_is_refused(api, world):
    headers = bearer(world.worker_a)
    assert api.get("/units", headers=headers).status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert api.get("/units", headers=headers).status_code == 401
    expired = bearer(world.worker_a, expires_in_days=1)
    ApiToken.objects.filter(revoked_at=None).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert api.get("/units", headers=expired).status_code == 401


def test_tokens_are_stored_hashed(world):
    token, plaintext = create_token(world.worker_a, name="热线")
    assert plaintext not in token.key_hash and token.prefix == plaintext[:10]


@pytest.fixture
def party(world):
    branch = PartyOrganization.objects.create(name="A支部", kind=OrganizationKind.BRANCH, unit=world.grid_a)
    member = PartyMember.objects.create(name="党员甲", gender="M", organization=branch, employment="retired", phone="13911112222")
    return branch, member


def resources(world, party):
    branch, member = party
    building = world.household_a.building
    return {
        "unit": f"/units/{world.grid_a.code}",
        "estate": f"/estates/{building.estate_id}",
        "building": f"/buildings/{building.pk}",
        "household": f"/households/{world.household_a.pk}",
        "resident": f"/residents/{world.resident_a.pk}",
        "organization": f"/party/organizations/{branch.pk}",
        "member": f"/party/members/{member.pk}",
    }


@pytest.mark.parametrize("resource", ["unit", "estate", "building", "household", "resident", "organization", "member"])
def test_every_resource_answers_the_owner_and_colleague_and_404s_the_outsider(api, world, party, resource):
    path = resources(world, party)[resource]
    assert api.get(path, world.worker_a).status_code == 200        # owner of grid A
    assert api.get(path, world.secretary).status_code == 200       # colleague over the community
    response = api.get(path, world.worker_b)                        # outsider: grid B's worker
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("path", ["/units", "/estates", "/buildings", "/households", "/residents", "/party/organizations", "/party/members"])
def test_lists_hold_only_what_the_user_may_see(api, world, party, path):
    mine = api.get(path, world.worker_a).json()["items"]
    theirs = api.get(path, world.worker_b).json()["items"]
    assert mine and not {str(i) for i in mine} & {str(i) for i in theirs}


def test_residents_are_masked_and_a_reveal_is_logged(api, world):
    body = api.get(f"/residents/{world.resident_a.pk}", world.worker_a).json()
    assert body["id_number_masked"] == "3708**********001X" and "id_number" not in body
    revealed = api.post(f"/residents/{world.resident_a.pk}/reveal", {"field": "id_number"}, world.worker_a).json()
    assert revealed["value"] == "37081119800101001X"
    assert PersonalDataView.objects.filter(user=world.worker_a, resident=world.resident_a).count() == 1
    assert api.post(f"/residents/{world.resident_b.pk}/reveal", {"field": "id_number"}, world.worker_a).status_code == 404


def test_party_members_phones_are_masked(api, world, party):
    assert api.get(f"/party/members/{party[1].pk}", world.secretary).json()["phone_masked"] == "139****2222"


def case_body(cw, **extra):
    body = {"title": "路灯不亮", "description": "南门路灯不亮", "category_code": cw.category.code, "lat": 35.01, "lng": 116.005}
    body.update(extra)
    return body


def test_a_case_created_twice_with_one_idempotency_key_is_created_once(api, cw):
    headers = bearer(cw.worker_a) | {"HTTP_IDEMPOTENCY_KEY": "retry-123"}
    first = api.post("/cases", case_body(cw), headers=headers)
    again = api.post("/cases", case_body(cw), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 1


def test_bad_case_input_gets_field_errors_and_writes_nothing(api, cw):
    response = api.post("/cases", case_body(cw, lat=36.9, lng=117.9), cw.worker_a)
    assert response.status_code == 400 and response.json()["error"]["code"] == "outside_grids"
    response = api.post("/cases", {"title": "x"}, cw.worker_a)
    assert response.status_code == 400 and "description" in response.json()["error"]["fields"]
    assert not Case.objects.exists()


def test_a_case_outside_the_callers_scope_is_refused(api, cw):
    response = api.post("/cases", case_body(cw, lng=116.03), cw.worker_a)
    assert response.status_code == 400 and response.json()["error"]["code"] == "out_of_scope"


def test_every_move_is_its_own_post_and_a_stale_version_is_a_conflict(api, cw):
    number = api.post("/cases", case_body(cw), cw.worker_a).json()["number"]
    moved = api.post(f"/cases/{number}/dispatch", {"agency_id": cw.agencies[0].pk, "version": 0}, cw.worker_a)
    assert moved.status_code == 200 and moved.json()["status"] == "dispatched"
    stale = api.post(f"/cases/{number}/urge", {"note": "快", "version": 0}, cw.secretary)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    assert api.post(f"/cases/{number}/accept", {}, cw.clerks[0]).json()["status"] == "handling"
    assert api.post(f"/cases/{number}/accept", {}, cw.worker_b).status_code == 404
    detail = api.get(f"/cases/{number}", cw.worker_a).json()
    assert [e["move"] for e in detail["timeline"]] == ["register", "dispatch", "accept"]


def test_case_lists_filter_and_page_with_a_cursor(api, cw):
    for _ in range(5):
        report(cw)
    Case.objects.filter(pk=Case.objects.order_by("pk").first().pk).update(status=Status.CLOSED)
    page = api.get("/cases", cw.worker_a, limit=2)
    body = page.json()
    assert len(body["items"]) == 2 and body["next"]
    rest = api.get("/cases", cw.worker_a, limit=10, after=body["next"]).json()
    assert len(rest["items"]) == 3 and rest["next"] is None
    assert len(api.get("/cases", cw.worker_a, status="registered").json()["items"]) == 4
    assert api.get("/cases", cw.worker_b).json()["items"] == []
    assert len(api.get("/cases", cw.secretary, unit=cw.grid_a.code).json()["items"]) == 5


def test_intake_is_rate_limited_with_retry_after(api, cw, settings):
    settings.INTAKE_RATE_TOKEN = "2/hour"
    headers = bearer(cw.worker_a)
    assert api.post("/cases", case_body(cw), headers=headers).status_code == 201
    assert api.post("/cases", case_body(cw), headers=headers).status_code == 201
    limited = api.post("/cases", case_body(cw), headers=headers)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert limited.json()["error"]["code"] == "rate_limited"


def test_the_docs_list_every_resource(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    paths = set(spec["paths"])
    for resource in ("/units", "/estates", "/buildings", "/households", "/residents", "/party/organizations",
                     "/party/members", "/agencies", "/categories", "/cases", "/ratings", "/rates", "/figures"):
        assert f"/api/v1{resource}" in paths, resource
    assert client.get("/api/docs").status_code == 200


def test_a_person_creates_a_token_sees_it_once_and_revokes_it(client, world):
    from tests.conftest import PASSWORD

    client.login(username=world.worker_a.username, password=PASSWORD)
    client.post("/api/tokens/", {"name": "热线系统", "expires_in_days": "30"})
    first = client.get("/api/tokens/").content.decode()
    token = ApiToken.objects.get(user=world.worker_a)
    assert 'data-testid="new-token"' in first and token.prefix in first
    assert 'data-testid="new-token"' not in client.get("/api/tokens/").content.decode()  # shown once
    client.post("/api/tokens/", {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    client.login(username=world.worker_b.username, password=PASSWORD)
    client.post("/api/tokens/", {"revoke": token.pk})  # someone else's token: nothing happens
    assert "热线系统" not in client.get("/api/tokens/").content.decode()


def test_anonymous_reports_from_one_address_are_rate_limited(client, cw, settings):
    settings.INTAKE_RATE_ANONYMOUS = "1/hour"
    form = {"category": cw.category.pk, "title": "灯坏了", "description": "灯坏了", "lat": "35.01", "lng": "116.005", "contact_phone": "13800001111"}
    assert client.post("/cases/report/", form).status_code == 302
    limited = client.post("/cases/report/", form)
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert Case.objects.count() == 1


def test_cases_and_ratings_answer_the_owner_and_colleague_and_404_the_outsider(api, cw):
    from gongzhi.cases import workflow

    case = report(cw)
    workflow.perform(case.pk, "solve_on_spot", cw.worker_a, note="已处理")
    workflow.perform(case.pk, "rate", cw.reporter, rating="satisfied")
    path = f"/cases/{case.number}"
    assert api.get(path, cw.worker_a).status_code == 200      # owner
    assert api.get(path, cw.secretary).status_code == 200     # colleague
    assert api.get(path, cw.reporter).status_code == 200      # the reporter sees their own case
    assert api.get(path, cw.worker_b).status_code == 404      # outsider
    assert len(api.get("/ratings", cw.worker_a).json()["items"]) == 1
    assert api.get("/ratings", cw.worker_b).json()["items"] == []


def test_an_unknown_path_and_a_wrong_method_keep_the_error_shape(client, db):
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = client.delete("/api/v1/units")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"
