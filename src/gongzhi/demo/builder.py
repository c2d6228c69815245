"""The demo world: 济宁高新区 as the source article describes it.

The named streets, communities and estates come from the article; the rest is
generated with a seeded random generator and Faker's zh_CN provider, so the
same seed always builds the same world. The article's figures are targets for
how many *records* to create; every figure the product shows is then counted
back from those records (gongzhi.dashboard.figures), never read from here.
"""
import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from faker import Faker

from gongzhi.api.services import create_token
from gongzhi.cases.defaults import install as install_categories
from gongzhi.cases.models import Category
from gongzhi.demo.cases import CaseBuilder
from gongzhi.party.models import (
    ActivityKind, DualReport, Employment, InstructorAssignment, MemberStatus, OrganizationActivity,
    OrganizationKind, PartyMember, PartyOrganization, PioneerPost,
)
from gongzhi.people.models import Agency, AgencyKind, LegalKind, Role, RoleAssignment, User, UtilityType
from gongzhi.territory.identity import id_check_char
from gongzhi.territory.models import Building, Estate, Household, Level, Resident, Unit

# --- Targets from the article (济宁高新区) -------------------------------
GRIDS = 231                # 基础网格231个
MICRO_GRIDS = 1226         # 微网格1226个
GRID_BRANCHES = 121        # 网格(小区)党支部121个, all 实体化运行
BUILDING_GROUPS = 265      # 楼栋党小组265个
INSTRUCTORS = 466          # 网格党建指导员466人
DUAL_REPORT_MEMBERS = 912  # "900余名在职党员下沉网格"
PROFESSIONAL_GRID_WORKERS = 1104  # 专业网格员1104人
LEGAL_OFFICERS = {LegalKind.POLICE: 31, LegalKind.JUDGE: 9, LegalKind.PROSECUTOR: 8, LegalKind.LAWYER: 27}  # 75

DISTRICT_CODE = "370871"
DISTRICT_NAME = "济宁高新区"
# Streets and communities: the article's names first, then generated ones.
STREETS = [
    ("洸河街道", ["黄庄社区", "三郭社区", "东闸社区", "香堤社区", "书城社区", "荷花社区", "南池社区", "崇文社区", "金宇社区", "红星社区"]),
    ("柳行街道", ["柳行社区", "幸福邻里社区", "莲池社区", "明德社区", "康泰社区", "春晖社区", "瑞园社区", "翠微社区", "杨柳社区"]),
    ("接庄街道", ["龙城社区", "接庄社区", "银河社区", "锦绣社区", "富华社区", "文昌社区", "华联社区", "嘉和社区"]),
    ("黄屯街道", ["黄屯社区", "兴唐社区", "北湖社区", "蓼河社区", "仙营社区", "长青社区", "天合社区"]),
    ("王因街道", ["王因社区", "永丰社区", "西苑社区", "东苑社区", "怡馨社区", "鑫达社区"]),
]
NAMED_ESTATES = {"龙城社区": ["龙城一号小区"], "书城社区": ["书城宿舍"], "崇文社区": ["财政局宿舍"]}
ESTATE_WORDS = ["花园", "家园", "小区", "雅苑", "名居", "新村", "公馆", "华庭"]
ESTATE_PREFIX = ["金色", "阳光", "和谐", "丽景", "枫林", "盛世", "御景", "翡翠", "绿城", "东方", "世纪", "祥和", "紫金", "泰和", "宏达"]
PROPERTY_COMPANIES = ["济宁鲁诚物业", "高新城建物业", "万和物业服务", "绿地物业", "金厦物业", "恒信物业"]
# Bounding box of the demo district (longitude, latitude), roughly where the zone lies.
WEST, EAST, SOUTH, NORTH = 116.52, 116.74, 35.33, 35.47

