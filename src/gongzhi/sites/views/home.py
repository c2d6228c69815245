"""The services home: what is on near me, my places and bookings; staff see their sites."""
import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..models import SITE_STAFF_ROLES, ActivityStatus, Booking, Session, SessionStatus, Signup, Site
from ..models import person_q

UPCOMING_DAYS = 30
LIST_LIMIT = 20


@login_required
@require_GET
def home(request):
    user = request.user
    now = timezone.now()
    sessions = (Session.objects.visible_to(user)
                .filter(activity__status=ActivityStatus.PUBLISHED, status__in=[SessionStatus.SCHEDULED, SessionStatus.OPEN],
                        ends_at__gte=now, starts_at__lte=now + datetime.timedelta(days=UPCOMING_DAYS))
                .select_related("activity", "activity__site").order_by("starts_at")[:LIST_LIMIT])
    mine = (Signup.objects.visible_to(user).filter(person_q(user)).live()
            .select_related("activity", "session", "resident").order_by("-created_at")[:LIST_LIMIT])
    bookings = (Booking.objects.visible_to(user).filter(person_q(user)).holding().filter(ends_at__gte=now)
                .select_related("room", "room__site").order_by("starts_at")[:LIST_LIMIT])
    sites = Site.objects.visible_to(user).filter(active=True).select_related("unit").order_by("unit__code", "kind", "name")[:LIST_LIMIT]
    return render(request, "sites/home.html", {
        "sessions": sessions, "mine": mine, "bookings": bookings, "sites": sites,
        "is_staff": user.holds(SITE_STAFF_ROLES),
    })


urlpatterns = [path("", home, name="home")]
