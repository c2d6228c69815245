"""微幸福 micro projects: small community projects led by in-service party members.

The lead is shown apart from the people on a project (``ProjectPerson``: members and
volunteers who work on it, added by ``add_person``); the lead is not added there by itself.

- ``propose_project``: an in-service party member registered with the community (双报到, a
  ``DualReport``) proposes for their grid or community and leads it; staff of a unit propose
  for it and may name such a member as the lead. A proposal waits for staff approval.
- ``open_from_decision``: a deliberation decision opens a project for its work; the meeting
  decided, so it starts approved. One live project per decision.
  The member a decision names to carry it out leads its project.
- ``approve_project`` (staff of the unit), then people, milestones and progress reports with
  photos and the money spent, by the lead or staff; ``finish_project`` records the people
  reached and the day it was done.

Who may run a project (``may_manage``): staff of its unit (SITE_STAFF_ROLES) and the lead
member's own account. Spending over the budget is allowed (real projects overrun) and shown as
such, never hidden. The public notice shows projects without a person's name (see
``public_projects``).
"""
import datetime
import decimal
import functools

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.photos import delete_files, prepare_photos, write_photo
from gongzhi.core import outbox
from gongzhi.core.errors import DomainError
from gongzhi.core.scoping import under_codes_q, user_covers
from gongzhi.core.text import clean_field
from gongzhi.party.models import DualReport, Employment, PartyMember
from gongzhi.territory.models import CODE_LENGTH, Level

from ..models import (SITE_STAFF_ROLES, Milestone, MicroProject, ProjectPerson, ProjectPhoto, ProjectStatus,
                      ProjectUpdate, Volunteer)

NOTICES = {
    "sites.project_proposed": _("A micro project was proposed: “%(title)s”."),
    "sites.project_approved": _("The micro project “%(title)s” was approved."),
    "sites.project_progress": _("Progress on the micro project “%(title)s”: %(percent)s %%."),
    "sites.project_done": _("The micro project “%(title)s” is done."),
}

# Units a project belongs to: a grid or a community (a street's projects are its communities').
PROJECT_LEVELS = (Level.COMMUNITY, Level.GRID)
# The states in which the work goes on (people, milestones, progress may be added).
RUNNING = (ProjectStatus.APPROVED, ProjectStatus.UNDER_WAY)
MAX_YUAN = decimal.Decimal("9999999999.99")  # the columns' 12 digits, 2 after the point


# --- who may do what ------------------------------------------------------------------------

def is_staff_of(project_or_unit, user):
    unit = getattr(project_or_unit, "unit", project_or_unit)
    return user_covers(user, unit.code, SITE_STAFF_ROLES)


def may_manage(project, user):
    """Staff of the project's unit, or the lead member's own account."""
    if is_staff_of(project, user):
        return True
    return bool(project.lead_id and user.is_authenticated and project.lead.account_id == user.pk)


def own_member(user):
    """The in-service party member whose account this is and who reported to a community (双报到), or None."""
    if user is None or not user.is_authenticated:
        return None
    return (PartyMember.objects.filter(account=user, employment=Employment.IN_SERVICE, dual_report__isnull=False)
            .select_related("dual_report", "organization").first())


def _check_lead(lead, unit):
    """A lead is an in-service party member who reported (双报到) to the project's community."""
    if lead is None:
        return None
    report = DualReport.objects.filter(member=lead).select_related("community").first()
    if lead.employment != Employment.IN_SERVICE or report is None:
        raise DomainError(_("The lead must be an in-service party member registered with the community (双报到)."),
                          code="lead", field="lead")
    if not (unit.code.startswith(report.community.code) or report.community.code.startswith(unit.code)):
        raise DomainError(_("The lead reported to another community."), code="lead_community", field="lead")
    return lead


def _check_unit(unit, by, member):
    if unit is None or unit.level not in PROJECT_LEVELS:
        raise DomainError(_("Choose the grid or community the project is for."), code="unit", field="unit")
    if is_staff_of(unit, by):
        return
    report = getattr(member, "dual_report", None) if member is not None else None
    if report is not None and unit.code in (report.grid.code, report.community.code):
        return
    raise DomainError(_("Only an in-service party member registered with this community (双报到) or its staff may "
                        "propose a project here."), code="not_allowed", field="unit")


