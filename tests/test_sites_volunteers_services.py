"""Volunteers: registration, shifts, reported and confirmed minutes, hours and the statement."""
import datetime

import pytest
from django.utils import timezone

from gongzhi.party import service as party_service
from gongzhi.party.models import DualReport, PartyMember, PartyOrganization
from gongzhi.people.models import Role
from gongzhi.sites.models import RecordStatus, RedPartner, ServiceRecord, TeamMembership, Volunteer, VolunteerKind
from gongzhi.sites.services import volunteers as rules
from gongzhi.territory import services as territory
from gongzhi.territory.models import Level
from tests.conftest import make_user, refused

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 11, 20, 12, 0))


def at(day, hour):
    return timezone.make_aware(datetime.datetime(2026, 11, day, hour, 0))


@pytest.fixture
def team(world):
    world.leader = make_user("leader", Role.RESIDENT, [world.grid_a])
    return rules.create_team(unit=world.community, name="红帆志愿服务队", by=world.secretary, leader=world.leader)


@pytest.fixture
def volunteer(world, team):
    world.helper = make_user("helper", Role.RESIDENT, [world.grid_a])
    return rules.register_volunteer(kind=VolunteerKind.RESIDENT, unit=world.community, by=world.secretary,
                                    user=world.helper, skills="理发", teams=[team])


@pytest.fixture
def shift(world, team):
    return rules.create_shift(unit=world.community, title="敬老院理发", starts_at=at(18, 9), ends_at=at(18, 11),
                              by=world.secretary, team=team, places=1)


def in_service_member(world, name="王党员", with_report=True):
    org = PartyOrganization.objects.create(name="某局机关党支部", kind="branch", unit=world.district)
    member = PartyMember.objects.create(name=name, gender="M", organization=org, employment="in_service", work_unit="某局",
                                        account=make_user(f"member-{name}", Role.PARTY_MEMBER, [world.grid_a]))
    if with_report:
        DualReport.objects.create(member=member, community=world.community, grid=world.grid_a, skills="法律咨询",
                                  registered_on=datetime.date(2026, 3, 1))
    return member


def test_assigning_a_volunteer_schedules_the_shifts_length_and_counts_no_hours_yet(world, volunteer, shift):
    record = rules.assign(shift, volunteer, by=world.secretary)
    assert (record.status, record.scheduled_minutes, record.on) == (RecordStatus.SCHEDULED, 120, datetime.date(2026, 11, 18))
    assert rules.volunteer_minutes(volunteer) == 0


def test_hours_count_only_after_the_organizer_confirms(world, volunteer, shift):
    record = rules.assign(shift, volunteer, by=world.secretary)
    rules.report_minutes(record, actual_minutes=150, by=world.helper)
    assert rules.volunteer_minutes(volunteer) == 0
    rules.confirm(record, by=world.secretary, now=NOW)
    record.refresh_from_db()
    assert (record.status, record.actual_minutes, record.confirmed_by) == (RecordStatus.CONFIRMED, 150, world.secretary)
    assert rules.volunteer_minutes(volunteer) == 150
    assert rules.team_minutes(shift.team) == 150


def test_the_organizer_may_correct_the_minutes_when_confirming(world, volunteer, shift):
    record = rules.assign(shift, volunteer, by=world.secretary)
    rules.report_minutes(record, actual_minutes=300, by=world.helper)
    rules.confirm(record, by=world.secretary, actual_minutes=100, now=NOW)
    assert rules.volunteer_minutes(volunteer) == 100


def test_confirming_without_minutes_takes_the_scheduled_ones(world, volunteer, shift):
    rules.confirm(rules.assign(shift, volunteer, by=world.secretary), by=world.secretary, now=NOW)
    assert rules.volunteer_minutes(volunteer) == 120


def test_a_volunteer_never_confirms_their_own_service_even_as_the_team_leader(world, team, shift):
    own = rules.register_volunteer(kind=VolunteerKind.RESIDENT, unit=world.community, by=world.secretary, user=world.leader)
    record = rules.assign(shift, own, by=world.leader)
    with refused("cannot confirm their own"):
        rules.confirm(record, by=world.leader, now=NOW)
    assert ServiceRecord.objects.get(pk=record.pk).status == RecordStatus.SCHEDULED


