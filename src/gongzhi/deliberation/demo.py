"""The demo's deliberation and party life.

``build_party_life`` (order 65, after the party organizations, their instructors and the demo
logins): a year of 三会一课 for every party branch and building party group, recorded as held
meetings on the meeting machinery, with each member marked present (earning the format's study
hours) or absent with a reason. A few grid branches missed last month's 支部委员会, so the
behind-schedule list and the reminders have something to show, while every grid branch still
held a meeting in the last 90 days (all 121 count as really working).
"""
import datetime

from django.db.models import Max
from django.utils import timezone

from gongzhi.core.errors import DomainError
from gongzhi.core.models import OutboxMessage
from gongzhi.party.models import OrganizationKind, PartyMember, PartyOrganization

from gongzhi.people.demo import NO_PASSWORD, assign_roles
from gongzhi.people.models import Role, RoleAssignment, User
from gongzhi.territory.models import Estate, Level, Unit

from .defaults import install
from .models import (Attendance, Choice, Council, CouncilMember, CouncilSeat, Meeting, MeetingFormat, MeetingStatus,
                     OwnerKind, PartyCadence, SignInMethod)
from .services import decisions, meetings, proposals, votes
from .services.party_life import add_months

# How many grid branches missed last month's committee meeting.
BEHIND_BRANCHES = 4
BEHIND_FORMAT = "zhibu-weiyuanhui"
# The branch committee: the secretary and the next two members.
COMMITTEE_SIZE = 3
ABSENCE_RATE = 0.04
ABSENCE_REASONS = ["外出务工", "身体不适住院", "在外地照顾子女", "单位值班", "出差", "年老行动不便"]
PLACES = ["党群服务中心", "网格党建活动室", "小区议事亭", "社区会议室"]
MINUTES = {
    "dangyuan-dahui": "通报支部工作，讨论发展党员和党费收缴情况，部署下季度网格服务。",
    "zhibu-weiyuanhui": "研究本月网格重点工作，分析居民诉求办理情况，明确支委分工。",
    "dangke": "书记讲党课：学习党的二十大精神，结合网格治理谈党员责任。",
    "zhuti-dangri": "重温入党誓词，集中学习，开展网格志愿服务。",
    "dangxiaozu-hui": "楼栋党小组学习讨论，收集楼栋居民意见。",
}
# Quarterly meetings fall in the middle month of each quarter (February, May, August, November).
QUARTER_MONTH = 1


def build_party_life(builder):
    rng, w = builder.rng, builder.world
    # `gongzhi demo --rebuild` flushes the database, the data migration's defaults with it.
    install(MeetingFormat, PartyCadence)
    cadences = {}
    for cadence in PartyCadence.objects.select_related("format"):
        cadences.setdefault(cadence.organization_kind, []).append(cadence)
    orgs = list(PartyOrganization.objects.filter(kind__in=cadences).select_related("unit").order_by("pk"))
    members = {}
    for member in PartyMember.objects.filter(organization__in=orgs).order_by("pk").only("pk", "organization_id"):
        members.setdefault(member.organization_id, []).append(member.pk)
    grid_branches = [o for o in orgs if o.kind == OrganizationKind.BRANCH and o.unit.level == 4]
    behind = _behind_branches(grid_branches, rng)
    last_month = add_months(builder.today, -1)
    rows, plans = [], []  # plans: (meeting, format, attendee ids, committee only)
    for org in orgs:
        for cadence in cadences[org.kind]:
            fmt = cadence.format
            for month in _months(builder.today, cadence.every_months):
                if org.pk in behind and fmt.code == BEHIND_FORMAT and month == last_month:
                    continue
                starts = _when(month, fmt, rng)
                if starts.date() > builder.today:
                    continue  # not yet this month (the month shows as due)
                aware = timezone.make_aware(starts)
                held = aware < builder.now
                meeting = Meeting(format=fmt, unit=org.unit, organization=org, title=f"{starts:%Y年%m月}{fmt.name}",
                                  starts_at=aware, ends_at=aware + datetime.timedelta(minutes=fmt.duration_minutes),
                                  place=rng.choice(PLACES),
                                  status=MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
                                  opened_at=aware if held else None,
                                  closed_at=aware + datetime.timedelta(minutes=fmt.duration_minutes) if held else None,
                                  minutes=MINUTES.get(fmt.code, "") if held else "")
                rows.append(meeting)
                people = members.get(org.pk, [])
                if fmt.party_kind == "committee_meeting":
                    people = people[:COMMITTEE_SIZE]
                if held:
                    plans.append((meeting, fmt, people))
    Meeting.objects.bulk_create(rows, batch_size=2000)
    attendances = []
    for meeting, fmt, people in plans:
        for member_id in people:
            present = rng.random() >= ABSENCE_RATE
            attendances.append(Attendance(
                meeting_id=meeting.pk, member_id=member_id, present=present,
                absence_reason="" if present else rng.choice(ABSENCE_REASONS), method=SignInMethod.STAFF,
                signed_in_at=meeting.starts_at, study_hours=fmt.study_hours if present else 0))
    Attendance.objects.bulk_create(attendances, batch_size=2000)
    w.party_meetings = len(rows)
    w.behind_branches = [o for o in grid_branches if o.pk in behind]


