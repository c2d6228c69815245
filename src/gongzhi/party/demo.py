"""The demo world's party organizations: working committees, community committees, 121 grid
branches (all functioning), 265 building party groups with their central households, members,
service activities, pioneer posts, 912 in-service members registered (双报到), and 466
party-building instructors."""
import datetime

from gongzhi.core.demo import spread
from gongzhi.people.demo import NO_PASSWORD, assign_roles
from gongzhi.people.models import AgencyKind, Role, User
from gongzhi.territory.models import Estate

from .models import (
    ActivityKind, DualReport, Employment, InstructorAssignment, MemberStatus, OrganizationActivity,
    OrganizationKind, PartyMember, PartyOrganization, PioneerPost,
)

GRID_BRANCHES = 121        # 网格(小区)党支部121个, all 实体化运行
BUILDING_GROUPS = 265      # 楼栋党小组265个
INSTRUCTORS = 466          # 网格党建指导员466人
DUAL_REPORT_MEMBERS = 912  # "900余名在职党员下沉网格"
SKILLS = ["法律咨询", "医疗健康", "教育辅导", "水电维修", "心理疏导", "政策宣讲", "文艺演出", "信息技术", "财务咨询", "环境整治"]
SERVICES = ["上门问诊", "帮办代办", "义务辅导", "矛盾调解", "卫生清扫", "政策宣传", "助老服务", "微幸福项目"]
SERVICE_TITLES = ["网格志愿服务", "党员先锋岗服务日", "助老帮扶走访", "环境卫生整治", "政策宣讲进楼栋"]


def build_party(builder):
    rng, w = builder.rng, builder.world
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
            members.append(_member(builder, b, employment))
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

    # Service activities, hand-entered (组织生活记录). The statutory meetings (三会一课) are
    # recorded as meetings by the deliberation app's demo step, and only those count for the
    # really-working rule.
    activities = []
    for b in branches:
        for quarter in range(4):
            held = builder.today - datetime.timedelta(days=91 * quarter + rng.randint(0, 60))
            title = rng.choice(SERVICE_TITLES)
            activities.append(OrganizationActivity(organization=b, kind=ActivityKind.SERVICE, title=f"{held:%Y年%m月}{title}",
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
    reporters = [_member(builder, rng.choice(dept_branches), Employment.IN_SERVICE, work_unit=None) for _ in range(DUAL_REPORT_MEMBERS)]
    for m in reporters:
        m.work_unit = work_units[m.organization_id]
    reporters = PartyMember.objects.bulk_create(reporters, batch_size=2000)
    reports = []
    for m in reporters:
        grid = rng.choice(w.grids)
        reports.append(DualReport(member=m, community_id=grid.parent_id, grid=grid,
                                  skills="、".join(rng.sample(SKILLS, 2)), services="、".join(rng.sample(SERVICES, 2)),
                                  registered_on=builder.today - datetime.timedelta(days=rng.randint(10, 700))))
    DualReport.objects.bulk_create(reports, batch_size=2000)


def _member(builder, organization, employment, work_unit="济宁高新区"):
    gender = builder.rng.choice("MF")
    return PartyMember(
        name=builder.fake.name_male() if gender == "M" else builder.fake.name_female(), gender=gender,
        phone=builder.fake.phone_number(), organization=organization,
        status=MemberStatus.PROBATIONARY if builder.rng.random() < 0.05 else MemberStatus.FULL,
        employment=employment,
        work_unit=(work_unit or "") if employment == Employment.IN_SERVICE else "",
        joined_on=datetime.date(builder.rng.randint(1975, 2024), builder.rng.randint(1, 12), 1),
    )


def build_instructors(builder):
    """Party-building instructors: 3 or 4 for each grid branch (466 in all)."""
    rng, w = builder.rng, builder.world
    instructors_per_branch = spread(INSTRUCTORS, len(w.branches), rng)
    pending, links = [], []
    n = 0
    for branch, count in zip(w.branches, instructors_per_branch):
        for _ in range(count):
            n += 1
            user = User(username=f"instructor-{n}", display_name=builder.fake.name(), password=NO_PASSWORD)
            pending.append((user, Role.INSTRUCTOR, [branch.unit], None, ""))
            links.append((user, branch))
    User.objects.bulk_create([p[0] for p in pending], batch_size=1000)
    assign_roles(pending)
    InstructorAssignment.objects.bulk_create(
        [InstructorAssignment(instructor=u, branch=branch, since=builder.today - datetime.timedelta(days=rng.randint(30, 900)))
         for u, branch in links], batch_size=2000,
    )