DEPARTMENTS = [
    "市场监督管理局", "应急管理局", "消防救援大队", "综合行政执法局", "住房和城乡建设局", "生态环境分局",
    "卫生健康局", "民政局", "人力资源和社会保障局", "公安分局", "交通运输局", "自然资源和规划分局",
    "教育和体育局", "司法局", "城乡水务局", "园林绿化服务中心",
]
UTILITIES = [
    ("济宁市供水集团高新区分公司", UtilityType.WATER), ("高新区二次供水服务中心", UtilityType.WATER),
    ("国网济宁供电公司高新区供电中心", UtilityType.POWER),
    ("济宁港华燃气高新区服务站", UtilityType.GAS), ("昆仑燃气济宁高新区分公司", UtilityType.GAS),
    ("济宁热力高新区分公司", UtilityType.HEATING),
    ("中国移动济宁高新区分公司", UtilityType.TELECOM), ("中国联通济宁高新区分公司", UtilityType.TELECOM),
]
SKILLS = ["法律咨询", "医疗健康", "教育辅导", "水电维修", "心理疏导", "政策宣讲", "文艺演出", "信息技术", "财务咨询", "环境整治"]
SERVICES = ["上门问诊", "帮办代办", "义务辅导", "矛盾调解", "卫生清扫", "政策宣传", "助老服务", "微幸福项目"]
ACTIVITY_TITLES = {
    ActivityKind.MEMBERS_MEETING: "支部党员大会",
    ActivityKind.COMMITTEE_MEETING: "支委会",
    ActivityKind.PARTY_LESSON: "主题党课",
    ActivityKind.SERVICE: "网格志愿服务",
}

DEMO_PASSWORD = "gongzhi-demo"
# The machine client the demo's Open311 api_key belongs to (its scope: the whole district).
OPEN311_CLIENT, OPEN311_CLIENT_NAME = "open311-client", "12345热线对接"
# One login per role, printed by `make demo`. (role, username, what it is)
DEMO_LOGINS = [
    (Role.DISTRICT_ADMIN, "demo-district"),
    (Role.STREET_ADMIN, "demo-street"),
    (Role.COMMUNITY_SECRETARY, "demo-secretary"),
    (Role.GRID_WORKER, "demo-grid"),
    (Role.PROFESSIONAL_GRID_WORKER, "demo-pro"),
    (Role.LEGAL_OFFICER, "demo-legal"),
    (Role.INSTRUCTOR, "demo-instructor"),
    (Role.PARTY_MEMBER, "demo-member"),
    (Role.VOLUNTEER, "demo-volunteer"),
    (Role.RESIDENT, "demo-resident"),
    (Role.ENTERPRISE_LIAISON, "demo-liaison"),
    (Role.PARK_STAFF, "demo-park"),
]


def spread(total, buckets, rng):
    """Split ``total`` into ``buckets`` near-equal whole parts, the larger parts placed at random."""
    base, extra = divmod(total, buckets)
    bigger = set(rng.sample(range(buckets), extra))
    return [base + (1 if i in bigger else 0) for i in range(buckets)]


def cuts(low, high, weights):
    """Boundaries that split [low, high] into parts proportional to ``weights``."""
    total = sum(weights)
    edges, acc = [low], 0
    for w in weights[:-1]:
        acc += w
        edges.append(low + (high - low) * acc / total)
    edges.append(high)
    return edges


def rectangle(west, east, south, north):
    return {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north], [west, north], [west, south]]]}


@dataclass
class World:
    """What the builder made, for the steps after it."""

    district: Unit = None
    streets: list = field(default_factory=list)
    communities: list = field(default_factory=list)
    grids: list = field(default_factory=list)
    micro_grids_by_grid: dict = field(default_factory=dict)
    buildings_by_grid: dict = field(default_factory=dict)
    households_by_building: dict = field(default_factory=dict)
    agencies: list = field(default_factory=list)
    branches: list = field(default_factory=list)