def _behind_branches(grid_branches, rng):
    """The demo instructor's branch (the first) and the first branch in the demo secretary's
    community, so both demo logins have someone behind; the rest at random."""
    from gongzhi.territory.models import Estate

    chosen = [grid_branches[0]]
    longcheng = Estate.objects.filter(name="龙城一号小区").values_list("grid__parent_id", flat=True).first()
    near = [b for b in grid_branches if b.unit.parent_id == longcheng and b not in chosen]
    chosen += near[:1]
    others = [b for b in grid_branches if b not in chosen]
    chosen += rng.sample(others, BEHIND_BRANCHES - len(chosen))
    return {b.pk for b in chosen}


def _months(today, every_months):
    """The months (their first days) a meeting of a cadence falls in, over the last 12 months
    and this month: every month, or the middle month of each quarter."""
    months = [add_months(today, -k) for k in range(13, -1, -1)]
    if every_months == 1:
        return months[1:]
    return [m for m in months if (m.month - 1) % every_months == QUARTER_MONTH % every_months]


def _when(month, fmt, rng):
    """A local time in ``month`` near the day the format's default rule names."""
    day = {"dangyuan-dahui": 10, "zhibu-weiyuanhui": 5, "dangxiaozu-hui": 20, "dangke": 25, "zhuti-dangri": 15}.get(fmt.code, 12)
    day = max(1, min(28, day + rng.randint(-2, 2)))
    hour = rng.choice([9, 9, 15, 19])
    return datetime.datetime.combine(month.replace(day=day), datetime.time(hour, 0))


def build(builder):
    """Councils and a year of deliberation (order 70, after the cases: a decision may open one)."""
    DeliberationDemo(builder).build()


