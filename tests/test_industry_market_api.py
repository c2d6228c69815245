"""The market in the API: a liaison sees only their own enterprise's needs, offers, matches and
agreements (others answer 404); park staff confirm matches and solve needs; creates are idempotent."""
from django.test import Client

from gongzhi.api.services import create_token
from gongzhi.industry.models import NeedKind, NeedStatus
from gongzhi.industry.services import market
from tests.test_industry_market_services import park  # noqa: F401  (the fixture)


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, name='t')[1]}"}


def test_a_liaison_sees_only_their_own_enterprises_market_records(park):  # noqa: F811
    mine = market.post_need(park.e["造纸厂"], by=park.liaison, kind=NeedKind.FUNDING, text="流动资金")
    theirs = market.post_need(park.e["远方厂"], by=park.other_liaison, kind=NeedKind.FUNDING, text="设备贷款")
    client = Client()
    auth = _auth(park.liaison)
    listed = client.get("/api/v1/industry/needs", **auth).json()["items"]
    assert [n["id"] for n in listed] == [mine.pk]
    assert client.get(f"/api/v1/industry/needs/{theirs.pk}", **auth).status_code == 404
    assert client.get(f"/api/v1/industry/needs/{mine.pk}", **auth).status_code == 200
    posted = client.post("/api/v1/industry/needs", {"enterprise_id": park.e["远方厂"].pk, "kind": "funding",
                                                    "text": "冒名"}, content_type="application/json", **auth)
    assert posted.status_code == 404
    staff = _auth(park.staff)
    assert {n["id"] for n in client.get("/api/v1/industry/needs", **staff).json()["items"]} == {mine.pk, theirs.pk}


def test_a_need_posted_by_its_liaison_is_confirmed_and_solved_by_park_staff(park):  # noqa: F811
    market.post_offer(park.e["浆料厂"], by=park.staff, kind=NeedKind.TALENT, text="借调工程师")
    client = Client()
    liaison = _auth(park.liaison)
    body = {"enterprise_id": park.e["造纸厂"].pk, "kind": "talent", "text": "招聘工程师", "quantity": "2人"}
    made = client.post("/api/v1/industry/needs", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="n1",
                       **liaison)
    assert made.status_code == 201, made.content
    again = client.post("/api/v1/industry/needs", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="n1",
                        **liaison)
    assert again.status_code == 201 and again.json()["id"] == made.json()["id"]
    other = client.post("/api/v1/industry/needs", {**body, "text": "别的"}, content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY="n1", **liaison)
    assert other.status_code == 422
    need = made.json()
    reason = need["matches"][0]["reason"]
    assert "产业链" in reason or "chain" in reason
    match_id = need["matches"][0]["id"]
    assert client.post(f"/api/v1/industry/matches/{match_id}/confirm", {}, content_type="application/json",
                       **liaison).status_code == 404
    staff = _auth(park.staff)
    confirmed = client.post(f"/api/v1/industry/matches/{match_id}/confirm", {}, content_type="application/json", **staff)
    assert confirmed.json()["status"] == "confirmed"
    twice = client.post(f"/api/v1/industry/matches/{match_id}/confirm", {}, content_type="application/json", **staff)
    assert twice.status_code == 400 or twice.status_code == 422
    solved = client.post(f"/api/v1/industry/needs/{need['id']}/solve", {"outcome": "借调两人", "amount_yuan": "5000"},
                         content_type="application/json", **staff)
    assert solved.json()["status"] == NeedStatus.SOLVED
    agreement = client.post("/api/v1/industry/agreements", {"title": "人才协议", "party_ids": [
        park.e["造纸厂"].pk, park.e["浆料厂"].pk], "need_id": need["id"]}, content_type="application/json", **staff)
    assert agreement.status_code == 201, agreement.content
    assert [a["id"] for a in client.get("/api/v1/industry/agreements", **liaison).json()["items"]] == [
        agreement.json()["id"]]
    assert client.get("/api/v1/industry/agreements", **_auth(park.other_liaison)).json()["items"] == []
