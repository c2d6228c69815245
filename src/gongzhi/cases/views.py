"""Pages for residents, grid workers, agency clerks and supervisors.

Views parse and answer; every change goes through services.create_case or
workflow.perform, and every read through Case.objects.visible_to(user).
"""
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.replica import reads_replica
from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.paging import cursor_page
from gongzhi.core.ratelimit import intake
from gongzhi.core.text import LONG_TEXT, query_text
from gongzhi.people.models import Agency, Role
from gongzhi.territory.models import Level, Unit

from . import drafts, rates, routing, services, similarity, workflow
from . import follow as follow_rules
from .forms import RateForm, RecordForm, ReportForm, category_choices
from .filters import CaseFilterSet
from .models import Case, Category, Channel, PhotoKind, RateDimension, Status
from .photos import prepare_photos, store_photos

LIST_RELATED = ("category__parent", "grid")


def _add_errors(form, error):
    for field, texts in (error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]):
        form.add_error(field if field in form.fields else None, texts)


def _intake(request, form_class, template, file_case, **form_kwargs):
    """The report and record pages: every error at once, photos kept across a failed submit,
    and a one-time form token so that a double submit files one case (cases.drafts).

    ``file_case(data, photos)`` files the case from the valid form. Returns (case, response):
    the case filed (now, or by an earlier submit of the same form), else the page to answer.
    """
    now = timezone.now()
    if request.method == "GET":
        return None, _intake_page(request, template, form_class(**form_kwargs), drafts.new_token(), [])
    token = drafts.clean_token(request.POST.get("form_token"))
    filed = drafts.filed_by(token)
    if filed is not None:  # the same form sent again (a double tap, a reload): the first one's answer
        return filed, None
    drafts.drop(request, token, request.POST.getlist("drop_photo"))
    kept = drafts.kept_photos(request, token)
    verdict = intake(request, request.user)
    if not verdict.allowed:
        # Refused before any work (no photo is decoded): the typed fields come back as they were.
        unchecked = form_class(initial=request.POST.dict(), **form_kwargs)
        response = _intake_page(request, template, unchecked, token or drafts.new_token(), kept,
                                rate_limited=verdict.retry_after, status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return None, response
    form = form_class(request.POST, request.FILES, kept=len(kept), **form_kwargs)
    if form.is_valid():
        photos = [drafts.prepared(p) for p in kept] + form.cleaned_data["photos"]
        try:
            with transaction.atomic():
                draft = drafts.claim(token, now) if token else None
                if draft is not None and draft.case_id:
                    return draft.case, None  # a twin submit filed it while this one was checked
                case = file_case(form.cleaned_data, photos)
                if draft is not None:
                    drafts.consume(draft, case)
            return case, None
        except DomainError as error:
            _add_errors(form, error)
    token = token or drafts.new_token()
    drafts.keep(request, token, form.good_photos, now)
    return None, _intake_page(request, template, form, token, drafts.kept_photos(request, token))


def _intake_page(request, template, form, token, kept, status=200, **extra):
    context = {"form": form, "form_token": token, "kept_photos": drafts.with_thumbnails(kept), **extra}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def report(request):
    """A resident reports a problem on a phone: signed in, or anonymous with a phone number."""
    user = request.user if request.user.is_authenticated else None

    def file_case(data, photos):
        return services.create_case(
            title=data["title"], description=data["description"], category=data["category"],
            channel=Channel.RESIDENT, reporter=user, contact_phone=data["contact_phone"],
            lat=data["lat"], lng=data["lng"], address=data["address"], photos=photos,
        )

    case, response = _intake(request, ReportForm, "cases/report.html", file_case, anonymous=user is None)
    if case is None:
        return response
    if user:
        messages.success(request, _("Thank you. Your problem is registered as %(number)s.") % {"number": case.number})
        return redirect("cases:detail", number=case.number)
    # Post/redirect/get: reloading the thank-you page must not report again.
    request.session["reported_number"] = case.number
    return redirect("cases:reported")


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

    def file_case(data, photos):
        return services.create_case(
            title=data["title"], description=data["description"], category=data["category"],
            channel=data["channel"], source_detail=data["source_detail"], recorded_by=request.user,
            contact_phone=data["contact_phone"], lat=data["lat"], lng=data["lng"], building=data["building"],
            address=data["address"], photos=photos, within_scope_of=request.user,
        )

    case, response = _intake(request, RecordForm, "cases/record.html", file_case, user=request.user)
    if case is None:
        return response
    messages.success(request, _("Recorded as %(number)s.") % {"number": case.number})
    return redirect("cases:detail", number=case.number)


@login_required
@require_GET
def mine(request):
    cases = Case.objects.filter(reporter=request.user).select_related(*LIST_RELATED)
    rows, next_cursor = cursor_page(cases, request.GET.get("after"))
    return render(request, "cases/mine.html", {"cases": rows, "next_cursor": next_cursor, "mine": True})


# Each tab is a set of the case filter set's filters (the ledger's and the API's: one definition
# of "overdue" or "supervised" everywhere). Labels are lazy: read in each reader's language.
INBOX_TABS = {
    "new": (gettext_lazy("New"), {"status": Status.REGISTERED}),
    "verify": (gettext_lazy("To verify"), {"status": Status.FED_BACK}),
    "overdue": (gettext_lazy("Overdue"), {"overdue": "1"}),
    "agency": (gettext_lazy("For my agency"), {"for_my_agency": "1"}),
    "supervised": (gettext_lazy("Supervised"), {"status": "open", "supervised": "1"}),
    "open": (gettext_lazy("All open"), {"status": "open"}),
}


def _tabs_for(user):
    if user.has_role(Role.PROFESSIONAL_GRID_WORKER) and not user.has_role(Role.GRID_WORKER):
        return ["agency", "overdue"]
    if user.has_role(Role.GRID_WORKER):
        return ["new", "verify", "overdue", "open"]
    if user.has_role(Role.COMMUNITY_SECRETARY, Role.STREET_ADMIN, Role.DISTRICT_ADMIN) or user.is_superuser:
        return ["overdue", "supervised", "new", "open"]
    return []


def inbox_cases(request, tab):
    """One inbox tab's cases, unordered (the pager orders them newest first): the tab's filters of
    the case filter set over the cases the person works on."""
    base = Case.objects.visible_to(request.user, include_own=False)
    filterset = CaseFilterSet(INBOX_TABS[tab][1], queryset=base, request=request)
    return filterset.qs.select_related(*LIST_RELATED)


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
    # The cases the person works on; their own reports are on "my problems" (models.CaseQuerySet.inbox_q).
    cases = inbox_cases(request, tab)
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
        # This round's agencies; a reopened case's earlier rounds are in its timeline.
        "links": case.agency_links.filter(round=case.reopen_count).select_related("agency"),
        "now": timezone.now(),
        "rate_form": RateForm() if {"rate", "return_visit"} & set(moves) else None,
        "kept_note": _kept_note(request, case, moves),
        "reopen_limit": settings.CASE_MAX_REOPENS if services.reopen_limit_reached(case, request.user) else None,
        "contact_phone": services.contact_phone_of(case),
        "may_call_back": services.may_call_back(request.user, case),
    }
    if {"dispatch", "whistle"} & set(moves):
        context["agencies"] = Agency.objects.visible_to(request.user).order_by("kind", "name")
        context["suggestion"] = routing.suggest(f"{case.title} {case.description}", district=case.grid)
        context["default_agency"] = routing.default_agency(case.category, case.grid)
        # The selects' marks worked out once here: per option in the template they were a
        # third of the page's rendering (two selects of some 120 categories, decision 76's page).
        suggested = context["suggestion"].category
        suggested_pk = suggested.pk if suggested else None
        context["category_options"] = [
            (group, [(value, label, value == case.category_id, value == suggested_pk and value != case.category_id)
                     for value, label in options])
            for group, options in category_choices() if group]
        chosen = context["suggestion"].agency or context["default_agency"]
        context["chosen_agency_pk"] = chosen.pk if chosen else None
    if "merge" in moves:
        context["similar"] = similarity.similar_open_cases(case, user=request.user)
    return render(request, "cases/detail.html", context)


