"""Industry's cockpit part (decision 74): needs posted and solved per unit and month, each number
linking to the needs board filtered to that unit and month."""
from django.utils import timezone

from gongzhi.dashboard.parts import Part
from gongzhi.industry import cockpit
from gongzhi.industry.models import Match
from gongzhi.industry.services import market as rules
from tests.test_industry_needs_board import market  # noqa: F401 - the fixture


def test_needs_posted_and_solved_are_counted_per_unit_and_month_and_link_to_the_board(client, market):  # noqa: F811
    match = Match.objects.get(need=market.need)
    rules.confirm_match(match, by=market.staff, meeting=market.meeting)
    rules.solve_need(market.need, by=market.staff, outcome="融资到位")
    now = timezone.localtime()
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timezone.timedelta(days=32)).replace(day=1)
    counted = {(code, measure): n for code, measure, n in cockpit.count(start, end)}
    code = market.area.code
    assert counted == {(code, "industry.needs_posted"): 2, (code, "industry.needs_solved"): 1}
    assert list(cockpit.count(start, end, unit_code=market.district.code)) == []
    part = cockpit.PARTS[0]
    assert isinstance(part, Part) and part.prefix == "industry."
    solved_link = part.figures[1].link(market.changji.code, start.date(), end.date())
    client.force_login(market.staff)
    body = client.get(solved_link).content.decode()
    assert "流动资金五百万元" in body and "远方电气的保密人才需求" not in body
    posted_link = part.figures[0].link(market.changji.code, start.date(), end.date())
    body = client.get(posted_link).content.decode()
    assert "流动资金五百万元" in body and "远方电气的保密人才需求" in body
    assert "流动资金五百万元" not in client.get(posted_link.replace(now.strftime("%Y-%m"), "2001-01")).content.decode()
    client.force_login(market.jining_admin)
    assert "流动资金五百万元" not in client.get(solved_link).content.decode()
