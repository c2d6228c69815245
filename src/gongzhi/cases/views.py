"""Pages for residents, grid workers, agency clerks and supervisors.

Views parse and answer; every change goes through services.create_case or
workflow.perform, and every read through Case.objects.visible_to(user).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.paging import cursor_page
from gongzhi.core.ratelimit import intake
from gongzhi.core.text import query_text
from gongzhi.people.models import Agency, Role
from gongzhi.territory.models import Level, Unit

from . import rates, routing, services, similarity, workflow
from .forms import RateForm, RecordForm, ReportForm, category_choices
from .models import OPEN_STATUSES, Case, CaseAgency, Category, Channel, Notification, PhotoKind, RateDimension, Status
from .photos import store_photos

LIST_RELATED = ("category__parent", "grid")


def _add_errors(form, error):
    for field, texts in (error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]):
        form.add_error(field if field in form.fields else None, texts)


@require_http_methods(["GET", "POST"])
def report(request):
    """A resident reports a problem on a phone: signed in, or anonymous with a phone number."""
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        verdict = intake(request, request.user)
        if not verdict.allowed:
            response = render(request, "cases/report.html", {"form": form, "rate_limited": verdict.retry_after}, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = request.user if request.user.is_authenticated else None
        try:
            case = services.create_case(
                title=data["title"], description=data["description"], category=data["category"],
                channel=Channel.RESIDENT, reporter=user, contact_phone=data["contact_phone"],
                lat=data["lat"], lng=data["lng"], address=data["address"], photos=data["photos"],
            )
        except DomainError as error:
            _add_errors(form, error)
        else:
            if user:
                messages.success(request, _("Thank you. Your problem is registered as %(number)s.") % {"number": case.number})
                return redirect("cases:detail", number=case.number)
            # Post/redirect/get: reloading the thank-you page must not report again.
            request.session["reported_number"] = case.number
            return redirect("cases:reported")
    return render(request, "cases/report.html", {"form": form})


@require_GET
def reported(request):
    number = request.session.get("reported_number")
    if not number:
        return redirect("cases:report")
    return render(request, "cases/reported.html", {"number": number})


@login_required
@require_http_methods(["GET", "POST"])
def record(request):
    """A grid worker records a problem heard on patrol, at a meeting or from the hotline."""
    if not request.user.has_role(Role.GRID_WORKER, Role.COMMUNITY_SECRETARY):
        raise Http404
    form = RecordForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.create_case(
                title=data["title"], description=data["description"], category=data["category"],
                channel=data["channel"], source_detail=data["source_detail"], recorded_by=request.user,
                contact_phone=data["contact_phone"], lat=data["lat"], lng=data["lng"], building=data["building"],
                address=data["address"], photos=data["photos"], within_scope_of=request.user,
            )
        except DomainError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Recorded as %(number)s.") % {"number": case.number})
            return redirect("cases:detail", number=case.number)
    return render(request, "cases/record.html", {"form": form})


@login_required
@require_GET
def mine(request):
    cases = Case.objects.filter(reporter=request.user).select_related(*LIST_RELATED)
    rows, next_cursor = cursor_page(cases, request.GET.get("after"))
    return render(request, "cases/mine.html", {"cases": rows, "next_cursor": next_cursor})


INBOX_TABS = {
    "new": (_("New"), lambda qs, user, now: qs.filter(status=Status.REGISTERED)),
    "verify": (_("To verify"), lambda qs, user, now: qs.filter(status=Status.FED_BACK)),
    "overdue": (_("Overdue"), lambda qs, user, now: qs.filter(status__in=OPEN_STATUSES, resolve_by__lt=now)),
    "agency": (_("For my agency"), lambda qs, user, now: qs.filter(
        pk__in=CaseAgency.objects.filter(agency_id__in=user.agency_ids(), returned_at__isnull=True, fed_back_at__isnull=True).values("case"),
        status__in=(Status.DISPATCHED, Status.HANDLING, Status.WHISTLED))),
    "supervised": (_("Supervised"), lambda qs, user, now: qs.filter(status__in=OPEN_STATUSES, timeline__move__in=("urge", "supervise")).distinct()),
    "open": (_("All open"), lambda qs, user, now: qs.filter(status__in=OPEN_STATUSES)),
}


def _tabs_for(user):
    if user.has_role(Role.PROFESSIONAL_GRID_WORKER) and not user.has_role(Role.GRID_WORKER):
        return ["agency", "overdue"]
    if user.has_role(Role.GRID_WORKER):
        return ["new", "verify", "overdue", "open"]
    if user.has_role(Role.COMMUNITY_SECRETARY, Role.STREET_ADMIN, Role.DISTRICT_ADMIN) or user.is_superuser:
        return ["overdue", "supervised", "new", "open"]
    return []


@login_required
@require_GET
def inbox(request):
    tabs = _tabs_for(request.user)
    if not tabs:
        return redirect("cases:mine")
    tab = request.GET.get("tab") if request.GET.get("tab") in tabs else tabs[0]
    now = timezone.now()
    query = query_text(request, "q", max_length=Case._meta.get_field("number").max_length, label=_("Case number"))
    if query:
        # A case number finds the case wherever it is in the person's scope.
        found = Case.objects.visible_to(request.user).filter(number=query).first()
        if found:
            return redirect("cases:detail", number=found.number)
        messages.info(request, _("No case numbered %(number)s in your scope.") % {"number": query})
    cases = INBOX_TABS[tab][1](Case.objects.visible_to(request.user), request.user, now).select_related(*LIST_RELATED)
    rows, next_cursor = cursor_page(cases, request.GET.get("after"))
    return render(request, "cases/inbox.html", {
        "tabs": [(t, INBOX_TABS[t][0]) for t in tabs], "tab": tab, "cases": rows, "next_cursor": next_cursor, "now": now,
    })


def _case_for(request, number):
    return get_object_or_404(Case.objects.visible_to(request.user).select_related(*LIST_RELATED, "reporter", "micro_grid", "building__estate"), number=number)


@login_required
@require_GET
def detail(request, number):
    case = _case_for(request, number)
    moves = workflow.allowed_moves(case, request.user)
    timeline = list(case.timeline.select_related("actor"))
    agency_ids = {e.details.get("agency") for e in timeline} | {a for e in timeline for a in e.details.get("agencies", [])}
    agency_names = dict(Agency.objects.filter(pk__in=[a for a in agency_ids if a]).values_list("pk", "name"))
    for entry in timeline:
        named = [entry.details.get("agency")] + entry.details.get("agencies", [])
        entry.agency_names = "、".join(agency_names.get(a, "") for a in named if a)
    context = {
        "case": case, "moves": moves,
        "timeline": timeline,
        "photos": case.photos.all(),
        "links": case.agency_links.select_related("agency"),
        "now": timezone.now(),
        "rate_form": RateForm() if "rate" in moves else None,
    }
    if {"dispatch", "whistle"} & set(moves):
        context["agencies"] = Agency.objects.visible_to(request.user).order_by("kind", "name")
        context["suggestion"] = routing.suggest(f"{case.title} {case.description}", district=case.grid)
        context["default_agency"] = routing.default_agency(case.category, case.grid)
        context["category_choices"] = category_choices()
    if "merge" in moves:
        context["similar"] = similarity.similar_open_cases(case, user=request.user)
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def move(request, number, name):
    case = _case_for(request, number)
    if name not in workflow.MOVES:
        raise Http404
    params = {}
    try:
        if name in ("dispatch", "whistle") and request.POST.get("category"):
            params["category"] = get_object_or_404(Category.objects.visible_to(request.user), pk=request.POST["category"])
        if name == "dispatch":
            params["agency"] = get_object_or_404(Agency.objects.visible_to(request.user), pk=request.POST.get("agency") or 0)
        elif name == "whistle":
            params["agencies"] = list(Agency.objects.visible_to(request.user).filter(pk__in=request.POST.getlist("agencies")))
        elif name == "merge":
            params["main_case"] = get_object_or_404(Case.objects.visible_to(request.user), number=request.POST.get("main_case", ""))
        elif name == "rate":
            form = RateForm(request.POST)
            if not form.is_valid():
                raise DomainError(_("Choose how satisfied you are and whether it was solved."))
            params.update(form.cleaned_data)
        version = request.POST.get("version")
        note = request.POST.get("comment", "") if name == "rate" else request.POST.get("note", "")
        # The move and its result photos are one write: both land or neither does.
        with transaction.atomic():
            workflow.perform(case.pk, name, request.user, note=note,
                             expected_version=int(version) if version and version.isdigit() else None, **params)
            if request.FILES.getlist("photos"):
                store_photos(case, request.FILES.getlist("photos"), uploaded_by=request.user, kind=PhotoKind.RESULT)
    except workflow.CaseNotFound:
        raise Http404
    except DomainError as error:
        messages.error(request, " ".join(str(m) for m in error.messages))
    else:
        messages.success(request, _("Done: %(move)s.") % {"move": workflow.MOVES[name].label})
    if not Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("cases:inbox")
    return redirect("cases:detail", number=case.number)


@login_required
@require_GET
def rates_page(request):
    dimension = request.GET.get("by", RateDimension.GRID)
    if dimension not in RateDimension.values:
        dimension = RateDimension.GRID
    month = None
    if request.GET.get("month"):
        try:
            month = timezone.datetime.strptime(request.GET["month"], "%Y-%m").date()
        except ValueError:
            month = None
    ranked, overall = rates.visible_ranking(request.user, dimension, month)
    names = _names(dimension, [key for key, _r in ranked])
    rows = [(rank, names.get(key, key), key, r) for rank, key, r in rates.ranks(ranked)]
    top = [row for row in rows if row[0]][:20]
    chart = {
        "names": [name for _rank, name, _key, _r in top],
        "series": [
            {"name": str(label), "values": [round(getattr(r, attr), 4) for *_x, r in top]}
            for label, attr in ((_("Response"), "response_rate"), (_("Solution"), "solution_rate"),
                                (_("Satisfaction"), "satisfaction_rate"), (_("Composite"), "composite"))
        ],
    }
    return render(request, "cases/rates.html", {
        "rows": rows, "dimension": dimension, "dimensions": RateDimension.choices, "month": month,
        "months": sorted(set(rates.months()) | ({month} if month else set()), reverse=True),
        "overall": overall, "chart": chart, "min_rated": rates.MIN_RATED_TO_RANK,
    })


@require_GET
def report_map(request):
    """Grid boundaries for the report page's map (public: no personal data in them)."""
    grids = Unit.objects.filter(level=Level.GRID).exclude(boundary=None).values_list("code", "name", "boundary")
    features = [{"type": "Feature", "geometry": b, "properties": {"code": c, "name": n}} for c, n, b in grids]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "public, max-age=600"
    return response


