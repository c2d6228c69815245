"""The market's rules (issue 10): the order of suggested matches (decision 68), a need's life to
solved, agreements and the figures counted from them, and who may post for an enterprise."""
import datetime
from decimal import Decimal

import pytest

from gongzhi.industry import figures
from gongzhi.industry.models import (
    Chain, ChainLink, MatchStatus, NeedKind, NeedStatus, Partner, PartnerKind, PartyStatus,
)
from gongzhi.industry.services import market
from gongzhi.industry.services.enterprises import create_enterprise
from gongzhi.industry.services.uscc import make_uscc
from gongzhi.people.models import Role
from tests.conftest import make_user, refused


@pytest.fixture
def park(world):
    w = world
    w.staff = make_user("park-staff", Role.PARK_STAFF, [w.district])
    w.liaison = make_user("liaison-a", Role.ENTERPRISE_LIAISON, [w.grid_a])
    w.other_liaison = make_user("liaison-b", Role.ENTERPRISE_LIAISON, [w.grid_b])
    w.e = {}
    for n, (name, unit) in enumerate([("造纸厂", w.grid_a), ("浆料厂", w.grid_a), ("远方厂", w.grid_b),
                                      ("物流公司", w.grid_b)]):
        w.e[name] = create_enterprise(name=name, uscc=make_uscc("370871", n + 1), unit=unit,
                                      party_status=PartyStatus.NONE, staff=20, by=w.staff)
    w.e["造纸厂"].liaisons.set([w.liaison])
    w.e["远方厂"].liaisons.set([w.other_liaison])
    chain = Chain.objects.create(zone=w.district, name="造纸产业链", leader=w.e["造纸厂"])
    ChainLink.objects.create(chain=chain, supplier=w.e["浆料厂"], buyer=w.e["造纸厂"], product="木浆")
    w.bank = Partner.objects.create(zone=w.district, kind=PartnerKind.BANK, name="农商银行")
    return w


def test_a_chain_neighbour_comes_before_a_better_text_match_elsewhere_then_partners(park):
    need = market.post_need(park.e["造纸厂"], by=park.liaison, kind=NeedKind.FUNDING,
                            text="需要流动资金贷款五百万元用于采购木浆", suggest_now=False)
    neighbour = market.post_offer(park.e["浆料厂"], by=park.staff, kind=NeedKind.FUNDING, text="可以赊销账期三个月")
    worded = market.post_offer(park.e["远方厂"], by=park.other_liaison, kind=NeedKind.FUNDING,
                               text="提供流动资金贷款五百万元用于采购")
    bank = market.post_offer(partner=park.bank, by=park.staff, kind=NeedKind.FUNDING, text="科技贷 低息")
    market.post_offer(park.e["物流公司"], by=park.staff, kind=NeedKind.LOGISTICS, text="流动资金贷款五百万元")

    ranked = market.ranked_offers(need)
    assert [r[0] for r in ranked] == [neighbour, worded, bank]
    assert ranked[1][2] > ranked[0][2]          # the text match is the better wording, yet second
    assert "产业链" in ranked[0][3] or "chain" in ranked[0][3]
    matches = market.suggest(need)
    assert [m.offer for m in matches] == [neighbour, worded, bank]
    assert all(m.reason for m in matches)
    assert market.suggest(need) == matches       # suggesting again adds nothing


def test_a_need_is_matched_at_a_meeting_then_solved_with_its_outcome(park):
    need = market.post_need(park.e["造纸厂"], by=park.liaison, kind=NeedKind.TALENT, text="招聘造纸工程师两名",
                            quantity="2人", deadline=datetime.date.today() + datetime.timedelta(days=30))
    offer = market.post_offer(park.e["浆料厂"], by=park.staff, kind=NeedKind.TALENT, text="可借调工程师")
    match = market.suggest(need)[0]
    assert match.offer == offer
    market.confirm_match(match, by=park.staff)
    need.refresh_from_db()
    assert need.status == NeedStatus.MATCHED
    with refused("cannot be moved"):
        market.confirm_match(match, by=park.staff)
    agreement = market.record_agreement(by=park.staff, title="人才共享协议",
                                        parties=[park.e["造纸厂"], park.e["浆料厂"]], need=need)
    market.solve_need(need, by=park.staff, outcome="借调两名工程师", amount_yuan="120000", agreement=agreement)
    need.refresh_from_db()
    assert (need.status, need.amount_yuan) == (NeedStatus.SOLVED, Decimal("120000.00"))
    assert need.solved_at is not None
    assert figures.needs_solved() == 1
    assert figures.cooperating() == 2
    with refused("cannot be moved"):
        market.close_need(need, by=park.staff)


