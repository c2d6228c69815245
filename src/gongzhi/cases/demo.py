"""A year of residents' problems for the demo world, lived through the workflow.

Every case is registered by ``services.create_case`` and every later event is a
``workflow.perform`` made by whoever would make it: the grid worker of the grid,
a clerk (professional grid worker) of each summoned agency, the reporter's own
account for a rating or a reopening, and the grid worker again for the return
visit (回访) of a reporter without an account. So the timeline, the agencies'
rounds, the ratings and the outbox are exactly what real use writes.

Each case's life is first planned with the seeded generator, as moves at given
times that never reach ``now``; then every case's moves are made together in
time order, so case numbers follow the reporting order and a duplicate report
is merged while its main case is still open (and closed with it).

The mix: most problems solved on the spot (能办即办), some dispatched to an
agency, some whistled to several (吹哨报到); recent cases partly open, a few
stuck and overdue; most closed cases rated or return-visited, some rated
unsatisfied and reopened. The demo logins find work in every inbox tab.

A year of history must not flood anyone: only the last day's events keep their
notices, and the rates roll-up is refreshed once per month at the end instead
of after each rating.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone

from gongzhi.core.models import OutboxMessage
from gongzhi.people.models import Agency, AgencyKind, Role, RoleAssignment, User, UtilityType

from . import rates, services, workflow
from .defaults import install
from .models import Case, Category, Channel, Rating, Status, TimelineEntry

CASES = 1650  # about four a day over the year: "为群众解决切身难题1500余个" counts the closed ones
DUPLICATES = 24  # reports of a problem already reported, merged into the first report
MEETINGS = ["说七说八", "楼长夜话", "民声七点办"]
# Only the last day's events notify the demo logins; what happened before is history.
NOTIFY_WITHIN = datetime.timedelta(days=1)
S = Status
RANDOM = object()  # "decide at random" for a keyword whose None means something

WORDING = {
    "0101": [("垃圾桶满溢", "小区门口垃圾桶两天没清运，气味很大。"), ("建筑垃圾未清", "楼下堆放装修垃圾，影响通行。")],
    "0102": [("楼道堆放杂物", "楼道里堆了纸箱和旧家具，存在隐患。"), ("绿地被占用种菜", "公共绿地被个别居民开垦种菜。")],
    "0103": [("树枝遮挡路灯", "行道树树枝太密，挡住了路灯。"), ("草坪枯死", "小区中心草坪大片枯黄，需要补种。")],
    "0201": [("健身器材坏了", "小区健身器材的扶手断了，老人容易摔倒，该谁修？"), ("单杠松动", "健身区单杠底座松动，孩子玩耍有危险。")],
    "0202": [("路灯不亮", "小区南门路灯一直不亮，晚上出行不便。"), ("楼道灯坏了", "单元楼道声控灯坏了好几天。")],
    "0203": [("电梯故障", "电梯运行中异响，还停过一次。"), ("电梯困人", "电梯突然停在两层之间，已报警。")],
    "0301": [("物业不打扫卫生", "物业保洁很久没有打扫楼道。"), ("物业服务态度差", "报修后物业一直不上门。")],
    "0302": [("屋顶漏水", "顶楼屋面漏水，需要动用维修资金。"), ("外墙脱落", "外墙瓷砖脱落，砸到了电动车棚。")],
    "0401": [("公共充电桩放哪儿", "小区没有公共充电桩，大家在楼道里充电，充电桩放哪儿更合理？"), ("充电桩不够用", "现有充电桩太少，晚上排队。")],
    "0402": [("车辆乱停堵路", "消防通道旁边经常有车乱停。"), ("僵尸车占车位", "一辆车停了一年多没动过。")],
    "0501": [("消防通道被堵", "消防通道被杂物和车辆堵住。"), ("消防栓没水", "楼内消防栓打开没有水。")],
    "0502": [("电动车楼道充电", "有人把电动车推进楼道充电，很危险。"), ("飞线充电", "从窗户拉电线下来给电动车充电。")],
    "0601": [("突然停水", "整栋楼从早上开始停水，没有通知。"), ("水压太低", "高层住户水压太低，热水器打不着。")],
    "0602": [("水管爆裂", "小区主水管爆裂，路面积水。"), ("井盖冒水", "路边井盖往外冒水。")],
    "0701": [("单元停电", "三单元整体停电，冰箱里的东西要坏了。"), ("频繁跳闸", "这几天总是跳闸停电。")],
    "0702": [("电线老化", "楼道电线老化外露，有安全隐患。"), ("电箱门损坏", "配电箱门坏了，孩子能碰到。")],
    "0801": [("闻到燃气味", "楼道里有明显的燃气味。"), ("燃气表漏气", "燃气表附近有嘶嘶声。")],
    "0802": [("燃气停供", "燃气突然停了，做不了饭。"), ("燃气压力不足", "灶具火很小。")],
    "0901": [("暖气不热", "家里暖气不热，室温只有十二度。"), ("暖气漏水", "暖气片接口漏水。")],
    "1001": [("宽带断网", "整栋楼宽带断网一天了。"), ("手机信号差", "小区里手机信号很差。")],
    "1101": [("陌生人撬门", "夜里有陌生人在单元门口撬锁。"), ("监控坏了", "小区门口监控坏了很久。")],
    "1201": [("邻里噪音纠纷", "楼上住户夜里噪音大，多次沟通无果。"), ("占用楼道纠纷", "邻居占用楼道引发争吵。")],
    "1202": [("物业费纠纷", "对物业费上涨有异议。"), ("车位费纠纷", "车位费收取不合理。")],
    "1301": [("独居老人需要帮助", "独居老人行动不便，希望有人帮忙买菜。"), ("老人需要上门问诊", "老人腿脚不便，想请医生上门。")],
    "9901": [("其他建议", "希望社区多组织文化活动。"), ("咨询政策", "想了解老旧小区改造政策。")],
}

NOTES = {
    "solve_on_spot": "现场处理完毕，已答复居民。",
    "resolve_again": "重办：再次上门处理，问题已解决。",
    "return": "不属于本单位职责，请重新派遣。",
    "feed_back": "已处理完毕。",
    "feed_back_again": "已按核查意见再次处理。",
    "send_back": "现场核查发现问题仍未彻底解决，请继续处理。",
    "verify": "经现场核查，问题已解决。",
    "reopen": "问题没有解决，申请重办。",
    "merge": "同一问题已有工单，合并办理。",
    "urge": "已超期，请加快处理。",
    "supervise": "群众反映强烈，列入督办。",
}
VISIT_ANSWER = {Rating.SATISFIED: "满意", Rating.BASICALLY: "基本满意", Rating.UNSATISFIED: "不满意"}


def build(builder):
    """The cases app's demo step: a year of cases through the workflow, then the rates roll-up."""
    CaseBuilder(builder.rng, builder.fake, builder.now, builder.world).build()


