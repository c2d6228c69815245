"""A need's page (/industry/needs/<pk>/): its matches with the reason, the agreement form for
park staff; out of scope is 404 (another zone, another enterprise's liaison)."""
from gongzhi.industry import figures
from gongzhi.industry.models import Agreement, Match
from gongzhi.industry.services import market as rules
from tests.test_industry_needs_board import market  # noqa: F401 - the fixture


def test_staff_record_an_agreement_at_the_meeting_from_the_need_page(client, market):  # noqa: F811
    client.force_login(market.staff)
    match = Match.objects.get(need=market.need)
    rules.confirm_match(match, by=market.staff, meeting=market.meeting)
    body = client.get(f"/industry/needs/{market.need.pk}/").content.decode()
    assert "流动资金五百万元" in body and 'data-testid="agreement-form"' in body and "浆料公司" in body
    before = figures.cooperating()
    response = client.post(f"/industry/needs/{market.need.pk}/agreement/",
                           {"title": "供应链金融合作协议", "party": [market.e["浆料公司"].pk, market.e["远方电气"].pk],
                            "meeting": market.meeting.pk, "amount_yuan": "100000"})
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    # Only the enterprises of confirmed matches can be ticked: 远方电气 is left out.
    assert set(agreement.parties.all()) == {market.e["恒安纸业"], market.e["浆料公司"]}
    assert (agreement.meeting, agreement.need) == (market.meeting, market.need)
    assert figures.cooperating() == before + 2
    assert "供应链金融合作协议" in client.get(f"/industry/needs/{market.need.pk}/").content.decode()


def test_an_agreement_without_a_title_or_partner_is_refused_with_the_reason(client, market):  # noqa: F811
    client.force_login(market.staff)
    response = client.post(f"/industry/needs/{market.need.pk}/agreement/", {"title": "独角戏"}, follow=True)
    assert "alert" in response.content.decode()
    assert not Agreement.objects.exists()
    client.post(f"/industry/needs/{market.need.pk}/agreement/", {"title": "x" * 201}, follow=True)
    assert not Agreement.objects.exists()


def test_the_page_is_404_out_of_scope(client, market):  # noqa: F811
    client.force_login(market.jining_admin)
    assert client.get(f"/industry/needs/{market.need.pk}/").status_code == 404
    client.force_login(market.liaison)
    body = client.get(f"/industry/needs/{market.need.pk}/").content.decode()
    assert "流动资金五百万元" in body and 'data-testid="agreement-form"' not in body
    assert client.get(f"/industry/needs/{market.private.pk}/").status_code == 404
    assert client.get("/industry/needs/999999/").status_code == 404


def test_a_need_s_status_reads_as_a_need_s_not_as_a_case_question():
    # "Solved" on a case asks 是否解决; on a need it says 已解决 (a context of its own).
    from django.utils import translation

    from gongzhi.industry.models import NeedStatus

    with translation.override("zh-hans"):
        assert [str(label) for label in NeedStatus.labels] == ["待对接", "已匹配", "已解决", "未解决关闭"]


def test_the_agreement_form_is_offered_once_an_enterprise_s_offer_is_confirmed(client, market):  # noqa: F811
    # An agreement is between enterprises: with nothing confirmed (or only a bank's service) there
    # is nobody to sign with, and the page says what to do instead of offering an empty form.
    client.force_login(market.staff)
    body = client.get(f"/industry/needs/{market.need.pk}/").content.decode()
    assert 'data-testid="agreement-form"' not in body and 'data-testid="agreement-hint"' in body
    rules.confirm_match(Match.objects.get(need=market.need), by=market.staff, meeting=market.meeting)
    body = client.get(f"/industry/needs/{market.need.pk}/").content.decode()
    assert 'data-testid="agreement-form"' in body and 'data-testid="agreement-hint"' not in body


def test_an_amount_written_with_separators_or_wan_is_taken(client, market):  # noqa: F811
    client.force_login(market.staff)
    rules.confirm_match(Match.objects.get(need=market.need), by=market.staff, meeting=market.meeting)
    client.post(f"/industry/needs/{market.need.pk}/agreement/",
                {"title": "供应链金融合作协议", "party": [market.e["浆料公司"].pk], "amount_yuan": "1,500,000"})
    client.post(f"/industry/needs/{market.need.pk}/solve/", {"outcome": "放款到位", "amount_yuan": "５００万元"})
    market.need.refresh_from_db()
    assert str(Agreement.objects.get().amount_yuan) == "1500000.00"
    assert str(market.need.amount_yuan) == "5000000.00"


def test_a_match_s_reason_reads_in_the_reader_s_language(client, market):  # noqa: F811
    # Suggested while the site spoke Chinese; an English reader gets the reason in English.
    match = Match.objects.get(need=market.need)
    assert "产业链" in match.reason
    client.force_login(market.staff)
    body = client.get(f"/industry/needs/{market.need.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "On the same industry chain as 浆料公司" in body and match.reason not in body