def test_the_same_agreement_sent_twice_is_refused_with_the_one_on_record(park):
    from gongzhi.industry.models import Agreement

    need = market.post_need(park.e["造纸厂"], by=park.staff, kind=NeedKind.MATERIALS, text="木浆每月100吨")
    both = [park.e["造纸厂"], park.e["浆料厂"]]
    market.record_agreement(by=park.staff, title="木浆保供协议", parties=both, need=need)
    with refused("已登记过：木浆保供协议"):
        market.record_agreement(by=park.staff, title="木浆保供协议", parties=list(reversed(both)), need=need)
    # A second agreement for the need, with its own title (a second phase), is another one.
    market.record_agreement(by=park.staff, title="木浆保供协议（二期）", parties=both, need=need)
    # Without a need: the same title between the same parties on the same day is the same one;
    # another title, or another day, is another agreement.
    market.record_agreement(by=park.staff, title="物流合作协议", parties=both)
    with refused("already recorded"):
        market.record_agreement(by=park.staff, title="物流合作协议", parties=both)
    market.record_agreement(by=park.staff, title="物流合作协议", parties=both,
                            signed_on=datetime.date.today() - datetime.timedelta(days=365))
    market.record_agreement(by=park.staff, title="技术合作协议", parties=both)
    assert Agreement.objects.count() == 5


def test_rejecting_the_only_confirmed_match_opens_the_need_again(park):
    need = market.post_need(park.e["造纸厂"], by=park.staff, kind=NeedKind.MATERIALS, text="木浆每月100吨")
    market.post_offer(park.e["浆料厂"], by=park.staff, kind=NeedKind.MATERIALS, text="木浆")
    match = market.suggest(need)[0]
    market.confirm_match(match, by=park.staff)
    market.reject_match(match, by=park.staff)
    need.refresh_from_db()
    match.refresh_from_db()
    assert (need.status, match.status) == (NeedStatus.OPEN, MatchStatus.REJECTED)


def test_only_the_enterprises_liaison_or_park_staff_may_post_and_only_staff_decide(park):
    from gongzhi.core.errors import NotFound

    with pytest.raises(NotFound):
        market.post_need(park.e["造纸厂"], by=park.other_liaison, kind=NeedKind.FUNDING, text="资金")
    need = market.post_need(park.e["造纸厂"], by=park.liaison, kind=NeedKind.FUNDING, text="资金")
    market.post_offer(park.e["浆料厂"], by=park.staff, kind=NeedKind.FUNDING, text="资金")
    match = market.suggest(need)[0]
    with pytest.raises(NotFound):
        market.confirm_match(match, by=park.liaison)
    with refused("at least two"):
        market.record_agreement(by=park.staff, title="独角", parties=[park.e["造纸厂"]])
    with refused("ten trillion"):
        market.solve_need(need, by=park.staff, outcome="ok", amount_yuan="NaN")
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    with refused("kind"):
        market.post_need(park.e["造纸厂"], by=park.liaison, kind="gold", text="金子")


def test_park_staff_alone_run_and_see_their_zone_s_matchmaking_meetings(park):
    # A park-staff-only account (no territorial role) schedules 园区说事 and finds it to confirm matches at.
    import django.utils.timezone as tz

    from gongzhi.deliberation.models import Meeting, MeetingFormat
    from gongzhi.deliberation.services.meetings import schedule_meeting

    talk = schedule_meeting(format=MeetingFormat.objects.get(code="yuanqu-shuoshi"), unit=park.district,
                            starts_at=tz.now() + datetime.timedelta(days=3), by=park.staff)
    assert list(Meeting.objects.visible_to(park.staff)) == [talk]
    # A meeting still to come is not offered: a match is confirmed where it was agreed.
    assert list(market.matchmaking_meetings(park.staff)) == []
    Meeting.objects.filter(pk=talk.pk).update(starts_at=tz.now() - datetime.timedelta(hours=1),
                                              ends_at=tz.now() + datetime.timedelta(hours=1))
    assert list(market.matchmaking_meetings(park.staff)) == [talk]


def test_a_match_is_confirmed_only_at_a_matchmaking_meeting_that_has_taken_place(park):
    import django.utils.timezone as tz

    from gongzhi.deliberation.models import Meeting, MeetingFormat, MeetingStatus

    need = market.post_need(park.e["造纸厂"], by=park.liaison, kind=NeedKind.TALENT, text="招聘造纸工程师两名")
    market.post_offer(park.e["浆料厂"], by=park.staff, kind=NeedKind.TALENT, text="可借调造纸工程师")
    match = market.suggest(need)[0]

    def meeting(code, days, **extra):
        start = tz.now() + datetime.timedelta(days=days)
        return Meeting.objects.create(format=MeetingFormat.objects.get(code=code), unit=park.district, title=code,
                                      starts_at=start, ends_at=start + datetime.timedelta(hours=2), **extra)

    with refused("not taken place"):
        market.confirm_match(match, by=park.staff, meeting=meeting("qiye-gongxu", 5))
    with refused("not taken place"):
        market.confirm_match(match, by=park.staff, meeting=meeting("qiye-gongxu", -5, status=MeetingStatus.CANCELLED))
    with refused("matchmaking meeting"):
        market.confirm_match(match, by=park.staff, meeting=meeting("shuo-qi-shuo-ba", -5))
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED      # nothing written by the refusals
    going_on = meeting("yuanqu-shuoshi", -0.02, status=MeetingStatus.OPEN)   # began half an hour ago
    assert market.confirm_match(match, by=park.staff, meeting=going_on).meeting == going_on