def _money(value, field):
    if value is None or value == "":
        return decimal.Decimal(0)
    try:
        amount = decimal.Decimal(str(value)).quantize(decimal.Decimal("0.01"))
    except (decimal.InvalidOperation, ValueError, TypeError):
        raise DomainError(_("Give an amount in yuan, like 1200 or 1200.50."), code="amount", field=field)
    if not amount.is_finite() or amount < 0 or amount > MAX_YUAN:
        raise DomainError(_("Give an amount in yuan, like 1200 or 1200.50."), code="amount", field=field)
    return amount


def _date(value, field):
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise DomainError(_("Give a date (YYYY-MM-DD)."), code="date", field=field)
    return value


def _announce(project, event, key, user_ids, params):
    user_ids = sorted({i for i in user_ids if i})
    if not user_ids:
        return
    outbox.enqueue("sites.announce", f"sites:{key}", {
        "model": "microproject", "pk": project.pk, "event": event, "key": key, "user_ids": user_ids, "params": params})


def _told(project):
    """Who hears about a project: whoever created it, the lead, and the members and volunteers on it."""
    ids = {project.created_by_id}
    if project.lead_id:
        ids.add(PartyMember.objects.filter(pk=project.lead_id).values_list("account_id", flat=True).first())
    for member_account, volunteer_account in ProjectPerson.objects.filter(project=project).values_list(
            "member__account_id", "volunteer__user_id"):
        ids.update((member_account, volunteer_account))
    return ids


def _take_lock(model, pk, field):
    """Take the row's write lock with a no-op UPDATE first: on PostgreSQL it locks the row, on
    SQLite (where SELECT ... FOR UPDATE does nothing) it takes the database's write lock, so
    writers queue before either has read anything (the bookings of a room do the same)."""
    model.objects.filter(pk=pk).update(**{field: F(field)})


def _locked(project):
    _take_lock(MicroProject, project.pk, "percent")
    return MicroProject.objects.select_for_update(of=("self",)).select_related("unit", "lead").get(pk=project.pk)


def _require_manager(project, by):
    if not may_manage(project, by):
        raise DomainError(_("Only the project's lead or staff of its unit may do this."), code="not_allowed")


def _require_running(project):
    if project.status not in RUNNING:
        raise DomainError(_("This project is not under way: approve it first, or it is closed."), code="not_running")


# --- proposing and opening ------------------------------------------------------------------

def propose_project(*, unit, title, plan, by, lead=None, budget_yuan=0, beneficiaries="", starts_on=None, due_on=None,
                    now=None):
    """A project proposed for ``unit`` (a grid or community), waiting for staff approval.

    An in-service member proposing leads it themself (``lead`` may be left out); staff may name
    a lead or leave the project to the unit's staff.
    """
    member = own_member(by)
    if lead is None and member is not None and not is_staff_of(unit, by):
        lead = member
    _check_unit(unit, by, member)
    if lead is not None and not is_staff_of(unit, by) and (member is None or lead.pk != member.pk):
        raise DomainError(_("A party member proposes a project they lead themself."), code="lead", field="lead")
    _check_lead(lead, unit)
    title = clean_field(MicroProject, "title", title, required=True)
    plan = clean_field(MicroProject, "plan", plan, required=True)
    beneficiaries = clean_field(MicroProject, "beneficiaries", beneficiaries)
    budget = _money(budget_yuan, "budget_yuan")
    starts_on, due_on = _date(starts_on, "starts_on"), _date(due_on, "due_on")
    if starts_on and due_on and due_on < starts_on:
        raise DomainError(_("The project cannot be due before it starts."), code="due_on", field="due_on")
    with transaction.atomic():
        project = MicroProject.objects.create(unit=unit, title=title, plan=plan, lead=lead, budget_yuan=budget,
                                              beneficiaries=beneficiaries, starts_on=starts_on, due_on=due_on,
                                              created_by=by, created_at=now or timezone.now())
        # The staff of the unit hear of it, to approve it.
        from gongzhi.people.models import RoleAssignment
        staff = (RoleAssignment.objects.filter(role__in=SITE_STAFF_ROLES, user__is_active=True,
                                               units__code__in=_codes_above(unit.code))
                 .values_list("user_id", flat=True).distinct())
        _announce(project, "sites.project_proposed", f"project:{project.pk}:proposed",
                  [i for i in staff if i != by.pk], {"title": project.title})
    return project


