"""The demo's second zone: 昌吉高新区 (Changji high-tech zone, Xinjiang) with its enterprises, party
organizations, chains and partners, as the source article describes it.

The article's numbers are targets for how many *records* to make (97 above-scale and 2,100+
small enterprises, 42 三新 organizations with 409 members, chains led by 特变电工, 恒安纸业 and
恒泰建材); the coverage rates (about 61 %, 三有 100 %) and the logistics saving (15–20 %) are then
counted back from those records by services.coverage and services.chains, never typed.

The zone's enterprises are bulk-created (2,200 rows in a few statements): their codes come from
``make_uscc`` and every row obeys the rules services.enterprises checks (tests/test_demo_world.py
re-checks them). The market (needs, offers, matches, the 园区说事 agreement) is built by the
market's own step, from what this step leaves in ``builder.world``: ``changji`` (the zone's root
unit), ``changji_parts``, ``changji_areas``, ``enterprises`` (all, in creation order),
``enterprises_by_name`` (the named ones), ``chains`` (by name), ``partners`` (by name),
``area_leads``, ``park_staff`` (demo-changji), ``park_instructors``, ``changji_liaison``
(demo-liaison) and ``federation_branch``.
"""
import datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from gongzhi.core.demo import cuts, rectangle
from gongzhi.party.models import (
    Employment, MemberStatus, OrganizationKind, PartyMember, PartyOrganization, PioneerPost,
)
from gongzhi.people.models import Role, RoleAssignment, User
from gongzhi.territory.models import Level, Unit

from .models import (
    AreaLead, Chain, ChainLink, CoverageTarget, Enterprise, EnterpriseYear, EvaluationItem, LeadVisit, Partner,
    PartnerKind, PartnerService, PartyStatus, Project, Scale, ServiceKind,
)
from .services import evaluations
from .services.uscc import make_uscc

ZONE_CODE = "652371"
ZONE_NAME = "昌吉高新区"
DIVISION = "652301"        # 昌吉市: the division in the enterprises' credit codes
ABOVE_SCALE = 97           # 规上企业97家
SMALL = 2150               # 中小企业2100余家 operating (2,111 once the closed ones are left out)
CLOSED = 39                # small enterprises no longer operating (not in the coverage base)
ORGANIZATION_COVERAGE = 0.61   # the share the demo organizes; the rate shown is counted back
NEW_SECTOR_OWN, NEW_SECTOR_JOINT, NEW_SECTOR_PER_JOINT = 30, 12, 3   # 42 三新 organizations
NEW_SECTOR_MEMBERS = 409   # their members
SMALL_OWN = 60             # small enterprises with 3+ full members (each with its own organization: 三有)
JOINT_SIZE = 8             # enterprises per ordinary joint branch
FEDERATION = 400           # small enterprises covered by the federation branch
WEST, EAST, SOUTH, NORTH = 87.24, 87.40, 43.98, 44.08
PARTS = [
    ("北区", ["装备制造片区", "输变电产业园"]),
    ("南区", ["新型建材片区", "造纸产业园"]),
    ("东区", ["电商物流园", "创新创业园"]),
]
INDUSTRIES = ["输变电设备", "造纸", "新型建材", "电子商务", "食品加工", "新能源", "现代物流", "精细化工", "装备制造",
              "生物医药", "软件信息", "农产品加工"]
NAME_WORDS = ["天山", "丝路", "准噶尔", "金盛", "宏远", "鑫源", "瑞丰", "华疆", "泰和", "新域", "博达", "恒通", "西域",
              "康达", "隆盛", "嘉禾", "汇丰", "远航", "亚欧", "天诚"]
NAME_KINDS = {"输变电设备": "电气", "造纸": "纸业", "新型建材": "建材", "电子商务": "电商", "食品加工": "食品",
              "新能源": "新能源", "现代物流": "物流", "精细化工": "化工", "装备制造": "机械", "生物医药": "生物",
              "软件信息": "信息技术", "农产品加工": "农业"}
