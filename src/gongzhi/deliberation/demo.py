"""The demo's deliberation and party life.

``build_party_life`` (order 65, after the party organizations, their instructors and the demo
logins): a year of 三会一课 for every party branch and building party group, recorded as held
meetings on the meeting machinery, with each member marked present (earning the format's study
hours) or absent with a reason. A few grid branches missed last month's 支部委员会, so the
behind-schedule list and the reminders have something to show, while every grid branch still
held a meeting in the last 90 days (all 121 count as really working).
"""
import datetime

from django.utils import timezone

from gongzhi.party.models import OrganizationKind, PartyMember, PartyOrganization

from .models import Attendance, Meeting, MeetingStatus, PartyCadence, SignInMethod
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
    pass
