"""The demo's sites and services, lived through the services with ``now=`` (as the cases and
deliberation steps do), so every figure is counted back from records the rules wrote.

From the source article:
- 洸河街道: the 党群服务中心 of 黄庄、三郭、东闸、香堤 communities and 15 红帆驿站 in estates
  (书城宿舍, 财政局宿舍 among them) upgraded (提升改造); 三郭社区's "三郭唱吧" booked often.
- 柳行街道: 13 sites (the street's 幸福邻里党群服务中心, its community centres, the night school
  ...) refitted for older people (适老化改造); 3 elderly canteens and 4 day-care centres; 152
  volunteer teams and 60+ 红色合伙人; home visits and errands for older residents; the
  collective birthday party on the 11th of every month; the night school's 老年学堂 (声乐班,
  太极拳班, 书法班) with 600+ person-times this year.
- District-wide: 128 service activities held; 微幸福 projects led by in-service party members.
"""
import datetime

from django.db.models import Max
from django.utils import timezone

from gongzhi.core.models import OutboxMessage
from gongzhi.deliberation.services.party_life import add_months
from gongzhi.party.models import DualReport, Employment
from gongzhi.people.models import Role, RoleAssignment, User
from gongzhi.territory.models import AccountRelation, Building, Estate, Resident, ResidentLink, Unit

from .models import (ActivityKind, CareCheckInKind, CareTag, HomeServiceKind, OrganizationKind, SiteKind, UpgradeKind,
                     VolunteerKind)
from .services import activities, bookings, care, projects, sites, volunteers

GUANGHE, LIUXING = "洸河街道", "柳行街道"
UPGRADED_CENTRES = ["黄庄社区", "三郭社区", "东闸社区", "香堤社区"]   # 4处社区党群服务中心
STATIONS_UPGRADED = 15                                              # 15处小区红帆驿站
NAMED_STATIONS = ["书城宿舍", "财政局宿舍"]
AGE_FRIENDLY_SITES = 13                                             # 13个组织阵地适老化改造
CANTEENS, DAY_CARE_CENTRES = 3, 4                                   # 老年食堂3处、日间照料中心4处
LIUXING_TEAMS, RED_PARTNERS = 152, 63                               # 152支志愿服务队, 60余个红色合伙人
SERVICE_EVENTS = 128                                                # 各类服务活动128次 (held sessions)
COURSES = [("声乐班", "TU", 9), ("太极拳班", "TH", 8), ("书法班", "FR", 9)]  # 老年学堂, weekly, 9:00
COURSE_PLACES = 10
COURSES_FROM = datetime.date(2026, 3, 2)
BIRTHDAY_RULE = "FREQ=MONTHLY;BYMONTHDAY=11;BYHOUR=15;BYMINUTE=0"
HOURS = {d: [("08:30", "12:00"), ("14:00", "21:00")] for d in range(7)}
CANTEEN_HOURS = {d: [("10:30", "13:30"), ("16:30", "18:30")] for d in range(7)}
TEAM_THEMES = ["助老", "环境", "文明劝导", "治安巡逻", "法律援助", "文艺", "义诊", "助学", "邻里帮扶", "垃圾分类",
               "便民维修", "心理疏导", "理发", "反诈宣传", "消防安全", "家政", "送餐", "读书"]
PARTNER_NAMES = ["平价大药房", "爱心理发店", "惠民超市", "鲁味餐馆", "康复诊所", "家电维修部", "同心律师事务所",
                 "阳光物业", "鑫源五金", "晨光书店", "福寿养老服务站", "仁和口腔", "顺达家政", "百姓洗衣店", "为民眼镜店",
                 "大众修鞋铺", "金手指按摩", "乐活健身房", "邻里水果店", "老兵饭店", "济宁银行网点", "邮政便民点"]
ONE_OFF = [(ActivityKind.CLINIC, "义医义诊进社区"), (ActivityKind.ACTIVITY, "政策宣讲进网格"),
           (ActivityKind.ACTIVITY, "便民理发"), (ActivityKind.ACTIVITY, "家电义务维修"), (ActivityKind.ACTIVITY, "反诈知识讲座"),
           (ActivityKind.ACTIVITY, "邻里文艺汇演"), (ActivityKind.ACTIVITY, "垃圾分类宣传"), (ActivityKind.CLINIC, "中医义诊"),
           (ActivityKind.ACTIVITY, "法律咨询服务日"), (ActivityKind.ACTIVITY, "消防安全演练"), (ActivityKind.ACTIVITY, "亲子读书会")]