def _codes_above(code):
    return sorted({code[:n] for n in CODE_LENGTH.values() if n <= len(code)})


def open_from_decision(decision, *, by, title=None, lead=None, budget_yuan=0, plan=None, due_on=None):
    """A project for a deliberation decision's work, approved at once (the meeting decided it).

    Staff of the meeting's unit open it; the project belongs to the meeting's unit (its grid or
    community) and links the decision, whose page and the public notice then show it.
    """
    from gongzhi.deliberation.models import DecisionStatus

    meeting = decision.meeting
    unit = meeting.unit
    if not is_staff_of(unit, by):
        raise DomainError(_("Only staff of the meeting's unit may open a project from its decision."), code="not_staff")
    if unit.level not in PROJECT_LEVELS:
        raise DomainError(_("Choose the grid or community the project is for."), code="unit", field="unit")
    if decision.status == DecisionStatus.CANCELLED:
        raise DomainError(_("This decision is cancelled."), code="decision_closed")
    if lead is None and decision.member_id:
        lead = decision.member
    # The party member the meeting named to carry the decision out may lead its project even
    # without a 双报到 registration: the meeting chose them. Anyone else is checked as usual.
    if lead is not None and lead.pk != decision.member_id:
        _check_lead(lead, unit)
    default_title = (decision.item.title if decision.item_id else "") or decision.what
    title = clean_field(MicroProject, "title", (title or default_title)[:100], required=True)
    plan = clean_field(MicroProject, "plan", plan or decision.what, required=True)
    budget = _money(budget_yuan, "budget_yuan")
    with transaction.atomic():
        # The decision's row lock: two staff opening a project for it at once open one.
        _take_lock(type(decision), decision.pk, "percent")
        if MicroProject.objects.filter(decision=decision).exclude(status=ProjectStatus.CANCELLED).exists():
            raise DomainError(_("This decision has a micro project already."), code="project_exists")
        project = MicroProject.objects.create(unit=unit, title=title, plan=plan, lead=lead, decision=decision,
                                              budget_yuan=budget, status=ProjectStatus.APPROVED,
                                              starts_on=timezone.localdate(), due_on=_date(due_on, "due_on") or decision.due_on,
                                              created_by=by)
        _announce(project, "sites.project_approved", f"project:{project.pk}:approved", _told(project) - {by.pk},
                  {"title": project.title})
    return project


def approve_project(project, *, by):
    """Staff of the project's unit approve a proposal; the lead and the proposer are told."""
    if not is_staff_of(project, by):
        raise DomainError(_("Only staff of the project's unit may approve it."), code="not_staff")
    with transaction.atomic():
        project = _locked(project)
        if project.status != ProjectStatus.PROPOSED:
            raise DomainError(_("Only a proposed project can be approved."), code="not_proposed")
        project.status = ProjectStatus.APPROVED
        project.save(update_fields=["status"])
        _announce(project, "sites.project_approved", f"project:{project.pk}:approved", _told(project) - {by.pk},
                  {"title": project.title})
    return project


def cancel_project(project, *, by):
    """Staff drop a project that will not happen (a proposal not taken up, or work abandoned)."""
    if not is_staff_of(project, by):
        raise DomainError(_("Only staff of the project's unit may cancel it."), code="not_staff")
    with transaction.atomic():
        project = _locked(project)
        if project.status in (ProjectStatus.DONE, ProjectStatus.CANCELLED):
            raise DomainError(_("This project is closed."), code="closed")
        project.status = ProjectStatus.CANCELLED
        project.save(update_fields=["status"])
    return project


# --- people and milestones ------------------------------------------------------------------

