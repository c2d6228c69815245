"""A matchmaking meeting's page lists what was done at it in the industry records: the matches
confirmed and the agreements signed there (core.plugins ``meeting_sections``), each as the
viewer may see it; a meeting with none has no such part."""
from gongzhi.industry.models import Match, Partner, PartnerKind
from gongzhi.industry.services import market as rules
from tests.test_industry_needs_board import market  # noqa: F401 - the fixture


def _page(client, meeting):
    response = client.get(f"/deliberation/meetings/{meeting.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_meeting_lists_the_matches_confirmed_and_agreements_signed_at_it(client, market):  # noqa: F811
    client.force_login(market.staff)
    assert 'data-testid="meeting-industry"' not in _page(client, market.meeting)
    rules.confirm_match(Match.objects.get(need=market.need), by=market.staff, meeting=market.meeting)
    rules.record_agreement(by=market.staff, title="木浆保供协议", parties=[market.e["恒安纸业"], market.e["浆料公司"]],
                           need=market.need, meeting=market.meeting, amount_yuan="150万")
    body = _page(client, market.meeting)
    assert 'data-testid="meeting-matches"' in body and "流动资金五百万元" in body
    assert "木浆保供协议" in body and "1,500,000" in body
    assert f'href="/industry/needs/{market.need.pk}/"' in body


def test_a_liaison_sees_their_own_enterprise_s_part_and_no_staff_links(client, market):  # noqa: F811
    rules.confirm_match(Match.objects.get(need=market.need), by=market.staff, meeting=market.meeting)
    other = rules.post_need(market.e["远方电气"], by=market.staff, kind="funding", text="远方电气的贷款需求")
    match, _made = Match.objects.get_or_create(need=other, offer=market.offer, defaults={"score": 0.5})
    rules.confirm_match(match, by=market.staff, meeting=market.meeting)
    # A bank's offer is seen zone-wide; the needs it was matched to are not (the helper's walk
    # found every need a partner's loan answered listed on the meeting page for any liaison).
    bank = Partner.objects.create(zone=market.changji, kind=PartnerKind.BANK, name="昌吉农商银行")
    loan = rules.post_offer(partner=bank, by=market.staff, kind="funding", text="党建贷")
    taken, _made = Match.objects.get_or_create(need=other, offer=loan, defaults={"score": 10.5})
    rules.confirm_match(taken, by=market.staff, meeting=market.meeting)
    assert Match.objects.filter(meeting=market.meeting).count() == 3
    client.force_login(market.liaison)
    body = _page(client, market.meeting)
    assert "流动资金五百万元" in body and "远方电气的贷款需求" not in body and "远方电气" not in body
    assert f'href="/industry/needs/{market.need.pk}/"' not in body
    assert not Match.objects.visible_to(market.liaison).filter(pk=taken.pk).exists()
