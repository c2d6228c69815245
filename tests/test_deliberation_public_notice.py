"""The public notice (公示) of a grid or community: readable without login, no personal data on it."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.deliberation.models import (
    Choice, MeetingStatus, OwnerKind, Proposal, ProposalFollow, ProposalStatus, Support,
)
from gongzhi.deliberation.services import decisions, votes
from gongzhi.party.models import OrganizationKind, PartyMember, PartyOrganization
from gongzhi.people.models import Agency, AgencyKind

from .deliberation_rooms import build_room, make_meeting, sign_in


@pytest.fixture
def notice(world):
    """Grid A with a meeting held, one scheduled, and decisions of every owner kind, with the
    residents (whose names and phones must not show) involved everywhere they can be."""
    r = build_room(world)
    resident = r.elder  # 王奶奶, 13700001111: proposer, supporter, follower, voter (on behalf), signed in
    proposal = Proposal.objects.create(unit=world.grid_a, title="小区健身器材坏了该谁修?", body="王奶奶说单杠松了",
                                       author=resident, recorded_by=world.worker_a, status=ProposalStatus.ON_AGENDA)
    Support.objects.create(proposal=proposal, user=r.members[0])
    ProposalFollow.objects.create(proposal=proposal, user=resident)
    r.item.proposal = proposal
    r.item.save()
    sign_in(r.meeting, resident, by=world.worker_a)
    for member in r.members:
        sign_in(r.meeting, member)
    votes.open_vote(r.item, by=world.worker_a)
    votes.cast(r.item, voter=resident, choice=Choice.FOR, by=world.worker_a)
    votes.cast(r.item, voter=r.members[0], choice=Choice.FOR)
    votes.close_vote(r.item, by=world.worker_a)
    r.agency = Agency.objects.create(name="测试住建局", kind=AgencyKind.DEPARTMENT, district=world.district, phone="0539-1234567")
    r.property_org = PartyOrganization.objects.create(name="龙城物业党支部", kind=OrganizationKind.PROPERTY_ORGANIZATION,
                                                      unit=world.grid_a)
    branch = PartyOrganization.objects.create(name="A网格党支部", kind=OrganizationKind.BRANCH, unit=world.grid_a)
    r.member = PartyMember.objects.create(name="赵党员", gender="M", phone="13600002222", organization=branch,
                                          employment="in_service", work_unit="某公司")
    due = timezone.localdate() + datetime.timedelta(days=14)
    common = dict(meeting=r.meeting, item=r.item, due_on=due, by=world.worker_a)
    r.done = decisions.record_decision(what="物业公司修好单杠", owner_kind=OwnerKind.PROPERTY, organization=r.property_org, **common)
    decisions.report_progress(r.done, percent=100, note="王奶奶确认修好了", by=world.worker_a)
    decisions.verify(r.done, by=world.worker_a)
    decisions.record_decision(what="住建局检查全部器材", owner_kind=OwnerKind.AGENCY, agency=r.agency, **common)
    decisions.record_decision(what="党员每周巡查", owner_kind=OwnerKind.PARTY_MEMBER, member=r.member, **common)
    decisions.record_decision(what="志愿队清洁场地", owner_kind=OwnerKind.VOLUNTEER_TEAM, owner_name="银发志愿队", **common)
    make_meeting(r.council_format, world.grid_a, status=MeetingStatus.SCHEDULED, title="楼长夜话",
                 starts_at=timezone.now() + datetime.timedelta(days=5))
    r.meeting.status = MeetingStatus.HELD
    r.meeting.save()
    r.resident = resident
    return r


def public(client, unit):
    return client.get(reverse("deliberation:public_notice", args=[unit.code]))


def test_anyone_reads_the_grids_notice_without_signing_in(client, world, notice):
    response = public(client, world.grid_a)
    assert response.status_code == 200
    html = response.content.decode()
    for shown in ("物业公司修好单杠", "龙城物业党支部", "测试住建局", "银发志愿队", "楼长夜话", "说七说八",
                  "小区健身器材坏了该谁修?"):
        assert shown in html, shown
    assert "100 %" in html


def test_the_community_notice_lists_its_grids_meetings_and_decisions(client, world, notice):
    html = public(client, world.community).content.decode()
    assert "物业公司修好单杠" in html and "楼长夜话" in html


def test_no_residents_name_phone_or_account_name_appears_on_the_notice(client, world, notice):
    html = public(client, world.grid_a).content.decode()
    personal = [notice.resident.display_name, notice.resident.phone, notice.resident.username,
                world.resident_a.name, world.resident_a.phone, notice.member.name, notice.member.phone,
                world.worker_a.username, *[m.username for m in notice.members], notice.agency.phone]
    leaked = [value for value in personal if value and value in html]
    assert not leaked, f"personal data on the public notice: {leaked}"
    # The decision named the party member; the public sees only the kind.
    assert "Party member" in html or "党员" in html


def test_a_unit_that_is_not_a_grid_or_community_or_does_not_exist_is_not_found(client, world, notice):
    assert public(client, world.street).status_code == 404
    assert client.get(reverse("deliberation:public_notice", args=["370899999999999"])).status_code == 404


def test_the_notice_shows_no_party_meetings_and_no_other_grids(client, world, notice):
    from .deliberation_rooms import make_format, make_meeting as meeting_of
    from gongzhi.deliberation.models import MeetingFormat, Voters

    party = MeetingFormat.objects.create(code="test-party", name="支部委员会", purpose="party", party_kind="committee_meeting",
                                         voters=Voters.NOBODY)
    meeting_of(party, world.grid_a, status=MeetingStatus.HELD, title="支部委员会十一月")
    meeting_of(make_format("test-b", Voters.ATTENDEES), world.grid_b, status=MeetingStatus.HELD, title="B网格说事")
    html = public(client, world.grid_a).content.decode()
    assert "支部委员会十一月" not in html and "B网格说事" not in html
