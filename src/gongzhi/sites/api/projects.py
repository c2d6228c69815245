"""API: 微幸福 micro projects (/api/v1/services/projects...).

Projects are found through MicroProject.objects.visible_to (out of scope is 404 like missing);
the rules are services/projects.py. ``POST /projects`` and ``POST /projects/from-decision``
honour Idempotency-Key like POST /cases. Photos are added on the page (multipart), as for
decisions. The lead appears as ids and a party branch, not by name.
"""
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404
from ninja import Header, Router, Schema, Status
from pydantic import Field

from gongzhi.api import idempotency
from gongzhi.api.common import answers, pk_page
from gongzhi.api.schemas import Id, Page, Text
from gongzhi.core.scoping import under_codes_q
from gongzhi.core.text import LONG_TEXT
from gongzhi.party.models import PartyMember

from ..models import MicroProject, Milestone, ProjectPerson, ProjectStatus, ProjectUpdate
from ..services import projects as rules

router = Router()

Yuan = Optional[Decimal]


def _limit(model, name):
    return model._meta.get_field(name).max_length


def _yuan():
    return Field(None, ge=0, max_digits=12, decimal_places=2)


class ProjectIn(Schema):
    unit_code: Text(18)
    title: Text(_limit(MicroProject, "title"))
    plan: Text(LONG_TEXT)
    lead_id: Optional[Id] = None
    budget_yuan: Yuan = _yuan()
    beneficiaries: Text(_limit(MicroProject, "beneficiaries")) = ""
    starts_on: Optional[date] = None
    due_on: Optional[date] = None


class FromDecisionIn(Schema):
    decision_id: Id
    title: Optional[Text(_limit(MicroProject, "title"))] = None
    budget_yuan: Yuan = _yuan()
    due_on: Optional[date] = None


class ProgressIn(Schema):
    percent: int = Field(strict=True, ge=0, le=100)
    note: Text(LONG_TEXT) = ""
    spent_yuan: Yuan = _yuan()


class MilestoneIn(Schema):
    title: Text(_limit(Milestone, "title"))
    due_on: date


class MilestoneDoneIn(Schema):
    milestone_id: Id
    on: Optional[date] = None


class PersonIn(Schema):
    member_id: Optional[Id] = None
    volunteer_id: Optional[Id] = None
    role: Text(_limit(ProjectPerson, "role")) = ""


class FinishIn(Schema):
    beneficiaries_count: int = Field(strict=True, ge=0, le=10_000_000)
    done_on: Optional[date] = None
    spent_yuan: Yuan = _yuan()


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: date
    done_on: Optional[date] = None


class ProjectUpdateOut(Schema):
    percent: int
    note: str
    at: datetime
    photos: int


class ProjectPersonOut(Schema):
    member_id: Optional[int] = None
    volunteer_id: Optional[int] = None
    role: str


class ProjectOut(Schema):
    id: int
    unit_code: str
    title: str
    plan: str
    status: str
    percent: int
    lead_id: Optional[int] = None
    lead_branch: str
    decision_id: Optional[int] = None
    budget_yuan: Decimal
    spent_yuan: Decimal
    beneficiaries: str
    beneficiaries_count: int
    starts_on: Optional[date] = None
    due_on: Optional[date] = None
    done_on: Optional[date] = None


class ProjectDetail(ProjectOut):
    milestones: list[MilestoneOut]
    people: list[ProjectPersonOut]
    updates: list[ProjectUpdateOut]


class ProjectPage(Page):
    items: list[ProjectOut]


RELATED = ("unit", "lead__organization")


def project_out(p):
    return {
        "id": p.pk, "unit_code": p.unit.code, "title": p.title, "plan": p.plan, "status": p.status, "percent": p.percent,
        "lead_id": p.lead_id, "lead_branch": p.lead.organization.name if p.lead_id else "", "decision_id": p.decision_id,
        "budget_yuan": p.budget_yuan, "spent_yuan": p.spent_yuan, "beneficiaries": p.beneficiaries,
        "beneficiaries_count": p.beneficiaries_count, "starts_on": p.starts_on, "due_on": p.due_on, "done_on": p.done_on,
    }


def project_detail(p):
    data = project_out(p)
    data["milestones"] = [{"id": m.pk, "title": m.title, "due_on": m.due_on, "done_on": m.done_on}
                          for m in Milestone.objects.filter(project=p).order_by("due_on", "pk")]
    data["people"] = [{"member_id": x.member_id, "volunteer_id": x.volunteer_id, "role": x.role}
                      for x in ProjectPerson.objects.filter(project=p).order_by("pk")]
    data["updates"] = [{"percent": u.percent, "note": u.note, "at": u.at, "photos": u.n_photos}
                       for u in ProjectUpdate.objects.filter(project=p).order_by("at", "pk").annotate(n_photos=Count("photos"))]
    return data


def visible_project(user, project_id):
    return get_object_or_404(MicroProject.objects.visible_to(user).select_related(*RELATED), pk=project_id)


def _detail(user, project_id):
    return project_detail(visible_project(user, project_id))


@router.get("/projects", response=answers(ProjectPage), summary="Micro projects (微幸福) of your zone")
def list_projects(request, status: str = "", unit: str = "", after: str = "", limit: int = 50):
    found = MicroProject.objects.visible_to(request.auth).select_related(*RELATED)
    if status:
        found = found.filter(status__in=[s for s in status.split(",") if s in ProjectStatus.values])
    if unit:
        found = found.filter(under_codes_q("unit__code", [unit[:18]]))
    rows, cursor = pk_page(found, after, limit)
    return {"items": [project_out(p) for p in rows], "next": cursor}