SHIFTS = 240
CARE_DAYS = 6  # canteen meals and day-care days of the last week
SHIFT_TITLES = ["助老上门服务", "环境整治", "文明劝导", "政策宣传", "义诊保障", "集体生日会服务", "便民维修", "治安巡逻"]
PROJECTS = [("楼道照明改造", "为老旧楼道更换声控灯，解决夜间出行不便。", 8000),
            ("小区休闲座椅", "在小区广场增设休闲座椅，方便老人休息。", 5000),
            ("爱心晾衣架", "在楼间空地安装公共晾衣架。", 3000),
            ("电动车充电桩", "增设电动车集中充电点，消除飞线充电隐患。", 20000),
            ("儿童托管角", "利用驿站空间开设放学后托管角，党员志愿者辅导作业。", 6000),
            ("便民工具箱", "驿站配置便民工具箱，免费借用。", 1500),
            ("楼栋微花园", "清理楼前荒地，建设居民共建微花园。", 4000),
            ("适老扶手安装", "为高龄老人楼道加装扶手。", 9000),
            ("小区议事亭", "建设议事亭，方便居民说事议事。", 12000),
            ("爱心冰箱", "驿站放置爱心冰箱，为环卫工人提供饮品。", 2500),
            ("智能门禁", "为无物业小区安装智能门禁。", 15000),
            ("垃圾分类亭", "改造垃圾投放点，建设分类亭。", 10000)]


def build(builder):
    SitesDemo(builder).build()


