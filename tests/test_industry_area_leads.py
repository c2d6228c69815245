"""红色帮扶网: park staff see the zone's area leads; a visit is recorded (by the lead's account
or park staff) with the need it collected, which enters the needs board; bad input writes nothing."""
import datetime

import pytest
from django.utils import timezone

from gongzhi.industry.models import AreaLead, LeadVisit, Need, NeedStatus, PartyStatus
from gongzhi.industry.services import leads
from gongzhi.industry.services.enterprises import create_enterprise
from gongzhi.industry.services.uscc import make_uscc
from gongzhi.party.models import OrganizationKind, PartyMember, PartyOrganization
from gongzhi.people.models import Role
from tests.conftest import make_user, refused


@pytest.fixture
def net(world):
    w = world
    w.staff = make_user("park-staff", Role.PARK_STAFF, [w.district])
    w.veteran = make_user("veteran", Role.PARTY_MEMBER, [w.grid_a])
    org = PartyOrganization.objects.create(name="老党员支部", kind=OrganizationKind.BRANCH, unit=w.community)
    member = PartyMember.objects.create(name="老张", gender="M", organization=org, phone="13600009999", employment="retired")
    w.e1 = create_enterprise(name="甲厂", uscc=make_uscc("370871", 1), unit=w.grid_a, party_status=PartyStatus.NONE)
    w.e2 = create_enterprise(name="乙厂", uscc=make_uscc("370871", 2), unit=w.grid_b, party_status=PartyStatus.NONE)
    w.outside = create_enterprise(name="丙厂", uscc=make_uscc("370871", 3), unit=w.grid_b, party_status=PartyStatus.NONE)
    w.lead = AreaLead.objects.create(zone=w.district, member=member, account=w.veteran, area="东片")
    w.lead.enterprises.set([w.e1, w.e2])
    return w


def test_the_lead_records_a_visit_and_the_need_it_collected_reaches_the_board(net):
    visit, need = leads.record_visit(net.lead, net.e1, by=net.veteran, notes="走访了解融资难",
                                     need_kind="funding", need_text="流动资金二百万元", need_quantity="200万元")
    assert (visit.lead, visit.enterprise, visit.visited_on) == (net.lead, net.e1, timezone.localdate())
    assert (need.visit, need.created_by, need.status) == (visit, net.veteran, NeedStatus.OPEN)
    assert Need.objects.visible_to(net.staff).filter(pk=need.pk).exists()


def test_a_visit_outside_the_group_in_the_future_or_a_kind_without_text_writes_nothing(net):
    with refused("not in the area lead's group"):
        leads.record_visit(net.lead, net.outside, by=net.staff)
    with refused("after it took place"):
        leads.record_visit(net.lead, net.e1, by=net.staff, visited_on=timezone.localdate() + datetime.timedelta(days=1))
    with refused("what the enterprise needs"):
        leads.record_visit(net.lead, net.e1, by=net.staff, need_kind="talent")
    with refused("kind of need"):
        leads.record_visit(net.lead, net.e1, by=net.staff, need_kind="", need_text="要人")
    assert not LeadVisit.objects.exists() and not Need.objects.exists()


def test_someone_else_may_not_record_for_the_lead(net):
    with refused("No such enterprise"):
        leads.record_visit(net.lead, net.e1, by=net.outsider)


def test_staff_see_the_leads_and_record_a_visit_on_the_page(client, net):
    client.force_login(net.staff)
    body = client.get("/industry/area-leads/").content.decode()
    assert "老张" in body and "东片" in body
    response = client.post(f"/industry/area-leads/{net.lead.pk}/", {
        "enterprise": net.e2.pk, "visited_on": timezone.localdate().isoformat(), "notes": "送政策上门",
        "need_kind": "talent", "need_text": "招电工三名"}, follow=True)
    assert "招电工三名" in response.content.decode()
    assert Need.objects.get(text="招电工三名").visit.enterprise == net.e2
    bad = client.post(f"/industry/area-leads/{net.lead.pk}/", {"enterprise": net.outside.pk}, follow=True)
    assert LeadVisit.objects.count() == 1 and "alert-danger" in bad.content.decode()
    # Refused once, shown once, and what was typed is still in the form.
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    bad = client.post(f"/industry/area-leads/{net.lead.pk}/", {
        "enterprise": net.e2.pk, "visited_on": tomorrow, "notes": "回访", "need_kind": "funding", "need_text": "贷款一百万"})
    body = bad.content.decode()
    assert body.count("alert-danger") == 1 and "alert-success" not in body
    assert "贷款一百万" in body and ">回访</textarea>" in body and f'value="{net.e2.pk}" selected' in body
    assert LeadVisit.objects.count() == 1


def test_a_jining_admin_of_another_zone_gets_404(client, net):
    from gongzhi.territory import services as territory
    from gongzhi.territory.models import Level

    other = territory.create_unit(name="别的园区", level=Level.DISTRICT, code="652371")
    client.force_login(make_user("other-admin", Role.DISTRICT_ADMIN, [other]))
    assert client.get(f"/industry/area-leads/{net.lead.pk}/").status_code == 404
    assert "老张" not in client.get("/industry/area-leads/").content.decode()