LONGCHENG = "龙城一号小区"
FLAGSHIP_TOPICS = [
    ("小区健身器材坏了该谁修?", "小区中心广场的健身器材有两件坏了，老人们不敢用，物业说不归他们管，到底该谁修？",
     "由物业公司负责维修损坏的健身器材，维修费用从公共收益中列支，网格党支部监督。", OwnerKind.PROPERTY, 14),
    ("公共充电桩放哪儿更合理?", "电动车越来越多，楼道里充电不安全，希望小区统一建公共充电桩，放在哪里大家商量一下。",
     "在小区北门停车棚建设20个公共充电桩，由网格党支部协调供电所和物业实施。", OwnerKind.BRANCH, 30),
]
TOPICS = [
    ("楼道堆放杂物清理", "楼道里堆了很多纸箱和旧家具，存在消防隐患。", "组织志愿者和物业开展楼道清理，建立每月巡查制度。", OwnerKind.VOLUNTEER_TEAM),
    ("小区停车位划线", "晚上车停得乱，消防通道被占。", "物业重新规划划线停车位，消防通道设置禁停标志。", OwnerKind.PROPERTY),
    ("单元门禁损坏维修", "3号楼单元门禁坏了一个月了。", "物业一周内更换门禁设备。", OwnerKind.PROPERTY),
    ("垃圾分类投放点调整", "垃圾桶离住户太近，夏天有异味。", "将投放点移至绿化带东侧并定时清运。", OwnerKind.AGENCY),
    ("路灯不亮影响夜间出行", "小区东侧路灯坏了好几盏。", "联系供电部门和物业更换路灯。", OwnerKind.AGENCY),
    ("老年活动室开放时间", "希望活动室周末也能开放。", "活动室周末开放，由党员志愿者轮流值守。", OwnerKind.BRANCH),
    ("绿化带改造种菜问题", "有居民在绿化带里种菜。", "网格员和党员上门劝导，恢复绿化。", OwnerKind.PARTY_MEMBER),
    ("电动车进楼充电整治", "还有人把电动车推进楼道充电。", "开展消防宣传并加装阻车装置。", OwnerKind.PROPERTY),
    ("下水道堵塞反复发生", "2号楼下水道经常堵。", "物业疏通并更换老旧管道。", OwnerKind.PROPERTY),
    ("小区大门口占道经营", "门口有流动摊贩，影响通行。", "联系综合执法部门规范摊点。", OwnerKind.AGENCY),
    ("宠物狗不拴绳", "遛狗不拴绳吓到孩子。", "张贴文明养犬倡议，党员志愿者劝导。", OwnerKind.VOLUNTEER_TEAM),
    ("增设休闲座椅", "老人散步没地方坐。", "在广场和步道增设10把座椅。", OwnerKind.PROPERTY),
]
DUE_DAYS = (10, 15, 20, 30)


