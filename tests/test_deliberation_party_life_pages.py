"""The 三会一课 pages: the calendar, the behind-schedule list, recording a meeting (schedule,
attendance, minutes, close) through the pages, a member's own view, and 404 outside scope."""
import datetime

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.deliberation.models import Attendance, MeetingFormat, MeetingStatus
from gongzhi.people.models import Role

from tests.conftest import make_user
from tests.party_life_helpers import instructor_of, make_branch, meeting, secretary_account


@pytest.fixture
def branch(world):
    return make_branch(world)


@pytest.fixture
def other(world):
    return make_branch(world, name="B小区党支部", grid=world.grid_b)


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_community_secretary_sees_each_branchs_cadences_and_the_behind_list(client, world, branch, other):
    meeting(branch, datetime.date(2026, 10, 5), "zhibu-weiyuanhui")
    page = signed_in(client, world.secretary).get(reverse("deliberation:party_meetings"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "A小区党支部" in text and "B小区党支部" in text and "2026-10-05" in text
    behind = client.get(reverse("deliberation:party_behind")).content.decode()
    assert "A小区党支部" in behind and "B小区党支部" in behind  # neither held everything


def test_an_instructor_sees_only_the_branch_assigned_to_them(client, branch, other):
    instructor = instructor_of(branch, "instructor-a")
    text = signed_in(client, instructor).get(reverse("deliberation:party_behind")).content.decode()
    assert "A小区党支部" in text and "B小区党支部" not in text
    assert client.get(reverse("deliberation:party_organization", args=[other.pk])).status_code == 404
    assert client.get(reverse("deliberation:party_organization", args=[branch.pk])).status_code == 200


def test_the_secretary_records_a_meeting_from_schedule_to_held(client, world, branch):
    secretary = secretary_account(branch, "branch-secretary")
    signed_in(client, secretary)
    fmt = MeetingFormat.objects.get(code="dangke")
    answer = client.post(reverse("deliberation:party_organization", args=[branch.pk]),
                         {"format": fmt.pk, "starts_at": "2026-03-25T09:00", "place": "党群服务中心"})
    assert answer.status_code == 302
    m = branch.meetings.get()
    url = reverse("deliberation:party_meeting", args=[m.pk])
    assert answer["Location"] == url
    client.post(url, {"action": "attendance", "member": branch.people[1].pk, "present": "yes"})
    refused = client.post(url, {"action": "attendance", "member": branch.people[2].pk, "present": "no", "absence_reason": ""})
    assert refused.status_code == 400 and "缺席原因" in refused.content.decode()
    client.post(url, {"action": "attendance", "member": branch.people[2].pk, "present": "no", "absence_reason": "外出务工"})
    client.post(url, {"action": "minutes", "minutes": "学习党章。"})
    assert client.post(url, {"action": "close"}).status_code == 302
    m.refresh_from_db()
    assert (m.status, m.minutes, m.place) == (MeetingStatus.HELD, "学习党章。", "党群服务中心")
    assert {(a.member_id, a.present, a.absence_reason) for a in Attendance.objects.filter(meeting=m)} == {
        (branch.people[1].pk, True, ""), (branch.people[2].pk, False, "外出务工")}
    # Listed once on the branch's page, for the community secretary too (the scope's joins on
    # members must not repeat it).
    org_page = signed_in(Client(), world.secretary).get(reverse("deliberation:party_organization", args=[branch.pk])).content.decode()
    assert org_page.count(f'href="{url}"') == 1
    hours = client.get(reverse("deliberation:party_member_hours", args=[branch.people[1].pk]), {"year": 2026})
    assert "2.0" in hours.content.decode()


def test_a_wrong_date_or_format_is_refused_with_a_message(client, branch):
    secretary = secretary_account(branch, "branch-secretary")
    signed_in(client, secretary)
    url = reverse("deliberation:party_organization", args=[branch.pk])
    fmt = MeetingFormat.objects.get(code="dangke")
    assert client.post(url, {"format": fmt.pk, "starts_at": "not a date"}).status_code == 400
    wrong = client.post(url, {"format": MeetingFormat.objects.get(code="shuo-qi-shuo-ba").pk, "starts_at": "2026-03-25T09:00"})
    assert wrong.status_code == 400 and "请选择一种" in wrong.content.decode()
    assert not branch.meetings.exists()


def test_a_member_sees_their_branchs_meetings_and_only_their_own_mark(client, world, branch, other):
    secretary = secretary_account(branch, "branch-secretary")
    m = meeting(branch, datetime.date(2026, 3, 25), "dangke", status=MeetingStatus.SCHEDULED)
    from gongzhi.deliberation.services import party_life

    party_life.record_member_attendance(m, member=branch.people[1], present=True, by=secretary)
    party_life.record_member_attendance(m, member=branch.people[2], present=False, absence_reason="住院治疗", by=secretary)
    party_life.close_party_meeting(m, by=secretary)
    member_user = make_user("member-1", Role.PARTY_MEMBER, [branch.unit])
    branch.people[1].account = member_user
    branch.people[1].save()
    signed_in(client, member_user)
    mine = client.get(reverse("deliberation:party_meetings")).content.decode()
    assert "2026-03-25" in mine and "2.0" in mine  # the lesson, and the hours it earned
    page = client.get(reverse("deliberation:party_meeting", args=[m.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and branch.people[1].name in text
    assert "住院治疗" not in text and branch.people[2].name not in text
    # Marking is for the secretary: a member's POST is refused, and nothing changes.
    refused = client.post(reverse("deliberation:party_meeting", args=[m.pk]), {"action": "minutes", "minutes": "x"})
    assert refused.status_code == 400
    assert client.get(reverse("deliberation:party_member_hours", args=[branch.people[1].pk])).status_code == 200
    assert client.get(reverse("deliberation:party_member_hours", args=[branch.people[2].pk])).status_code == 404
    # Another branch's meeting is missing to them.
    theirs = meeting(other, datetime.date(2026, 3, 25), "dangke")
    assert client.get(reverse("deliberation:party_meeting", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("deliberation:party_organization", args=[other.pk])).status_code == 404