# Where most of an industry's enterprises are (the rest are anywhere in the park).
AREA_OF = {"输变电设备": "输变电产业园", "装备制造": "装备制造片区", "造纸": "造纸产业园", "新型建材": "新型建材片区",
           "电子商务": "电商物流园", "现代物流": "电商物流园", "精细化工": "新型建材片区", "食品加工": "电商物流园",
           "农产品加工": "电商物流园"}
OUTSIDE_REGIONS = ["山东", "河南", "江苏"]   # where a chain's leader still buys from outside Xinjiang
NEW_SECTOR_INDUSTRIES = {"电子商务", "软件信息", "新能源", "现代物流"}
# The chains: name, leader, leader's industry, what its suppliers supply.
CHAINS = [
    ("输变电", "特变电工", "输变电设备", ["硅钢片", "铜材", "绝缘材料", "钢结构件", "电缆附件", "变压器油", "包装箱"]),
    ("造纸", "恒安纸业", "造纸", ["木浆", "化工助剂", "纸芯管", "包装膜", "蒸汽", "物流运输"]),
    ("新型建材", "恒泰建材", "新型建材", ["粉煤灰", "脱硫石膏", "水泥", "外加剂", "砂石骨料", "物流运输"]),
    ("电商", "丝路云商", "电子商务", ["仓储", "快递配送", "直播运营", "包装材料", "农产品"]),
]
CHAIN_SIZES = {"输变电": 22, "造纸": 14, "新型建材": 12, "电商": 18}
PARTNERS = [
    (PartnerKind.GOVERNMENT, "昌吉高新区管委会", [(ServiceKind.POLICY, "惠企政策直达与审批代办")]),
    (PartnerKind.GOVERNMENT, "昌吉州人力资源和社会保障局", [(ServiceKind.TALENT, "专场招聘会与技能培训补贴")]),
    (PartnerKind.BANK, "昌吉农村商业银行", [(ServiceKind.LOAN, "“党建+信用”贷款，单户最高500万元")]),
    (PartnerKind.BANK, "建设银行昌吉分行", [(ServiceKind.LOAN, "供应链融资：链主确权，上下游企业快速放款")]),
    (PartnerKind.UNIVERSITY, "同济大学", [(ServiceKind.RESEARCH, "固废资源化与新型建材联合研发")]),
    (PartnerKind.UNIVERSITY, "新疆工程学院", [(ServiceKind.RESEARCH, "建材检测与工艺改进"),
                                         (ServiceKind.TALENT, "订单式人才培养")]),
    (PartnerKind.UNIVERSITY, "昌吉学院", [(ServiceKind.TALENT, "实习基地与毕业生就业对接")]),
    (PartnerKind.ENTERPRISE, "新疆天山物流集团", [(ServiceKind.OTHER, "园区集中配送，降低物流成本")]),
    (PartnerKind.OVERSEAS, "阿拉木图海外仓", [(ServiceKind.WAREHOUSE, "哈萨克斯坦海外仓储与清关")]),
    (PartnerKind.OVERSEAS, "中哈霍尔果斯国际边境合作中心", [(ServiceKind.MARKET, "中亚市场对接与展销")]),
]
FIVE_GOOD = ["领导班子好", "党员队伍好", "工作机制好", "发展业绩好", "群众反映好"]


def build(builder):
    w = builder.world
    _territory(builder)
    _organizations(builder)
    _enterprises(builder)
    _chains(builder)
    _partners_and_projects(builder)
    _area_leads(builder)
    _logins(builder)
    _evaluations(builder)
    CoverageTarget.objects.create(zone=w.changji, year=2025, organization_coverage=60, sanyou_coverage=100,
                                  work_coverage=90)


