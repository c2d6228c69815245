"""Meeting pages: the staff's list and forms, the meeting page for staff and residents, the room's
sign-in screen, signing in by code (POST, never in the URL) and on behalf, one occurrence moved or
cancelled, the council page; out of scope answers 404 like missing."""
import datetime
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.cases import services as case_services
from gongzhi.cases.defaults import install
from gongzhi.cases.models import Category, Channel
from gongzhi.deliberation.models import (
    AgendaItem, Attendance, CouncilMember, Meeting, MeetingFormat, MeetingSeries, MeetingStatus, Proposal, SignInMethod,
)
from gongzhi.deliberation.services import meetings
from gongzhi.people.models import Role

from .conftest import make_user


@pytest.fixture
def fmt(db):
    return MeetingFormat.objects.get(code="shuo-qi-shuo-ba")


@pytest.fixture
def meeting(world, fmt):
    return meetings.schedule_meeting(format=fmt, unit=world.grid_a, starts_at=timezone.now() + datetime.timedelta(minutes=30),
                                     by=world.worker_a, title="A网格说七说八", place="活动室")


def signed_in(client, user):
    client.force_login(user)
    return client


def test_staff_schedule_a_meeting_from_the_list(client, world, fmt):
    signed_in(client, world.worker_a)
    page = client.get(reverse("deliberation:meetings"))
    assert page.status_code == 200 and b'data-testid="schedule-form"' in page.content
    response = client.post(reverse("deliberation:meeting_schedule"), {
        "format": fmt.pk, "unit": world.grid_a.pk, "starts_at": "2027-01-07T19:00", "title": "一月说七说八", "place": "站"})
    meeting = Meeting.objects.get(title="一月说七说八")
    assert response.status_code == 302 and response["Location"] == reverse("deliberation:meeting", args=[meeting.pk])
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M") == "2027-01-07 19:00"
    assert "一月说七说八" in client.get(reverse("deliberation:meetings")).content.decode()


def test_a_series_from_the_list_generates_its_meetings(client, world, fmt):
    signed_in(client, world.worker_a)
    client.post(reverse("deliberation:series_create"), {
        "format": fmt.pk, "unit": world.grid_a.pk, "recurrence": "FREQ=WEEKLY;BYDAY=WE;BYHOUR=19",
        "starts_on": timezone.localdate().isoformat(), "title": "周三夜谈"})
    series = MeetingSeries.objects.get(title="周三夜谈")
    assert Meeting.objects.filter(series=series).count() >= 8


def test_a_bad_rule_is_shown_not_saved(client, world, fmt):
    signed_in(client, world.worker_a)
    response = client.post(reverse("deliberation:series_create"), {
        "format": fmt.pk, "unit": world.grid_a.pk, "recurrence": "FREQ=DAILY;BYHOUR=9",
        "starts_on": "2026-12-01", "title": "x"}, follow=True)
    assert "FREQ" in response.content.decode() and not MeetingSeries.objects.exists()