class DeliberationDemo:
    def __init__(self, builder):
        self.b, self.rng, self.now, self.today, self.w = builder, builder.rng, builder.now, builder.today, builder.world

    def build(self):
        before = OutboxMessage.objects.aggregate(last=Max("pk"))["last"] or 0
        self._people()
        self._councils()
        self._series()
        self._history()
        # A year of history tells nobody anything today (as the cases step, decision 39): its
        # notices are dropped before they are sent.
        OutboxMessage.objects.filter(pk__gt=before, kind="deliberation.announce").delete()

    # --- who is there -----------------------------------------------------------------------------
    def _people(self):
        w = self.w
        through = RoleAssignment.units.through
        workers = {}
        for user_id, unit_id in through.objects.filter(roleassignment__role=Role.GRID_WORKER).order_by(
                "roleassignment_id", "unit_id").values_list("roleassignment__user_id", "unit_id"):
            workers.setdefault(unit_id, user_id)
        users = User.objects.in_bulk(sorted(set(workers.values())))
        self.worker = {grid: users[u] for grid, u in workers.items()}
        self.branch_of = {b.unit_id: b for b in w.branches}
        self.estate_of = dict(Estate.objects.values_list("grid_id", "name"))
        self.longcheng = Estate.objects.get(name=LONGCHENG).grid
        self.resident = User.objects.filter(username="demo-resident").first()
        if self.resident:
            # The demo resident lives in 龙城一号小区: take part in its grid's deliberation.
            assignment = RoleAssignment.objects.filter(user=self.resident, role=Role.RESIDENT).first()
            if assignment:
                assignment.units.add(self.longcheng)
        self.property_orgs = list(PartyOrganization.objects.filter(kind=OrganizationKind.PROPERTY_ORGANIZATION))
        if not self.property_orgs:
            companies = sorted(set(Estate.objects.exclude(property_company="").values_list("property_company", flat=True)))
            self.property_orgs = PartyOrganization.objects.bulk_create([
                PartyOrganization(name=f"{c}党支部", kind=OrganizationKind.PROPERTY_ORGANIZATION, unit=w.district)
                for c in companies])
        self.agencies = list(w.agencies)

    def _councils(self):
        """A council (协商议事会) on every grid with a branch: the branch (its representative), the
        property company's party organization, three residents' representatives, the grid worker."""
        w, rng = self.w, self.rng
        grids = [g for g in w.grids if g.pk in self.branch_of and g.pk in self.worker]
        pending, seats = [], []
        for n, grid in enumerate(grids, 1):
            people = []
            for k, seat in enumerate([CouncilSeat.BRANCH, CouncilSeat.PROPERTY, CouncilSeat.REPRESENTATIVE,
                                      CouncilSeat.REPRESENTATIVE, CouncilSeat.REPRESENTATIVE]):
                user = User(username=f"council-{n}-{k + 1}", display_name=self.b.fake.name(), password=NO_PASSWORD)
                role = Role.PARTY_MEMBER if seat in (CouncilSeat.BRANCH, CouncilSeat.PROPERTY) else Role.RESIDENT
                pending.append((user, role, [grid], None, ""))
                people.append((seat, user))
            seats.append((grid, people))
        User.objects.bulk_create([p[0] for p in pending], batch_size=1000)
        assign_roles(pending)
        councils = Council.objects.bulk_create([Council(unit=g, name=f"{self.estate_of.get(g.pk, g.name)}协商议事会") for g, _ in seats])
        since = self.today - datetime.timedelta(days=400)
        members = []
        self.council_people = {}
        for council, (grid, people) in zip(councils, seats):
            property_org = self.property_orgs[grid.pk % len(self.property_orgs)] if self.property_orgs else None
            for seat, user in people:
                org = self.branch_of[grid.pk] if seat == CouncilSeat.BRANCH else property_org if seat == CouncilSeat.PROPERTY else None
                members.append(CouncilMember(council=council, seat=seat, user=user, organization=org, starts_on=since))
            members.append(CouncilMember(council=council, seat=CouncilSeat.GRID_WORKER, user=self.worker[grid.pk], starts_on=since))
            self.council_people[grid.pk] = [u for _, u in people]
        CouncilMember.objects.bulk_create(members, batch_size=1000)
        self.council_grids = [g for g, _ in seats]

    # --- the series --------------------------------------------------------------------------------
    def _series(self):
        """说七说八 monthly in every council grid of 接庄街道 for a year; 楼长夜话 in ten of
        洸河街道's for half a year; 民声七点办 in 柳行街道's communities for half a year."""
        formats = {f.code: f for f in MeetingFormat.objects.filter(purpose="deliberation")}
        streets = {s.name: s for s in self.w.streets}
        year_ago, half_year_ago = self.today - datetime.timedelta(days=365), self.today - datetime.timedelta(days=183)
        self.series = []
        for grid in self.council_grids:
            estate = self.estate_of.get(grid.pk, grid.name)
            if grid.code.startswith(streets["接庄街道"].code):
                self._add_series(formats["shuo-qi-shuo-ba"], grid, year_ago, f"{estate}说七说八", self.worker[grid.pk], "小区活动室")
        guanghe = [g for g in self.council_grids if g.code.startswith(streets["洸河街道"].code)][:10]
        for grid in guanghe:
            estate = self.estate_of.get(grid.pk, grid.name)
            self._add_series(formats["louzhang-yehua"], grid, half_year_ago, f"{estate}楼长夜话", self.worker[grid.pk], "网格党建活动室")
        secretaries = self._secretaries()
        for community in [c for c in self.w.communities if c.parent_id == streets["柳行街道"].pk]:
            if community.pk in secretaries:
                self._add_series(formats["minsheng-qidianban"], community, half_year_ago, f"{community.name}民声七点办",
                                 secretaries[community.pk], "社区党群服务中心")

    def _secretaries(self):
        through = RoleAssignment.units.through
        found = {}
        for user_id, unit_id in through.objects.filter(roleassignment__role=Role.COMMUNITY_SECRETARY).order_by(
                "roleassignment_id").values_list("roleassignment__user_id", "unit_id"):
            found.setdefault(unit_id, user_id)
        users = User.objects.in_bulk(sorted(set(found.values())))
        return {unit: users[u] for unit, u in found.items()}

    def _add_series(self, fmt, unit, starts_on, title, by, place):
        start = timezone.make_aware(datetime.datetime.combine(starts_on, datetime.time(9)))
        series = meetings.create_series(format=fmt, unit=unit, recurrence=fmt.recurrence, starts_on=starts_on, title=title,
                                        by=by, place=place, now=start)
        meetings.generate(series, self.today + datetime.timedelta(days=meetings.GENERATE_DAYS), today=starts_on)
        self.series.append((series, by))

    # --- a year of meetings ------------------------------------------------------------------------
    def _history(self):
        rng = self.rng
        past = []
        for series, by in self.series:
            for meeting in series.meetings.filter(starts_at__lt=self.now - datetime.timedelta(hours=3)).order_by("starts_at"):
                past.append((meeting.starts_at, meeting.pk, series, by))
        past.sort(key=lambda row: (row[0], row[1]))
        flagship = [m for _, m, s, _ in past if s.unit_id == self.longcheng.pk]
        # The article's evening: the one before last, so both topics have been carried out since.
        self.flagship_meeting = flagship[-2] if len(flagship) >= 2 else None
        for starts_at, pk, series, by in past:
            meeting = Meeting.objects.select_related("format", "unit").get(pk=pk)
            if pk == self.flagship_meeting:
                topics = FLAGSHIP_TOPICS
            else:
                topics = [(t, b, d, o, rng.choice(DUE_DAYS)) for t, b, d, o in rng.sample(TOPICS, rng.choice([1, 1, 2]))]
            self._hold(meeting, series, by, topics)

    def _people_of(self, unit):
        """Council people of ``unit`` (for a community: those of its grids)."""
        if unit.level == Level.GRID:
            return self.council_people.get(unit.pk, [])
        found = []
        for grid in self.council_grids:
            if grid.parent_id == unit.pk:
                found += self.council_people[grid.pk][2:]
        return found

    def _hold(self, meeting, series, by, topics):
        rng, t0 = self.rng, meeting.starts_at
        people = self._people_of(meeting.unit)
        residents = people[2:] or people
        if not residents:
            return
        items = []
        for title, body, decided, owner_kind, due_days in topics:
            author = rng.choice(residents)
            if meeting.pk == self.flagship_meeting and self.resident is not None and not items:
                author = self.resident
            proposed_at = t0 - datetime.timedelta(days=rng.randint(6, 20), hours=rng.randint(0, 8))
            proposal = proposals.propose(unit=meeting.unit, title=title, body=body, author=author, now=proposed_at)
            # The article's topics gather every council member's support (and reach the threshold).
            wanted = len(people) if meeting.pk == self.flagship_meeting else rng.randint(2, 4)
            neighbours = list(people)
            if meeting.pk == self.flagship_meeting and self.resident is not None:
                neighbours.append(self.resident)
            for k, supporter in enumerate(p for p in neighbours if p.pk != author.pk):
                if k >= wanted:
                    break
                proposals.support(proposal, user=supporter, now=proposed_at + datetime.timedelta(hours=k + 2))
            proposal.refresh_from_db()
            if proposal.status == "open":
                proposals.answer(proposal, outcome="on_agenda", reason="", by=by, meeting=meeting,
                                 now=proposed_at + datetime.timedelta(days=1))
            items.append((proposal, decided, owner_kind, due_days))
        meetings.open_meeting(meeting, by=by, now=t0)
        meeting.refresh_from_db()
        present = [p for p in people if rng.random() < 0.9] or people[:1]
        for k, person in enumerate(present):
            meetings.sign_in(meeting, user=person, code=meeting.signin_code, now=t0 + datetime.timedelta(minutes=2 + k))
        agenda = {item.proposal_id: item for item in meeting.items.all()}
        at = t0 + datetime.timedelta(minutes=15)
        for proposal, decided, owner_kind, due_days in items:
            item = agenda.get(proposal.pk)
            if item is None:
                continue
            meetings.record_minutes(item, text=f"居民代表、物业和网格员围绕“{proposal.title}”逐一发言，形成一致意见：{decided}", by=by)
            if meeting.format.voters != "nobody":
                votes.open_vote(item, by=by, now=at)
                for k, person in enumerate(present):
                    choice = rng.choices([Choice.FOR, Choice.AGAINST, Choice.ABSTAIN], [85, 5, 10])[0]
                    try:
                        votes.cast(item, voter=person, choice=choice, now=at + datetime.timedelta(minutes=1, seconds=k * 20))
                    except DomainError:
                        pass  # not a voter under this format (e.g. a grid worker without a seat)
                votes.close_vote(item, by=by, now=at + datetime.timedelta(minutes=6))
                item.refresh_from_db()
                if not item.passed:
                    at += datetime.timedelta(minutes=item.time_box_minutes)
                    continue
            owner_kind, owner = self._owner(owner_kind, meeting)
            decision = decisions.record_decision(meeting=meeting, item=item, what=decided, owner_kind=owner_kind,
                                                 due_on=timezone.localtime(t0).date() + datetime.timedelta(days=due_days),
                                                 by=by, now=at + datetime.timedelta(minutes=8), **owner)
            self._follow_up(decision, by)
            at += datetime.timedelta(minutes=item.time_box_minutes)
        meetings.close_meeting(meeting, by=by, now=min(at + datetime.timedelta(minutes=10), meeting.ends_at))

    def _owner(self, owner_kind, meeting):
        """(owner kind, the owner's fields) for a decision of ``meeting``; a community's meeting
        has no grid branch or grid member to name: its volunteers carry those out."""
        grid_id = meeting.unit_id
        if owner_kind == OwnerKind.AGENCY:
            return owner_kind, {"agency": self.rng.choice(self.agencies)}
        if owner_kind == OwnerKind.PROPERTY:
            return owner_kind, {"organization": self.property_orgs[grid_id % len(self.property_orgs)]}
        if owner_kind == OwnerKind.BRANCH and grid_id in self.branch_of:
            return owner_kind, {"organization": self.branch_of[grid_id]}
        if owner_kind == OwnerKind.PARTY_MEMBER and grid_id in self.branch_of and self.branch_of[grid_id].secretary_id:
            return owner_kind, {"member": self.branch_of[grid_id].secretary}
        return OwnerKind.VOLUNTEER_TEAM, {"owner_name": "网格志愿服务队" if meeting.unit.level == Level.GRID else "社区志愿服务队"}

    def _follow_up(self, decision, by):
        """Progress reports until done and verified, as time allows; a few left behind (overdue)."""
        rng, now = self.rng, self.now
        start = decision.decided_at
        span = datetime.timedelta(days=max(1, (decision.due_on - timezone.localtime(start).date()).days))
        lagging = rng.random() < 0.07
        for share, percent in ((0.4, 50), (0.9, 100)):
            at = start + span * share
            if at >= now or (lagging and percent == 100):
                return
            decisions.report_progress(decision, percent=percent, by=by, now=at,
                                      note="已完成。" if percent == 100 else "正在推进，已完成一半。")
        at = start + span * 0.9 + datetime.timedelta(days=2)
        if at < now:
            decisions.verify(decision, by=by, now=at)