def test_only_the_organizer_confirms(world, volunteer, shift):
    record = rules.assign(shift, volunteer, by=world.secretary)
    with refused("Only the organizer"):
        rules.confirm(record, by=world.outsider, now=NOW)
    # A grid worker of the other grid is no staff of the community the shift belongs to.
    with refused("Only the organizer"):
        rules.confirm(record, by=world.worker_b, now=NOW)


def test_the_team_leader_organizes_the_teams_shifts(world, volunteer, shift):
    record = rules.assign(shift, volunteer, by=world.secretary)
    rules.confirm(record, by=world.leader, actual_minutes=90, now=NOW)
    assert rules.volunteer_minutes(volunteer) == 90


def test_a_shift_not_yet_started_cannot_be_confirmed(world, volunteer, shift):
    record = rules.assign(shift, volunteer, by=world.secretary)
    with refused("not started yet"):
        rules.confirm(record, by=world.secretary, now=at(18, 8))


def test_confirming_twice_is_refused_and_counts_once(world, volunteer, shift):
    record = rules.assign(shift, volunteer, by=world.secretary)
    rules.confirm(record, by=world.secretary, now=NOW)
    with refused("already confirmed"):
        rules.confirm(record, by=world.secretary, actual_minutes=500, now=NOW)
    assert rules.volunteer_minutes(volunteer) == 120


def test_a_no_show_counts_nothing_and_frees_the_place(world, volunteer, shift, team):
    record = rules.assign(shift, volunteer, by=world.secretary)
    other = rules.register_volunteer(kind=VolunteerKind.RESIDENT, unit=world.community, by=world.secretary, name="赵六")
    with refused("full"):
        rules.assign(shift, other, by=world.secretary)
    rules.mark_no_show(record, by=world.secretary)
    with refused("no-show cannot be confirmed"):
        rules.confirm(record, by=world.secretary, now=NOW)
    rules.assign(shift, other, by=world.secretary)
    assert rules.volunteer_minutes(volunteer) == 0


def test_minutes_out_of_range_are_refused(world, volunteer, shift):
    record = rules.assign(shift, volunteer, by=world.secretary)
    with refused("between 1 and 1440"):
        rules.report_minutes(record, actual_minutes=0, by=world.helper)
    with refused("whole number"):
        rules.report_minutes(record, actual_minutes="一小时", by=world.helper)


def test_only_staff_register_volunteers(world):
    with refused("Only staff"):
        rules.register_volunteer(kind=VolunteerKind.RESIDENT, unit=world.community, by=world.outsider, name="自己")


def test_an_account_is_a_volunteer_once(world, volunteer):
    with refused("already a volunteer"):
        rules.register_volunteer(kind=VolunteerKind.RESIDENT, unit=world.community, by=world.secretary, user=world.helper)


def test_a_party_member_volunteers_as_such_only_after_dual_registration(world):
    with refused("双报到"):
        rules.register_volunteer(kind=VolunteerKind.PARTY_MEMBER, unit=world.community, by=world.secretary,
                                 member=in_service_member(world, "没报到", with_report=False))
    member = in_service_member(world)
    v = rules.register_volunteer(kind=VolunteerKind.PARTY_MEMBER, unit=world.community, by=world.secretary, member=member)
    assert (v.name, v.user, v.skills) == ("王党员", member.account, "法律咨询")


def test_a_party_members_confirmed_service_counts_toward_the_dual_registration(world, shift):
    member = in_service_member(world)
    v = rules.register_volunteer(kind=VolunteerKind.PARTY_MEMBER, unit=world.community, by=world.secretary, member=member)
    record = rules.assign(shift, v, by=world.secretary)
    assert party_service.service_minutes([member]) == {member.pk: 0}
    rules.confirm(record, by=world.secretary, now=NOW)
    assert party_service.service_minutes([member]) == {member.pk: 120}
    assert party_service.service_minutes([member], since=datetime.date(2026, 12, 1)) == {member.pk: 0}
    # The party member's own account is the volunteer: they cannot confirm a service of theirs.
    second = rules.create_shift(unit=world.community, title="普法", starts_at=at(19, 9), ends_at=at(19, 10),
                                by=world.secretary)
    with refused("cannot confirm their own"):
        rules.confirm(rules.assign(second, v, by=world.secretary), by=member.account, now=NOW)


