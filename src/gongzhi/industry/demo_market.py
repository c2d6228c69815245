"""The demo's supply-and-demand market in 昌吉高新区 (step 86, after the zone itself at 85;
decision 78): partners' and chain members' offers, needs (资金, 人才, 原材料, 物流 …) of which 24
are solved through matches confirmed at matchmaking meetings, some still open on the board, and
the 园区说事 meeting where 23 enterprises sign one cooperation agreement (held with its agenda,
the parties' liaisons signed in and its minutes, like the 企业供需对接会 before it).

Everything goes through services/market.py (the rules are checked; suggestions are the real
ranking), so ``needs_solved`` and ``enterprises_cooperating`` in /figures.json are counted from
these records, never typed. Only the dates are set afterwards (spread over the last months, so
the cockpit and the board have a history).
"""
import datetime

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from gongzhi.deliberation.models import MeetingFormat
from gongzhi.deliberation.services import meetings
from gongzhi.deliberation.services.meetings import schedule_meeting
from gongzhi.people.models import Role, RoleAssignment, User

from .models import Match, Need, NeedKind, NeedStatus
from .services import leads
from .services import market as rules

PARTIES = 23                # 园区说事：23家企业达成合作意向
# Partners' offers: partner name, kind, text.
PARTNER_OFFERS = [
    ("昌吉农村商业银行", NeedKind.FUNDING, "“党建+信用”贷款，单户最高500万元，三个工作日放款"),
    ("建设银行昌吉分行", NeedKind.FUNDING, "供应链融资：链主确权，上下游企业应收账款快速融资"),
    ("昌吉州人力资源和社会保障局", NeedKind.TALENT, "园区专场招聘会与技能培训补贴"),
    ("新疆工程学院", NeedKind.TALENT, "订单式人才培养，工程技术人员定向输送"),
    ("昌吉学院", NeedKind.TALENT, "实习基地与应届毕业生就业对接"),
    ("同济大学", NeedKind.TECHNOLOGY, "固废资源化与新型建材联合研发"),
    ("新疆天山物流集团", NeedKind.LOGISTICS, "园区集中配送，降低物流成本"),
    ("阿拉木图海外仓", NeedKind.MARKET, "哈萨克斯坦海外仓储与清关，开拓中亚市场"),
]
FUNDING_NEEDS = ["流动资金周转{n}00万元，用于采购原材料", "技改项目贷款{n}00万元，新建生产线", "订单增加，需要短期资金{n}00万元",
                 "应收账款融资{n}00万元", "设备更新贷款{n}00万元"]
TALENT_NEEDS = ["招聘电气工程师{n}名", "招聘熟练操作工{n}0名", "需要工艺技术员{n}名", "招聘电商运营人员{n}名"]
VISIT_NEEDS = [(NeedKind.FUNDING, "扩大产能需要贷款150万元"), (NeedKind.TALENT, "招聘数控机床操作工3名"),
               (NeedKind.LOGISTICS, "冬季原料运输困难，寻求本地物流"), (NeedKind.MARKET, "希望对接中亚采购商")]
OUTCOMES = {
    NeedKind.FUNDING: "{partner}放款到位",
    NeedKind.TALENT: "{partner}推荐人员已到岗",
    NeedKind.MATERIALS: "与{partner}签订本地供货合同",
    NeedKind.LOGISTICS: "{partner}承担园区内配送",
}


# The meetings' agendas: (item, its minutes).
TALK_AGENDA = [
    ("链主企业介绍本地配套需求", "特变电工、恒安纸业、恒泰建材介绍本年度可在园区内配套的原材料、零部件和物流需求。"),
    ("上下游企业对接本地供货", "上下游企业逐一发言，明确供货品种、数量和时间；物流成本预计下降15%—20%。"),
    ("资金、人才需求现场对接", "农商银行、建设银行介绍“党建+信用”贷款和供应链融资；高校介绍订单式培养。"),
    ("签订合作意向", "23家企业签订产业链上下游本地配套合作协议。"),
]
TALK_MINUTES = "园区党工委主持。链主企业牵头，上下游企业、银行、高校参加。会议确认的对接事项由园区跟踪办结。"
FAIR_AGENDA = [
    ("资金专场：银行与企业对接", "两家银行现场受理企业融资需求，登记后三个工作日内答复。"),
    ("人才专场：高校、人社部门与企业对接", "新疆工程学院、昌吉学院与企业对接实习基地和定向培养。"),
]


