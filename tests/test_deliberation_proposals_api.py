"""The proposals API: scoped lists and reads (404 outside one's units), proposing with
idempotency, on behalf, supports, following, answers and similar proposals."""
import pytest

from gongzhi.api.services import create_token
from gongzhi.deliberation.models import AgendaItem, Proposal, ProposalStatus, Support
from gongzhi.deliberation.services import proposals as svc
from tests.deliberation_helpers import meeting, residents

BASE = "/api/v1/deliberation"


def bearer(user):
    _token, plaintext = create_token(user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


@pytest.fixture
def api(client):
    class Api:
        def get(self, path, user, **params):
            return client.get(BASE + path, params, **bearer(user))

        def post(self, path, data, user, **headers):
            return client.post(BASE + path, data, content_type="application/json", **bearer(user), **headers)

    return Api()


@pytest.fixture
def proposals(world):
    world.outsider.display_name = "张三"
    world.outsider.save()
    a = svc.propose(unit=world.grid_a, author=world.outsider, title="健身器材坏了", body="单杠松了")
    (b_resident,) = residents(world, 1, grid=world.grid_b, prefix="b")
    b = svc.propose(unit=world.grid_b, author=b_resident, title="充电桩放哪儿", body="B网格充电桩")
    return a, b


def test_a_resident_lists_their_grids_proposals_only(api, world, proposals):
    a, b = proposals
    (r,) = residents(world, 1)
    data = api.get("/proposals", r).json()
    assert [p["id"] for p in data["items"]] == [a.pk]
    assert data["items"][0]["author"] == "张*"
    assert api.get("/proposals", world.worker_a).json()["items"][0]["author"] == "张三"
    assert {p["id"] for p in api.get("/proposals", world.secretary).json()["items"]} == {a.pk, b.pk}
    assert api.get("/proposals", world.secretary, status="answered").json()["items"] == []
    assert [p["id"] for p in api.get("/proposals", world.secretary, unit=world.grid_b.code).json()["items"]] == [b.pk]


def test_another_grids_proposal_answers_404_like_a_missing_one(api, world, proposals):
    a, b = proposals
    (r,) = residents(world, 1)
    assert api.get(f"/proposals/{a.pk}", r).status_code == 200
    out, missing = api.get(f"/proposals/{b.pk}", r), api.get("/proposals/999999", r)
    assert out.status_code == missing.status_code == 404
    assert out.json()["error"]["code"] == missing.json()["error"]["code"]
    assert api.post(f"/proposals/{b.pk}/support", {}, r).status_code == 404


def test_proposing_is_idempotent_with_a_key(api, world):
    body = {"unit_code": world.grid_a.code, "title": "公共充电桩放哪儿更合理?", "body": "电动车在楼道充电很危险"}
    first = api.post("/proposals", body, world.outsider, HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/proposals", body, world.outsider, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"] and Proposal.objects.count() == 1
    changed = api.post("/proposals", {**body, "title": "别的"}, world.outsider, HTTP_IDEMPOTENCY_KEY="k-1")
    assert changed.status_code == 422


def test_proposing_for_a_unit_one_does_not_take_part_in_is_refused(api, world):
    r = api.post("/proposals", {"unit_code": world.grid_b.code, "title": "x", "body": "y"}, world.outsider)
    assert r.status_code == 400 and r.json()["error"]["code"] == "unit"
    r = api.post("/proposals", {"unit_code": world.grid_a.code, "title": "x", "body": "y\x00"}, world.outsider)
    assert r.status_code == 400 and not Proposal.objects.exists()


def test_a_grid_worker_proposes_for_a_resident_of_their_grid_only(api, world):
    body = {"unit_code": world.grid_a.code, "title": "楼道灯坏了", "body": "王奶奶说的", "author_id": world.outsider.pk}
    r = api.post("/proposals", body, world.worker_a)
    assert r.status_code == 201 and r.json()["recorded_on_behalf"]
    p = Proposal.objects.get()
    assert p.author == world.outsider and p.recorded_by == world.worker_a
    (b,) = residents(world, 1, grid=world.grid_b)
    r = api.post("/proposals", {**body, "author_id": b.pk}, world.worker_a)
    assert r.status_code == 400 and r.json()["error"]["code"] == "resident"


def test_support_unsupport_follow_and_the_threshold(api, world, proposals):
    a, _b = proposals
    m = meeting(world.grid_a, threshold=2)
    r1, r2 = residents(world, 2)
    data = api.post(f"/proposals/{a.pk}/support", {}, r1).json()
    assert data["support_count"] == 1 and data["supported"] and data["following"]
    again = api.post(f"/proposals/{a.pk}/support", {}, r1)
    assert again.status_code == 400 and again.json()["error"]["code"] == "already_supported"
    data = api.post(f"/proposals/{a.pk}/unsupport", {}, r1).json()
    assert data["support_count"] == 0 and not data["supported"]
    assert not api.post(f"/proposals/{a.pk}/unfollow", {}, r1).json()["following"]
    assert api.post(f"/proposals/{a.pk}/follow", {}, r1).json()["following"]
    api.post(f"/proposals/{a.pk}/support", {}, r1)
    data = api.post(f"/proposals/{a.pk}/support", {"user_id": r2.pk}, world.worker_a).json()
    assert data["status"] == "on_agenda" and data["agenda"]["meeting_id"] == m.pk and data["agenda"]["automatic"]
    assert Support.objects.get(user=r2).recorded_by == world.worker_a


def test_staff_answer_and_residents_cannot(api, world, proposals):
    a, _b = proposals
    (r,) = residents(world, 1)
    refused = api.post(f"/proposals/{a.pk}/answer", {"outcome": "answered", "reason": "好"}, r)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "forbidden"
    no_reason = api.post(f"/proposals/{a.pk}/answer", {"outcome": "answered"}, world.worker_a)
    assert no_reason.status_code == 400 and no_reason.json()["error"]["code"] == "required"
    m = meeting(world.grid_a)
    data = api.post(f"/proposals/{a.pk}/answer", {"outcome": "on_agenda", "meeting_id": m.pk}, world.worker_a).json()
    assert data["status"] == ProposalStatus.ON_AGENDA and AgendaItem.objects.get(proposal=a).meeting == m
    other = meeting(world.grid_b)
    (p2, _) = (svc.propose(unit=world.grid_a, author=world.outsider, title="二", body="二"), None)
    bad = api.post(f"/proposals/{p2.pk}/answer", {"outcome": "on_agenda", "meeting_id": other.pk}, world.worker_a)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "meeting"


def test_similar_proposals_of_ones_units(api, world, proposals):
    (r,) = residents(world, 1)
    found = api.get("/proposals/similar", r, unit=world.grid_a.code, text="健身器材坏了没人修").json()
    assert [p["title"] for p in found] == ["健身器材坏了"]
    assert api.get("/proposals/similar", r, unit=world.grid_b.code, text="充电桩放哪儿").status_code == 404


def test_the_list_costs_the_same_queries_for_one_proposal_or_twenty(api, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    m = meeting(world.grid_a)
    (r,) = residents(world, 1)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/proposals", r).status_code == 200
        return len(queries)

    svc.answer(svc.propose(unit=world.grid_a, author=world.outsider, title="一", body="一"), outcome="on_agenda",
               reason="", by=world.worker_a, meeting=m)
    one = count()
    for i in range(19):
        svc.answer(svc.propose(unit=world.grid_a, author=world.outsider, title=f"议{i}", body="内容"),
                   outcome="on_agenda", reason="", by=world.worker_a, meeting=m)
    assert count() == one
