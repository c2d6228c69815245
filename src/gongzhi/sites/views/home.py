"""The services home: what is on near me, my places and bookings, and the way into every part
(find an activity, book a room, ask for a home service, my hours); staff see their desks."""
import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from gongzhi.territory.models import ResidentLink

from ..models import CARE_ROLES, SITE_STAFF_ROLES, ActivityStatus, Booking, Session, SessionStatus, Signup, Volunteer
from ..models import person_q
from ..services.activities import waitlist_position

UPCOMING_DAYS = 30
LIST_LIMIT = 10


@login_required
@require_GET
def home(request):
    user = request.user
    now = timezone.now()
    sessions = (Session.objects.visible_to(user)
                .filter(activity__status=ActivityStatus.PUBLISHED, status__in=[SessionStatus.SCHEDULED, SessionStatus.OPEN],
                        ends_at__gte=now, starts_at__lte=now + datetime.timedelta(days=UPCOMING_DAYS))
                .select_related("activity", "activity__site").order_by("starts_at")[:LIST_LIMIT])
    mine = list(Signup.objects.visible_to(user).filter(person_q(user)).live()
                .select_related("activity", "session", "resident").order_by("-created_at")[:LIST_LIMIT])
    for signup in mine:
        signup.position = waitlist_position(signup)
    bookings = (Booking.objects.visible_to(user).filter(person_q(user)).holding().filter(ends_at__gte=now)
                .select_related("room", "room__site").order_by("starts_at")[:LIST_LIMIT])
    return render(request, "sites/home.html", {
        "sessions": sessions, "mine": mine, "bookings": bookings,
        "is_staff": user.holds(SITE_STAFF_ROLES),
        "cares": user.holds(CARE_ROLES),
        "is_volunteer": Volunteer.objects.filter(user=user).exists(),
        "has_links": ResidentLink.objects.filter(user=user).exists(),
    })


urlpatterns = [path("", home, name="home")]