@login_required
@require_POST
def reveal_contact(request, number):
    """The reporter's phone in full, to call back (POST, so never a link or in a URL), logged."""
    case = _case_for(request, number)
    try:
        phone = services.reveal_contact_phone(request.user, case)
    except NotFound:
        raise Http404
    except DomainError as error:
        phone, problem = "", error.text
    else:
        problem = ""
    template = "cases/_contact.html" if request.headers.get("HX-Request") else "cases/contact.html"
    response = render(request, template, {"case": case, "phone": phone, "problem": problem})
    response["Cache-Control"] = "no-store, private"
    return response


# A note typed into a move's form is kept for this long when the move could not be made
# (a refusal, or a session that had ended): the case page puts it back in the form.
KEPT_NOTE_SECONDS = 30 * 60
MAX_NOTE_LENGTH = LONG_TEXT


def _keep_note(request, number, name, note):
    """Keep the note in the (server-side) session, never in a URL: it may name people."""
    note = (note or "")[:MAX_NOTE_LENGTH]
    if note.strip():
        request.session["kept_note"] = {"case": number, "move": name, "note": note, "at": int(time.time())}


def _kept_note(request, case, moves):
    """The note kept for this case, once; only for someone who may make that move now."""
    kept = request.session.get("kept_note")
    if not kept or kept.get("case") != case.number:
        return None
    del request.session["kept_note"]
    if kept.get("move") not in moves or time.time() - kept.get("at", 0) > KEPT_NOTE_SECONDS:
        return None
    messages.info(request, _("The note you typed is back in its form: check it and send it again."))
    return {"move": kept["move"], "note": kept["note"]}