def test_a_red_partner_is_registered_with_its_volunteer_row(world):
    partner = rules.register_red_partner(unit=world.community, name="惠民药店", kind="shop", joined_on=datetime.date(2026, 1, 1),
                                         by=world.secretary, services="免费测血压")
    v = Volunteer.objects.get(partner=partner)
    assert (v.kind, v.name, v.unit) == (VolunteerKind.PARTNER, "惠民药店", world.community)
    assert RedPartner.objects.count() == 1


def test_a_volunteer_of_another_district_cannot_take_a_shift(world, shift):
    other = territory.create_unit(name="别区", level=Level.DISTRICT, code="370872")
    staff = make_user("other-admin", Role.DISTRICT_ADMIN, [other])
    stranger = rules.register_volunteer(kind=VolunteerKind.RESIDENT, unit=other, by=staff, name="外区人")
    with refused("another district"):
        rules.assign(shift, stranger, by=world.secretary)


def test_joining_a_team_twice_is_harmless_and_leaving_then_joining_reopens(world, team, volunteer):
    rules.join_team(team, volunteer, by=world.leader)
    rules.leave_team(team, volunteer, by=world.leader, on=datetime.date(2026, 11, 1))
    membership = rules.join_team(team, volunteer, by=world.secretary)
    assert membership.until is None and TeamMembership.objects.filter(team=team).count() == 1


def test_hours_by_month_and_the_statement_count_confirmed_services_only(world, volunteer, team):
    for day, minutes in ((3, 60), (18, 90)):
        s = rules.create_shift(unit=world.community, title=f"值守{day}", starts_at=at(day, 9), ends_at=at(day, 10), by=world.secretary)
        rules.confirm(rules.assign(s, volunteer, by=world.secretary), by=world.secretary, actual_minutes=minutes, now=NOW)
    october = rules.record_service(volunteer=volunteer, unit=world.community, what="陪老人聊天", on=datetime.date(2026, 10, 5),
                                   scheduled_minutes=45, by=world.helper)
    rules.confirm(october, by=world.secretary, now=NOW)
    pending = rules.create_shift(unit=world.community, title="未确认", starts_at=at(19, 9), ends_at=at(19, 10), by=world.secretary)
    rules.assign(pending, volunteer, by=world.secretary)
    assert rules.minutes_by_month(ServiceRecord.objects.filter(volunteer=volunteer)) == [
        (datetime.date(2026, 10, 1), 45, 1), (datetime.date(2026, 11, 1), 150, 2)]
    paper = rules.statement(volunteer, since=datetime.date(2026, 11, 1), until=datetime.date(2026, 11, 30))
    assert [r.what for r in paper["records"]] == ["值守3", "值守18"]
    assert (paper["total_minutes"], paper["total_hours"], paper["issued_by"]) == (150, 2.5, world.community)
    # The code is computed from exactly these records: a changed line changes it.
    code = paper["code"]
    ServiceRecord.objects.filter(what="值守3").update(actual_minutes=61)
    assert rules.statement(volunteer, since=datetime.date(2026, 11, 1), until=datetime.date(2026, 11, 30))["code"] != code


def test_a_statement_period_must_not_end_before_it_starts(world, volunteer):
    with refused("end is not before"):
        rules.statement(volunteer, since=datetime.date(2026, 11, 30), until=datetime.date(2026, 11, 1))


def test_confirming_tells_the_volunteer(world, volunteer, shift, django_capture_on_commit_callbacks):
    from gongzhi.core.models import Notice
    with django_capture_on_commit_callbacks(execute=True):
        record = rules.assign(shift, volunteer, by=world.secretary)
    with django_capture_on_commit_callbacks(execute=True):
        rules.confirm(record, by=world.secretary, now=NOW)
    assert set(Notice.objects.filter(user=world.helper).values_list("event", flat=True)) == {
        "sites.shift_assigned", "sites.service_confirmed"}