def add_person(project, *, by, member=None, volunteer=None, role=""):
    """A party member or a volunteer works on the project (once each)."""
    _require_manager(project, by)
    if (member is None) == (volunteer is None):
        raise DomainError(_("Choose one party member or one volunteer."), code="person", field="member")
    role = clean_field(ProjectPerson, "role", role)
    zone = project.unit.code[: CODE_LENGTH[Level.DISTRICT]]
    if member is not None and not member.organization.unit.code.startswith(zone):
        raise DomainError(_("That party member belongs to another district."), code="person_zone", field="member")
    if volunteer is not None and not volunteer.unit.code.startswith(zone):
        raise DomainError(_("That volunteer belongs to another district."), code="person_zone", field="volunteer")
    with transaction.atomic():
        project = _locked(project)
        if project.status in (ProjectStatus.DONE, ProjectStatus.CANCELLED):
            raise DomainError(_("This project is closed."), code="closed")
        same = ProjectPerson.objects.filter(project=project, member=member) if member else ProjectPerson.objects.filter(
            project=project, volunteer=volunteer)
        if same.exists():
            raise DomainError(_("They are on this project already."), code="person_exists")
        return ProjectPerson.objects.create(project=project, member=member, volunteer=volunteer, role=role)


def add_milestone(project, *, title, due_on, by):
    _require_manager(project, by)
    title = clean_field(Milestone, "title", title, required=True)
    due_on = _date(due_on, "due_on")
    if due_on is None:
        raise DomainError(_("Give the date it is due."), code="required", field="due_on")
    with transaction.atomic():
        project = _locked(project)
        if project.status in (ProjectStatus.DONE, ProjectStatus.CANCELLED):
            raise DomainError(_("This project is closed."), code="closed")
        return Milestone.objects.create(project=project, title=title, due_on=due_on)


def complete_milestone(milestone, *, by, on=None):
    project = milestone.project
    _require_manager(project, by)
    on = _date(on, "on") or timezone.localdate()
    with transaction.atomic():
        project = _locked(project)
        _require_running(project)
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.done_on is None:
            milestone.done_on = on
            milestone.save(update_fields=["done_on"])
        return milestone


# --- progress and done ----------------------------------------------------------------------

def _photos_first(report):
    """Decode and re-encode photos before the transaction: a slow image must not hold the lock."""
    @functools.wraps(report)
    def with_prepared_photos(project, *, photos=(), **kwargs):
        return report(project, photos=prepare_photos(photos), **kwargs)
    return with_prepared_photos


@_photos_first
def report_progress(project, *, percent, note, by, photos=(), spent_yuan=None, now=None):
    """A progress report: percent done, a note, photos, and (if given) the money spent so far
    in total. The first report puts an approved project under way."""
    _require_manager(project, by)
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise DomainError(_("Progress is a whole percent from 0 to 100."), code="percent", field="percent")
    note = clean_field(ProjectUpdate, "note", note)
    spent = None if spent_yuan is None or spent_yuan == "" else _money(spent_yuan, "spent_yuan")
    written = []
    try:
        with transaction.atomic():
            project = _locked(project)
            _require_running(project)
            update = ProjectUpdate.objects.create(project=project, percent=percent, note=note, by=by,
                                                  at=now or timezone.now())
            for prepared in photos:
                write_photo(ProjectPhoto(update=update), prepared, written)
            project.percent, project.status = percent, ProjectStatus.UNDER_WAY
            fields = ["percent", "status"]
            if spent is not None:
                project.spent_yuan = spent
                fields.append("spent_yuan")
            project.save(update_fields=fields)
            _announce(project, "sites.project_progress", f"project:{project.pk}:progress:{update.pk}",
                      _told(project) - {by.pk}, {"title": project.title, "percent": percent})
            return update
    except BaseException:
        delete_files(written)
        raise