def _pk(value):
    """A primary key typed into a form, or None: a bad one is a wrong choice, not a 404 page."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else None


def _move_params(request, case, name):
    """The move's parameters from the form; a wrong entry is a DomainError shown on the form."""
    user, post, params = request.user, request.POST, {}
    if name in ("dispatch", "whistle") and post.get("category"):
        params["category"] = Category.objects.visible_to(user).filter(pk=_pk(post["category"])).first()
        if params["category"] is None:
            raise DomainError(_("Choose an active minor category (小类)."), code="category", field="category")
    if name == "dispatch":
        # None lets the workflow say "choose the agency"; an unknown number reads the same.
        params["agency"] = Agency.objects.visible_to(user).filter(pk=_pk(post.get("agency"))).first()
    elif name == "whistle":
        params["agencies"] = list(Agency.objects.visible_to(user).filter(
            pk__in=[pk for pk in map(_pk, post.getlist("agencies")) if pk is not None]))
    elif name == "merge":
        number = post.get("main_case", "").strip()
        if not number:
            raise DomainError(_("Choose the main case to merge into."), code="main_required", field="main_case")
        main = None
        if len(number) <= 20 and number.isprintable():
            main = Case.objects.visible_to(user).filter(number=number).first()
        if main is None:
            # Out of scope reads exactly like missing.
            raise DomainError(_("No case numbered %(number)s in your scope."), code="main_missing",
                              field="main_case", params={"number": number[:20]})
        params["main_case"] = main
    elif name in ("rate", "return_visit"):
        form = RateForm(post)
        if not form.is_valid():
            raise DomainError(_("Choose how satisfied you are and whether it was solved."))
        params.update(form.cleaned_data)
    return params


