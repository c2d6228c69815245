"""Pages: the site list (by kind, by unit, with the map point), a site's page (hours, rooms,
upgrades, what is on there) and a room's page (the day's free and busy times, no names).

Every read goes through ``visible_to(user)``: sites are open to everyone of their zone, another
zone's site answers 404 like a missing one.
"""
import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from django.db.models import Case, Value, When

from gongzhi.core.scoping import under_codes_q
from gongzhi.territory.models import CODE_LENGTH, Level

from ..models import ActivityStatus, Room, Session, SessionStatus, Site, SiteKind, Upgrade
from ..services import bookings as booking_rules
from ..services import sites as services

KIND_FILTERS = [("", gettext_lazy("All kinds"))] + list(SiteKind.choices)
WEEKDAYS = [gettext_lazy("Monday"), gettext_lazy("Tuesday"), gettext_lazy("Wednesday"), gettext_lazy("Thursday"),
            gettext_lazy("Friday"), gettext_lazy("Saturday"), gettext_lazy("Sunday")]
UPCOMING_DAYS = 30
PAGE_SIZE = 50


@login_required
@require_GET
def site_list(request):
    user = request.user
    found = Site.objects.visible_to(user).filter(active=True).select_related("unit")
    kind = request.GET.get("kind", "")
    if kind in SiteKind.values:
        found = found.filter(kind=kind)
    unit = request.GET.get("unit", "")[:18]
    if unit.isdigit():
        found = found.filter(under_codes_q("unit__code", [unit]))
    # By place, not by age: a street's sites stay together (a district has a few hundred at most),
    # and the sites of one's own street come first (a resident looks for the ones they can walk to).
    streets = {code[:CODE_LENGTH[Level.STREET]] for code in user.scope_codes() if len(code) >= CODE_LENGTH[Level.STREET]}
    found = found.annotate(far=Case(When(under_codes_q("unit__code", streets), then=Value(0)), default=Value(1)))
    page = Paginator(found.order_by("far", "unit__code", "kind", "name", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sites/site_list.html", {
        "sites": page, "page": page, "kinds": KIND_FILTERS, "kind": kind, "unit": unit,
    })


def visible_site(user, pk):
    return get_object_or_404(Site.objects.visible_to(user).select_related("unit"), pk=pk)


@login_required
@require_GET
def site_detail(request, pk):
    user = request.user
    site = visible_site(user, pk)
    week = services.hours_of(site)
    now = timezone.now()
    sessions = (Session.objects.visible_to(user)
                .filter(activity__site=site, activity__status=ActivityStatus.PUBLISHED,
                        status__in=[SessionStatus.SCHEDULED, SessionStatus.OPEN], ends_at__gte=now,
                        starts_at__lte=now + datetime.timedelta(days=UPCOMING_DAYS))
                .select_related("activity").order_by("starts_at")[:20])
    return render(request, "sites/site_detail.html", {
        "site": site, "hours": [(WEEKDAYS[d], week.get(d, [])) for d in range(7)],
        "rooms": list(Room.objects.filter(site=site).order_by("name")),
        "upgrades": list(Upgrade.objects.filter(site=site).order_by("-started_on")),
        "sessions": sessions, "is_staff": services.is_site_staff(user, site),
    })


def _day(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return timezone.localdate()


@login_required
@require_GET
def room_detail(request, pk):
    user = request.user
    room = get_object_or_404(Room.objects.visible_to(user).select_related("site", "site__unit"), pk=pk)
    day = _day(request.GET.get("day"))
    return render(request, "sites/room_detail.html", {
        "room": room, "site": room.site, "day": day,
        "previous": day - datetime.timedelta(days=1), "next": day + datetime.timedelta(days=1),
        "spans": booking_rules.free_busy(room, day), "may_book": room.bookable or services.is_site_staff(user, room.site),
    })


urlpatterns = [
    path("sites/", site_list, name="sites"),
    path("sites/<int:pk>/", site_detail, name="site"),
    path("rooms/<int:pk>/", room_detail, name="room"),
]