def minutes(delta):
    return delta.total_seconds() / 60


@dataclass
class Move:
    at: datetime.datetime
    name: str
    actor: User
    note: str = ""
    params: dict = field(default_factory=dict)


@dataclass
class Plan:
    """One case, decided before anything is written: how it is reported, then its timed moves."""

    created: datetime.datetime
    grid: object
    category: Category
    reporter: User | None
    intake: dict  # create_case's keywords, but ``now``
    moves: list = field(default_factory=list)
    case_id: int | None = None

    def first_close(self):
        return next((m for m in self.moves if m.name in ("solve_on_spot", "verify")), None)


class TooLate(Exception):
    """The next move would reach ``now``: the case stays where it has got to."""


class Life:
    """Writes a plan's moves one after another, each later than the last and before ``now``."""

    def __init__(self, plan, now):
        self.plan, self.now, self.t = plan, now, plan.created

    def move(self, after_minutes, name, actor, note="", **params):
        # Each step takes at most a third of the time left (and is taken even when a deadline has passed).
        step = max(0.5, min(after_minutes, minutes(self.now - self.t) / 3))
        at = self.t + datetime.timedelta(minutes=step)
        if at >= self.now:
            raise TooLate
        self.t = at
        self.plan.moves.append(Move(at, name, actor, note, params))