def finish_project(project, *, by, beneficiaries_count, done_on=None, spent_yuan=None, now=None):
    """The work is done: the people reached (a count, never names) and the day; 100 %."""
    _require_manager(project, by)
    if isinstance(beneficiaries_count, bool) or not isinstance(beneficiaries_count, int) or not (
            0 <= beneficiaries_count <= 10_000_000):
        raise DomainError(_("Give the number of people reached."), code="beneficiaries_count", field="beneficiaries_count")
    done_on = _date(done_on, "done_on") or timezone.localdate(now)
    spent = None if spent_yuan is None or spent_yuan == "" else _money(spent_yuan, "spent_yuan")
    with transaction.atomic():
        project = _locked(project)
        _require_running(project)
        if project.starts_on and done_on < project.starts_on:
            raise DomainError(_("The project cannot be done before it starts."), code="done_on", field="done_on")
        project.status, project.percent, project.done_on = ProjectStatus.DONE, 100, done_on
        project.beneficiaries_count = beneficiaries_count
        fields = ["status", "percent", "done_on", "beneficiaries_count"]
        if spent is not None:
            project.spent_yuan = spent
            fields.append("spent_yuan")
        project.save(update_fields=fields)
        _announce(project, "sites.project_done", f"project:{project.pk}:done", _told(project) - {by.pk},
                  {"title": project.title})
    return project


# --- what the public sees -------------------------------------------------------------------

PUBLIC_STATES = (ProjectStatus.APPROVED, ProjectStatus.UNDER_WAY, ProjectStatus.DONE)
PUBLIC_SHOWN = 100


def public_projects(unit):
    """The projects of ``unit`` (and the units under it) for the public notice (公示).

    Built from an allow-list of columns (``.values()``), never from the rows, so a column added
    later cannot leak. Who leads is shown as the lead's party branch, never the person; no
    people list, no notes, no photos (they may show people), no proposals not yet approved.
    """
    rows = list(MicroProject.objects.filter(under_codes_q("unit__code", [unit.code]), status__in=PUBLIC_STATES)
                .order_by("status", "-created_at", "pk")
                .values("pk", "title", "plan", "unit__name", "lead__organization__name", "decision_id", "budget_yuan",
                        "spent_yuan", "beneficiaries", "beneficiaries_count", "status", "percent", "starts_on",
                        "due_on", "done_on")[:PUBLIC_SHOWN])
    milestones = {}
    for project_id, title, due_on, done_on in (Milestone.objects.filter(project_id__in=[r["pk"] for r in rows])
                                               .order_by("due_on", "pk").values_list("project_id", "title", "due_on", "done_on")):
        milestones.setdefault(project_id, []).append({"title": title, "due_on": due_on, "done_on": done_on})
    return [{**row, "status_label": ProjectStatus(row["status"]).label, "branch": row["lead__organization__name"] or "",
             "over_budget": row["spent_yuan"] > row["budget_yuan"], "milestones": milestones.get(row["pk"], [])}
            for row in rows]


def proposal_units(user):
    """Grids and communities ``user`` may propose for: staff their scope's, a member their 双报到 ones."""
    from gongzhi.territory.models import Unit

    units = Unit.objects.none()
    codes = user.scope_codes(SITE_STAFF_ROLES)
    if codes:
        units = Unit.objects.filter(under_codes_q("code", codes), level__in=PROJECT_LEVELS)
    member = own_member(user)
    if member is not None:
        report = member.dual_report
        units = units | Unit.objects.filter(pk__in=[report.grid_id, report.community_id])
    return units.order_by("code")


def addable_members(project, user):
    """Party members ``user`` may put on a project: those of its district they can see, and for
    the lead (often a resident without a party role) the members of their own branch."""
    from django.db.models import Q

    zone = project.unit.code[: CODE_LENGTH[Level.DISTRICT]]
    allowed = Q(pk__in=PartyMember.objects.visible_to(user).values("pk"))
    if project.lead_id and user.is_authenticated and project.lead.account_id == user.pk:
        allowed |= Q(organization_id=project.lead.organization_id)
    return PartyMember.objects.filter(allowed).filter(under_codes_q("organization__unit__code", [zone]))


def addable_volunteers(project, user):
    """Volunteers ``user`` may put on a project: those of its district they can see (staff see their scope's)."""
    zone = project.unit.code[: CODE_LENGTH[Level.DISTRICT]]
    return Volunteer.objects.visible_to(user).filter(under_codes_q("unit__code", [zone]))


def people_choices(project, user):
    return {"members": addable_members(project, user).order_by("name")[:300],
            "volunteers": addable_volunteers(project, user).order_by("name")[:300]}
