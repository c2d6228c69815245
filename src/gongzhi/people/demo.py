"""The demo world's agencies (16 departments, 8 utility units) and the accounts of the people who
work the grids: admins, secretaries, grid workers (一人多格), 1,104 professional grid workers and
75 三官一律."""
from django.contrib.auth.hashers import make_password

from .models import Agency, AgencyKind, LegalKind, Role, RoleAssignment, User, UtilityType

PROFESSIONAL_GRID_WORKERS = 1104  # 专业网格员1104人
LEGAL_OFFICERS = {LegalKind.POLICE: 31, LegalKind.JUDGE: 9, LegalKind.PROSECUTOR: 8, LegalKind.LAWYER: 27}  # 75

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
# Generated people sign in only if given a password (the demo logins are, at the end).
NO_PASSWORD = make_password(None)


def build_agencies(builder):
    w = builder.world
    agencies = [Agency(name=f"高新区{n}", kind=AgencyKind.DEPARTMENT, district=w.district) for n in DEPARTMENTS]
    agencies += [Agency(name=n, kind=AgencyKind.UTILITY, utility_type=t, district=w.district) for n, t in UTILITIES]
    w.agencies = Agency.objects.bulk_create(agencies)


def build_accounts(builder):
    rng, w = builder.rng, builder.world
    pending = []  # (user, role, [units], agency, legal_kind)

    def person(username, name):
        return User(username=username, display_name=name, password=NO_PASSWORD)

    admin = person("district-admin-1", builder.fake.name())
    pending.append((admin, Role.DISTRICT_ADMIN, [w.district], None, ""))
    for i, s in enumerate(w.streets, 1):
        pending.append((person(f"street-admin-{i}", builder.fake.name()), Role.STREET_ADMIN, [s], None, ""))
    for i, c in enumerate(w.communities, 1):
        pending.append((person(f"secretary-{i}", builder.fake.name()), Role.COMMUNITY_SECRETARY, [c], None, ""))

    # Grid workers: one per grid, but in some communities one worker holds two grids (一人多格).
    grids_by_community = {}
    for g in w.grids:
        grids_by_community.setdefault(g.parent_id, []).append(g)
    n = 0
    for community_grids in grids_by_community.values():
        chunks = [community_grids[:2]] + [[g] for g in community_grids[2:]] if len(community_grids) >= 6 else [[g] for g in community_grids]
        for chunk in chunks:
            n += 1
            pending.append((person(f"grid-worker-{n}", builder.fake.name()), Role.GRID_WORKER, chunk, None, ""))

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
        pending.append((person(f"pro-{i + 1}", builder.fake.name()), Role.PROFESSIONAL_GRID_WORKER, covered, agency, ""))

    # 三官一律: police, judges, prosecutors and lawyers attached to grids.
    n = 0
    for kind, count in LEGAL_OFFICERS.items():
        for _ in range(count):
            n += 1
            community_grids = grids_by_community[rng.choice(w.communities).pk]
            pending.append((person(f"legal-{n}", builder.fake.name()), Role.LEGAL_OFFICER, community_grids, None, kind))

    User.objects.bulk_create([p[0] for p in pending], batch_size=1000)
    assign_roles(pending)


def assign_roles(pending):
    """Role assignments (and their units) for [(user, role, units, agency, legal_kind)], in bulk."""
    assignments = RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=role, agency=agency, legal_kind=legal) for u, role, _, agency, legal in pending],
        batch_size=1000,
    )
    through = RoleAssignment.units.through
    through.objects.bulk_create(
        [through(roleassignment_id=a.pk, unit_id=unit.pk) for a, p in zip(assignments, pending) for unit in p[2]],
        batch_size=2000,
    )