def test_a_resident_sees_the_agenda_but_not_the_staff_actions(client, world, meeting):
    meetings.add_item(meeting, title="健身器材坏了该谁修?", by=world.worker_a)
    page = signed_in(client, world.outsider).get(reverse("deliberation:meeting", args=[meeting.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "健身器材坏了该谁修?" in text
    assert 'data-testid="staff-actions"' not in text


def test_out_of_scope_reads_like_missing(client, world, meeting):
    signed_in(client, world.worker_b)
    for name in ("deliberation:meeting", "deliberation:signin", "deliberation:signin_screen"):
        assert client.get(reverse(name, args=[meeting.pk])).status_code == 404
        assert client.get(reverse(name, args=[999999])).status_code == 404
    assert client.post(reverse("deliberation:meeting_action", args=[meeting.pk, "open"])).status_code == 404


def test_staff_add_an_item_from_a_case_and_reorder(client, world, meeting):
    install(Category)
    case = case_services.create_case(title="路灯不亮", description="3号楼前", category=Category.objects.get(code="0201"),
                                     channel=Channel.RESIDENT, reporter=world.outsider, building=world.household_a.building)
    signed_in(client, world.worker_a)
    client.post(reverse("deliberation:meeting_item_add", args=[meeting.pk]), {"title": "开场", "time_box_minutes": "5"})
    client.post(reverse("deliberation:meeting_item_add", args=[meeting.pk]), {"case": case.pk, "time_box_minutes": "20"})
    item = AgendaItem.objects.get(case=case)
    assert (item.title, item.time_box_minutes, item.position) == ("路灯不亮", 20, 2)
    client.post(reverse("deliberation:meeting_item_action", args=[item.pk, "move"]), {"position": "1"})
    assert list(AgendaItem.objects.filter(meeting=meeting).values_list("title", flat=True)) == ["路灯不亮", "开场"]
    assert case.number in client.get(reverse("deliberation:meeting", args=[meeting.pk])).content.decode()


def test_a_case_of_another_grid_cannot_be_added(client, world, meeting):
    install(Category)
    case = case_services.create_case(title="B的问题", description="x", category=Category.objects.get(code="0201"),
                                     channel=Channel.RESIDENT, reporter=world.outsider, building=world.household_b.building)
    signed_in(client, world.secretary)  # sees both grids' cases
    client.post(reverse("deliberation:meeting_item_add", args=[meeting.pk]), {"case": case.pk})
    assert not AgendaItem.objects.exists()


def test_open_the_screen_sign_in_by_code_and_the_count(client, world, meeting, caplog):
    staff = signed_in(client, world.worker_a)
    staff.post(reverse("deliberation:meeting_action", args=[meeting.pk, "open"]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.OPEN
    screen = staff.get(reverse("deliberation:signin_screen", args=[meeting.pk]))
    text = screen.content.decode()
    assert meeting.signin_code in text and "<svg" in text and screen["Cache-Control"] == "no-store"
    # The QR link carries the code in the fragment only.
    assert f'/signin/#code={meeting.signin_code}"' in text
    client.logout()
    resident = signed_in(client, world.outsider)
    page = resident.get(reverse("deliberation:signin", args=[meeting.pk]))
    assert b'data-testid="signin-form"' in page.content
    with caplog.at_level(logging.DEBUG):
        wrong = resident.post(reverse("deliberation:signin", args=[meeting.pk]), {"code": "x"})
        assert wrong.status_code == 400
        right = resident.post(reverse("deliberation:signin", args=[meeting.pk]), {"code": meeting.signin_code})
    assert right.status_code == 302
    assert meeting.signin_code not in caplog.text
    attendance = Attendance.objects.get(meeting=meeting, user=world.outsider)
    assert attendance.method == SignInMethod.CODE
    again = resident.post(reverse("deliberation:signin", args=[meeting.pk]), {"code": meeting.signin_code}, follow=True)
    assert Attendance.objects.filter(meeting=meeting).count() == 1 and b'data-testid="signed-in"' in again.content
    client.logout()
    count = signed_in(client, world.worker_a).get(reverse("deliberation:signin_screen", args=[meeting.pk]), {"format": "json"})
    assert count.json() == {"count": 1, "status": "open"}


def test_the_screen_is_for_staff_only(client, world, meeting):
    meetings.open_meeting(meeting, by=world.worker_a)
    assert signed_in(client, world.outsider).get(reverse("deliberation:signin_screen", args=[meeting.pk])).status_code == 404


def test_staff_sign_in_a_resident_on_their_behalf(client, world, meeting):
    meetings.open_meeting(meeting, by=world.worker_a)
    elder = make_user("elder", Role.RESIDENT, [world.grid_a])
    signed_in(client, world.worker_a)
    page = client.get(reverse("deliberation:meeting", args=[meeting.pk])).content.decode()
    assert f'value="{elder.pk}"' in page
    client.post(reverse("deliberation:signin_behalf", args=[meeting.pk]), {"user": elder.pk})
    attendance = Attendance.objects.get(meeting=meeting, user=elder)
    assert (attendance.method, attendance.recorded_by) == (SignInMethod.STAFF, world.worker_a)
    page = client.get(reverse("deliberation:meeting", args=[meeting.pk])).content.decode()
    assert 'data-testid="attendance-count">1<' in page


def test_a_resident_cannot_sign_in_someone_else(client, world, meeting):
    meetings.open_meeting(meeting, by=world.worker_a)
    other = make_user("neighbour", Role.RESIDENT, [world.grid_a])
    signed_in(client, world.outsider).post(reverse("deliberation:signin_behalf", args=[meeting.pk]), {"user": other.pk})
    assert not Attendance.objects.exists()


def test_move_and_cancel_one_occurrence_from_its_page(client, world, fmt):
    series = MeetingSeries.objects.create(format=fmt, unit=world.grid_a, title="说七说八", starts_on=timezone.localdate(),
                                          recurrence="FREQ=MONTHLY;BYMONTHDAY=7;BYHOUR=19")
    meetings.generate(series, timezone.localdate() + datetime.timedelta(days=100))
    first, second, *rest = Meeting.objects.filter(series=series).order_by("starts_at")
    signed_in(client, world.worker_a)
    new_start = timezone.localtime(first.starts_at) + datetime.timedelta(days=2)
    client.post(reverse("deliberation:meeting_action", args=[first.pk, "move"]), {"starts_at": new_start.strftime("%Y-%m-%dT%H:%M")})
    client.post(reverse("deliberation:meeting_action", args=[second.pk, "cancel"]), {"reason": "停电"})
    first.refresh_from_db(), second.refresh_from_db()
    assert first.starts_at == new_start and second.status == MeetingStatus.CANCELLED
    assert all(m.status == MeetingStatus.SCHEDULED for m in Meeting.objects.filter(pk__in=[m.pk for m in rest]))
    page = client.get(reverse("deliberation:meeting", args=[second.pk])).content.decode()
    assert "停电" in page


def test_close_and_minutes(client, world, meeting):
    meetings.open_meeting(meeting, by=world.worker_a)
    item = meetings.add_item(meeting, title="充电桩", by=world.worker_a)
    signed_in(client, world.worker_a)
    client.post(reverse("deliberation:meeting_item_action", args=[item.pk, "minutes"]), {"minutes": "同意设在3号楼旁。"})
    client.post(reverse("deliberation:meeting_action", args=[meeting.pk, "close"]))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and AgendaItem.objects.get(pk=item.pk).minutes == "同意设在3号楼旁。"
    resident_view = signed_in(client, world.outsider).get(reverse("deliberation:meeting", args=[meeting.pk]))
    assert "同意设在3号楼旁。" in resident_view.content.decode()


def test_the_council_page_adds_and_ends_members(client, world):
    rep = make_user("rep", Role.RESIDENT, [world.grid_a])
    signed_in(client, world.worker_a)
    client.post(reverse("deliberation:council_member_add", args=[world.grid_a.code]),
                {"seat": "representative", "user": rep.pk, "starts_on": "2026-01-01"})
    member = CouncilMember.objects.get(user=rep)
    page = client.get(reverse("deliberation:council", args=[world.grid_a.code])).content.decode()
    assert "rep" in page
    client.post(reverse("deliberation:council_member_end", args=[member.pk]), {"ends_on": "2026-06-30"})
    member.refresh_from_db()
    assert member.ends_on == datetime.date(2026, 6, 30)
    client.force_login(world.worker_b)
    assert client.get(reverse("deliberation:council", args=[world.grid_a.code])).status_code == 404
    assert client.post(reverse("deliberation:council_member_end", args=[member.pk]), {"ends_on": "2026-06-30"}).status_code == 404


def test_residents_see_the_councils_seats_but_not_its_members_names(client, world, meeting):
    council = meetings.council_for(world.grid_a, by=world.worker_a)
    rep = make_user("王代表", Role.RESIDENT, [world.grid_a])
    meetings.add_council_member(council=council, seat="representative", user=rep, starts_on=datetime.date(2026, 1, 1),
                                by=world.worker_a)
    resident_view = signed_in(client, world.outsider).get(reverse("deliberation:meeting", args=[meeting.pk])).content.decode()
    assert 'data-testid="council"' in resident_view and "王代表" not in resident_view
    staff_view = signed_in(client, world.worker_a).get(reverse("deliberation:meeting", args=[meeting.pk])).content.decode()
    assert "王代表" in staff_view


def test_staff_put_an_open_proposal_on_the_agenda_and_it_is_answered(client, world, meeting, monkeypatch):
    from gongzhi.deliberation.services import proposals as proposal_rules

    proposal = Proposal.objects.create(unit=world.grid_a, title="公共充电桩放哪儿更合理?", body="电动车充电难",
                                       author=world.outsider)
    answered = []
    # The proposals concern answers it (services.proposals.answer, by the contract): recorded here.
    monkeypatch.setattr(proposal_rules, "answer", lambda p, **kw: answered.append((p.pk, kw["outcome"], kw["meeting"].pk)),
                        raising=False)
    signed_in(client, world.worker_a)
    page = client.get(reverse("deliberation:meeting", args=[meeting.pk])).content.decode()
    assert f'<option value="{proposal.pk}">' in page
    client.post(reverse("deliberation:meeting_item_add", args=[meeting.pk]), {"proposal": proposal.pk, "time_box_minutes": "25"})
    item = AgendaItem.objects.get(proposal=proposal)
    assert (item.title, item.time_box_minutes, item.meeting_id) == ("公共充电桩放哪儿更合理?", 25, meeting.pk)
    assert answered == [(proposal.pk, "on_agenda", meeting.pk)]
    page = client.get(reverse("deliberation:meeting", args=[meeting.pk])).content.decode()
    assert f'<option value="{proposal.pk}">' not in page


def test_a_district_admin_schedules_a_meeting_of_the_whole_district(client, world, fmt):
    # A 园区说事 is the whole zone's: the district (a park zone's root) is among the units offered.
    from tests.conftest import make_user
    from gongzhi.people.models import Role

    from gongzhi.deliberation.models import MeetingFormat

    admin = make_user("district-scheduler", Role.DISTRICT_ADMIN, [world.district])
    signed_in(client, admin)
    page = client.get(reverse("deliberation:meetings")).content.decode()
    assert f'<option value="{world.district.pk}"' in page
    talk = MeetingFormat.objects.get(code="yuanqu-shuoshi")
    client.post(reverse("deliberation:meeting_schedule"), {
        "format": talk.pk, "unit": world.district.pk, "starts_at": "2027-02-04T15:00", "title": "全区说事"})
    assert Meeting.objects.get(title="全区说事").unit == world.district
    # A grid's format at the district would invite every resident of it: refused with the reason.
    refused = client.post(reverse("deliberation:meeting_schedule"), {
        "format": fmt.pk, "unit": world.district.pk, "starts_at": "2027-02-04T19:00", "title": "全区说七说八"}, follow=True)
    assert "alert-danger" in refused.content.decode() and not Meeting.objects.filter(title="全区说七说八").exists()