@pytest.mark.parametrize("written, yuan", [
    ("1,500,000", "1500000.00"), ("１，５００，０００", "1500000.00"), ("1 500 000.5", "1500000.50"),
    ("150万", "1500000.00"), ("150万元", "1500000.00"), ("2.5亿", "250000000.00"), ("120000元", "120000.00"),
])
def test_amounts_are_read_as_people_write_them(written, yuan):
    assert market._amount(written) == Decimal(yuan)


@pytest.mark.parametrize("written", ["abc", "-5", "万", "1,0,0e99", "NaN", "Infinity", "1" * 50, "10万亿亿", "1,5",
                                     "1e999999万", "1e-9", "100、200"])
def test_an_amount_that_cannot_be_read_is_refused_with_the_reason(written):
    with refused("amount in yuan"):
        market._amount(written)


def test_a_matchmaking_meeting_invites_the_liaisons_of_the_enterprises_under_its_unit(park):
    # The "enterprises" group of a meeting format is read from this app's records (core.plugins'
    # meeting_participants): the liaisons of operating enterprises under the meeting's unit.
    import django.utils.timezone as tz

    from gongzhi.deliberation.models import Meeting, MeetingFormat
    from gongzhi.deliberation.services import meetings

    start = tz.now() + datetime.timedelta(days=2)
    fair = Meeting.objects.create(format=MeetingFormat.objects.get(code="qiye-gongxu"), unit=park.grid_a, title="对接会",
                                  starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    assert meetings.participants(fair) == [park.liaison.pk]
    fair.unit = park.district
    assert set(meetings.participants(fair)) == {park.liaison.pk, park.other_liaison.pk}
    park.e["远方厂"].operating = False
    park.e["远方厂"].save(update_fields=["operating"])
    assert meetings.participants(fair) == [park.liaison.pk]


def test_an_invited_liaison_opens_the_meeting_and_signs_in_with_the_room_s_code(park, client):
    # Invited (notice) must mean able to open: a liaison sees the matchmaking meetings held by a
    # unit above one of their enterprises, and no others (another grid's, a residents' meeting).
    import django.utils.timezone as tz

    from gongzhi.deliberation.models import Attendance, Meeting, MeetingFormat
    from gongzhi.deliberation.services import meetings

    def meeting(code, unit):
        start = tz.now() - datetime.timedelta(minutes=5)
        return Meeting.objects.create(format=MeetingFormat.objects.get(code=code), unit=unit, title=code,
                                      starts_at=start, ends_at=start + datetime.timedelta(hours=2))

    fair, elsewhere = meeting("qiye-gongxu", park.district), meeting("qiye-gongxu", park.grid_b)
    residents = meeting("shuo-qi-shuo-ba", park.district)
    assert set(Meeting.objects.visible_to(park.liaison)) == {fair}
    client.force_login(park.liaison)
    assert client.get(f"/deliberation/meetings/{fair.pk}/").status_code == 200
    for hidden in (elsewhere, residents):
        assert client.get(f"/deliberation/meetings/{hidden.pk}/").status_code == 404
    fair = meetings.open_meeting(fair, by=park.staff)
    response = client.post(f"/deliberation/meetings/{fair.pk}/signin/", {"code": fair.signin_code})
    assert response.status_code == 302
    assert Attendance.objects.filter(meeting=fair, user=park.liaison, present=True).exists()
    # A resident's account pays no query for the group (only liaisons are looked up).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gongzhi.industry.services.enterprises import MeetingLiaisons

    with CaptureQueriesContext(connection) as seen:
        assert MeetingLiaisons.unit_codes(park.staff) == []
    assert len(seen.captured_queries) == 0


def test_a_match_is_not_credited_to_a_meeting_that_ended_before_the_need_was_posted(park):
    import django.utils.timezone as tz

    from gongzhi.deliberation.models import Meeting, MeetingFormat, MeetingStatus

    start = tz.now() - datetime.timedelta(days=30)
    old = Meeting.objects.create(format=MeetingFormat.objects.get(code="qiye-gongxu"), unit=park.district, title="九月对接会",
                                 starts_at=start, ends_at=start + datetime.timedelta(hours=2), status=MeetingStatus.HELD)
    need = market.post_need(park.e["造纸厂"], by=park.liaison, kind=NeedKind.TALENT, text="招聘造纸工程师两名")
    market.post_offer(park.e["浆料厂"], by=park.staff, kind=NeedKind.TALENT, text="可借调造纸工程师")
    match = market.suggest(need)[0]
    with refused("before the need was posted"):
        market.confirm_match(match, by=park.staff, meeting=old)
    with refused("before the need was posted"):
        market.record_agreement(by=park.staff, title="协议", parties=[park.e["造纸厂"], park.e["浆料厂"]], need=need,
                                meeting=old)
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED and not need.agreements.exists()
