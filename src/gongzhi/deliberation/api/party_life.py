"""API: party organizational life (三会一课) — statutory meetings, members' attendance, the
organizations behind schedule, study hours. Scoped like the pages (out of scope is 404 like
missing); every write goes through services.party_life.

Recording a member's attendance is an upsert of one mark per member and meeting: sending the
same request again leaves the same state, so it needs no Idempotency-Key.
"""
import datetime
from decimal import Decimal
from typing import Optional

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from gongzhi.api.common import answers, pk_page
from gongzhi.api.schemas import Page
from gongzhi.core.errors import DomainError
from gongzhi.party.models import PartyMember

from ..models import Attendance, Meeting, MeetingStatus, Purpose
from ..services import party_life

router = Router(tags=["party life"])


class PartyMeetingOut(Schema):
    id: int
    organization_id: int
    organization: str
    format: str
    format_name: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    status: str
    present: int
    absent: int


class PartyMeetingPage(Page):
    items: list[PartyMeetingOut]


class MemberMarkOut(Schema):
    member_id: int
    name: str
    present: bool
    absence_reason: str
    study_hours: Decimal


class PartyMeetingDetail(PartyMeetingOut):
    minutes: str
    # Everyone's marks for those who run the meeting; a member sees only their own.
    attendance: list[MemberMarkOut]


class AttendanceIn(Schema):
    member_id: int
    present: bool
    absence_reason: str = ""


class MissedOut(Schema):
    format: str
    format_name: str
    every_months: int
    missed_periods: list[datetime.date]


class BehindOut(Schema):
    organization_id: int
    organization: str
    unit_code: str
    missed: list[MissedOut]


class BehindList(Schema):
    items: list[BehindOut]


class StudyHoursOut(Schema):
    member_id: int
    year: int
    study_hours: Decimal
    meetings_present: int
    meetings_absent: int


def _meetings(user):
    return (Meeting.objects.visible_to(user).filter(format__purpose=Purpose.PARTY, organization__isnull=False)
            .select_related("format", "organization")
            .annotate(n_present=Count("attendances", distinct=True,
                                      filter=Q(attendances__present=True, attendances__member__isnull=False)),
                      n_absent=Count("attendances", distinct=True,
                                     filter=Q(attendances__present=False, attendances__member__isnull=False))))


def meeting_out(m):
    return {"id": m.pk, "organization_id": m.organization_id, "organization": m.organization.name, "format": m.format.code,
            "format_name": m.format.name, "title": m.title, "starts_at": m.starts_at, "ends_at": m.ends_at, "place": m.place,
            "status": m.status, "present": m.n_present, "absent": m.n_absent}


def _detail(m, user):
    marks = Attendance.objects.filter(meeting=m, member__isnull=False).select_related("member").order_by("member_id")
    if not party_life.may_run(user, m.organization):
        marks = marks.filter(member__account=user)
    return {**meeting_out(m), "minutes": m.minutes, "attendance": [
        {"member_id": a.member_id, "name": a.member.name, "present": a.present, "absence_reason": a.absence_reason,
         "study_hours": a.study_hours} for a in marks]}


@router.get("/party/meetings", response=answers(PartyMeetingPage), summary="Statutory party meetings you can see (三会一课)")
def list_party_meetings(request, organization_id: int = 0, status: str = "", after: str = "", limit: int = 50):
    meetings = _meetings(request.auth)
    if organization_id:
        meetings = meetings.filter(organization_id=organization_id)
    if status:
        if status not in MeetingStatus.values:
            raise DomainError(_("Unknown status."), code="status", field="status")
        meetings = meetings.filter(status=status)
    rows, cursor = pk_page(meetings, after, limit)
    return {"items": [meeting_out(m) for m in rows], "next": cursor}


@router.get("/party/meetings/{meeting_id}", response=answers(PartyMeetingDetail), summary="One statutory meeting")
def get_party_meeting(request, meeting_id: int):
    return _detail(get_object_or_404(_meetings(request.auth), pk=meeting_id), request.auth)


@router.post("/party/meetings/{meeting_id}/attendance", response=answers(PartyMeetingDetail),
             summary="Mark a member present, or absent with a reason",
             description="One mark per member and meeting: sending it again changes the mark (no Idempotency-Key needed).")
def record_party_attendance(request, meeting_id: int, payload: AttendanceIn):
    user = request.auth
    meeting = get_object_or_404(_meetings(user), pk=meeting_id)
    member = PartyMember.objects.filter(pk=payload.member_id, organization_id=meeting.organization_id).first()
    if member is None:
        raise DomainError(_("Only members of the meeting's organization are marked here."), code="not_a_member",
                          field="member_id")
    party_life.record_member_attendance(meeting, member=member, present=payload.present,
                                        absence_reason=payload.absence_reason, by=user)
    return _detail(get_object_or_404(_meetings(user), pk=meeting_id), user)


@router.get("/party/behind", response=answers(BehindList), summary="Organizations behind schedule (三会一课)")
def list_party_behind(request):
    behind = party_life.behind_schedule(request.auth, timezone.localdate())
    return {"items": [{"organization_id": b.organization.pk, "organization": b.organization.name,
                       "unit_code": b.organization.unit.code,
                       "missed": [{"format": c.format.code, "format_name": c.format.name, "every_months": c.every_months,
                                   "missed_periods": c.missed} for c in b.cadences]} for b in behind]}


@router.get("/party/members/{member_id}/study-hours", response=answers(StudyHoursOut), summary="A member's study hours in a year")
def get_study_hours(request, member_id: int, year: Optional[int] = None):
    user = request.auth
    member = get_object_or_404(party_life.visible_members(user), pk=member_id)
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise DomainError(_("The year is out of range."), code="year", field="year")
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    held = Attendance.objects.filter(member=member, meeting__status=MeetingStatus.HELD, meeting__starts_at__gte=start,
                                     meeting__starts_at__lt=end)
    return {"member_id": member.pk, "year": year, "study_hours": party_life.study_hours(member, year),
            "meetings_present": held.filter(present=True).count(), "meetings_absent": held.filter(present=False).count()}
