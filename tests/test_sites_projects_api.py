"""The micro-project API: propose (idempotent), approve, progress, milestones, people, done;
another district's project or unit answers like a missing one."""
import json

import pytest
from django.test import Client

from gongzhi.api.services import create_token
from gongzhi.sites.models import MicroProject
from tests.sites_projects_helpers import add_party

API = "/api/v1/services"


@pytest.fixture
def w(world):
    return add_party(world)


def call(user, method, path, body=None, **headers):
    _token, secret = create_token(user, name="test")
    kwargs = {"HTTP_AUTHORIZATION": f"Bearer {secret}", **headers}
    if method == "GET":
        return Client().get(API + path, **kwargs)
    return Client().post(API + path, json.dumps(body or {}), content_type="application/json", **kwargs)


def test_a_member_proposes_staff_approve_and_the_lead_runs_it_to_done(w):
    body = {"unit_code": w.grid_a.code, "title": "楼道照明", "plan": "装声控灯", "budget_yuan": "1200.50"}
    created = call(w.member_user, "POST", "/projects", body, HTTP_IDEMPOTENCY_KEY="k1")
    assert created.status_code == 201, created.content
    again = call(w.member_user, "POST", "/projects", body, HTTP_IDEMPOTENCY_KEY="k1")
    assert again.status_code == 201 and again.json() == created.json() and MicroProject.objects.count() == 1
    project = created.json()
    assert project["status"] == "proposed" and project["lead_branch"] == "A网格党支部" and project["budget_yuan"] == "1200.50"
    assert "王党员" not in created.content.decode()
    pid = project["id"]
    refused = call(w.member_user, "POST", f"/projects/{pid}/approve")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "not_staff"
    assert call(w.worker_a, "POST", f"/projects/{pid}/approve").json()["status"] == "approved"
    milestone = call(w.member_user, "POST", f"/projects/{pid}/milestones", {"title": "买灯", "due_on": "2026-06-01"}).json()
    mid = milestone["milestones"][0]["id"]
    assert call(w.member_user, "POST", f"/projects/{pid}/milestones/done", {"milestone_id": mid}).json()["milestones"][0]["done_on"]
    person = call(w.member_user, "POST", f"/projects/{pid}/people", {"member_id": w.retired.pk, "role": "采购"})
    assert {"member_id": w.retired.pk, "volunteer_id": None, "role": "采购"} in person.json()["people"]
    progress = call(w.member_user, "POST", f"/projects/{pid}/progress", {"percent": 50, "note": "过半", "spent_yuan": 600})
    assert progress.json()["status"] == "under_way" and progress.json()["spent_yuan"] == "600.00"
    done = call(w.member_user, "POST", f"/projects/{pid}/finish", {"beneficiaries_count": 40})
    assert done.json()["status"] == "done" and done.json()["beneficiaries_count"] == 40
    listed = call(w.outsider, "GET", "/projects?status=done").json()
    assert [p["id"] for p in listed["items"]] == [pid]


def test_bad_input_is_a_validation_error(w):
    response = call(w.worker_a, "POST", "/projects", {"unit_code": w.grid_a.code, "title": "x", "plan": "y", "budget_yuan": -5})
    assert response.status_code == 400 and response.json()["error"]["fields"], response.content
    response = call(w.worker_a, "POST", "/projects", {"unit_code": w.grid_a.code, "title": "", "plan": "y"})
    assert response.status_code == 400 and response.json()["error"]["fields"].get("title"), response.content


def test_a_unit_one_may_not_propose_for_answers_like_a_missing_one(w):
    other = call(w.member_user, "POST", "/projects", {"unit_code": w.grid_b.code, "title": "x", "plan": "y"})
    missing = call(w.member_user, "POST", "/projects", {"unit_code": "370899999999999", "title": "x", "plan": "y"})
    assert other.status_code == missing.status_code == 404
    assert other.json()["error"]["code"] == missing.json()["error"]["code"]