def _liaisons(builder, enterprises):
    """Each enterprise's liaison account (the zone's liaison role; made where it has none), in order."""
    found = []
    for n, enterprise in enumerate(enterprises, start=1):
        liaison = enterprise.liaisons.order_by("pk").first()
        if liaison is None:
            liaison = User.objects.create(username=f"changji-liaison-{n}", display_name=builder.fake.name(),
                                          password=make_password(None))
            RoleAssignment.objects.create(user=liaison, role=Role.ENTERPRISE_LIAISON).units.set([builder.world.changji])
            enterprise.liaisons.add(liaison)
        found.append(liaison)
    return found


def _hold(meeting, staff, agenda, attendees, minutes=""):
    """Hold ``meeting`` at its time through the deliberation rules: the agenda, the liaisons
    signing in with the room's code (the last two recorded by staff, as for people without a
    phone), each item's minutes, the meeting closed."""
    start = meeting.starts_at
    items = [(meetings.add_item(meeting, title=title, by=staff), text) for title, text in agenda]
    meeting = meetings.open_meeting(meeting, by=staff, now=start)
    for k, user in enumerate(attendees):
        when = start + datetime.timedelta(minutes=k % 15)
        if k >= len(attendees) - 2:
            meetings.sign_in(meeting, user=user, by=staff, now=when)
        else:
            meetings.sign_in(meeting, user=user, code=meeting.signin_code, now=when)
    for item, text in items:
        meetings.record_minutes(item, text=text, by=staff)
    if minutes:
        meetings.record_meeting_minutes(meeting, text=minutes, by=staff)
    meetings.close_meeting(meeting, by=staff, now=start + datetime.timedelta(minutes=100))