def _territory(builder):
    """The zone's root, three parts (street level) and their areas (community level): a park's
    enterprises are located in an area; the zone has no residents' grids."""
    w = builder.world
    w.changji = Unit.objects.create(code=ZONE_CODE, name=ZONE_NAME, level=Level.DISTRICT,
                                    boundary=rectangle(WEST, EAST, SOUTH, NORTH))
    w.changji_parts, w.changji_areas = [], []
    edges = cuts(WEST, EAST, [1] * len(PARTS))
    for p, (part_name, areas) in enumerate(PARTS):
        part = Unit.objects.create(code=f"{ZONE_CODE}{p + 1:03d}", name=part_name, level=Level.STREET, parent=w.changji,
                                   boundary=rectangle(edges[p], edges[p + 1], SOUTH, NORTH))
        w.changji_parts.append(part)
        rows = cuts(SOUTH, NORTH, [1] * len(areas))
        for a, area_name in enumerate(areas):
            w.changji_areas.append(Unit.objects.create(
                code=f"{part.code}{a + 1:03d}", name=area_name, level=Level.COMMUNITY, parent=part,
                boundary=rectangle(edges[p], edges[p + 1], rows[a], rows[a + 1])))


def _organizations(builder):
    w = builder.world
    w.changji_committee = PartyOrganization.objects.create(
        name="昌吉高新区党工委", kind=OrganizationKind.WORKING_COMMITTEE, unit=w.changji, founded_on=datetime.date(2012, 6, 1))
    w.federation_branch = PartyOrganization.objects.create(
        name="昌吉高新区企业联合会党支部", kind=OrganizationKind.ENTERPRISE_BRANCH, unit=w.changji,
        parent=w.changji_committee, founded_on=datetime.date(2016, 7, 1))


def _name(builder, industry, taken):
    rng = builder.rng
    while True:
        name = f"{rng.choice(NAME_WORDS)}{rng.choice(NAME_WORDS)}{NAME_KINDS[industry]}有限公司"
        if name not in taken:
            taken.add(name)
            return name


