"""红色帮扶网 in the API: park staff list the zone's leads and read one with its group and visits;
the lead's own account records a visit with the need it collected (idempotent); another zone's
staff and strangers get 404; bad input answers 400 and writes nothing."""
import datetime

from django.test import Client
from django.utils import timezone

from gongzhi.api.services import create_token
from gongzhi.industry.models import LeadVisit, Need
from gongzhi.people.models import Role
from tests.conftest import make_user
from tests.test_industry_area_leads import net  # noqa: F401  (the fixture)


def _auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user, name='t')[1]}"}


def _visit(client, net, user, body, key=None):  # noqa: F811
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/industry/area-leads/{net.lead.pk}/visits", body, content_type="application/json",
                       **extra, **_auth(user))


def test_the_lead_records_a_visit_with_a_need_once_per_key_and_staff_read_it(net):  # noqa: F811
    client = Client()
    body = {"enterprise_id": net.e1.pk, "notes": "走访了解融资难", "need_kind": "funding", "need_text": "流动资金二百万元"}
    made = _visit(client, net, net.veteran, body, key="v1")
    assert made.status_code == 201, made.content
    assert made.json()["need"]["collected_on_visit"] is True
    assert _visit(client, net, net.veteran, body, key="v1").json() == made.json()
    assert (LeadVisit.objects.count(), Need.objects.count()) == (1, 1)
    own = client.get(f"/api/v1/industry/area-leads/{net.lead.pk}", **_auth(net.veteran)).json()
    assert len(own["group"]) == 2 and len(own["visits"]) == 1
    staff = _auth(net.staff)
    listed = client.get("/api/v1/industry/area-leads", **staff).json()["items"]
    assert [(lead["area"], lead["enterprises"], lead["visits_lately"], lead["needs_collected"]) for lead in listed] == [
        ("东片", 2, 1, 1)]
    one = client.get(f"/api/v1/industry/area-leads/{net.lead.pk}", **staff).json()
    assert [e["name"] for e in one["group"]] == ["乙厂", "甲厂"]
    assert [(v["enterprise"], [n["text"] for n in v["needs"]]) for v in one["visits"]] == [("甲厂", ["流动资金二百万元"])]


def test_out_of_scope_answers_404_and_bad_input_is_refused_writing_nothing(net):  # noqa: F811
    client = Client()
    elsewhere = make_user("far-staff", Role.PARK_STAFF, [])
    assert client.get(f"/api/v1/industry/area-leads/{net.lead.pk}", **_auth(elsewhere)).status_code == 404
    assert client.get("/api/v1/industry/area-leads", **_auth(elsewhere)).json()["items"] == []
    assert _visit(client, net, net.outsider, {"enterprise_id": net.e1.pk}).status_code == 404
    assert _visit(client, net, net.staff, {"enterprise_id": net.outside.pk}).status_code == 404
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    late = _visit(client, net, net.staff, {"enterprise_id": net.e1.pk, "visited_on": tomorrow})
    assert late.status_code == 400 and "visited_on" in late.content.decode()
    assert _visit(client, net, net.staff, {"enterprise_id": net.e1.pk, "notes": "a\x00b"}).status_code == 400
    assert _visit(client, net, net.staff, {"enterprise_id": net.e1.pk, "need_kind": "talent"}).status_code == 400
    assert not LeadVisit.objects.exists() and not Need.objects.exists()