def build(builder):
    rng, w = builder.rng, builder.world
    staff = w.park_staff
    today = timezone.localdate()
    formats = {f.code: f for f in MeetingFormat.objects.filter(code__in=rules.MATCHMAKING_FORMATS)}
    at = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=30), datetime.time(15)))
    talk = schedule_meeting(format=formats["yuanqu-shuoshi"], unit=w.changji, starts_at=at, by=staff,
                            title="园区说事：产业链上下游协作", place="高新区党群服务中心")
    fair = schedule_meeting(format=formats["qiye-gongxu"], unit=w.changji, starts_at=at - datetime.timedelta(days=60),
                            by=staff, title="企业供需对接会（资金、人才专场）", place="高新区党群服务中心")
    schedule_meeting(format=formats["qiye-gongxu"], unit=w.changji, by=staff, title="企业供需对接会（下月）",
                     starts_at=at + datetime.timedelta(days=45), place="高新区党群服务中心")

    for name, kind, text in PARTNER_OFFERS:
        rules.post_offer(partner=w.partners[name], by=staff, kind=kind, text=text)

    # The 23 parties: the chain leaders and the first members of each chain, in turn.
    chains = list(w.chains.values())
    members = {c.pk: [c.leader] + sorted((m for m in c.members.all() if m.pk != c.leader_id), key=lambda e: e.pk)
               for c in chains}
    parties, seen, k = [], set(), 0
    while len(parties) < PARTIES:
        for c in chains:
            row = members[c.pk]
            if k < len(row) and row[k].pk not in seen and len(parties) < PARTIES:
                parties.append(row[k])
                seen.add(row[k].pk)
        k += 1
    # Each party sends its liaison; the two meetings are held with their agendas, sign-ins and minutes.
    liaisons = _liaisons(builder, parties)
    _hold(fair, staff, FAIR_AGENDA, liaisons[::2])
    _hold(talk, staff, TALK_AGENDA, liaisons, minutes=TALK_MINUTES)

    # Chain members offer what they supply to their neighbours (materials, logistics).
    chain_of = {e.pk: c for c in chains for e in members[c.pk]}
    suppliers = [e for e in parties if e.pk != chain_of[e.pk].leader_id]
    for e in suppliers[:8]:
        rules.post_offer(e, by=staff, kind=NeedKind.MATERIALS, text=f"{e.industry}原料本地供应，园区内当日送达")
    for e in suppliers[8:12]:
        rules.post_offer(e, by=staff, kind=NeedKind.LOGISTICS, text="自有车队返程运力，可承接园区内配送")

    plan = ([(NeedKind.FUNDING, FUNDING_NEEDS)] * 10 + [(NeedKind.TALENT, TALENT_NEEDS)] * 8
            + [(NeedKind.MATERIALS, ["每月需要原材料{n}00吨，希望本地采购"])] * 3
            + [(NeedKind.LOGISTICS, ["产品外运每月{n}0车，寻求本地物流"])] * 3)
    hengan = w.enterprises_by_name["恒安纸业"]
    askers = [hengan] + [e for e in parties if e.pk != hengan.pk]
    solved = []
    now = timezone.now()
    for i, (kind, texts) in enumerate(plan):
        need = rules.post_need(askers[i % len(askers)], by=staff, kind=kind,
                               text=texts[i % len(texts)].format(n=rng.randint(2, 9)), quantity="")
        match = Match.objects.filter(need=need).select_related("offer__enterprise", "offer__partner") \
            .order_by("-score", "pk").first()
        if match is None:
            continue
        # Posted over the last eight months; confirmed at the first matchmaking meeting after it.
        need.created_at = now - datetime.timedelta(days=240 - i * 9)
        Need.objects.filter(pk=need.pk).update(created_at=need.created_at)
        rules.confirm_match(match, by=staff, meeting=fair if need.created_at <= fair.ends_at else talk)
        by = match.offer.enterprise or match.offer.partner
        amount = rng.randint(50, 500) * 10_000 if kind == NeedKind.FUNDING else None
        rules.solve_need(need, by=staff, outcome=OUTCOMES[kind].format(partner=by.name), amount_yuan=amount)
        solved.append(need)

    # Open needs on the board, with their suggestions waiting for the next meeting.
    for i, text in enumerate(["需要流动资金300万元用于收购木浆", "招聘造纸工艺工程师2名", "寻求中亚市场销售渠道",
                              "需要高校合作研发环保助剂", "每月原材料200吨，希望本地供应", "招聘电商直播运营5名",
                              "设备更新贷款200万元", "产品外运每月20车，寻求本地物流"]):
        kind = [NeedKind.FUNDING, NeedKind.TALENT, NeedKind.MARKET, NeedKind.TECHNOLOGY, NeedKind.MATERIALS,
                NeedKind.TALENT, NeedKind.FUNDING, NeedKind.LOGISTICS][i]
        need = rules.post_need(askers[(i * 5) % len(askers)] if i else hengan, by=w.changji_liaison if not i else staff,
                               kind=kind, text=text, deadline=today + datetime.timedelta(days=30 + 10 * i))
        # Posted before the 园区说事, so staff can record a match as made there (decision 89 allows
        # a meeting only from the need's posting on); the needs the leads collect since wait for
        # the next 对接会.
        Need.objects.filter(pk=need.pk).update(created_at=talk.starts_at - datetime.timedelta(days=2 + i))

    # 红色帮扶网: needs the area leads collected on their latest visits (open, on the board).
    for k, (lead, (kind, text)) in enumerate(zip(w.area_leads, VISIT_NEEDS)):
        enterprise = lead.enterprises.order_by("pk").first()
        if enterprise is not None:
            visited_on = today - datetime.timedelta(days=3 + 4 * k)
            _visit, need = leads.record_visit(lead, enterprise, by=staff, visited_on=visited_on,
                                              notes="上门走访，听取企业困难", need_kind=kind, need_text=text)
            # Recorded the day of the visit, as the lead's page shows it.
            Need.objects.filter(pk=need.pk).update(created_at=timezone.make_aware(
                datetime.datetime.combine(visited_on, datetime.time(16))))

    rules.record_agreement(by=staff, title="园区说事：产业链上下游本地配套合作协议", parties=parties, meeting=talk,
                           signed_on=talk.starts_at.date(),
                           notes="23家企业达成合作意向：优先本地采购、共享物流运力、联合招聘")

    # Solved some days after they were posted (one update per need).
    for need in solved:
        Need.objects.filter(pk=need.pk, status=NeedStatus.SOLVED).update(
            solved_at=need.created_at + datetime.timedelta(days=rng.randint(7, 25)))
    w.market_meeting = talk