def at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class SitesDemo:
    def __init__(self, builder):
        self.b, self.rng, self.now, self.today, self.w = builder, builder.rng, builder.now, builder.today, builder.world
        self.fake = builder.fake

    def build(self):
        before = OutboxMessage.objects.aggregate(last=Max("pk"))["last"] or 0
        self._people()
        self._sites()
        self._volunteers()
        self._activities()
        self._shifts()
        self._bookings()
        self._care()
        self._projects()
        # A year of history tells nobody anything today (decision 39): its notices are dropped.
        OutboxMessage.objects.filter(pk__gt=before, kind="sites.announce").delete()

    # --- who is there --------------------------------------------------------------------------
    def _people(self):
        w = self.w
        self.street = {s.name: s for s in w.streets}
        self.communities_of = {}
        for c in w.communities:
            self.communities_of.setdefault(c.parent_id, []).append(c)
        self.community = {c.name: c for c in w.communities}
        self.unit_by_pk = {u.pk: u for u in [*w.streets, *w.communities, *w.grids]}
        staff = {}
        through = RoleAssignment.units.through
        for user_id, unit_id, role in through.objects.filter(
                roleassignment__role__in=[Role.GRID_WORKER, Role.COMMUNITY_SECRETARY, Role.STREET_ADMIN]).order_by(
                "roleassignment_id", "unit_id").values_list("roleassignment__user_id", "unit_id", "roleassignment__role"):
            staff.setdefault((role, unit_id), user_id)
        users = User.objects.in_bulk(sorted(set(staff.values())))
        self.staff = {key: users[u] for key, u in staff.items()}
        self.grids_of = {}
        for g in w.grids:
            self.grids_of.setdefault(g.parent_id, []).append(g)

    def secretary(self, community):
        return self.staff[(Role.COMMUNITY_SECRETARY, community.pk)]

    def street_admin(self, street):
        return self.staff[(Role.STREET_ADMIN, street.pk)]

    def worker(self, grid):
        return self.staff.get((Role.GRID_WORKER, grid.pk)) or self.secretary(Unit.objects.get(pk=grid.parent_id))

    def residents_of(self, unit, *, born_before=None, born_after=None):
        """The unit's residents (loaded once per unit, with the path to their grid)."""
        cache = self.__dict__.setdefault("_residents", {})
        if unit.code not in cache:
            cache[unit.code] = list(Resident.objects.filter(household__building__estate__grid__code__startswith=unit.code)
                                    .select_related("household__building__estate__grid").order_by("pk"))
        return [r for r in cache[unit.code] if (born_before is None or r.birth_date < born_before)
                and (born_after is None or r.birth_date >= born_after)]

    def years_ago(self, years):
        return self.today.replace(year=self.today.year - years)

    # --- sites ---------------------------------------------------------------------------------
    def _point(self, unit):
        b = Building.objects.filter(estate__grid__code__startswith=unit.code, lat__isnull=False).order_by("pk").first()
        return (b.lat, b.lng) if b else (None, None)

    def _site(self, unit, kind, name, by, hours=HOURS, address=""):
        lat, lng = self._point(unit)
        return sites.create_site(unit=unit, kind=kind, name=name, by=by, address=address or f"{unit.name}{name}",
                                 lat=lat, lng=lng, phone=f"0537-{self.rng.randint(2000000, 3999999)}", hours=hours)

    def _sites(self):
        rng, today = self.rng, self.today
        self.street_centre, self.centre = {}, {}
        for street in self.w.streets:
            admin = self.street_admin(street)
            name = "幸福邻里党群服务中心" if street.name == LIUXING else f"{street.name}党群服务中心"
            self.street_centre[street.pk] = self._site(street, SiteKind.SERVICE_CENTRE, name, admin)
            for community in self.communities_of[street.pk]:
                site = self._site(community, SiteKind.SERVICE_CENTRE, f"{community.name}党群服务中心", self.secretary(community))
                self.centre[community.pk] = site
                sites.add_room(site, name="多功能活动室", by=self.secretary(community), capacity=40)
                sites.add_room(site, name="议事室", by=self.secretary(community), capacity=15)
        guanghe, liuxing = self.street[GUANGHE], self.street[LIUXING]
        # 三郭唱吧, booked by residents and teams; bookings wait for nobody's approval.
        sanguo = self.community["三郭社区"]
        self.changba = sites.add_room(self.centre[sanguo.pk], name="三郭唱吧", by=self.secretary(sanguo), capacity=12,
                                      facilities="KTV点歌系统、音响、麦克风", checkin_grace_minutes=15, max_booking_minutes=180)
        # Upgrades of 洸河街道's four community centres.
        for name in UPGRADED_CENTRES:
            community = self.community[name]
            started = today - datetime.timedelta(days=rng.randint(200, 400))
            sites.record_upgrade(self.centre[community.pk], kind=UpgradeKind.RENOVATION, what="党群服务中心提升改造：功能分区、志愿服务和为民服务平台",
                                 started_on=started, finished_on=started + datetime.timedelta(days=rng.randint(40, 90)),
                                 cost_yuan=rng.randint(30, 80) * 10000, by=self.secretary(community))
        # 15 红帆驿站 in 洸河街道's estates, the two named ones first.
        estates = list(Estate.objects.filter(grid__code__startswith=guanghe.code).select_related("grid").order_by("pk"))
        named = [e for e in estates if e.name in NAMED_STATIONS]
        others = [e for e in estates if e.name not in NAMED_STATIONS]
        for estate in named + rng.sample(others, STATIONS_UPGRADED - len(named)):
            by = self.worker(estate.grid)
            station = self._site(estate.grid, SiteKind.STATION, f"{estate.name}红帆驿站", by)
            started = today - datetime.timedelta(days=rng.randint(120, 420))
            sites.record_upgrade(station, kind=UpgradeKind.RENOVATION, what="红帆驿站提升改造：议事角、阅读角、便民服务台",
                                 started_on=started, finished_on=started + datetime.timedelta(days=rng.randint(20, 60)),
                                 cost_yuan=rng.randint(3, 12) * 10000, by=self.secretary(Unit.objects.get(pk=estate.grid.parent_id)))
        # 柳行街道: the night school, a party-building hall and culture square, canteens, day care.
        admin = self.street_admin(liuxing)
        self.night_school = self._site(liuxing, SiteKind.NIGHT_SCHOOL, "柳行街道党群夜校", admin,
                                       hours={d: [("08:00", "21:30")] for d in range(7)})
        self.classroom = sites.add_room(self.night_school, name="老年学堂教室", by=admin, capacity=30)
        hall = self._site(liuxing, SiteKind.PARTY_HALL, "柳行街道党建馆", admin)
        square = self._site(liuxing, SiteKind.CULTURE_SQUARE, "柳行党建文化广场", admin,
                            hours={d: [("06:00", "22:00")] for d in range(7)})
        communities = self.communities_of[liuxing.pk]
        self.canteens = [self._site(c, SiteKind.CANTEEN, f"{c.name.removesuffix('社区')}老年食堂", self.secretary(c),
                                    hours=CANTEEN_HOURS) for c in communities[:CANTEENS]]
        self.day_care = [self._site(c, SiteKind.DAY_CARE, f"{c.name.removesuffix('社区')}日间照料中心", self.secretary(c))
                         for c in communities[CANTEENS:CANTEENS + DAY_CARE_CENTRES]]
        for site in self.canteens + self.day_care:
            started = today - datetime.timedelta(days=rng.randint(150, 500))
            sites.record_upgrade(site, kind=UpgradeKind.AGE_FRIENDLY, what="新建/升级：无障碍通道、助浴设施、适老化家具",
                                 started_on=started, finished_on=started + datetime.timedelta(days=rng.randint(30, 90)),
                                 cost_yuan=rng.randint(20, 60) * 10000, by=admin)
        # 13 organization sites refitted for older people (适老化改造).
        refitted = [self.street_centre[liuxing.pk]] + [self.centre[c.pk] for c in communities] + [self.night_school, hall, square]
        for site in refitted[:AGE_FRIENDLY_SITES]:
            started = today - datetime.timedelta(days=rng.randint(100, 400))
            sites.record_upgrade(site, kind=UpgradeKind.AGE_FRIENDLY, what="适老化改造：扶手、防滑地面、无障碍坡道、老花镜和轮椅",
                                 started_on=started, finished_on=started + datetime.timedelta(days=rng.randint(15, 45)),
                                 cost_yuan=rng.randint(5, 25) * 10000, by=admin)
        # One refit under way (not done: it does not count as upgraded yet).
        sites.record_upgrade(self.street_centre[self.street["接庄街道"].pk], kind=UpgradeKind.AGE_FRIENDLY,
                             what="适老化改造：加装电梯", started_on=today - datetime.timedelta(days=20), cost_yuan=380000,
                             by=self.street_admin(self.street["接庄街道"]))

    # --- volunteers ----------------------------------------------------------------------------
    def _volunteers(self):
        rng, today = self.rng, self.today
        liuxing = self.street[LIUXING]
        communities = self.communities_of[liuxing.pk]
        self.teams = []
        teams_per_community = [LIUXING_TEAMS // len(communities) + (1 if i < LIUXING_TEAMS % len(communities) else 0)
                               for i in range(len(communities))]
        for community, n in zip(communities, teams_per_community):
            short = community.name.removesuffix("社区")
            for k in range(n):
                theme = TEAM_THEMES[k % len(TEAM_THEMES)]
                suffix = "" if k < len(TEAM_THEMES) else f"{k // len(TEAM_THEMES) + 1}"
                self.teams.append(volunteers.create_team(
                    unit=community, name=f"{short}{theme}志愿服务队{suffix}", by=self.secretary(community),
                    description=f"{theme}志愿服务", founded_on=today - datetime.timedelta(days=rng.randint(60, 900))))
        # A few teams elsewhere in the district.
        for street in self.w.streets:
            if street.pk == liuxing.pk:
                continue
            community = self.communities_of[street.pk][0]
            self.teams.append(volunteers.create_team(unit=community, name=f"{community.name.removesuffix('社区')}红帆志愿服务队",
                                                     by=self.secretary(community), description="综合志愿服务"))
        # 红色合伙人: shops, clinics and firms of 柳行街道.
        self.partners = []
        for i in range(RED_PARTNERS):
            community = communities[i % len(communities)]
            name = f"{community.name.removesuffix('社区')}{PARTNER_NAMES[i % len(PARTNER_NAMES)]}"
            kind = OrganizationKind.SHOP if i % 3 else rng.choice([OrganizationKind.ENTERPRISE, OrganizationKind.INSTITUTION,
                                                                   OrganizationKind.SOCIAL])
            self.partners.append(volunteers.register_red_partner(
                unit=community, name=name, kind=kind, joined_on=today - datetime.timedelta(days=rng.randint(30, 700)),
                by=self.secretary(community), services="上门服务、优惠供应、志愿服务", contact_name=self.fake.name()))
        # Volunteers: residents (younger retirees) and in-service members registered here (双报到).
        self.volunteers = []
        for community in communities:
            people = self.residents_of(community, born_before=self.years_ago(50), born_after=self.years_ago(72))
            teams = [t for t in self.teams if t.unit_id == community.pk]
            for resident in rng.sample(people, min(len(people), 40)):
                building = resident.household.building
                v = volunteers.register_volunteer(kind=VolunteerKind.RESIDENT, unit=community, by=self.secretary(community),
                                                  resident=resident, name=resident.name, skills=rng.choice(TEAM_THEMES),
                                                  lat=building.lat, lng=building.lng, teams=rng.sample(teams, min(2, len(teams))))
                self.volunteers.append(v)
        reports = DualReport.objects.filter(grid__code__startswith=liuxing.code).select_related("member", "community", "grid")
        self.member_volunteers = []
        for report in reports.order_by("pk"):
            teams = [t for t in self.teams if t.unit_id == report.community_id]
            v = volunteers.register_volunteer(kind=VolunteerKind.PARTY_MEMBER, unit=report.community, member=report.member,
                                              name=report.member.name, by=self.secretary(report.community),
                                              skills=report.skills, teams=rng.sample(teams, min(1, len(teams))))
            self.member_volunteers.append(v)
        # The demo volunteer's account is one of them.
        demo = User.objects.filter(username="demo-volunteer").first()
        if demo:
            community = communities[0]
            self.demo_volunteer = volunteers.register_volunteer(
                kind=VolunteerKind.RESIDENT, unit=community, by=self.secretary(community), user=demo, name=str(demo),
                skills="助老、理发", teams=[t for t in self.teams if t.unit_id == community.pk][:2])
            assignment = RoleAssignment.objects.filter(user=demo, role=Role.VOLUNTEER).first()
            if assignment:
                assignment.units.add(community)
            self.volunteers.append(self.demo_volunteer)

    # --- activities, courses and check-ins ------------------------------------------------------
    def _attend(self, session, people, by, rate):
        """Open check-in at the start, check in those who came, close after the end."""
        activities.open_checkin(session, by=by, now=session.starts_at - datetime.timedelta(minutes=10))
        for resident in people:
            if self.rng.random() < rate:
                activities.check_in(session, by=by, resident=resident, now=session.starts_at + datetime.timedelta(minutes=5))
        activities.close_session(session, by=by, now=session.ends_at)

    def _activities(self):
        rng, today, now = self.rng, self.today, self.now
        liuxing = self.street[LIUXING]
        admin = self.street_admin(liuxing)
        held = 0
        # 柳行街道's collective birthday party on the 11th of every month, a year back.
        elders = self.residents_of(liuxing, born_before=self.years_ago(60))
        # Twelve parties held: from this month's when the 11th has passed, else from last month's.
        start = add_months(today, -11 if today.day > 11 else -12)
        party = activities.create_activity(
            unit=liuxing, kind=ActivityKind.BIRTHDAY, title="集体生日会", by=admin, site=self.street_centre[liuxing.pk],
            description="每月11日为当月过生日的老人举办集体生日会：长寿面、生日蛋糕、文艺节目。", capacity=40,
            signup_closes_hours=24, recurrence=BIRTHDAY_RULE, starts_on=start, duration_minutes=120,
            birthday_month_only=True, now=at(start, 9))
        activities.generate(party, today + datetime.timedelta(days=60))
        for session in party.sessions.order_by("starts_at"):
            local = timezone.localtime(session.starts_at)
            born = [r for r in elders if r.birth_date.month == local.month][:30]
            signed = []
            for resident in born:
                if session.starts_at < now:
                    activities.sign_up(party, session=session, by=self.worker_of(resident), resident=resident,
                                       now=session.starts_at - datetime.timedelta(days=5))
                    signed.append(resident)
            if session.ends_at < now:
                self._attend(session, signed, admin, 0.9)
                held += 1
        # 老年学堂 at the night school: three courses since March, weekly.
        self.courses = []
        learners = self.residents_of(liuxing, born_before=self.years_ago(58), born_after=self.years_ago(80))
        for title, day, hour in COURSES:
            course = activities.create_activity(
                unit=liuxing, kind=ActivityKind.COURSE, title=f"老年学堂·{title}", by=admin, site=self.night_school,
                room=self.classroom, description=f"柳行街道党群夜校老年学堂{title}，每周一次。", capacity=COURSE_PLACES,
                signup_closes_hours=24, recurrence=f"FREQ=WEEKLY;BYDAY={day};BYHOUR={hour};BYMINUTE=0",
                starts_on=COURSES_FROM, ends_on=datetime.date(today.year, 12, 31), duration_minutes=90,
                now=at(COURSES_FROM - datetime.timedelta(days=20), 9))
            activities.generate(course, today + datetime.timedelta(days=60))
            enrolled = rng.sample(learners, COURSE_PLACES)
            for resident in enrolled:
                activities.sign_up(course, by=self.worker_of(resident), resident=resident,
                                   now=at(COURSES_FROM - datetime.timedelta(days=10), 10))
            for session in course.sessions.filter(ends_at__lt=now).order_by("starts_at"):
                self._attend(session, enrolled, admin, 0.6)
            self.courses.append(course)
        # The demo resident waits for a place in the 书法班 (full).
        resident = User.objects.filter(username="demo-resident").first()
        if resident:
            activities.sign_up(self.courses[2], by=resident, now=at(COURSES_FROM - datetime.timedelta(days=5), 20))
        # Other service activities across the district, one-off, over the last year, until the
        # article's 128 are held.
        communities = list(self.w.communities)
        while held < SERVICE_EVENTS:
            community = rng.choice(communities)
            kind, title = rng.choice(ONE_OFF)
            day = today - datetime.timedelta(days=rng.randint(3, 360))
            by = self.secretary(community)
            activity = activities.create_activity(
                unit=community, kind=kind, title=title, by=by, site=self.centre[community.pk], capacity=50,
                description=f"{community.name}{title}", now=at(day - datetime.timedelta(days=14), 9))
            session = activities.add_session(activity, starts_at=at(day, 9), by=by,
                                             ends_at=at(day, 11, 30))
            people = rng.sample(self.residents_of(community, born_before=self.years_ago(18)), 8)
            for resident in people:
                activities.sign_up(activity, session=session, by=self.worker_of(resident), resident=resident,
                                   now=at(day - datetime.timedelta(days=3), 10))
            self._attend(session, people, by, 0.85)
            held += 1
        # Coming soon: a few activities open for sign-up in the demo resident's community and 柳行.
        for community in [self.community["龙城社区"]] + self.communities_of[liuxing.pk][:2]:
            by = self.secretary(community)
            kind, title = rng.choice(ONE_OFF)
            day = today + datetime.timedelta(days=rng.randint(3, 20))
            activity = activities.create_activity(unit=community, kind=kind, title=title, by=by, site=self.centre[community.pk],
                                                  capacity=30, description=f"{community.name}{title}", now=now)
            activities.add_session(activity, starts_at=at(day, 9), by=by, ends_at=at(day, 11))

    def worker_of(self, resident):
        """The grid worker of a resident's grid (residents_of loads the path to it)."""
        grid = resident.household.building.estate.grid
        return self.staff.get((Role.GRID_WORKER, grid.pk)) or self.staff[(Role.COMMUNITY_SECRETARY, grid.parent_id)]

    # --- volunteer shifts and hours ------------------------------------------------------------
    def _shifts(self):
        """A year of shifts of 柳行街道's teams: each staffed by two or three of its volunteers, the
        actual minutes confirmed by the organizer (hours count only then); a few no-shows."""
        rng, today = self.rng, self.today
        members = {}
        for v in self.volunteers + self.member_volunteers:
            for team in v.teams.all():
                members.setdefault(team.pk, []).append(v)
        staffed = [t for t in self.teams if len(members.get(t.pk, [])) >= 2]
        for n in range(SHIFTS):
            team = staffed[n % len(staffed)]
            community = self.unit_by_pk[team.unit_id]
            by = self.secretary(community)
            day = today - datetime.timedelta(days=rng.randint(1, 360))
            hour = rng.choice([8, 9, 14, 15])
            length = rng.choice([60, 90, 120, 180])
            shift = volunteers.create_shift(unit=community, title=f"{team.name}{rng.choice(SHIFT_TITLES)}",
                                            starts_at=at(day, hour), ends_at=at(day, hour) + datetime.timedelta(minutes=length),
                                            by=by, team=team, places=3)
            for volunteer in rng.sample(members[team.pk], min(3, len(members[team.pk]))):
                record = volunteers.assign(shift, volunteer, by=by)
                if rng.random() < 0.05:
                    volunteers.mark_no_show(record, by=by)
                    continue
                volunteers.confirm(record, by=by, actual_minutes=length - rng.choice([0, 0, 0, 10, 15]),
                                   now=shift.ends_at + datetime.timedelta(hours=2))
        # The demo volunteer's own year.
        demo = getattr(self, "demo_volunteer", None)
        if demo is not None:
            for team in demo.teams.all():
                community = Unit.objects.get(pk=team.unit_id)
                by = self.secretary(community)
                for month in range(1, 11):
                    day = today - datetime.timedelta(days=30 * month + rng.randint(0, 5))
                    shift = volunteers.create_shift(unit=community, title=f"{team.name}助老服务", starts_at=at(day, 9),
                                                    ends_at=at(day, 11), by=by, team=team, places=2)
                    record = volunteers.assign(shift, demo, by=by)
                    volunteers.confirm(record, by=by, actual_minutes=120, now=shift.ends_at + datetime.timedelta(hours=1))

    # --- bookings --------------------------------------------------------------------------------
    def _bookings(self):
        rng, now, today = self.rng, self.now, self.today
        sanguo = self.community["三郭社区"]
        secretary = self.secretary(sanguo)
        people = self.residents_of(sanguo, born_before=self.years_ago(20))
        teams = [t for t in self.teams if t.unit_id == sanguo.pk]
        for days_ago in range(56, -8, -1):
            day = today - datetime.timedelta(days=days_ago)
            for hour in rng.sample([9, 14, 16, 19], rng.choice([0, 1, 1, 2])):
                starts = at(day, hour)
                if days_ago <= 0 and starts < now:
                    continue
                resident = rng.choice(people)
                booked_at = min(starts - datetime.timedelta(days=rng.randint(1, 5)), now)
                booking = bookings.book(self.changba, by=secretary, resident=resident, starts_at=starts,
                                        ends_at=starts + datetime.timedelta(hours=2), purpose=rng.choice(
                                            ["邻里K歌", "合唱团排练", "生日聚会", "戏曲票友会"]),
                                        attendees=rng.randint(3, 10), now=booked_at)
                if starts >= now:
                    continue
                fate = rng.random()
                if fate < 0.08:
                    bookings.cancel(booking, by=secretary, reason="临时有事", now=starts - datetime.timedelta(hours=3))
                elif fate < 0.16:
                    bookings.release_no_shows_step(starts + datetime.timedelta(minutes=self.changba.checkin_grace_minutes + 1))
                else:
                    bookings.check_in(booking, by=secretary, now=starts + datetime.timedelta(minutes=rng.randint(0, 10)))

    # --- care for older residents ----------------------------------------------------------------
    def _care(self):
        rng, now, today = self.rng, self.now, self.today
        liuxing = self.street[LIUXING]
        self.elders = []
        for community in self.communities_of[liuxing.pk]:
            by = self.secretary(community)
            for resident in self.residents_of(community, born_before=self.years_ago(75))[:35]:
                age = today.year - resident.birth_date.year
                tags = [CareTag.ADVANCED_AGE] if age >= 80 else []
                tags += rng.sample([CareTag.LIVING_ALONE, CareTag.EMPTY_NEST, CareTag.CHRONIC, CareTag.SEMI_DISABLED,
                                    CareTag.LOW_INCOME], rng.randint(1, 2))
                self.elders.append(care.register_elder(resident, tags=sorted(set(tags)), by=by,
                                                       emergency_contact=self.fake.name(),
                                                       emergency_phone=self.fake.phone_number(),
                                                       visit_every_days=rng.choice([7, 14, 30])))
        # Home visits and errands over the last year, most done and confirmed.
        for n in range(140):
            elder = rng.choice(self.elders)
            worker = self.worker_of(elder.resident)
            day = now - datetime.timedelta(days=rng.randint(0, 360), hours=rng.randint(0, 6))
            request = care.request_home_service(elder=elder, kind=rng.choice([HomeServiceKind.HOME_VISIT, HomeServiceKind.ERRAND,
                                                                              HomeServiceKind.ERRAND, HomeServiceKind.HOUSEWORK]),
                                                by=worker, details="老人行动不便，请志愿者上门。", now=day)
            if n % 20 == 0:
                continue  # still waiting for a volunteer
            suggestions = care.suggest_matches(request, limit=3)
            if not suggestions:
                continue
            helper, _distance, reason = suggestions[0]
            care.match(request, by=worker, reason=reason, now=day + datetime.timedelta(hours=1),
                       **({"team": helper} if helper.__class__.__name__ == "Team" else {"volunteer": helper}))
            if n % 20 == 1:
                continue  # matched, not done yet
            care.mark_done(request, by=worker, note="已上门服务，老人满意。", minutes=rng.choice([30, 45, 60, 90]),
                           now=day + datetime.timedelta(days=1))
            care.confirm_service(request, by=worker, now=day + datetime.timedelta(days=1, hours=2))
        # Canteen meals and day-care days of the last days (CARE_DAYS).
        for days_ago in range(CARE_DAYS, 0, -1):
            day = today - datetime.timedelta(days=days_ago)
            for canteen in self.canteens:
                diners = [e.resident for e in self.elders if e.resident.household.building.estate.grid.parent_id == canteen.unit_id]
                by = self.secretary(Unit.objects.get(pk=canteen.unit_id))
                for resident in diners[:20]:
                    if rng.random() < 0.7:
                        care.care_check_in(canteen, resident, kind=CareCheckInKind.MEAL, by=by, on=day, meal="lunch",
                                           now=at(day, 11, 30))
            for centre in self.day_care:
                guests = [e.resident for e in self.elders if e.resident.household.building.estate.grid.parent_id == centre.unit_id]
                by = self.secretary(Unit.objects.get(pk=centre.unit_id))
                for resident in guests[:10]:
                    if rng.random() < 0.8:
                        care.care_check_in(centre, resident, kind=CareCheckInKind.DAY_CARE, by=by, on=day, now=at(day, 8, 30))
        # The demo resident's own record and an older relative they look after.
        account = User.objects.filter(username="demo-resident").first()
        if account:
            longcheng = Estate.objects.get(name="龙城一号小区")
            residents = list(Resident.objects.filter(household__building__estate=longcheng).order_by("birth_date"))
            worker = self.worker(longcheng.grid)
            own = next(r for r in reversed(residents) if r.birth_date > self.years_ago(60))
            ResidentLink.objects.get_or_create(resident=own, user=account,
                                               defaults={"relation": AccountRelation.SELF, "recorded_by": worker})
            parent = residents[0]
            ResidentLink.objects.get_or_create(resident=parent, user=account,
                                               defaults={"relation": AccountRelation.RELATIVE, "recorded_by": worker})
            elder = care.register_elder(parent, tags=[CareTag.ADVANCED_AGE, CareTag.EMPTY_NEST], by=worker,
                                        emergency_contact=str(account), visit_every_days=14)
            care.request_home_service(elder=elder, kind=HomeServiceKind.HOME_VISIT, by=account,
                                      details="父亲血压偏高，想请社区医生上门看看。", now=now - datetime.timedelta(hours=5))

    # --- 微幸福 projects ---------------------------------------------------------------------------
    def _projects(self):
        rng, today = self.rng, self.today
        reports = list(DualReport.objects.filter(member__employment=Employment.IN_SERVICE).select_related(
            "member", "community", "grid").order_by("pk"))
        chosen = rng.sample(reports, 24)
        for n, report in enumerate(chosen):
            title, plan, budget = PROJECTS[n % len(PROJECTS)]
            by = self.secretary(report.community)
            starts = today - datetime.timedelta(days=rng.randint(30, 330))
            project = projects.propose_project(unit=report.grid, title=title, plan=plan, by=by, lead=report.member,
                                               budget_yuan=budget, beneficiaries=f"{report.grid.name}居民",
                                               starts_on=starts, due_on=starts + datetime.timedelta(days=60))
            if n >= 22:
                continue  # proposed, waiting for approval
            projects.approve_project(project, by=by)
            projects.add_person(project, by=by, member=report.member, role="领办人")
            projects.add_milestone(project, title="方案公示", due_on=starts + datetime.timedelta(days=7), by=by)
            projects.add_milestone(project, title="施工完成", due_on=starts + datetime.timedelta(days=45), by=by)
            if n >= 16:
                projects.report_progress(project, percent=rng.choice([30, 50, 70]), note="按计划推进中。", by=by,
                                         now=at(starts + datetime.timedelta(days=10), 10))
                continue
            for milestone in project.milestones.order_by("due_on"):
                projects.complete_milestone(milestone, by=by, on=milestone.due_on)
            projects.report_progress(project, percent=100, note="已完工，居民验收满意。", by=by, spent_yuan=budget * 0.9,
                                     now=at(starts + datetime.timedelta(days=50), 10))
            projects.finish_project(project, by=by, beneficiaries_count=rng.randint(40, 400),
                                    done_on=starts + datetime.timedelta(days=50), now=at(starts + datetime.timedelta(days=50), 16))
        # One project opened by a deliberation decision carried out by a party member.
        from gongzhi.deliberation.models import Decision, OwnerKind
        decision = Decision.objects.filter(owner_kind=OwnerKind.PARTY_MEMBER, member__isnull=False).order_by("pk").first()
        if decision:
            by = self.secretary(Unit.objects.get(pk=decision.meeting.unit.parent_id)) if decision.meeting.unit.level == 4 else None
            if by:
                projects.open_from_decision(decision, by=by, lead=decision.member, budget_yuan=5000)