class CaseBuilder:
    def __init__(self, rng, fake, now, world):
        self.rng, self.fake, self.world, self.now = rng, fake, world, now

    def build(self):
        # `gongzhi demo --rebuild` flushes the database, the default category tree included.
        install(Category)
        self._load()
        plans = self._year()
        plans += self._duplicates(plans)
        plans += self._current_work()
        before = OutboxMessage.objects.aggregate(last=Max("pk"))["last"] or 0
        self._play(plans)
        self._quiet_history(before)
        for month in sorted({timezone.localtime(p.created).date().replace(day=1) for p in plans}):
            rates.refresh_month(month)
        return plans

    # --- who is there -------------------------------------------------------------------------------

    def _load(self):
        w = self.world
        through = RoleAssignment.units.through
        workers, clerks, covering = {}, defaultdict(list), defaultdict(list)
        for user_id, unit_id in through.objects.filter(roleassignment__role=Role.GRID_WORKER).order_by(
                "roleassignment_id", "unit_id").values_list("roleassignment__user_id", "unit_id"):
            workers.setdefault(unit_id, user_id)
        for user_id, agency_id, unit_id in through.objects.filter(
                roleassignment__role=Role.PROFESSIONAL_GRID_WORKER, roleassignment__agency__isnull=False).order_by(
                "roleassignment_id", "unit_id").values_list("roleassignment__user_id", "roleassignment__agency_id", "unit_id"):
            if user_id not in clerks[agency_id]:
                clerks[agency_id].append(user_id)
            covering[(agency_id, unit_id)].append(user_id)
        logins = dict(User.objects.filter(username__in=["demo-grid", "demo-pro", "demo-secretary", "demo-resident"])
                      .values_list("username", "pk"))
        # One User object per person for the whole build: perform() reads an actor's roles and
        # scope once per object, so reusing the objects saves those queries on every move.
        people = set(workers.values()) | {u for staff in clerks.values() for u in staff} | set(logins.values())
        users = User.objects.in_bulk(sorted(people))
        self.worker = {grid: users[u] for grid, u in workers.items()}
        self.clerks = {agency: [users[u] for u in staff] for agency, staff in clerks.items()}
        self.covering = {key: [users[u] for u in staff] for key, staff in covering.items()}
        self.login = {name: users[pk] for name, pk in logins.items()}
        self.resident = self.login.get("demo-resident")
        self.grids = [g for g in w.grids if g.pk in self.worker]

        self.categories = list(Category.objects.filter(parent__isnull=False, active=True).order_by("code"))
        # Only agencies with clerks can take a case (every demo agency has some).
        agencies = [a for a in Agency.objects.filter(district=w.district).order_by("pk") if a.pk in self.clerks]
        self.departments = [a for a in agencies if a.kind == AgencyKind.DEPARTMENT]
        utility = defaultdict(list)
        for a in agencies:
            if a.kind == AgencyKind.UTILITY:
                utility[a.utility_type].append(a)
        self.candidates = {}
        for c in self.categories:
            kind = c.default_agency_kind
            if kind in UtilityType.values:
                self.candidates[c.pk] = utility[kind] or agencies[:1]
            else:
                self.candidates[c.pk] = [a for a in self.departments if kind and kind in a.name] or agencies[:1]

    def _clerk(self, agency, grid):
        """A clerk of ``agency``: one covering the grid if the agency has one there."""
        return self.rng.choice(self.covering.get((agency.pk, grid.pk)) or self.clerks[agency.pk])

    # --- planning -----------------------------------------------------------------------------------

    def _year(self):
        rng, now = self.rng, self.now
        created = sorted(now - datetime.timedelta(minutes=rng.randint(60, 365 * 24 * 60)) for _ in range(CASES))
        plans = []
        for at in created:
            plan = self._report(at, rng.choice(self.grids))
            self._live(plan)
            plans.append(plan)
        return plans

    def _report(self, created, grid, *, category=None, channel=None, reporter=RANDOM, place=None):
        """How a problem comes in: by a resident (signed in ~1 in 4, else with a phone) or recorded
        by the grid worker on patrol, at a meeting or from the hotline."""
        rng = self.rng
        category = category or rng.choice(self.categories)
        micro = rng.choice(self.world.micro_grids_by_grid[grid.pk])
        (west, south), (east, _s), (_e, north) = micro.boundary["coordinates"][0][:3]
        lat, lng = south + (north - south) * rng.uniform(0.1, 0.9), west + (east - west) * rng.uniform(0.1, 0.9)
        channel = channel or rng.choices([Channel.PATROL, Channel.RESIDENT, Channel.MEETING, Channel.HOTLINE], [40, 25, 20, 15])[0]
        title, description = rng.choice(WORDING.get(category.code, WORDING["9901"]))
        if reporter is RANDOM:
            reporter = self.resident if channel == Channel.RESIDENT and rng.random() < 0.25 else None
        recorder = self.worker[grid.pk] if channel != Channel.RESIDENT else None
        lat, lng = place or (lat, lng)
        intake = dict(
            title=title, description=description, category=category, channel=channel,
            source_detail=rng.choice(MEETINGS) if channel == Channel.MEETING else "", lat=lat, lng=lng,
            reporter=reporter, contact_phone="" if reporter else self.fake.phone_number(),
            recorded_by=recorder, within_scope_of=recorder,
        )
        return Plan(created, grid, category, reporter, intake)

    def _live(self, plan, *, path=None, stop=RANDOM, agency=None, clerk=None, rated=True):
        """Plan the case's moves after its report: handled, closed and (if ``rated``) rated; or
        stopped at ``stop``."""
        rng, now = self.rng, self.now
        life = Life(plan, now)
        worker = self.worker[plan.grid.pk]
        respond_by = plan.created + datetime.timedelta(hours=plan.category.response_hours)
        late = rng.random() < 0.08
        respond_after = minutes(respond_by - plan.created) * (1.3 if late else rng.uniform(0.05, 0.8))
        path = path or rng.choices(["spot", "dispatch", "whistle"], [62, 31, 7])[0]
        if stop is RANDOM:
            # Recent cases may still be open; a few older ones are stuck and overdue.
            stop = None
            if now - plan.created < datetime.timedelta(days=10) and rng.random() < 0.5:
                stop = rng.choice([S.REGISTERED, S.DISPATCHED, S.HANDLING])
            elif rng.random() < 0.015:
                stop = rng.choice([S.DISPATCHED, S.HANDLING])
        try:
            if stop == S.REGISTERED:
                return
            if path == "spot":
                life.move(respond_after, "solve_on_spot", worker, note=NOTES["solve_on_spot"])
                agencies = []
            else:
                agencies = self._handle(life, plan, worker, path, stop, respond_after, agency, clerk)
                if agencies is None:
                    return
            if rated:
                self._rate(life, plan, worker, agencies)
        except TooLate:
            pass

    def _handle(self, life, plan, worker, path, stop, respond_after, agency=None, clerk=None):
        """Dispatched or whistled: the agencies' moves up to the verification (None: stopped before)."""
        rng, grid = self.rng, plan.grid
        candidates = [agency] if agency else self.candidates[plan.category.pk]
        primary = rng.choice(candidates)
        if path == "whistle":
            # 吹哨报到: the department in charge and one or two others report to the grid.
            others = [a for a in self.departments if a.pk != primary.pk]
            agencies = [primary] + rng.sample(others, rng.randint(1, 2))
            life.move(respond_after, "whistle", worker, agencies=agencies)
        else:
            agencies = [primary]
            if stop is None and rng.random() < 0.03:
                # Sent to the wrong agency first: it returns the case, which is dispatched again.
                wrong = rng.choice([a for a in self.departments if a.pk != primary.pk])
                life.move(respond_after, "dispatch", worker, agency=wrong)
                life.move(rng.randint(10, 240), "return", self._clerk(wrong, grid), note=NOTES["return"])
                life.move(rng.randint(10, 120), "dispatch", worker, agency=primary)
            else:
                life.move(respond_after, "dispatch", worker, agency=primary)
        if stop == S.DISPATCHED:
            return None
        clerks = {a.pk: clerk or self._clerk(a, grid) for a in agencies}
        if path == "whistle":
            for a in agencies:
                life.move(rng.randint(3, 20), "report", clerks[a.pk])
        else:
            life.move(rng.randint(10, 240), "accept", clerks[primary.pk])
        if stop == S.HANDLING:
            return None
        resolve_by = plan.created + datetime.timedelta(hours=plan.category.resolve_hours)
        window = max(minutes(resolve_by - life.t), 120)
        for a in agencies:
            life.move(window * rng.uniform(0.1, 0.5) / len(agencies), "feed_back", clerks[a.pk], note=NOTES["feed_back"])
        if stop == S.FED_BACK:
            return None
        if rng.random() < 0.04:
            # Verification finds the problem still there: back to the agencies, who feed back again.
            life.move(rng.randint(30, 600), "send_back", worker, note=NOTES["send_back"])
            for a in agencies:
                life.move(rng.randint(60, 1440), "feed_back", clerks[a.pk], note=NOTES["feed_back_again"])
        life.move(rng.randint(30, 600), "verify", worker, note=NOTES["verify"])
        return agencies

    def _rate(self, life, plan, worker, agencies):
        """Most closed cases are rated: by the reporter's account, or on a return visit by phone."""
        rng, now = self.rng, self.now
        if not (rng.random() < 0.85 and life.t < now - datetime.timedelta(hours=2)):
            return
        rating = rng.choices([Rating.SATISFIED, Rating.BASICALLY, Rating.UNSATISFIED], [75, 17, 8])[0]
        solved = rating != Rating.UNSATISFIED or rng.random() < 0.3
        self._rating(life, plan, worker, rating, solved)
        if (rating == Rating.UNSATISFIED and plan.reporter and rng.random() < 0.5
                and life.t < now - datetime.timedelta(days=2)):
            # Only the reporter's own account may reopen (重办): a new round, solved again, rated again.
            life.move(30, "reopen", plan.reporter, note=NOTES["reopen"])
            if agencies:
                self._again_with(life, plan, worker, agencies)
            else:
                life.move(rng.randint(60, 600), "solve_on_spot", worker, note=NOTES["resolve_again"])
            self._rating(life, plan, worker, rng.choices([Rating.SATISFIED, Rating.BASICALLY], [70, 30])[0], True)

    def _again_with(self, life, plan, worker, agencies):
        """The reopened case's new round, with the same agency."""
        agency = agencies[0]
        clerk = self._clerk(agency, plan.grid)
        life.move(self.rng.randint(30, 240), "dispatch", worker, agency=agency)
        life.move(self.rng.randint(10, 240), "accept", clerk)
        life.move(self.rng.randint(240, 2880), "feed_back", clerk, note=NOTES["feed_back_again"])
        life.move(self.rng.randint(30, 600), "verify", worker, note=NOTES["verify"])

    def _rating(self, life, plan, worker, rating, solved):
        after = self.rng.randint(60, 1440)
        if plan.reporter:
            life.move(after, "rate", plan.reporter, rating=rating, solved=solved)
        else:
            note = f"电话回访：问题{'已' if solved else '未'}解决，居民表示{VISIT_ANSWER[rating]}。"
            life.move(after, "return_visit", worker, note=note, rating=rating, solved=solved)

    def _duplicates(self, plans):
        """The same problem reported again (a neighbour calls the hotline too): the grid worker merges
        the later report into the first, and it is closed with it."""
        rng = self.rng
        mains = [p for p in plans if p.first_close() and p.first_close().at - p.created > datetime.timedelta(hours=6)]
        duplicates = []
        for main in sorted(rng.sample(mains, min(DUPLICATES, len(mains))), key=lambda p: p.created):
            close = main.first_close().at
            created = main.created + (close - main.created) * rng.uniform(0.05, 0.4)
            plan = self._report(created, main.grid, category=main.category, reporter=None,
                                channel=rng.choice([Channel.RESIDENT, Channel.HOTLINE]),
                                place=(main.intake["lat"], main.intake["lng"]))
            merge_at = created + (close - created) * rng.uniform(0.1, 0.5)
            plan.moves.append(Move(merge_at, "merge", self.worker[main.grid.pk], NOTES["merge"], {"main": main}))
            duplicates.append(plan)
        return duplicates

    def _current_work(self):
        """Cases where the demo logins look first: something in every inbox tab, the resident's own."""
        rng, now = self.rng, self.now
        grid_worker, pro, secretary = (self.login.get(n) for n in ("demo-grid", "demo-pro", "demo-secretary"))
        grids = {g.pk: g for g in self.grids}
        mine = [grids[pk] for pk in RoleAssignment.units.through.objects.filter(
            roleassignment__user=grid_worker, roleassignment__role=Role.GRID_WORKER).order_by("unit_id")
            .values_list("unit_id", flat=True) if pk in grids] if grid_worker else []
        assignment = RoleAssignment.objects.filter(user=pro, role=Role.PROFESSIONAL_GRID_WORKER).first() if pro else None
        pro_grids = [grids[pk] for pk in assignment.units.order_by("pk").values_list("pk", flat=True)
                     if pk in grids] if assignment else []
        # General matters (7 days to resolve): the older ones below are overdue, the recent ones not.
        general = [c for c in self.categories if c.resolve_hours == 7 * 24] or self.categories
        plans = []

        def case(grid, hours, stop, path="dispatch", channel=Channel.PATROL, reporter=None, **live):
            created = now - datetime.timedelta(hours=hours, minutes=rng.randint(0, 50))
            plan = self._report(created, grid, category=rng.choice(general), channel=channel, reporter=reporter)
            self._live(plan, path=path, stop=stop, **live)
            plans.append(plan)
            return plan

        def later(plan, hours_ago, name, actor):
            at = max(now - datetime.timedelta(hours=hours_ago), plan.moves[-1].at if plan.moves else plan.created)
            plan.moves.append(Move(at + datetime.timedelta(minutes=1), name, actor, NOTES[name]))

        if mine:
            # The grid worker: new reports (a resident's notifies them), cases to verify, overdue ones.
            case(rng.choice(mine), 2, S.REGISTERED, channel=Channel.RESIDENT)
            case(rng.choice(mine), 5, S.REGISTERED)
            case(rng.choice(mine), 20, S.REGISTERED, channel=Channel.RESIDENT)
            case(rng.choice(mine), 40, S.FED_BACK)
            case(rng.choice(mine), 70, S.FED_BACK, path="whistle")
            if secretary:
                # The secretary urges and supervises overdue cases: their "supervised" tab.
                later(case(rng.choice(mine), 24 * 10, S.REGISTERED), 48, "urge", secretary)
                later(case(rng.choice(mine), 24 * 12, S.DISPATCHED), 72, "supervise", secretary)
        if pro_grids and assignment.agency:
            # The agency clerk: dispatched to their agency, being handled, one overdue.
            for hours, stop in ((3, S.DISPATCHED), (26, S.DISPATCHED), (50, S.HANDLING), (24 * 9, S.HANDLING)):
                case(rng.choice(pro_grids), hours, stop, agency=assignment.agency, clerk=pro)
        if mine and self.resident:
            # The demo resident: one case reopened and solved again, one waiting for the rating, one open.
            grid = rng.choice(mine)
            worker = self.worker[grid.pk]
            plan = self._report(now - datetime.timedelta(days=8), grid, category=rng.choice(general),
                                channel=Channel.RESIDENT, reporter=self.resident)
            life = Life(plan, now)
            life.move(120, "solve_on_spot", worker, note=NOTES["solve_on_spot"])
            life.move(600, "rate", self.resident, note="还是没有解决。", rating=Rating.UNSATISFIED, solved=False)
            life.move(30, "reopen", self.resident, note=NOTES["reopen"])
            self._again_with(life, plan, worker, self.candidates[plan.category.pk])
            life.move(600, "rate", self.resident, rating=Rating.BASICALLY, solved=True)
            plans.append(plan)
            case(grid, 30, None, path="spot", channel=Channel.RESIDENT, reporter=self.resident, rated=False)
            case(grid, 60, S.HANDLING, channel=Channel.RESIDENT, reporter=self.resident)
        return plans

    # --- doing --------------------------------------------------------------------------------------

    def _play(self, plans):
        """Every report and move of every plan, in time order, through intake and the workflow."""
        events = [(p.created, n, 0, p, None) for n, p in enumerate(plans)]
        events += [(m.at, n, i, p, m) for n, p in enumerate(plans) for i, m in enumerate(p.moves, 1)]
        events.sort(key=lambda e: e[:3])
        for at, _n, _i, plan, move in events:
            if move is None:
                plan.case_id = services.create_case(now=at, **plan.intake).pk
                continue
            params = dict(move.params)
            if "main" in params:
                params["main_case"] = Case.objects.get(pk=params.pop("main").case_id)
            workflow.perform(plan.case_id, move.name, move.actor, now=at, note=move.note, **params)

    def _quiet_history(self, before):
        """Keep the notices of the last day's events only, and no per-rating roll-up refresh (the
        step refreshes every month once at the end)."""
        mine = OutboxMessage.objects.filter(pk__gt=before)
        mine.filter(kind="cases.refresh_rates").delete()
        recent = TimelineEntry.objects.filter(at__gte=self.now - NOTIFY_WITHIN).values_list("case_id", "pk")
        keep = [f"case:{case}:entry:{entry}" for case, entry in recent]
        mine.filter(kind="cases.announce").exclude(dedupe_key__in=keep).delete()