def _date_between(rng, start, end):
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _enterprises(builder):
    """97 above-scale and 2,112 small enterprises; organizations for about 61 % of those operating."""
    rng, w, today = builder.rng, builder.world, builder.today
    taken = {name for _chain, name, _i, _s in CHAINS}
    specs = []
    # The chain leaders first, then the rest of the above-scale enterprises, then the small ones.
    for _chain, name, industry, _supplies in CHAINS:
        specs.append({"name": name, "industry": industry, "scale": Scale.ABOVE})
    for _i in range(ABOVE_SCALE - len(CHAINS)):
        industry = rng.choice(INDUSTRIES)
        specs.append({"name": _name(builder, industry, taken), "industry": industry, "scale": Scale.ABOVE})
    for _i in range(SMALL):
        industry = rng.choice(INDUSTRIES)
        specs.append({"name": _name(builder, industry, taken), "industry": industry, "scale": Scale.SMALL})
    above, small = specs[:ABOVE_SCALE], specs[ABOVE_SCALE:]
    for s in above:
        s.update(staff=rng.randint(120, 3000), members_full=rng.randint(3, 40), members_probationary=rng.randint(0, 4),
                 status=PartyStatus.OWN)
    # The small ones: who is closed, which are 三新 with organizations, which are organized otherwise.
    rng.shuffle(small)
    closed, rest = small[:CLOSED], small[CLOSED:]
    for s in closed:
        s.update(operating=False, status=PartyStatus.NONE)
    new_sector = [s for s in rest if s["industry"] in NEW_SECTOR_INDUSTRIES]
    others = [s for s in rest if s["industry"] not in NEW_SECTOR_INDUSTRIES]
    new_own = new_sector[:NEW_SECTOR_OWN]
    new_joint = new_sector[NEW_SECTOR_OWN:NEW_SECTOR_OWN + NEW_SECTOR_JOINT * NEW_SECTOR_PER_JOINT]
    leftover = new_sector[NEW_SECTOR_OWN + len(new_joint):] + others
    rng.shuffle(leftover)
    for s in new_joint:
        s.update(members_full=rng.randint(1, 2), members_probationary=rng.randint(0, 1), status=PartyStatus.JOINT)
    # 409 members in the 42 三新 organizations: the joint ones' members, the rest spread over the own ones.
    remaining = NEW_SECTOR_MEMBERS - sum(s["members_full"] + s["members_probationary"] for s in new_joint)
    shares = [remaining // NEW_SECTOR_OWN + (1 if i < remaining % NEW_SECTOR_OWN else 0) for i in range(NEW_SECTOR_OWN)]
    for s, total in zip(new_own, shares):
        probationary = min(rng.randint(0, 2), total - 3)
        s.update(members_full=total - probationary, members_probationary=probationary, status=PartyStatus.OWN,
                 is_new_sector=True)
    for s in new_joint:
        s["is_new_sector"] = True
    small_own = leftover[:SMALL_OWN - NEW_SECTOR_OWN]
    for s in small_own:
        s.update(members_full=rng.randint(3, 8), members_probationary=rng.randint(0, 2), status=PartyStatus.OWN)
    operating = ABOVE_SCALE + SMALL - CLOSED
    to_organize = round(operating * ORGANIZATION_COVERAGE) - ABOVE_SCALE - len(new_own) - len(small_own) - len(new_joint)
    joint = leftover[SMALL_OWN - NEW_SECTOR_OWN:SMALL_OWN - NEW_SECTOR_OWN + to_organize]
    federation = leftover[SMALL_OWN - NEW_SECTOR_OWN + to_organize:][:FEDERATION]
    unorganized = leftover[SMALL_OWN - NEW_SECTOR_OWN + to_organize + FEDERATION:]
    for s in joint:
        s.update(members_full=rng.randint(0, 2), members_probationary=rng.randint(0, 1), status=PartyStatus.JOINT)
    for s in federation:
        s.update(members_full=rng.randint(0, 2), members_probationary=rng.randint(0, 1), status=PartyStatus.FEDERATION)
    for s in unorganized + closed:
        s.update(members_full=rng.choice([0, 0, 0, 1, 2]), members_probationary=rng.choice([0, 0, 1]))
        s.setdefault("status", PartyStatus.NONE)
    for s in small:
        s.setdefault("staff", rng.randint(max(5, s.get("members_full", 0) + s.get("members_probationary", 0)), 110))

    # Party organizations: one for each enterprise with its own, joint branches for groups.
    areas = {a.name: a for a in w.changji_areas}
    industry_area = {industry: areas[AREA_OF.get(industry, "创新创业园")] for industry in INDUSTRIES}
    for s in specs:
        s["unit"] = industry_area[s["industry"]] if rng.random() < 0.7 else rng.choice(w.changji_areas)
    own = [s for s in specs if s["status"] == PartyStatus.OWN]
    orgs = PartyOrganization.objects.bulk_create([
        PartyOrganization(name=f"{s['name'].removesuffix('有限公司')}党支部", kind=OrganizationKind.ENTERPRISE_BRANCH,
                          unit=s["unit"], parent=w.changji_committee) for s in own])
    for s, org in zip(own, orgs):
        s["org"] = org
    groups = [new_joint[i:i + NEW_SECTOR_PER_JOINT] for i in range(0, len(new_joint), NEW_SECTOR_PER_JOINT)]
    groups += [joint[i:i + JOINT_SIZE] for i in range(0, len(joint), JOINT_SIZE)]
    joint_orgs = PartyOrganization.objects.bulk_create([
        PartyOrganization(name=f"{group[0]['unit'].name}第{n + 1}联合党支部", kind=OrganizationKind.BRANCH,
                          unit=group[0]["unit"], parent=w.changji_committee) for n, group in enumerate(groups)])
    for group, org in zip(groups, joint_orgs):
        for s in group:
            s["org"] = org
            s["unit"] = group[0]["unit"]  # a joint branch gathers neighbours
    for s in federation:
        s["org"] = w.federation_branch

    # Who reached them (work coverage): the park's instructors and liaisons.
    password = make_password(None)
    w.park_instructors = []
    for n, area in enumerate(w.changji_areas):
        for k in range(2):
            user = User.objects.create(username=f"changji-instructor-{n + 1}-{k + 1}", display_name=builder.fake.name(),
                                       password=password)
            RoleAssignment.objects.create(user=user, role=Role.INSTRUCTOR).units.set([area])
            w.park_instructors.append(user)
    by_area = {}
    for user in w.park_instructors:
        by_area.setdefault(user.role_assignments.get().units.get().pk, []).append(user)
    start = datetime.date(2019, 1, 1)
    rows = []
    for n, s in enumerate(specs):
        status = s["status"]
        registered = _date_between(rng, datetime.date(2005, 1, 1), today - datetime.timedelta(days=400)) \
            if rng.random() < 0.9 else _date_between(rng, today - datetime.timedelta(days=400), today)
        organized = None
        if status != PartyStatus.NONE:
            organized = max(registered, _date_between(rng, start, today))
        reached = status != PartyStatus.NONE or rng.random() < 0.35
        instructor = rng.choice(by_area[s["unit"].pk]) if reached else None
        rows.append(Enterprise(
            name=s["name"], uscc=make_uscc(DIVISION, 10_000_000 + n * 37), scale=s["scale"], industry=s["industry"],
            unit=s["unit"], address=f"{s['unit'].name}{rng.randint(1, 300)}号", staff=s["staff"],
            members_full=s["members_full"], members_probationary=s["members_probationary"],
            operating=s.get("operating", True), is_new_sector=s.get("is_new_sector", False), registered_on=registered,
            party_status=status, party_org=s.get("org"), organized_on=organized, instructor=instructor,
            reached_on=instructor and max(registered, _date_between(rng, start, today)),
        ))
    w.enterprises = Enterprise.objects.bulk_create(rows, batch_size=500)
    w.enterprises_by_name = {e.name: e for e in w.enterprises[:len(CHAINS)]}
    # The 三新 organizations' members, as party members of those organizations.
    new_sector = [e for e in w.enterprises
                  if e.is_new_sector and e.party_status in (PartyStatus.OWN, PartyStatus.JOINT)]
    PartyMember.objects.bulk_create(_members_of(builder, new_sector, since=start), batch_size=500)
    _own_branches(builder)
    _years(builder)


# 党员先锋岗 in the chain leaders' workshops (the party part's pioneer posts, in enterprise branches).
PIONEER_POSTS = {
    "特变电工": ["变压器总装车间党员先锋岗", "特高压试验站党员先锋岗"],
    "恒安纸业": ["造纸车间党员先锋岗", "质检中心党员先锋岗"],
    "恒泰建材": ["新型墙材研发党员先锋岗", "固废利用生产线党员先锋岗"],
    "丝路云商": ["跨境电商服务党员先锋岗"],
}


def _members_of(builder, enterprises, since):
    """Each enterprise's party members as records of its organization (its full and probationary
    counts), employed there, joined between ``since`` and today. Unsaved."""
    rng, today = builder.rng, builder.today
    return [PartyMember(name=builder.fake.name(), gender=rng.choice("MF"), organization_id=e.party_org_id,
                        status=MemberStatus.FULL if k < e.members_full else MemberStatus.PROBATIONARY,
                        employment=Employment.IN_SERVICE, work_unit=e.name, joined_on=_date_between(rng, since, today))
            for e in enterprises for k in range(e.members_full + e.members_probationary)]


def _own_branches(builder):
    """The other enterprises' own branches get their members as records too (the enterprise's
    counts, full and probationary), a secretary from among them, and the chain leaders' branches
    their workshops' pioneer posts."""
    w = builder.world
    own = [e for e in w.enterprises if e.party_status == PartyStatus.OWN and not e.is_new_sector]
    members = _members_of(builder, own, since=datetime.date(2005, 1, 1))
    PartyMember.objects.bulk_create(members, batch_size=1000)
    first_full = {}
    for m in members:
        if m.status == MemberStatus.FULL:
            first_full.setdefault(m.organization_id, m)
    orgs = list(PartyOrganization.objects.filter(pk__in=list(first_full)))
    for org in orgs:
        org.secretary = first_full[org.pk]
    PartyOrganization.objects.bulk_update(orgs, ["secretary"], batch_size=1000)
    by_org = {}
    for m in members:
        by_org.setdefault(m.organization_id, []).append(m)
    posts = []
    for name, post_names in PIONEER_POSTS.items():
        leader = w.enterprises_by_name.get(name)
        if leader is None or leader.party_org_id not in by_org:
            continue
        held_by = by_org[leader.party_org_id]
        for k, post in enumerate(post_names):
            posts.append(PioneerPost(organization_id=leader.party_org_id, name=post, holder=held_by[(k + 1) % len(held_by)]))
    PioneerPost.objects.bulk_create(posts)


def _years(builder):
    """Three years of indicators for the above-scale enterprises, the article's for the named ones."""
    rng, w = builder.rng, builder.world
    rows = []
    last = builder.today.year - 1
    for e in w.enterprises[:ABOVE_SCALE]:
        revenue = Decimal(rng.randint(30, 900)) * 1_000_000
        for year in (last - 2, last - 1, last):
            grown = revenue * Decimal(1 + (year - last) * rng.uniform(0.03, 0.12))
            rows.append(EnterpriseYear(enterprise=e, year=year, revenue_yuan=round(grown, 2),
                                       tax_yuan=round(grown * Decimal(rng.uniform(0.02, 0.05)), 2),
                                       output_yuan=round(grown * Decimal(rng.uniform(1.0, 1.2)), 2),
                                       patents=rng.randint(0, 6), standards=rng.choice([0, 0, 0, 1])))
    EnterpriseYear.objects.bulk_create(rows, batch_size=500)
    named = w.enterprises_by_name
    # 恒安纸业: 9 production lines, 1,800 t a month, 40 % of Xinjiang's paper market; 2024: 4.1 亿, tax 1,471 万.
    EnterpriseYear.objects.update_or_create(enterprise=named["恒安纸业"], year=2024, defaults={
        "revenue_yuan": Decimal("410000000"), "tax_yuan": Decimal("14710000"),
        "notes": "9条生产线，月产1800吨，占新疆纸品市场40%"})
    EnterpriseYear.objects.update_or_create(enterprise=named["恒泰建材"], year=2024, defaults={
        "patents": 24, "standards": 2, "notes": "与同济大学、新疆工程学院产学研合作，成果转化收益250万元"})


def _chains(builder):
    """Four chains, each with its leader, a joint party committee and supply links; the local
    links cost 15–20 % less logistics than buying from outside did."""
    rng, w = builder.rng, builder.world
    w.chains = {}
    above = w.enterprises[len(CHAINS):ABOVE_SCALE]
    small = [e for e in w.enterprises[ABOVE_SCALE:] if e.operating]
    links = []
    for name, leader_name, industry, supplies in CHAINS:
        leader = w.enterprises_by_name[leader_name]
        committee = PartyOrganization.objects.create(
            name=f"{name}产业链联合党委", kind=OrganizationKind.CHAIN_COMMITTEE, unit=w.changji, parent=w.changji_committee)
        chain = Chain.objects.create(zone=w.changji, name=name, leader=leader, committee=committee,
                                     description=f"以{leader_name}为链主，上下游企业党组织共建")
        size = CHAIN_SIZES[name]
        members = rng.sample(above, size // 2) + rng.sample(small, size - size // 2)
        chain.members.set([leader, *members])
        w.chains[name] = chain
        for k, supplier in enumerate(members):
            value = Decimal(rng.randint(20, 800)) * 10_000
            before = round(value * Decimal(rng.uniform(0.05, 0.09)), 2)
            buyer = leader if k % 3 else rng.choice([leader, *members[:k]] if k else [leader])
            links.append(ChainLink(chain=chain, supplier=supplier, buyer=buyer, product=supplies[k % len(supplies)],
                                   yearly_volume=rng.randint(100, 5000), volume_unit="吨", yearly_value_yuan=value,
                                   logistics_before_yuan=before,
                                   logistics_after_yuan=round(before * Decimal(1 - rng.uniform(0.15, 0.20)), 2)))
        for k in range(3):  # still bought from outside the park
            value = Decimal(rng.randint(100, 900)) * 10_000
            cost = round(value * Decimal(rng.uniform(0.05, 0.09)), 2)
            product = supplies[k % len(supplies)]
            links.append(ChainLink(chain=chain, outside_supplier=f"{OUTSIDE_REGIONS[k]}{product}供应商（疆外）",
                                   buyer=leader, product=product, yearly_volume=rng.randint(100, 5000),
                                   volume_unit="吨", yearly_value_yuan=value, logistics_before_yuan=cost,
                                   logistics_after_yuan=cost))
    ChainLink.objects.bulk_create(links)


def _partners_and_projects(builder):
    w = builder.world
    w.partners = {}
    for kind, name, services in PARTNERS:
        partner = Partner.objects.create(zone=w.changji, kind=kind, name=name)
        PartnerService.objects.bulk_create([PartnerService(partner=partner, kind=k, text=t) for k, t in services])
        w.partners[name] = partner
    hengtai = w.enterprises_by_name["恒泰建材"]
    # 24 patents, 2 national industry standards, 2.5 million yuan from the results.
    Project.objects.create(enterprise=hengtai, university=w.partners["同济大学"], title="工业固废制备新型墙体材料",
                           started_on=datetime.date(2019, 3, 1), patents=15, standards=1,
                           revenue_yuan=Decimal("1500000"))
    Project.objects.create(enterprise=hengtai, university=w.partners["新疆工程学院"], title="蒸压加气混凝土工艺优化",
                           started_on=datetime.date(2020, 9, 1), patents=9, standards=1, revenue_yuan=Decimal("1000000"))


def _area_leads(builder):
    """红色帮扶网: eight veteran members of the federation branch, each leading a group."""
    rng, w = builder.rng, builder.world
    veterans = PartyMember.objects.bulk_create([
        PartyMember(name=builder.fake.name(), gender=rng.choice("MF"), organization=w.federation_branch,
                    employment=Employment.RETIRED, joined_on=_date_between(rng, datetime.date(1975, 1, 1),
                                                                           datetime.date(1995, 1, 1)))
        for _i in range(8)])
    operating = [e for e in w.enterprises if e.operating]
    w.area_leads = []
    visits = []
    for n, member in enumerate(veterans):
        area = w.changji_areas[n % len(w.changji_areas)]
        lead = AreaLead.objects.create(zone=w.changji, member=member, area=f"{area.name}帮扶组",
                                       since=datetime.date(2023, 3, 1))
        group = [e for e in operating if e.unit_id == area.pk][n // len(w.changji_areas)::2][:20]
        lead.enterprises.set(group)
        w.area_leads.append(lead)
        for e in group[:6]:
            visits.append(LeadVisit(lead=lead, enterprise=e, visited_on=_date_between(
                rng, builder.today - datetime.timedelta(days=180), builder.today), notes="走访了解企业生产经营和用工情况"))
    LeadVisit.objects.bulk_create(visits)


def _evaluations(builder):
    w = builder.world
    items = EvaluationItem.objects.bulk_create([
        EvaluationItem(zone=w.changji, position=i + 1, text=text, points=20) for i, text in enumerate(FIVE_GOOD)])
    year = builder.today.year - 1
    for chain in w.chains.values():
        org = chain.leader.party_org
        missed = builder.rng.randrange(len(items) + 1)  # one item missed, or none
        evaluations.record_evaluation(org, year, [item for k, item in enumerate(items) if k != missed],
                                      by=w.park_staff)


def _logins(builder):
    """demo-changji (the zone's admin) and demo-liaison (恒安纸业's liaison, moved to this zone)."""
    w = builder.world
    # The demo logins' password (the demo app made it at step 58; this app does not import that one).
    known = User.objects.filter(username="demo-district").values_list("password", flat=True).first()
    password = known or make_password(None)
    admin = User.objects.create(username="demo-changji", display_name=builder.fake.name(), password=password)
    RoleAssignment.objects.create(user=admin, role=Role.DISTRICT_ADMIN).units.set([w.changji])
    w.park_staff = admin
    liaison = User.objects.filter(username="demo-liaison").first()
    if liaison is None:
        liaison = User.objects.create(username="demo-liaison", display_name=builder.fake.name(), password=password)
    RoleAssignment.objects.filter(user=liaison).delete()
    RoleAssignment.objects.create(user=liaison, role=Role.ENTERPRISE_LIAISON).units.set([w.changji])
    w.enterprises_by_name["恒安纸业"].liaisons.add(liaison)
    w.changji_liaison = liaison