class DemoBuilder:
    def __init__(self, seed=2026, today=None, progress=None):
        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        # A given day (tests) makes the whole world, times included, repeatable.
        self.now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(20, 0))) if today else timezone.now()
        self.today = today or timezone.localdate(self.now)
        self.progress = progress or (lambda label: None)
        self.world = World()
        self._id_numbers = set()
        self._no_password = make_password(None)
        self.open311_key = None  # the demo Open311 client's api_key, once built

    STEPS = ["territory", "estates and residents", "agencies", "party organizations", "accounts and roles", "a year of cases"]

    @transaction.atomic
    def build(self):
        self.progress("territory")
        install_categories(Category)  # a rebuild flushes the tables, the defaults included
        self.build_territory()
        self.progress("estates and residents")
        self.build_estates()
        self.progress("agencies")
        self.build_agencies()
        self.progress("party organizations")
        self.build_party()
        self.progress("accounts and roles")
        self.build_accounts()
        self.open311_key = create_open311_key(open311_client(self.world.district))
        self.progress("a year of cases")
        CaseBuilder(self.rng, self.fake, self.now, self.world).build()
        return self.world

    # --- territory ------------------------------------------------------
    def build_territory(self):
        rng, w = self.rng, self.world
        w.district = Unit.objects.create(code=DISTRICT_CODE, name=DISTRICT_NAME, level=Level.DISTRICT,
                                         boundary=rectangle(WEST, EAST, SOUTH, NORTH))
        n_communities = sum(len(c) for _, c in STREETS)
        grids_per_community = spread(GRIDS, n_communities, rng)
        micro_per_grid = spread(MICRO_GRIDS, GRIDS, rng)
        street_edges = cuts(WEST, EAST, [len(c) for _, c in STREETS])
        community_index = grid_index = 0
        units = []
        for s, (street_name, communities) in enumerate(STREETS):
            street = Unit(code=f"{DISTRICT_CODE}{s + 1:03d}", name=street_name, level=Level.STREET, parent=w.district,
                          boundary=rectangle(street_edges[s], street_edges[s + 1], SOUTH, NORTH))
            street.save()
            w.streets.append(street)
            community_sizes = grids_per_community[community_index:community_index + len(communities)]
            row_edges = cuts(SOUTH, NORTH, community_sizes)
            for c, community_name in enumerate(communities):
                south, north = row_edges[c], row_edges[c + 1]
                community = Unit(code=f"{street.code}{c + 1:03d}", name=community_name, level=Level.COMMUNITY,
                                 parent=street, boundary=rectangle(street_edges[s], street_edges[s + 1], south, north))
                community.save()
                w.communities.append(community)
                n_grids = grids_per_community[community_index]
                col_edges = cuts(street_edges[s], street_edges[s + 1], [1] * n_grids)
                short = community_name.removesuffix("社区")
                for g in range(n_grids):
                    west, east = col_edges[g], col_edges[g + 1]
                    grid = Unit(code=f"{community.code}{g + 1:03d}", name=f"{short}第{g + 1}网格", level=Level.GRID,
                                parent=community, boundary=rectangle(west, east, south, north))
                    grid.save()
                    w.grids.append(grid)
                    n_micro = micro_per_grid[grid_index]
                    micro_edges = cuts(south, north, [1] * n_micro)
                    w.micro_grids_by_grid[grid.pk] = []
                    for m in range(n_micro):
                        units.append(Unit(
                            code=f"{grid.code}{m + 1:03d}", name=f"{short}第{g + 1}网格第{m + 1}微网格",
                            level=Level.MICRO_GRID, parent=grid,
                            boundary=rectangle(west, east, micro_edges[m], micro_edges[m + 1]),
                        ))
                    grid_index += 1
                community_index += 1
        for micro in Unit.objects.bulk_create(units, batch_size=500):
            self.world.micro_grids_by_grid[micro.parent_id].append(micro)

    # --- estates, buildings, households, residents -------------------------
    def id_number(self, born):
        while True:
            first17 = f"370811{born:%Y%m%d}{self.rng.randint(0, 999):03d}"
            number = first17 + id_check_char(first17)
            if number not in self._id_numbers:
                self._id_numbers.add(number)
                return number

    def build_estates(self):
        rng, w, fake = self.rng, self.world, self.fake
        estates = []
        named = {k: list(v) for k, v in NAMED_ESTATES.items()}
        community_names = {c.pk: c.name for c in w.communities}
        for grid in w.grids:
            names = named.get(community_names[grid.parent_id])
            name = names.pop(0) if names else f"{rng.choice(ESTATE_PREFIX)}{rng.choice(ESTATE_WORDS)}"
            if not names and community_names[grid.parent_id] in named:
                del named[community_names[grid.parent_id]]
            estates.append(Estate(name=name if name not in {e.name for e in estates} else f"{name}{grid.code[-2:]}",
                                  grid=grid, property_company=rng.choice(PROPERTY_COMPANIES),
                                  address=f"{grid.name}内"))
        estates = Estate.objects.bulk_create(estates)
        buildings = []
        for estate in estates:
            micros = w.micro_grids_by_grid[estate.grid_id]
            for b in range(rng.randint(4, 6)):
                micro = micros[b % len(micros)]
                (west, south), (east, _), (_, north) = micro.boundary["coordinates"][0][:3]
                buildings.append(Building(estate=estate, micro_grid=micro, number=f"{b + 1}号楼", floors=rng.choice([6, 6, 11, 18]),
                                          lng=(west + east) / 2, lat=south + (north - south) * (0.3 + 0.1 * (b // len(micros)))))
        buildings = Building.objects.bulk_create(buildings, batch_size=1000)
        grid_of_estate = {e.pk: e.grid_id for e in estates}
        households = []
        for building in buildings:
            w.buildings_by_grid.setdefault(grid_of_estate[building.estate_id], []).append(building)
            for unit_no in (1, 2):
                for floor in (1, 2, 3):
                    households.append(Household(building=building, room=f"{unit_no}-{floor}0{rng.randint(1, 2)}"))
        # Rooms drawn at random can repeat within a building; keep the first.
        seen, unique = set(), []
        for h in households:
            if (h.building_id, h.room) not in seen:
                seen.add((h.building_id, h.room))
                unique.append(h)
        households = Household.objects.bulk_create(unique, batch_size=2000)
        for h in households:
            w.households_by_building.setdefault(h.building_id, []).append(h)
        residents = []
        for h in households:
            for i in range(rng.choice([1, 2, 2, 3, 3, 4])):
                born = datetime.date(self.today.year - rng.randint(3, 92), rng.randint(1, 12), rng.randint(1, 28))
                number = self.id_number(born)
                gender = "M" if int(number[16]) % 2 else "F"
                name = fake.name_male() if gender == "M" else fake.name_female()
                residents.append(Resident(household=h, name=name, gender=gender, id_number=number, birth_date=born,
                                          phone=fake.phone_number() if born.year < self.today.year - 16 else "",
                                          is_household_head=(i == 0)))
        Resident.objects.bulk_create(residents, batch_size=2000)

    # --- agencies ---------------------------------------------------------
    def build_agencies(self):
        w = self.world
        agencies = [Agency(name=f"高新区{n}", kind=AgencyKind.DEPARTMENT, district=w.district) for n in DEPARTMENTS]
        agencies += [Agency(name=n, kind=AgencyKind.UTILITY, utility_type=t, district=w.district) for n, t in UTILITIES]
        w.agencies = Agency.objects.bulk_create(agencies)

    # --- party organizations --------------------------------------------------
    def build_party(self):
        rng, w = self.rng, self.world
        top = PartyOrganization.objects.create(name="济宁高新区党工委", kind=OrganizationKind.WORKING_COMMITTEE, unit=w.district)
        street_orgs = {s.pk: PartyOrganization(name=f"{s.name}党工委", kind=OrganizationKind.WORKING_COMMITTEE, unit=s, parent=top)
                       for s in w.streets}
        PartyOrganization.objects.bulk_create(street_orgs.values())
        community_orgs = {c.pk: PartyOrganization(name=f"{c.name}党委", kind=OrganizationKind.COMMITTEE, unit=c,
                                                  parent=street_orgs[c.parent_id]) for c in w.communities}
        PartyOrganization.objects.bulk_create(community_orgs.values())

        # Grid party branches on 121 of the 231 grids (党支部建在网格(小区)上).
        branch_grids = sorted(rng.sample(w.grids, GRID_BRANCHES), key=lambda g: g.code)
        estate_names = dict(Estate.objects.values_list("grid_id", "name"))
        branches = [PartyOrganization(name=f"{estate_names[g.pk]}党支部", kind=OrganizationKind.BRANCH, unit=g,
                                      parent=community_orgs[g.parent_id], founded_on=datetime.date(2021, 7, 1))
                    for g in branch_grids]
        branches = PartyOrganization.objects.bulk_create(branches)
        w.branches = branches

        # Members of each grid branch: mostly retired residents, some in service, some mobile.
        members = []
        for b in branches:
            for i in range(rng.randint(4, 9)):
                employment = rng.choice([Employment.RETIRED] * 3 + [Employment.IN_SERVICE, Employment.MOBILE])
                members.append(self._member(b, employment))
        members = PartyMember.objects.bulk_create(members, batch_size=2000)
        by_branch = {}
        for m in members:
            by_branch.setdefault(m.organization_id, []).append(m)
        for b in branches:
            b.secretary = by_branch[b.pk][0]
        PartyOrganization.objects.bulk_update(branches, ["secretary"])

        # Building party groups and their party-member central households.
        groups_per_branch = spread(BUILDING_GROUPS, GRID_BRANCHES, rng)
        groups = []
        for b, n in zip(branches, groups_per_branch):
            for building in w.buildings_by_grid[b.unit_id][:n]:
                groups.append(PartyOrganization(name=f"{estate_names[b.unit_id]}{building.number}党小组", kind=OrganizationKind.GROUP,
                                                unit=building.micro_grid, building=building, parent=b))
        groups = PartyOrganization.objects.bulk_create(groups)
        centrals = []
        for g in groups:
            household = w.households_by_building[g.building_id][0]
            centrals.append(PartyOrganization(name=f"{g.name}党员中心户", kind=OrganizationKind.CENTRAL_HOUSEHOLD,
                                              unit=g.unit, parent=g, household=household))
        centrals = PartyOrganization.objects.bulk_create(centrals)
        through = PartyOrganization.cared_households.through
        cared = []
        for c, g in zip(centrals, groups):
            for h in w.households_by_building[g.building_id][1:6]:
                cared.append(through(partyorganization_id=c.pk, household_id=h.pk))
        through.objects.bulk_create(cared, batch_size=2000)

        # A year of recorded organization life: a monthly meeting, lessons, service.
        activities = []
        for b in branches:
            for months_ago in range(12):
                held = self.today - datetime.timedelta(days=30 * months_ago + rng.randint(0, 20))
                kind = rng.choice(list(ACTIVITY_TITLES))
                activities.append(OrganizationActivity(organization=b, kind=kind, title=f"{held:%Y年%m月}{ACTIVITY_TITLES[kind]}",
                                                       held_on=held, attendees=rng.randint(3, 12)))
        OrganizationActivity.objects.bulk_create(activities, batch_size=2000)
        posts = [PioneerPost(organization=b, name=rng.choice(["政策宣讲岗", "矛盾调解岗", "环境卫生岗", "助老服务岗"]),
                             holder=by_branch[b.pk][1]) for b in branches[::3]]
        PioneerPost.objects.bulk_create(posts)

        # In-service members of the departments' own branches register with
        # their home community and grid (双报到).
        dept_branches = PartyOrganization.objects.bulk_create([
            PartyOrganization(name=f"{a.name}机关党支部", kind=OrganizationKind.BRANCH, unit=w.district, parent=top)
            for a in w.agencies if a.kind == AgencyKind.DEPARTMENT
        ])
        work_units = {b.pk: b.name.removesuffix("机关党支部") for b in dept_branches}
        reporters = [self._member(rng.choice(dept_branches), Employment.IN_SERVICE, work_unit=None) for _ in range(DUAL_REPORT_MEMBERS)]
        for m in reporters:
            m.work_unit = work_units[m.organization_id]
        reporters = PartyMember.objects.bulk_create(reporters, batch_size=2000)
        reports = []
        for m in reporters:
            grid = rng.choice(w.grids)
            reports.append(DualReport(member=m, community_id=grid.parent_id, grid=grid,
                                      skills="、".join(rng.sample(SKILLS, 2)), services="、".join(rng.sample(SERVICES, 2)),
                                      registered_on=self.today - datetime.timedelta(days=rng.randint(10, 700))))
        DualReport.objects.bulk_create(reports, batch_size=2000)

    def _member(self, organization, employment, work_unit="济宁高新区"):
        gender = self.rng.choice("MF")
        return PartyMember(
            name=self.fake.name_male() if gender == "M" else self.fake.name_female(), gender=gender,
            phone=self.fake.phone_number(), organization=organization,
            status=MemberStatus.PROBATIONARY if self.rng.random() < 0.05 else MemberStatus.FULL,
            employment=employment,
            work_unit=(work_unit or "") if employment == Employment.IN_SERVICE else "",
            joined_on=datetime.date(self.rng.randint(1975, 2024), self.rng.randint(1, 12), 1),
        )

    # --- accounts and roles ----------------------------------------------------
    def build_accounts(self):
        rng, w = self.rng, self.world
        pending = []  # (user, role, [units], agency, legal_kind)

        def person(username, name):
            return User(username=username, display_name=name, password=self._no_password)

        admin = person("district-admin-1", self.fake.name())
        pending.append((admin, Role.DISTRICT_ADMIN, [w.district], None, ""))
        for i, s in enumerate(w.streets, 1):
            pending.append((person(f"street-admin-{i}", self.fake.name()), Role.STREET_ADMIN, [s], None, ""))
        for i, c in enumerate(w.communities, 1):
            pending.append((person(f"secretary-{i}", self.fake.name()), Role.COMMUNITY_SECRETARY, [c], None, ""))

        # Grid workers: one per grid, but in some communities one worker holds two grids (一人多格).
        grids_by_community = {}
        for g in w.grids:
            grids_by_community.setdefault(g.parent_id, []).append(g)
        n = 0
        for community_grids in grids_by_community.values():
            chunks = [community_grids[:2]] + [[g] for g in community_grids[2:]] if len(community_grids) >= 6 else [[g] for g in community_grids]
            for chunk in chunks:
                n += 1
                pending.append((person(f"grid-worker-{n}", self.fake.name()), Role.GRID_WORKER, chunk, None, ""))

        # Professional grid workers of every agency, each over several grids of one street.
        grids_by_street = {}
        for g in w.grids:
            grids_by_street.setdefault(g.code[:9], []).append(g)
        streets = sorted(grids_by_street)
        for i in range(PROFESSIONAL_GRID_WORKERS):
            agency = w.agencies[i % len(w.agencies)]
            street_grids = grids_by_street[streets[i % len(streets)]]
            start = rng.randrange(len(street_grids))
            covered = [street_grids[(start + k) % len(street_grids)] for k in range(rng.randint(4, 10))]
            pending.append((person(f"pro-{i + 1}", self.fake.name()), Role.PROFESSIONAL_GRID_WORKER, covered, agency, ""))

        # 三官一律: police, judges, prosecutors and lawyers attached to grids.
        n = 0
        for kind, count in LEGAL_OFFICERS.items():
            for _ in range(count):
                n += 1
                community_grids = grids_by_community[rng.choice(w.communities).pk]
                pending.append((person(f"legal-{n}", self.fake.name()), Role.LEGAL_OFFICER, community_grids, None, kind))

        # Party-building instructors: 3 or 4 for each grid branch.
        instructors_per_branch = spread(INSTRUCTORS, len(w.branches), rng)
        instructor_links = []
        n = 0
        for b, count in zip(w.branches, instructors_per_branch):
            for _ in range(count):
                n += 1
                user = person(f"instructor-{n}", self.fake.name())
                pending.append((user, Role.INSTRUCTOR, [b.unit], None, ""))
                instructor_links.append((user, b))

        demo_named = self._demo_accounts(pending)
        User.objects.bulk_create([p[0] for p in pending], batch_size=1000)
        assignments = RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=u, role=role, agency=agency, legal_kind=legal) for u, role, _, agency, legal in pending],
            batch_size=1000,
        )
        through = RoleAssignment.units.through
        through.objects.bulk_create(
            [through(roleassignment_id=a.pk, unit_id=unit.pk) for a, p in zip(assignments, pending) for unit in p[2]],
            batch_size=2000,
        )
        InstructorAssignment.objects.bulk_create(
            [InstructorAssignment(instructor=u, branch=b, since=self.today - datetime.timedelta(days=rng.randint(30, 900)))
             for u, b in instructor_links], batch_size=2000,
        )
        member = PartyMember.objects.filter(organization=w.branches[0]).order_by("pk").first()
        member.account = demo_named[Role.PARTY_MEMBER]
        member.save(update_fields=["account"])

    def _demo_accounts(self, pending):
        """Give the first person of each role a known login, and add the roles nobody holds yet."""
        password = make_password(DEMO_PASSWORD)
        named = {}
        # The demo grid worker is the one who looks after 龙城一号小区.
        # The demo grid worker looks after 龙城一号小区; the demo secretary and
        # street admin are the ones above that grid, so their pages connect.
        longcheng = Estate.objects.select_related("grid").get(name="龙城一号小区").grid
        firsts = {}
        for entry in pending:
            user, role, units = entry[0], entry[1], entry[2]
            above = any(longcheng.code.startswith(u.code) for u in units)
            if role == Role.GRID_WORKER and any(u.pk == longcheng.pk for u in units):
                firsts[role] = user
            elif role in (Role.COMMUNITY_SECRETARY, Role.STREET_ADMIN) and above:
                firsts[role] = user
            firsts.setdefault(role, user)
        for role, username in DEMO_LOGINS:
            user = firsts.get(role)
            if user is None:
                user = User(username=username, display_name=self.fake.name(), password=password)
                first_community = self.world.communities[0]
                scope = [self.world.district] if role in (Role.ENTERPRISE_LIAISON, Role.PARK_STAFF) else [first_community]
                pending.append((user, role, scope, None, ""))
            user.username, user.password = username, password
            named[role] = user
        return named


def open311_client(district):
    """The demo's Open311 client account (12345热线对接) over ``district``, made if missing.

    It has no usable password: it only ever signs in with its api_key.
    """
    user, created = User.objects.get_or_create(username=OPEN311_CLIENT, defaults={
        "display_name": OPEN311_CLIENT_NAME, "password": make_password(None),
    })
    if not user.role_assignments.filter(role=Role.MACHINE_CLIENT).exists():
        RoleAssignment.objects.create(user=user, role=Role.MACHINE_CLIENT).units.set([district])
    return user


def create_open311_key(client):
    """A new api_key for the demo Open311 client; the plaintext exists only in the return value."""
    _token, plaintext = create_token(client, name="Open311 (demo)")
    return plaintext


def demo_logins():
    return [(Role(role).label, username, DEMO_PASSWORD) for role, username in DEMO_LOGINS]
