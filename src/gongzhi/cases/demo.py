"""A year of residents' problems for the demo world.

Most are solved on the spot (能办即办), some dispatched to an agency, some
whistled to several (吹哨报到), some still open and a few overdue, some rated
unsatisfied and reopened. Every case carries a timeline consistent with its
fields, so the rates, inboxes and figures are counted from it like real data.
Written in bulk for speed; the workflow's rules are the same as perform()'s.
"""
import datetime
from collections import defaultdict

from django.utils import timezone

from gongzhi.cases import rates
from gongzhi.cases.models import (
    Case, CaseAgency, CaseCounter, CaseRating, Category, Channel, Rating, Status, TimelineEntry,
)
from gongzhi.people.models import Agency, AgencyKind, Role, RoleAssignment, User, UtilityType

CASES = 1650  # about four a day over the year: "为群众解决切身难题1500余个" counts the closed ones
MEETINGS = ["说七说八", "楼长夜话", "民声七点办"]
# What residents say, by 小类 code: (title, description)
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


def build(builder):
    """The cases app's demo step: a year of cases, then the rates roll-up."""
    CaseBuilder(builder.rng, builder.fake, builder.now, builder.world).build()


class CaseBuilder:
    def __init__(self, rng, fake, now, world):
        self.rng, self.fake, self.world, self.now = rng, fake, world, now

    def build(self):
        rng, w = self.rng, self.world
        categories = list(Category.objects.filter(parent__isnull=False, active=True).order_by("code"))
        agencies = list(Agency.objects.filter(district=w.district))
        by_name = {a.name: a for a in agencies}
        utility = defaultdict(list)
        for a in agencies:
            if a.kind == AgencyKind.UTILITY:
                utility[a.utility_type].append(a)
        agency_for = {}
        for c in categories:
            kind = c.default_agency_kind
            if kind in UtilityType.values:
                agency_for[c.pk] = utility[kind]
            else:
                agency_for[c.pk] = [a for n, a in by_name.items() if kind and kind in n] or agencies[:1]
        staff = defaultdict(list)
        for user_id, agency_id in RoleAssignment.objects.filter(role=Role.PROFESSIONAL_GRID_WORKER).values_list("user_id", "agency_id"):
            staff[agency_id].append(user_id)
        workers = {}
        for user_id, unit_id in RoleAssignment.units.through.objects.filter(
            roleassignment__role=Role.GRID_WORKER).values_list("roleassignment__user_id", "unit_id"):
            workers.setdefault(unit_id, user_id)
        resident_id = User.objects.filter(username="demo-resident").values_list("pk", flat=True).first()
        micro_by_grid = w.micro_grids_by_grid

        cases = []
        counters = defaultdict(int)
        created_times = sorted(self.now - datetime.timedelta(minutes=rng.randint(60, 365 * 24 * 60)) for _ in range(CASES))
        for created in created_times:
            category = rng.choice(categories)
            grid = rng.choice(w.grids)
            micro = rng.choice(micro_by_grid[grid.pk])
            (west, south), (east, _s), (_e, north) = micro.boundary["coordinates"][0][:3]
            channel = rng.choices([Channel.PATROL, Channel.RESIDENT, Channel.MEETING, Channel.HOTLINE], [40, 25, 20, 15])[0]
            title, description = rng.choice(WORDING.get(category.code, WORDING["9901"]))
            year = timezone.localtime(created).year
            counters[year] += 1
            reporter = resident_id if channel == Channel.RESIDENT and rng.random() < 0.25 else None
            case = Case(
                number=f"{year}-{counters[year]:06d}", title=title, description=description, category=category,
                channel=channel, source_detail=rng.choice(MEETINGS) if channel == Channel.MEETING else "",
                grid=grid, micro_grid=micro, grid_code=grid.code,
                lat=south + (north - south) * rng.uniform(0.1, 0.9), lng=west + (east - west) * rng.uniform(0.1, 0.9),
                reporter_id=reporter, contact_phone="" if reporter else self.fake.phone_number(),
                recorded_by_id=workers.get(grid.pk) if channel != Channel.RESIDENT else None,
                created_at=created, respond_by=created + datetime.timedelta(hours=category.response_hours),
                resolve_by=created + datetime.timedelta(hours=category.resolve_hours),
            )
            cases.append(case)
        Case.objects.bulk_create(cases, batch_size=1000)

        links, entries, ratings = [], [], []
        for case in cases:
            self._life(case, workers.get(case.grid_id), agency_for[case.category_id], staff, links, entries, ratings)
        current = self._current_work(categories, counters, workers, agencies, staff)
        for case, force, agency in current:
            self._life(case, workers.get(case.grid_id), [agency] if agency else agency_for[case.category_id],
                       staff, links, entries, ratings, force=force)
        cases += [c for c, _f, _a in current]
        Case.objects.bulk_update(cases, ["status", "responded_at", "closed_at", "rating", "rating_solved", "rated_at",
                                         "reopen_count", "version"], batch_size=1000)
        for year, last in counters.items():
            CaseCounter.objects.update_or_create(year=year, defaults={"last": last})
        CaseAgency.objects.bulk_create(links, batch_size=2000)
        TimelineEntry.objects.bulk_create(entries, batch_size=2000)
        CaseRating.objects.bulk_create(ratings, batch_size=2000)
        months = sorted({timezone.localtime(c.created_at).date().replace(day=1) for c in cases})
        for month in months:
            rates.refresh_month(month)
        return cases

    def _current_work(self, categories, counters, workers, agencies, staff):
        """Open cases where the demo logins will look first: something in every inbox tab."""
        rng, now = self.rng, self.now
        demo = dict(User.objects.filter(username__in=["demo-grid", "demo-pro", "demo-secretary"]).values_list("username", "pk"))
        grid_ids = list(RoleAssignment.units.through.objects.filter(
            roleassignment__user_id=demo.get("demo-grid"), roleassignment__role=Role.GRID_WORKER).values_list("unit_id", flat=True))
        pro = RoleAssignment.objects.filter(user_id=demo.get("demo-pro"), role=Role.PROFESSIONAL_GRID_WORKER).first()
        pro_grids = list(pro.units.values_list("pk", flat=True)) if pro else []
        general = [c for c in categories if c.resolve_hours >= 7 * 24] or categories
        grids = {g.pk: g for g in self.world.grids}
        plan = []  # (grid id, hours ago, status to stop at, agency)
        for hours, force in ((2, Status.REGISTERED), (5, Status.REGISTERED), (20, Status.REGISTERED),
                             (40, Status.FED_BACK), (70, Status.FED_BACK), (24 * 10, Status.REGISTERED)):
            plan.append((rng.choice(grid_ids), hours, force, None))
        for hours, force in ((3, Status.DISPATCHED), (26, Status.DISPATCHED), (50, Status.HANDLING), (24 * 9, Status.HANDLING)):
            plan.append((rng.choice(pro_grids), hours, force, pro.agency if pro else None))
        out = []
        for grid_id, hours, force, agency in plan:
            if grid_id not in grids:
                continue
            grid, category = grids[grid_id], rng.choice(general)
            created = now - datetime.timedelta(hours=hours, minutes=rng.randint(0, 50))
            micro = rng.choice(self.world.micro_grids_by_grid[grid_id])
            (west, south), (east, _s), (_e, north) = micro.boundary["coordinates"][0][:3]
            title, description = rng.choice(WORDING.get(category.code, WORDING["9901"]))
            year = timezone.localtime(created).year
            counters[year] += 1
            case = Case(
                number=f"{year}-{counters[year]:06d}", title=title, description=description, category=category,
                channel=Channel.PATROL, grid=grid, micro_grid=micro, grid_code=grid.code,
                lat=(south + north) / 2, lng=(west + east) / 2, contact_phone=self.fake.phone_number(),
                recorded_by_id=workers.get(grid_id), created_at=created,
                respond_by=created + datetime.timedelta(hours=category.response_hours),
                resolve_by=created + datetime.timedelta(hours=category.resolve_hours),
            )
            out.append((case, force, agency))
        Case.objects.bulk_create([c for c, _f, _a in out])
        return out

    def _life(self, case, worker, candidates, staff, links, entries, ratings, force=None):
        """Play one case's life forward from its creation, up to now (or up to ``force``, a status)."""
        rng, now = self.rng, self.now
        t = case.created_at
        version = 0

        def step(move, actor, after_minutes, before, after, note="", **details):
            nonlocal t, version
            # Never past now: each step takes at most a third of the time left.
            # (and never back in time, even when a deadline has already passed).
            after_minutes = max(0.5, min(after_minutes, (now - t).total_seconds() / 60 / 3))
            t = t + datetime.timedelta(minutes=after_minutes)
            version += 1
            entries.append(TimelineEntry(case=case, move=move, actor_id=actor, at=t, note=note,
                                         status_before=before, status_after=after, details=details))

        entries.append(TimelineEntry(case=case, move="register", actor_id=case.recorded_by_id or case.reporter_id,
                                     at=t, status_before="", status_after=Status.REGISTERED, details={"channel": case.channel}))
        age = now - t
        late = rng.random() < 0.08
        respond_after = (case.respond_by - t).total_seconds() / 60 * (1.3 if late else rng.uniform(0.05, 0.8))
        path = rng.choices(["spot", "dispatch", "whistle"], [62, 31, 7])[0]
        # Recent cases may still be open; a few older ones are stuck and overdue.
        open_until = None
        if age < datetime.timedelta(days=10) and rng.random() < 0.5:
            open_until = rng.choice([Status.REGISTERED, Status.DISPATCHED, Status.HANDLING])
        elif rng.random() < 0.015:
            open_until = rng.choice([Status.DISPATCHED, Status.HANDLING])
        if force:
            path, open_until = "dispatch", None
            if force == Status.REGISTERED:
                open_until = Status.REGISTERED
        if open_until == Status.REGISTERED:
            case.status = Status.REGISTERED
            case.version = version
            return
        agencies = rng.sample(candidates, min(len(candidates), 3 if path == "whistle" else 1)) if candidates else []
        if path == "spot" or not agencies:
            step("solve_on_spot", worker, respond_after, Status.REGISTERED, Status.CLOSED, note="现场处理完毕，已答复居民。")
            case.responded_at = case.closed_at = t
        else:
            clerk_of = {a.pk: rng.choice(staff[a.pk]) if staff[a.pk] else None for a in agencies}
            whistled = path == "whistle" and len(agencies) > 1
            step("whistle" if whistled else "dispatch", worker, respond_after, Status.REGISTERED,
                 Status.WHISTLED if whistled else Status.DISPATCHED)
            case.responded_at = t
            for a in agencies:
                links.append(CaseAgency(case=case, agency=a, whistled=whistled, summoned_at=t,
                                        report_by=t + datetime.timedelta(minutes=30) if whistled else None,
                                        reported_at=t + datetime.timedelta(minutes=rng.randint(5, 40)) if whistled else None,
                                        accepted_at=t + datetime.timedelta(minutes=rng.randint(10, 240))))
            if force == Status.DISPATCHED:
                case.status, case.version = Status.DISPATCHED, version
                links[-1].accepted_at = None
                return
            if not whistled:
                step("accept", clerk_of[agencies[0].pk], rng.randint(10, 240), Status.DISPATCHED, Status.HANDLING)
            else:
                for a in agencies:
                    step("report", clerk_of[a.pk], rng.randint(3, 20), Status.WHISTLED, Status.WHISTLED)
            if open_until in (Status.DISPATCHED, Status.HANDLING) or force == Status.HANDLING:
                case.status = Status.WHISTLED if whistled else Status.HANDLING
                case.version = version
                return
            window = (case.resolve_by - t).total_seconds() / 60
            for i, a in enumerate(agencies):
                last = i == len(agencies) - 1
                step("feed_back", clerk_of[a.pk], window * rng.uniform(0.1, 0.5) / len(agencies),
                     Status.WHISTLED if whistled else Status.HANDLING,
                     Status.FED_BACK if last or not whistled else Status.WHISTLED, note="已处理完毕。")
                links[-len(agencies) + i].fed_back_at = t
            if force == Status.FED_BACK:
                case.status, case.version = Status.FED_BACK, version
                return
            step("verify", worker, rng.randint(30, 600), Status.FED_BACK, Status.CLOSED, note="经现场核查，问题已解决。")
            case.closed_at = t
        case.status = Status.CLOSED
        if rng.random() < 0.85 and t < now - datetime.timedelta(hours=2):
            rating = rng.choices([Rating.SATISFIED, Rating.BASICALLY, Rating.UNSATISFIED], [75, 17, 8])[0]
            solved = rating != Rating.UNSATISFIED or rng.random() < 0.3
            step("rate", case.reporter_id, rng.randint(60, 1440), Status.CLOSED, Status.RATED, rating=rating, solved=solved)
            ratings.append(CaseRating(case=case, rating=rating, solved=solved, rated_by_id=case.reporter_id, rated_at=t))
            case.status, case.rating, case.rating_solved, case.rated_at = Status.RATED, rating, solved, t
            if rating == Rating.UNSATISFIED and rng.random() < 0.5 and t < now - datetime.timedelta(days=2):
                step("reopen", case.reporter_id, 30, Status.RATED, Status.REGISTERED)
                case.reopen_count = 1
                step("solve_on_spot", worker, rng.randint(60, 600), Status.REGISTERED, Status.CLOSED, note="重办：再次上门处理。")
                case.closed_at = t
                rating = rng.choices([Rating.SATISFIED, Rating.BASICALLY], [70, 30])[0]
                step("rate", case.reporter_id, rng.randint(60, 1440), Status.CLOSED, Status.RATED, rating=rating, solved=True)
                ratings.append(CaseRating(case=case, rating=rating, solved=True, rated_by_id=case.reporter_id, rated_at=t))
                case.rating, case.rating_solved, case.rated_at = rating, True, t
        case.version = version
