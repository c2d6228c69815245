"""The JSON API at /api/v1/ (django-ninja; docs at /api/docs).

Thin on purpose: every read goes through the models' ``visible_to(user)``,
every write through the apps' services and ``cases.workflow.perform``, the
same functions the pages call. Out-of-scope objects answer 404 like missing
ones, and every 4xx has one shape: {"error": {"code", "message", "fields"}}.
"""
import base64
import datetime

from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Status
from ninja.openapi.docs import Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from gongzhi.cases import rates as case_rates
from gongzhi.cases import services as case_services
from gongzhi.cases import workflow
from gongzhi.cases.models import OPEN_STATUSES, Case, CaseRating, Category, Channel, RateDimension
from gongzhi.core.errors import DomainError
from gongzhi.core.paging import cursor_page
from gongzhi.core.ratelimit import intake
from gongzhi.core.scoping import under_codes_q
from gongzhi.dashboard.figures import compute_figures
from gongzhi.party.models import PartyMember, PartyOrganization
from gongzhi.people.models import Agency
from gongzhi.territory import services as territory_services
from gongzhi.territory.identity import mask_phone
from gongzhi.territory.models import CODE_LENGTH, Building, Estate, Household, Level, Resident, Unit

from . import schemas as s
from .models import IdempotencyRecord
from .services import user_for_token

MAX_LIMIT = 200


def answers(schema, ok=200, *more):
    """The documented answers of an operation: its success and the one error shape."""
    return {ok: schema, **{code: s.Error for code in (400, 401, 404, *more)}}


class TokenAuth(HttpBearer):
    def __call__(self, request):
        # Unlike the parent class, never log the header: it carries the token.
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="共治 Gongzhi API",
    version="1",
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs_url=None,  # served at /api/docs (see docs_page)
    description="Personal API tokens (Authorization: Bearer gz_…) or the browser session. "
                "Every list pages with a cursor (`next`); objects outside your scope answer 404.",
)


