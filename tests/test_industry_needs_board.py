"""The needs board (/industry/needs/, decision 77): park staff of the zone see its needs with
their ranked suggested matches and the reason, confirm one at a matchmaking meeting (园区说事),
mark the need solved; a Jining admin gets 404; the board runs a flat number of queries."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongzhi.deliberation.models import Meeting, MeetingFormat
from gongzhi.industry import figures
from gongzhi.industry.models import Chain, ChainLink, Match, MatchStatus, NeedKind, NeedStatus, PartyStatus
from gongzhi.industry.services import market as rules
from gongzhi.industry.services.enterprises import create_enterprise
from gongzhi.industry.services.uscc import make_uscc
from gongzhi.people.models import Role
from gongzhi.territory import services as territory
from gongzhi.territory.models import Level
from tests.conftest import make_user
from tests.deliberation_helpers import default_formats


@pytest.fixture
def market(world):
    w = world
    w.changji = territory.create_unit(name="昌吉高新区", level=Level.DISTRICT, code="652371")
    part = territory.create_unit(name="北区", level=Level.STREET, parent=w.changji)
    w.area = territory.create_unit(name="造纸产业园", level=Level.COMMUNITY, parent=part)
    w.staff = make_user("changji-staff", Role.DISTRICT_ADMIN, [w.changji])
    w.jining_admin = make_user("jining-admin", Role.DISTRICT_ADMIN, [w.district])
    w.liaison = make_user("paper-liaison", Role.ENTERPRISE_LIAISON, [w.changji])
    w.e = {}
    for n, name in enumerate(["恒安纸业", "浆料公司", "远方电气"]):
        w.e[name] = create_enterprise(name=name, uscc=make_uscc("652371", 900 + n), unit=w.area,
                                      party_status=PartyStatus.NONE, staff=30, by=w.staff)
    w.e["恒安纸业"].liaisons.add(w.liaison)
    chain = Chain.objects.create(zone=w.changji, name="造纸", leader=w.e["恒安纸业"])
    chain.members.set([w.e["恒安纸业"], w.e["浆料公司"]])
    ChainLink.objects.create(chain=chain, supplier=w.e["浆料公司"], buyer=w.e["恒安纸业"], product="木浆")
    w.chain = chain
    w.offer = rules.post_offer(w.e["浆料公司"], by=w.staff, kind=NeedKind.FUNDING, text="供应链金融 账期三个月")
    w.need = rules.post_need(w.e["恒安纸业"], by=w.liaison, kind=NeedKind.FUNDING, text="流动资金五百万元")
    w.private = rules.post_need(w.e["远方电气"], by=w.staff, kind=NeedKind.TALENT, text="远方电气的保密人才需求")
    default_formats()      # a transactional test before this one (live_server) may have flushed them
    fmt = MeetingFormat.objects.get(code="yuanqu-shuoshi")
    start = timezone.now()
    w.meeting = Meeting.objects.create(format=fmt, unit=w.changji, title="园区说事（三月）", starts_at=start,
                                       ends_at=start + datetime.timedelta(hours=1))
    return w


def test_staff_see_each_need_with_its_ranked_matches_and_the_reason(client, market):
    client.force_login(market.staff)
    body = client.get("/industry/needs/").content.decode()
    assert "流动资金五百万元" in body and "浆料公司" in body
    assert "data-testid=\"reason\"" in body and market.meeting.title in body
    assert "远方电气的保密人才需求" in body
    body = client.get("/industry/needs/?kind=talent").content.decode()
    assert "远方电气的保密人才需求" in body and "流动资金五百万元" not in body
    body = client.get(f"/industry/needs/?chain={market.chain.pk}&status=open").content.decode()
    assert "流动资金五百万元" in body and "远方电气的保密人才需求" not in body


def test_staff_confirm_at_a_meeting_then_mark_solved(client, market):
    client.force_login(market.staff)
    match = Match.objects.get(need=market.need)
    response = client.post(f"/industry/matches/{match.pk}/confirm/", {"meeting": market.meeting.pk,
                                                                     "next": "/industry/needs/"})
    assert response.status_code == 302 and response["Location"] == "/industry/needs/"
    match.refresh_from_db()
    assert (match.status, match.meeting) == (MatchStatus.CONFIRMED, market.meeting)
    before = figures.needs_solved()
    client.post(f"/industry/needs/{market.need.pk}/solve/", {"outcome": "建行供应链融资到位", "amount_yuan": "5000000"})
    market.need.refresh_from_db()
    assert market.need.status == NeedStatus.SOLVED
    assert figures.needs_solved() == before + 1


def test_bad_input_comes_back_as_a_message_and_writes_nothing(client, market):
    client.force_login(market.staff)
    match = Match.objects.get(need=market.need)
    other = Meeting.objects.create(format=market.meeting.format, unit=market.district, title="济宁的会",
                                   starts_at=timezone.now(), ends_at=timezone.now())
    response = client.post(f"/industry/matches/{match.pk}/confirm/", {"meeting": other.pk}, follow=True)
    assert "请选择本园区的对接会议" in response.content.decode()
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED
    response = client.post(f"/industry/needs/{market.need.pk}/solve/", {"outcome": "ok", "amount_yuan": "lots"},
                           follow=True)
    market.need.refresh_from_db()
    assert market.need.status == NeedStatus.OPEN
    assert response.status_code == 200 and "alert" in response.content.decode()
    client.post(f"/industry/needs/{market.need.pk}/solve/", {"outcome": ""}, follow=True)
    market.need.refresh_from_db()
    assert market.need.status == NeedStatus.OPEN


def test_a_jining_admin_gets_404_and_the_liaison_cannot_decide(client, market):
    match = Match.objects.get(need=market.need)
    client.force_login(market.jining_admin)
    assert "流动资金五百万元" not in client.get("/industry/needs/").content.decode()
    for url in (f"/industry/matches/{match.pk}/confirm/", f"/industry/matches/{match.pk}/reject/",
                f"/industry/needs/{market.need.pk}/solve/", f"/industry/needs/{market.need.pk}/agreement/"):
        assert client.post(url, {"outcome": "x", "title": "x"}).status_code == 404, url
    client.force_login(market.liaison)
    # The board is the staff's: a liaison is sent to their own page, with their own needs (decision 90).
    response = client.get("/industry/needs/", follow=True)
    assert response.redirect_chain == [("/industry/mine/", 302)]
    body = response.content.decode()
    assert "流动资金五百万元" in body and "远方电气的保密人才需求" not in body
    assert client.post(f"/industry/matches/{match.pk}/confirm/").status_code == 404
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_board_runs_a_flat_number_of_queries(client, market):
    client.force_login(market.staff)
    few = _count(client, "/industry/needs/")
    for n in range(6):
        rules.post_offer(market.e["远方电气"], by=market.staff, kind=NeedKind.FUNDING, text=f"流动资金贷款{n}")
        rules.post_need(market.e["浆料公司"], by=market.staff, kind=NeedKind.FUNDING, text=f"流动资金{n}")
    assert _count(client, "/industry/needs/") == few


def test_the_board_and_its_export_run_one_filter_set(client, market):
    import io

    from openpyxl import load_workbook

    client.force_login(market.staff)
    month = timezone.localdate().strftime("%Y-%m")
    response = client.get(f"/industry/needs/?posted={month}&kind=funding")
    shown = response.context["page"].paginator.count
    assert shown >= 1
    link = f"/ledgers/export/needs.xlsx?posted={month}&kind=funding"
    assert link.replace("/ledgers/export/needs.xlsx", "") in response.content.decode().replace("&amp;", "&")
    sheet = load_workbook(io.BytesIO(b"".join(client.get(link).streaming_content))).active
    assert sheet.max_row - 1 == shown  # the headers, then one row per need shown
    assert client.get("/industry/needs/?posted=2026-13").context["page"].paginator.count == 0