def _names(dimension, keys):
    if dimension == RateDimension.AGENCY:
        return {str(pk): name for pk, name in Agency.objects.filter(pk__in=[k for k in keys if k.isdigit()]).values_list("pk", "name")}
    return dict(Unit.objects.filter(code__in=keys).values_list("code", "name"))


@login_required
@require_GET
def photo(request, number, token, size):
    """A case photo, only for those who may see the case (media is never public)."""
    case = _case_for(request, number)
    item = get_object_or_404(case.photos, token=token)
    stored = item.thumbnail if size == "thumb" else item.image
    response = FileResponse(stored.open("rb"), content_type="image/jpeg" if size == "thumb" else f"image/{item.extension.lstrip('.').replace('jpg', 'jpeg')}")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    mine = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        mine.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("cases:notifications")
    rows, next_cursor = cursor_page(mine.select_related("case"), request.GET.get("after"))
    return render(request, "cases/notifications.html", {"notices": rows, "next_cursor": next_cursor})


@login_required
@require_POST
def open_notification(request, pk):
    notice = get_object_or_404(Notification.objects.filter(user=request.user).select_related("case"), pk=pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return redirect("cases:detail", number=notice.case.number)


def page_context(request):
    """Every page's unread-notice badge: one indexed count on (user, read_at)."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"UNREAD_NOTICES": Notification.objects.filter(user=user, read_at__isnull=True).count()}
