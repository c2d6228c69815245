"""The market's demo step (86) after the zone's (85): 20+ needs solved through matches confirmed
at matchmaking meetings and a 园区说事 agreement of 23 enterprises, counted from the records."""
import datetime

import pytest

from gongzhi.core.demo import DemoBuilder
from gongzhi.deliberation.models import Meeting
from gongzhi.industry import demo, demo_market, figures
from gongzhi.industry.models import Agreement, Match, MatchStatus, Need, NeedStatus


@pytest.fixture(scope="module")
def changji(django_db_setup, django_db_blocker):
    from django.core.management import call_command

    from tests.deliberation_helpers import default_formats

    with django_db_blocker.unblock():
        try:
            default_formats()  # a transactional test before this module may have flushed them
            builder = DemoBuilder(seed=7, today=datetime.date(2026, 11, 28))
            demo.build(builder)
            demo_market.build(builder)
            yield builder
        finally:  # rows written outside the tests' transactions must go even when building failed
            call_command("flush", interactive=False, verbosity=0)


def test_needs_are_solved_through_confirmed_matches_at_meetings(changji, db):
    assert figures.needs_solved() >= 20
    assert figures.needs_solved(demo.ZONE_CODE) == figures.needs_solved()
    solved = Need.objects.filter(status=NeedStatus.SOLVED)
    kinds = set(solved.values_list("kind", flat=True))
    assert {"funding", "talent"} <= kinds
    for need in solved:
        confirmed = need.matches.filter(status=MatchStatus.CONFIRMED)
        assert confirmed.exists() and all(m.meeting_id for m in confirmed)
        assert need.outcome and need.solved_at >= need.created_at
    assert Need.objects.filter(status=NeedStatus.OPEN, matches__isnull=False).exists()   # the board has work


def test_a_yuanqu_shuoshi_meeting_where_23_enterprises_agree_to_cooperate(changji, db):
    agreement = Agreement.objects.get(meeting__format__code="yuanqu-shuoshi")
    assert agreement.parties.count() == 23
    assert figures.cooperating() == 23
    assert Meeting.objects.get(pk=agreement.meeting_id).unit.code == demo.ZONE_CODE
    assert Match.objects.filter(meeting=agreement.meeting).exists()


def test_the_liaison_has_a_need_of_their_own(changji, db):
    liaison = changji.world.changji_liaison
    hengan = changji.world.enterprises_by_name["恒安纸业"]
    assert Need.objects.filter(enterprise=hengan, created_by=liaison, status=NeedStatus.OPEN).exists()
    assert Need.objects.filter(enterprise=hengan, status=NeedStatus.SOLVED).exists()


def test_area_leads_collected_needs_on_their_visits(changji, db):
    collected = Need.objects.filter(visit__isnull=False).select_related("visit__lead")
    assert collected.count() >= 3
    assert all(n.enterprise_id == n.visit.enterprise_id for n in collected)
    assert all(n.visit.lead.enterprises.filter(pk=n.enterprise_id).exists() for n in collected)


def test_the_yuanqu_shuoshi_was_held_with_its_agenda_sign_ins_and_minutes(changji, client, db):
    from gongzhi.deliberation.models import Attendance, MeetingStatus, SignInMethod

    agreement = Agreement.objects.get(meeting__format__code="yuanqu-shuoshi")
    meeting = Meeting.objects.get(pk=agreement.meeting_id)
    assert meeting.status == MeetingStatus.HELD and meeting.minutes
    items = list(meeting.items.order_by("position"))
    assert len(items) == len(demo_market.TALK_AGENDA) and all(item.minutes for item in items)
    present = Attendance.objects.filter(meeting=meeting, present=True)
    # One liaison for each of the 23 parties, through the rules: most by the room's code, two recorded by staff.
    assert present.count() == 23
    assert set(present.values_list("method", flat=True)) == {SignInMethod.CODE, SignInMethod.STAFF}
    parties = set(agreement.parties.values_list("pk", flat=True))
    assert all(set(a.user.liaison_of.values_list("pk", flat=True)) & parties for a in present.select_related("user"))
    client.force_login(changji.world.park_staff)
    body = client.get(f"/deliberation/meetings/{meeting.pk}/").content.decode()
    assert items[0].title in body and items[0].minutes in body