PROPOSE = "POST /services/projects"
FROM_DECISION = "POST /services/projects/from-decision"


def _idempotent(request, idempotency_key, payload, operation, create):
    """Run ``create()`` (returns the new project's pk) once per Idempotency-Key, like POST /cases."""
    user = request.auth
    key = idempotency.clean_key(idempotency_key)
    request_hash = idempotency.fingerprint(payload) if key else ""
    if key:
        done = idempotency.find(user, key, operation, request_hash)
        if done:
            return Status(done.status, done.body)
    with transaction.atomic():
        done = idempotency.claim(user, key, operation, request_hash) if key else None
        if done:
            return Status(done.status, done.body)
        pk = create()
        body = ProjectDetail.model_validate(_detail(user, pk)).model_dump(mode="json")
        if key:
            idempotency.finish(user, key, operation, 201, body)
    return Status(201, body)


KEY_HEADER = dict(alias=idempotency.HEADER, max_length=idempotency.KEY_MAX_LENGTH,
                  description="Any string of at most 100 characters, new for each new project (e.g. a UUID).")


@router.post("/projects", response=answers(ProjectDetail, 201, 422),
             summary="Propose a micro project (an in-service party member who reported, or staff; honours Idempotency-Key)")
def propose_project(request, payload: ProjectIn, idempotency_key: Optional[str] = Header(None, **KEY_HEADER)):
    user = request.auth
    # A unit one may not propose for answers like a missing one.
    unit = get_object_or_404(rules.proposal_units(user), code=payload.unit_code)
    lead = get_object_or_404(PartyMember.objects.visible_to(user), pk=payload.lead_id) if payload.lead_id else None

    def create():
        return rules.propose_project(unit=unit, title=payload.title, plan=payload.plan, by=user, lead=lead,
                                     budget_yuan=payload.budget_yuan, beneficiaries=payload.beneficiaries,
                                     starts_on=payload.starts_on, due_on=payload.due_on).pk
    return _idempotent(request, idempotency_key, payload, PROPOSE, create)


@router.post("/projects/from-decision", response=answers(ProjectDetail, 201, 422),
             summary="Open a micro project for a deliberation decision's work (staff; honours Idempotency-Key)")
def open_project_from_decision(request, payload: FromDecisionIn, idempotency_key: Optional[str] = Header(None, **KEY_HEADER)):
    from gongzhi.deliberation.models import Decision

    user = request.auth
    decision = get_object_or_404(Decision.objects.visible_to(user).select_related("meeting__unit", "item", "member"),
                                 pk=payload.decision_id)

    def create():
        return rules.open_from_decision(decision, by=user, title=payload.title, budget_yuan=payload.budget_yuan,
                                        due_on=payload.due_on).pk
    return _idempotent(request, idempotency_key, payload, FROM_DECISION, create)


# After /projects/from-decision: ninja matches paths in order, and {project_id} would take it.
@router.get("/projects/{project_id}", response=answers(ProjectDetail), summary="A micro project with milestones, people and progress")
def get_project(request, project_id: int):
    return _detail(request.auth, project_id)


@router.post("/projects/{project_id}/approve", response=answers(ProjectDetail, 200, 422), summary="Approve a proposed project (staff)")
def approve_project(request, project_id: int):
    rules.approve_project(visible_project(request.auth, project_id), by=request.auth)
    return _detail(request.auth, project_id)


@router.post("/projects/{project_id}/progress", response=answers(ProjectDetail, 200, 422),
             summary="Report progress and the money spent so far (photos on the page)")
def report_project_progress(request, project_id: int, payload: ProgressIn):
    rules.report_progress(visible_project(request.auth, project_id), percent=payload.percent, note=payload.note,
                          by=request.auth, spent_yuan=payload.spent_yuan)
    return _detail(request.auth, project_id)


@router.post("/projects/{project_id}/milestones", response=answers(ProjectDetail, 200, 422), summary="Add a milestone")
def add_project_milestone(request, project_id: int, payload: MilestoneIn):
    rules.add_milestone(visible_project(request.auth, project_id), title=payload.title, due_on=payload.due_on, by=request.auth)
    return _detail(request.auth, project_id)


@router.post("/projects/{project_id}/milestones/done", response=answers(ProjectDetail, 200, 422),
             summary="Mark one of the project's milestones done")
def complete_project_milestone(request, project_id: int, payload: MilestoneDoneIn):
    found = visible_project(request.auth, project_id)
    milestone = get_object_or_404(Milestone.objects.filter(project=found), pk=payload.milestone_id)
    rules.complete_milestone(milestone, by=request.auth, on=payload.on)
    return _detail(request.auth, project_id)


@router.post("/projects/{project_id}/people", response=answers(ProjectDetail, 200, 422),
             summary="Put a party member or a volunteer on the project")
def add_project_person(request, project_id: int, payload: PersonIn):
    user = request.auth
    found = visible_project(user, project_id)
    member = get_object_or_404(rules.addable_members(found, user), pk=payload.member_id) if payload.member_id else None
    volunteer = get_object_or_404(rules.addable_volunteers(found, user), pk=payload.volunteer_id) if payload.volunteer_id else None
    rules.add_person(found, by=user, member=member, volunteer=volunteer, role=payload.role)
    return _detail(user, project_id)


@router.post("/projects/{project_id}/finish", response=answers(ProjectDetail, 200, 422),
             summary="Mark the project done, with the number of people reached")
def finish_project(request, project_id: int, payload: FinishIn):
    rules.finish_project(visible_project(request.auth, project_id), by=request.auth,
                         beneficiaries_count=payload.beneficiaries_count, done_on=payload.done_on,
                         spent_yuan=payload.spent_yuan)
    return _detail(request.auth, project_id)