def error(request, status, code, message, fields=None):
    return api.create_response(request, {"error": {"code": code, "message": str(message), "fields": fields or {}}}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc):
    if isinstance(exc, workflow.CaseNotFound):
        return error(request, 404, "not_found", _("Not found."))
    status = 409 if isinstance(exc, workflow.Conflict) else 400
    fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {}
    return error(request, status, exc.domain_code, " ".join(str(m) for m in exc.messages), fields)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    fields = {}
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", [])]
        while loc and loc[0] in ("body", "query", "path", "header", "payload"):
            loc = loc[1:]  # where it came from is not part of the field's name
        name = ".".join(loc) or "body"
        fields.setdefault(name, []).append(item.get("msg", "invalid"))
    return error(request, 400, "invalid", _("Some fields are not valid."), fields)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error(request, 401, "not_authenticated", _("Sign in or send a valid API token."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    response = error(request, exc.status_code, getattr(exc, "code", "error"), exc.message)
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)
    return response


class TooManyRequests(HttpError):
    code = "rate_limited"

    def __init__(self, retry_after):
        super().__init__(429, _("Too many requests; try again in %(s)d seconds.") % {"s": retry_after})
        self.retry_after = retry_after


# --- paging --------------------------------------------------------------------

def pk_page(queryset, after, limit):
    """Keyset paging by primary key for the master data lists."""
    limit = max(1, min(limit, MAX_LIMIT))
    if after:
        try:
            queryset = queryset.filter(pk__gt=int(base64.urlsafe_b64decode(after + "==").decode()))
        except (ValueError, UnicodeDecodeError):
            raise HttpError(400, _("The cursor is not valid."))
    rows = list(queryset.order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = base64.urlsafe_b64encode(str(rows[-1].pk).encode()).decode().rstrip("=") if more else None
    return rows, cursor


# --- territory -------------------------------------------------------------------
territory = Router(tags=["territory"])


def unit_out(unit, detail=False):
    parent_code = unit.code[: CODE_LENGTH[Level(unit.level - 1)]] if unit.level > Level.DISTRICT else None
    data = {"code": unit.code, "name": unit.name, "level": unit.level, "level_name": str(Level(unit.level).label),
            "parent_code": parent_code}
    if detail:
        data["boundary"] = unit.boundary
    return data


@territory.get("/units", response=answers(s.UnitPage), summary="Territory units")
def list_units(request, prefix: str = "", level: int = 0, after: str = "", limit: int = 50):
    units = Unit.objects.visible_to(request.auth)
    if prefix:
        units = units.filter(under_codes_q("code", [prefix]))
    if level:
        units = units.filter(level=level)
    rows, cursor = pk_page(units, after, limit)
    return {"items": [unit_out(u) for u in rows], "next": cursor}


@territory.get("/units/{code}", response=answers(s.UnitDetail), summary="A territory unit with its GeoJSON boundary")
def get_unit(request, code: str):
    return unit_out(get_object_or_404(Unit.objects.visible_to(request.auth), code=code), detail=True)


@territory.get("/estates", response=answers(s.EstatePage))
def list_estates(request, unit: str = "", after: str = "", limit: int = 50):
    estates = Estate.objects.visible_to(request.auth).select_related("grid")
    if unit:
        estates = estates.filter(under_codes_q("grid__code", [unit]))
    rows, cursor = pk_page(estates, after, limit)
    return {"items": [estate_out(e) for e in rows], "next": cursor}


def estate_out(e):
    return {"id": e.pk, "name": e.name, "grid_code": e.grid.code, "address": e.address, "property_company": e.property_company}


@territory.get("/estates/{estate_id}", response=answers(s.EstateOut))
def get_estate(request, estate_id: int):
    return estate_out(get_object_or_404(Estate.objects.visible_to(request.auth).select_related("grid"), pk=estate_id))


def building_out(b):
    return {"id": b.pk, "estate_id": b.estate_id, "number": b.number, "micro_grid_code": b.micro_grid.code if b.micro_grid else None,
            "floors": b.floors, "lat": b.lat, "lng": b.lng}


@territory.get("/buildings", response=answers(s.BuildingPage))
def list_buildings(request, estate_id: int = 0, after: str = "", limit: int = 50):
    buildings = Building.objects.visible_to(request.auth).select_related("micro_grid")
    if estate_id:
        buildings = buildings.filter(estate_id=estate_id)
    rows, cursor = pk_page(buildings, after, limit)
    return {"items": [building_out(b) for b in rows], "next": cursor}


@territory.get("/buildings/{building_id}", response=answers(s.BuildingOut))
def get_building(request, building_id: int):
    return building_out(get_object_or_404(Building.objects.visible_to(request.auth).select_related("micro_grid"), pk=building_id))


@territory.get("/households", response=answers(s.HouseholdPage))
def list_households(request, building_id: int = 0, after: str = "", limit: int = 50):
    households = Household.objects.visible_to(request.auth)
    if building_id:
        households = households.filter(building_id=building_id)
    rows, cursor = pk_page(households, after, limit)
    return {"items": [{"id": h.pk, "building_id": h.building_id, "room": h.room} for h in rows], "next": cursor}


@territory.get("/households/{household_id}", response=answers(s.HouseholdOut))
def get_household(request, household_id: int):
    h = get_object_or_404(Household.objects.visible_to(request.auth), pk=household_id)
    return {"id": h.pk, "building_id": h.building_id, "room": h.room}


def resident_out(r):
    return {"id": r.pk, "household_id": r.household_id, "name": r.name, "gender": r.gender, "birth_date": r.birth_date,
            "id_number_masked": r.masked_id_number, "phone_masked": r.masked_phone, "is_household_head": r.is_household_head}


@territory.get("/residents", response=answers(s.ResidentPage), summary="Residents (ID numbers and phones masked)")
def list_residents(request, household_id: int = 0, unit: str = "", after: str = "", limit: int = 50):
    residents = Resident.objects.visible_to(request.auth)
    if household_id:
        residents = residents.filter(household_id=household_id)
    if unit:
        residents = residents.filter(under_codes_q("household__building__estate__grid__code", [unit]))
    rows, cursor = pk_page(residents, after, limit)
    return {"items": [resident_out(r) for r in rows], "next": cursor}


@territory.get("/residents/{resident_id}", response=answers(s.ResidentOut))
def get_resident(request, resident_id: int):
    return resident_out(get_object_or_404(Resident.objects.visible_to(request.auth), pk=resident_id))


@territory.post("/residents/{resident_id}/reveal", response=answers(s.RevealOut), summary="One personal field in full (logged)")
def reveal_resident_field(request, resident_id: int, payload: s.RevealIn):
    resident = get_object_or_404(Resident.objects.visible_to(request.auth), pk=resident_id)
    value = territory_services.reveal_personal_field(request.auth, resident, payload.field)
    return {"field": payload.field, "value": value}


# --- party and people ------------------------------------------------------------
party = Router(tags=["party"])


def organization_out(o):
    return {"id": o.pk, "name": o.name, "kind": o.kind, "unit_code": o.unit.code, "parent_id": o.parent_id,
            "secretary_id": o.secretary_id, "member_count": o.member_count, "is_working": o.is_working}


@party.get("/organizations", response=answers(s.OrganizationPage), summary="Party organizations, with the really-working rule")
def list_organizations(request, kind: str = "", unit: str = "", after: str = "", limit: int = 50):
    orgs = PartyOrganization.objects.visible_to(request.auth).with_working().select_related("unit")
    if kind:
        orgs = orgs.filter(kind=kind)
    if unit:
        orgs = orgs.filter(under_codes_q("unit__code", [unit]))
    rows, cursor = pk_page(orgs, after, limit)
    return {"items": [organization_out(o) for o in rows], "next": cursor}


@party.get("/organizations/{org_id}", response=answers(s.OrganizationOut))
def get_organization(request, org_id: int):
    qs = PartyOrganization.objects.visible_to(request.auth).with_working().select_related("unit")
    return organization_out(get_object_or_404(qs, pk=org_id))


def member_out(m):
    return {"id": m.pk, "name": m.name, "organization_id": m.organization_id, "status": m.status,
            "employment": m.employment, "work_unit": m.work_unit, "phone_masked": mask_phone(m.phone)}


@party.get("/members", response=answers(s.MemberPage))
def list_members(request, organization_id: int = 0, after: str = "", limit: int = 50):
    members = PartyMember.objects.visible_to(request.auth)
    if organization_id:
        members = members.filter(organization_id=organization_id)
    rows, cursor = pk_page(members, after, limit)
    return {"items": [member_out(m) for m in rows], "next": cursor}


@party.get("/members/{member_id}", response=answers(s.MemberOut))
def get_member(request, member_id: int):
    return member_out(get_object_or_404(PartyMember.objects.visible_to(request.auth), pk=member_id))


people = Router(tags=["agencies"])


def agency_out(a):
    return {"id": a.pk, "name": a.name, "kind": a.kind, "utility_type": a.utility_type}


@people.get("/agencies", response=answers(s.AgencyPage))
def list_agencies(request, kind: str = "", after: str = "", limit: int = 50):
    agencies = Agency.objects.visible_to(request.auth)
    if kind:
        agencies = agencies.filter(kind=kind)
    rows, cursor = pk_page(agencies, after, limit)
    return {"items": [agency_out(a) for a in rows], "next": cursor}


@people.get("/agencies/{agency_id}", response=answers(s.AgencyOut))
def get_agency(request, agency_id: int):
    return agency_out(get_object_or_404(Agency.objects.visible_to(request.auth), pk=agency_id))


# --- cases -------------------------------------------------------------------------
cases = Router(tags=["cases"])


def category_out(c):
    return {"code": c.code, "name": c.name, "parent_code": c.parent.code if c.parent_id else None,
            "default_agency": c.default_agency_kind, "response_hours": c.response_hours,
            "resolve_hours": c.resolve_hours, "active": c.active}


@cases.get("/categories", response=answers(list[s.CategoryOut]), summary="The category tree (大类 and 小类)")
def list_categories(request):
    return [category_out(c) for c in Category.objects.visible_to(request.auth).select_related("parent")]


@cases.get("/categories/{code}", response=answers(s.CategoryOut))
def get_category(request, code: str):
    return category_out(get_object_or_404(Category.objects.visible_to(request.auth).select_related("parent"), code=code))


def case_out(c, now):
    return {
        "number": c.number, "title": c.title, "description": c.description, "category_code": c.category.code,
        "category_name": c.category.name, "channel": c.channel, "status": c.status, "grid_code": c.grid_code,
        "lat": c.lat, "lng": c.lng, "address": c.address, "created_at": c.created_at, "respond_by": c.respond_by,
        "resolve_by": c.resolve_by, "closed_at": c.closed_at, "rating": c.rating, "version": c.version,
        "overdue": c.status in OPEN_STATUSES and c.resolve_by < now,
    }


@cases.get("/cases", response=answers(s.CasePage), summary="Cases, newest first, with filters and a cursor")
def list_cases(request, status: str = "", category: str = "", unit: str = "", created_after: datetime.datetime = None,
               created_before: datetime.datetime = None, overdue: bool = False, after: str = "", limit: int = 25):
    now = timezone.now()
    found = Case.objects.visible_to(request.auth).select_related("category")
    if status:
        found = found.filter(status__in=status.split(","))
    if category:
        found = found.filter(category__code__in=category.split(","))
    if unit:
        found = found.filter(under_codes_q("grid_code", [unit]))
    if created_after:
        found = found.filter(created_at__gte=created_after)
    if created_before:
        found = found.filter(created_at__lt=created_before)
    if overdue:
        found = found.filter(status__in=OPEN_STATUSES, resolve_by__lt=now)
    rows, cursor = cursor_page(found, after or None, max(1, min(limit, MAX_LIMIT)))
    return {"items": [case_out(c, now) for c in rows], "next": cursor}


def case_detail(case, user):
    now = timezone.now()
    data = case_out(case, now)
    data["timeline"] = [
        {"move": e.move, "actor": str(e.actor) if e.actor else None, "at": e.at, "note": e.note,
         "status_before": e.status_before, "status_after": e.status_after}
        for e in case.timeline.select_related("actor")
    ]
    data["agencies"] = [link.agency.name for link in case.agency_links.select_related("agency") if link.returned_at is None]
    data["allowed_moves"] = workflow.allowed_moves(case, user)
    return data


def visible_case(user, number):
    return get_object_or_404(Case.objects.visible_to(user).select_related("category"), number=number)


@cases.get("/cases/{number}", response=answers(s.CaseDetail), summary="A case with its timeline")
def get_case(request, number: str):
    return case_detail(visible_case(request.auth, number), request.auth)


@cases.post("/cases", response=answers(s.CaseDetail, 201, 429), summary="Report a case (honours Idempotency-Key)")
def create_case(request, payload: s.CaseIn):
    user = request.auth
    key = request.headers.get("Idempotency-Key", "").strip()[:100]
    if key:
        done = IdempotencyRecord.objects.filter(user=user, key=key, endpoint="POST /cases").first()
        if done:
            return Status(done.status, done.body)
    verdict = intake(request, user)
    if not verdict.allowed:
        raise TooManyRequests(verdict.retry_after)
    category = Category.objects.filter(code=payload.category_code).first()
    building = case_services.building_for_report(user, payload.building_id) if payload.building_id else None
    try:
        with transaction.atomic():
            case = case_services.create_case(
                title=payload.title, description=payload.description, category=category, channel=Channel.MACHINE,
                recorded_by=user, contact_phone=payload.contact_phone, lat=payload.lat, lng=payload.lng,
                building=building, address=payload.address, source_detail=payload.source_detail, within_scope_of=user,
            )
            body = s.CaseDetail.model_validate(case_detail(case, user)).model_dump(mode="json")
            if key:
                IdempotencyRecord.objects.create(user=user, key=key, endpoint="POST /cases", status=201, body=body)
    except IntegrityError:
        # The same key raced in twice: the other request won; answer with its result.
        done = IdempotencyRecord.objects.get(user=user, key=key, endpoint="POST /cases")
        return Status(done.status, done.body)
    return Status(201, body)


def _move_endpoint(name):
    def make_move(request, number: str, payload: s.MoveIn):
        user = request.auth
        case = visible_case(user, number)
        params = {}
        if payload.category_code and name in ("dispatch", "whistle"):
            params["category"] = get_object_or_404(Category.objects.visible_to(user), code=payload.category_code)
        if name == "dispatch":
            params["agency"] = Agency.objects.visible_to(user).filter(pk=payload.agency_id or 0).first()
        elif name == "whistle":
            params["agencies"] = list(Agency.objects.visible_to(user).filter(pk__in=payload.agency_ids))
        elif name == "merge":
            params["main_case"] = Case.objects.visible_to(user).filter(number=payload.main_case or "").first()
        elif name == "rate":
            params.update(rating=payload.rating, solved=payload.solved, comment=payload.comment)
        workflow.perform(case.pk, name, user, expected_version=payload.version, note=payload.note, **params)
        return case_detail(visible_case(user, number), user)

    make_move.__name__ = f"case_{name}"
    return make_move


for _name, _move in workflow.MOVES.items():
    if _name == "register":
        continue
    cases.post(f"/cases/{{number}}/{_name}", response=answers(s.CaseDetail, 200, 409), summary=str(_move.label),
               operation_id=f"case_{_name}")(_move_endpoint(_name))


@cases.get("/ratings", response=answers(s.RatingPage), summary="Ratings of the cases you can see")
def list_ratings(request, after: str = "", limit: int = 50):
    ratings = CaseRating.objects.filter(case__in=Case.objects.visible_to(request.auth)).select_related("case")
    rows, cursor = pk_page(ratings, after, limit)
    return {"items": [{"case_number": r.case.number, "rating": r.rating, "solved": r.solved, "comment": r.comment,
                       "rated_at": r.rated_at} for r in rows], "next": cursor}


def rate_out(rank, key, name, r):
    return {"rank": rank, "key": key, "name": name, "total": r.total, "response_rate": r.response_rate,
            "solution_rate": r.solution_rate, "satisfaction_rate": r.satisfaction_rate, "composite": r.composite}


@cases.get("/rates", response=answers(s.RatesOut), summary="The three rates and the composite ranking")
def get_rates(request, dimension: str = "grid", month: str = ""):
    if dimension not in RateDimension.values:
        raise DomainError(_("Unknown dimension."), code="dimension", field="dimension")
    month_date = None
    if month:
        try:
            month_date = datetime.datetime.strptime(month, "%Y-%m").date()
        except ValueError:
            raise DomainError(_("A month is written YYYY-MM."), code="month", field="month")
    ranked, overall = case_rates.visible_ranking(request.auth, dimension, month_date)
    keys = [k for k, _r in ranked]
    if dimension == RateDimension.AGENCY:
        names = {str(pk): n for pk, n in Agency.objects.filter(pk__in=[k for k in keys if k.isdigit()]).values_list("pk", "name")}
    else:
        names = dict(Unit.objects.filter(code__in=keys).values_list("code", "name"))
    return {
        "dimension": dimension, "month": month or None,
        "overall": rate_out(None, "all", "", overall),
        "items": [rate_out(rank, key, names.get(key, key), r) for rank, key, r in case_rates.ranks(ranked)],
    }


@cases.get("/figures", response=answers(dict[str, float]), summary="The headline figures, counted from the records")
def get_figures(request):
    return compute_figures()


api.add_router("/", territory)
api.add_router("/party", party)
api.add_router("/", people)
api.add_router("/", cases)


def docs_page(request):
    """Interactive docs (Swagger UI from the django-ninja package: no outside CDN)."""
    return Swagger().render_page(request, api)
