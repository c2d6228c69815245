"""Volunteer pages: the organizer confirms on the shift page, the volunteer reports on a phone,
the printable statement, registration, and the party member's 双报到 service on the party page."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.party.models import DualReport, PartyMember, PartyOrganization
from gongzhi.people.models import Role
from gongzhi.sites.models import RecordStatus, ServiceRecord, Shift, Volunteer, VolunteerKind
from gongzhi.sites.services import volunteers as rules
from tests.conftest import make_user
from tests.volunteer_helpers import volunteer_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def vw(world):
    return volunteer_world(world)


def test_the_volunteer_reports_minutes_on_my_hours_and_they_do_not_count_yet(client, vw):
    client.force_login(vw.helper)
    page = client.get(reverse("sites:my_hours"))
    assert page.status_code == 200 and "敬老院理发" in page.content.decode()
    client.post(reverse("sites:record_action", args=[vw.record.pk, "report"]), {"minutes": "100", "next": "mine"})
    vw.record.refresh_from_db()
    assert (vw.record.status, vw.record.actual_minutes) == (RecordStatus.REPORTED, 100)
    assert client.get(reverse("sites:my_hours")).context["year_hours"] == 0


def test_the_organizer_confirms_on_the_shift_page_and_the_hours_count(client, vw):
    client.force_login(vw.secretary)
    page = client.get(reverse("sites:shift", args=[vw.shift.pk]))
    assert f'data-testid="confirm-{vw.record.pk}"' in page.content.decode()
    client.post(reverse("sites:record_action", args=[vw.record.pk, "confirm"]), {"minutes": "90"})
    vw.record.refresh_from_db()
    assert (vw.record.status, vw.record.actual_minutes, vw.record.confirmed_by) == (RecordStatus.CONFIRMED, 90, vw.secretary)
    client.force_login(vw.helper)
    assert client.get(reverse("sites:my_hours")).context["year_hours"] == 1.5


def test_the_volunteer_cannot_confirm_their_own_minutes_through_the_page(client, vw):
    client.force_login(vw.helper)
    page = client.get(reverse("sites:shift", args=[vw.shift.pk]))
    assert "confirm-" not in page.content.decode()
    response = client.post(reverse("sites:record_action", args=[vw.record.pk, "confirm"]), {"minutes": "600"}, follow=True)
    assert "cannot confirm their own" in response.content.decode() or "不能确认自己" in response.content.decode()
    assert ServiceRecord.objects.get(pk=vw.record.pk).status == RecordStatus.SCHEDULED


def test_a_volunteer_sees_only_their_own_line_on_a_shift(client, vw):
    other = rules.register_volunteer(kind=VolunteerKind.RESIDENT, unit=vw.community, by=vw.secretary, name="赵六")
    rules.assign(vw.shift, other, by=vw.secretary)
    client.force_login(vw.helper)
    body = client.get(reverse("sites:shift", args=[vw.shift.pk])).content.decode()
    assert "赵六" not in body and vw.volunteer.name in body


def test_the_statement_lists_each_confirmed_service_with_the_total_the_unit_and_a_code(client, vw):
    rules.confirm(vw.record, by=vw.secretary, actual_minutes=90)
    pending = rules.record_service(volunteer=vw.volunteer, unit=vw.community, what="未确认的服务", on=vw.record.on,
                                   scheduled_minutes=30, by=vw.helper)
    client.force_login(vw.helper)
    year = vw.record.on.year
    page = client.get(reverse("sites:volunteer_statement", args=[vw.volunteer.pk]),
                      {"since": f"{year}-01-01", "until": f"{year}-12-31"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "敬老院理发" in body and pending.what not in body
    assert page.context["total_hours"] == 1.5 and vw.community.name in body
    assert page.context["code"] in body and "@media print" in body


def test_another_residents_statement_is_not_found(client, vw):
    client.force_login(vw.outsider)
    assert client.get(reverse("sites:volunteer_statement", args=[vw.volunteer.pk])).status_code == 404
    assert client.get(reverse("sites:volunteer", args=[vw.volunteer.pk])).status_code == 404


def test_the_staff_list_shows_confirmed_hours_this_year_and_residents_get_no_list(client, vw):
    rules.confirm(vw.record, by=vw.secretary, actual_minutes=120)
    client.force_login(vw.secretary)
    page = client.get(reverse("sites:volunteers"))
    assert [(v.name, v.hours) for v in page.context["page"]] == [(vw.volunteer.name, 2.0)]
    client.force_login(vw.outsider)
    assert client.get(reverse("sites:volunteers")).status_code == 404


def test_staff_register_an_in_service_party_member_from_the_dual_registrations(client, world):
    org = PartyOrganization.objects.create(name="某局机关党支部", kind="branch", unit=world.district)
    member = PartyMember.objects.create(name="王党员", gender="M", organization=org, employment="in_service", work_unit="某局")
    report = DualReport.objects.create(member=member, community=world.community, grid=world.grid_a, skills="法律咨询",
                                       registered_on=datetime.date(2026, 3, 1))
    client.force_login(world.secretary)
    response = client.post(reverse("sites:volunteer_new"), {"unit": world.community.code, "kind": "party_member",
                                                            "dual_report": report.pk})
    volunteer = Volunteer.objects.get(member=member)
    assert response.status_code == 302 and (volunteer.kind, volunteer.skills) == (VolunteerKind.PARTY_MEMBER, "法律咨询")


def test_a_unit_outside_ones_scope_registers_nobody(client, world):
    client.force_login(world.worker_a)
    response = client.post(reverse("sites:volunteer_new"), {"unit": world.grid_b.code, "kind": "resident", "name": "某人"})
    assert response.status_code == 200 and not Volunteer.objects.exists()


def test_a_party_members_confirmed_service_shows_on_the_organization_page(client, world):
    org = PartyOrganization.objects.create(name="网格党支部", kind="branch", unit=world.grid_a)
    member = PartyMember.objects.create(name="王党员", gender="M", organization=org, employment="in_service", work_unit="某局",
                                        account=make_user("member", Role.PARTY_MEMBER, [world.grid_a]))
    DualReport.objects.create(member=member, community=world.community, grid=world.grid_a, registered_on=datetime.date(2026, 3, 1))
    v = rules.register_volunteer(kind=VolunteerKind.PARTY_MEMBER, unit=world.community, by=world.secretary, member=member)
    record = rules.record_service(volunteer=v, unit=world.community, what="普法讲座", on=timezone.localdate(),
                                  scheduled_minutes=90, by=world.secretary)
    client.force_login(world.secretary)
    url = reverse("party:organization", args=[org.pk])
    marker = f'data-testid="service-hours-{member.pk}">'
    assert marker + "0.0<" in client.get(url).content.decode()
    rules.confirm(record, by=world.secretary)
    assert marker + "1.5<" in client.get(url).content.decode()


def test_staff_create_a_shift_and_assign_a_volunteer(client, vw):
    client.force_login(vw.secretary)
    response = client.post(reverse("sites:shift_new"), {"unit": vw.community.code, "title": "周末值守",
                                                        "starts_at": "2027-01-09T09:00", "ends_at": "2027-01-09T12:00",
                                                        "places": "1"})
    shift = Shift.objects.get(title="周末值守")
    assert response.status_code == 302 and shift.organizer == vw.secretary
    client.post(reverse("sites:shift", args=[shift.pk]), {"volunteer": vw.volunteer.pk})
    assert ServiceRecord.objects.get(shift=shift).scheduled_minutes == 180


def test_staff_add_a_member_on_the_team_page(client, vw):
    other = rules.register_volunteer(kind=VolunteerKind.RESIDENT, unit=vw.community, by=vw.secretary, name="赵六")
    client.force_login(vw.secretary)
    client.post(reverse("sites:team", args=[vw.team.pk]), {"volunteer": other.pk})
    assert vw.team.memberships.filter(volunteer=other, until__isnull=True).exists()


def test_a_team_leader_cannot_pick_volunteers_they_cannot_see(client, vw):
    # The volunteers' register is the staff's: a resident leading a team sees their members only.
    other = rules.register_volunteer(kind=VolunteerKind.RESIDENT, unit=vw.community, by=vw.secretary, name="赵六")
    client.force_login(vw.leader)
    page = client.get(reverse("sites:team", args=[vw.team.pk]))
    assert other not in page.context["candidates"]
    client.post(reverse("sites:team", args=[vw.team.pk]), {"volunteer": other.pk})
    assert not vw.team.memberships.filter(volunteer=other).exists()


def test_a_volunteer_on_two_teams_of_one_leader_is_listed_once_with_their_hours_counted_once(client, vw):
    from gongzhi.sites.models import Volunteer as V
    second = rules.create_team(unit=vw.community, name="助老队", by=vw.secretary, leader=vw.leader)
    rules.join_team(second, vw.volunteer, by=vw.secretary)
    rules.confirm(vw.record, by=vw.secretary, actual_minutes=60)
    assert list(V.objects.visible_to(vw.leader)) == [vw.volunteer]
    assert rules.volunteer_minutes(vw.volunteer) == 60
    assert list(vw.shift.__class__.objects.visible_to(vw.helper)) == [vw.shift]


def test_the_new_shift_form_opened_from_a_session_is_filled_with_it(client, vw):
    import datetime

    from gongzhi.sites.models import Activity, Session
    starts = timezone.now() + datetime.timedelta(days=2)
    session = Session.objects.create(activity=Activity.objects.create(unit=vw.community, title="义诊"), starts_at=starts,
                                     ends_at=starts + datetime.timedelta(hours=2))
    client.force_login(vw.secretary)
    assert client.get(reverse("sites:shift_new")).status_code == 200
    page = client.get(reverse("sites:shift_new"), {"session": session.pk})
    assert page.context["session"] == session and 'value="义诊"' in page.content.decode()


def test_the_confirmation_notice_opens_the_shift_for_the_volunteer(client, world, django_capture_on_commit_callbacks):
    from gongzhi.core.models import Notice
    vw = volunteer_world(world)
    with django_capture_on_commit_callbacks(execute=True):
        rules.confirm(vw.record, by=vw.secretary, actual_minutes=60)
    notice = Notice.objects.get(user=vw.helper, event="sites.service_confirmed")
    client.force_login(vw.helper)
    opened = client.post(reverse("notices:open", args=[notice.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse("sites:shift", args=[vw.shift.pk])
    assert client.get(opened["Location"]).status_code == 200