@require_POST
def move(request, number, name):
    note = request.POST.get("comment", "") if name in ("rate", "return_visit") else request.POST.get("note", "")
    if not request.user.is_authenticated:
        # Signed out meanwhile (another tab, an expired session): keep the note, and come
        # back to the case page after signing in (the move's URL takes only POSTs). The
        # same answer whatever the number, so it tells nothing about the case.
        _keep_note(request, number, name, note)
        messages.info(request, _("You were signed out. Sign in again: the note you typed is kept on the case page."))
        return redirect_to_login(reverse("cases:detail", args=[number]))
    case = _case_for(request, number)
    if name not in workflow.MOVES:
        raise Http404
    try:
        params = _move_params(request, case, name)
        version = request.POST.get("version")
        # Result photos are checked and encoded before the case is locked; then the move and
        # the photos are one write: both land or neither does.
        photos = prepare_photos(request.FILES.getlist("photos"))
        with transaction.atomic():
            workflow.perform(case.pk, name, request.user, note=note,
                             expected_version=int(version) if version and version.isdigit() else None, **params)
            if photos:
                store_photos(case, photos, uploaded_by=request.user, kind=PhotoKind.RESULT)
    except workflow.CaseNotFound:
        raise Http404
    except DomainError as error:
        messages.error(request, " ".join(str(m) for m in error.messages))
        _keep_note(request, case.number, name, note)
    else:
        messages.success(request, _("Done: %(move)s.") % {"move": workflow.MOVES[name].label})
    if not Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("cases:inbox")
    return redirect("cases:detail", number=case.number)


CHART_EACH = 10  # the rates chart shows the top and the bottom this many


@login_required
@require_GET
@reads_replica
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
    shown = rates.shown_dimension(request.user, dimension)
    names = _names(dimension, [key for key, _r in ranked])
    rows = [(rank, names.get(key, key), key, r) for rank, key, r in rates.ranks(ranked)]
    ranked_rows = [row for row in rows if row[0]]
    # The best and the worst: a top 20 alone would show twenty perfect scores and hide who needs help.
    if len(ranked_rows) <= 2 * CHART_EACH:
        groups = [(_("Ranked"), ranked_rows)] if ranked_rows else []
    else:
        groups = [(_("Top %(n)s") % {"n": CHART_EACH}, ranked_rows[:CHART_EACH]),
                  (_("Bottom %(n)s") % {"n": CHART_EACH}, ranked_rows[-CHART_EACH:])]
    chart = {"groups": [{
        "label": str(label),
        "names": [name for _rank, name, _key, _r in group],
        "series": [
            {"name": str(series), "values": [round(getattr(r, attr), 4) for *_x, r in group]}
            for series, attr in ((_("Response"), "response_rate"), (_("Solution"), "solution_rate"),
                                 (_("Satisfaction"), "satisfaction_rate"), (_("Composite"), "composite"))
        ],
    } for label, group in groups]}
    return render(request, "cases/rates.html", {
        "rows": rows, "dimension": dimension, "dimensions": RateDimension.choices, "month": month,
        "shown_label": RateDimension(shown).label if shown != dimension else None,
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


@require_http_methods(["GET", "POST"])
def follow(request):
    """An anonymous reporter follows their case (number + last four digits of their phone)."""
    context = {"number": ""}
    status = 200
    if request.method == "POST":
        context["number"] = request.POST.get("number", "")[:20]
        try:
            case = follow_rules.find_followed_case(request, request.POST.get("number"), request.POST.get("last_four"))
        except follow_rules.TooManyTries as error:
            context["error"], status = error.text, 429
        except DomainError as error:
            context["error"], status = error.text, 400
        else:
            context.update(case=case, timeline=follow_rules.public_timeline(case))
    response = render(request, "cases/follow.html", context, status=status)
    if status == 429:
        response["Retry-After"] = "60"
    return response


@login_required
@require_GET
@reads_replica
def ledger(request):
    """The case ledger (台账, issue 11): every case in the person's scope, filtered by the one
    case filter set (the contract the cockpit links to), newest first, keyset-paged."""
    params = request.GET.copy()
    params.pop("after", None)
    filterset = CaseFilterSet(params, queryset=Case.objects.visible_to(request.user).select_related(*LIST_RELATED))
    cases = filterset.qs if filterset.is_valid() else Case.objects.none()
    rows, next_cursor = cursor_page(cases, request.GET.get("after"))
    return render(request, "cases/ledger.html", {
        "filter": filterset, "cases": rows, "next_cursor": next_cursor, "now": timezone.now(), "query": params.urlencode(),
    })
