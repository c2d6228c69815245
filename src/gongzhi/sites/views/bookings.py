"""Pages: book a room on a phone (for oneself, a team one leads, or a resident one may act for),
a booking's page (cancel, check in; staff approve or refuse), my bookings, the staff queue.

Views parse and answer; every write goes through services.bookings. A room or booking outside
one's scope answers 404 like a missing one.
"""
import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.errors import DomainError
from gongzhi.core.ratelimit import intake
from gongzhi.people.models import Role
from gongzhi.territory.models import AccountRelation, Resident

from ..models import SITE_STAFF_ROLES, Booking, BookingStatus, Room, staff_q
from ..services import bookings as services
from ..services.sites import is_site_staff

RELATED = ("room", "room__site", "team", "resident", "user", "recorded_by")
LIST_LIMIT = 100
RESIDENT_CHOICES = 300


def residents_for(user):
    """Residents ``user`` may book for: those linked to the account (relatives, carers), and for a
    grid worker the residents of their grids (services.people.person_for checks it again)."""
    linked = Resident.objects.filter(links__user=user).exclude(links__relation=AccountRelation.SELF)
    found = {r.pk: r for r in linked.order_by("name")[:RESIDENT_CHOICES]}
    if user.has_role(Role.GRID_WORKER):
        for r in Resident.objects.visible_to(user).order_by("name", "pk")[:RESIDENT_CHOICES]:
            found.setdefault(r.pk, r)
    return found


class BookingForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=gettext_lazy("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=gettext_lazy("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    purpose = forms.CharField(label=gettext_lazy("What for"), max_length=200)
    attendees = forms.IntegerField(label=gettext_lazy("How many people"), min_value=1, initial=1)
    for_whom = forms.ChoiceField(label=gettext_lazy("For"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = {t.pk: t for t in services.bookable_teams(user)}
        self.residents = residents_for(user)
        choices = [("", _("Myself"))]
        choices += [(f"team:{pk}", _("The team %(name)s") % {"name": t.name}) for pk, t in self.teams.items()]
        choices += [(f"resident:{pk}", r.name) for pk, r in self.residents.items()]
        self.fields["for_whom"].choices = choices
        if len(choices) == 1:
            del self.fields["for_whom"]

    def who(self):
        value = self.cleaned_data.get("for_whom") or ""
        kind, _sep, pk = value.partition(":")
        if kind == "team":
            return {"team": self.teams[int(pk)]}
        if kind == "resident":
            return {"resident": self.residents[int(pk)]}
        return {}

    def span(self):
        tz = timezone.get_current_timezone()
        day = self.cleaned_data["day"]
        return (timezone.make_aware(datetime.datetime.combine(day, self.cleaned_data["start"]), tz),
                timezone.make_aware(datetime.datetime.combine(day, self.cleaned_data["end"]), tz))


def _add_errors(form, error):
    for field, texts in (error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]):
        target = {"starts_at": "start", "ends_at": "end"}.get(field, field)
        form.add_error(target if target in form.fields else None, texts)


@login_required
@require_http_methods(["GET", "POST"])
def book(request, pk):
    user = request.user
    room = get_object_or_404(Room.objects.visible_to(user).select_related("site", "site__unit"), pk=pk)
    if not (room.bookable or is_site_staff(user, room.site)):
        raise Http404
    initial = {"day": request.GET.get("day") or timezone.localdate()}
    form = BookingForm(request.POST or None, user=user, initial=initial)
    status = 200
    if request.method == "POST":
        verdict = intake(request, user)
        if not verdict.allowed:
            form.add_error(None, _("Too many requests; try again in %(s)d seconds.") % {"s": verdict.retry_after})
            status = 429
        elif form.is_valid():
            starts_at, ends_at = form.span()
            try:
                booking = services.book(room, by=user, starts_at=starts_at, ends_at=ends_at,
                                        purpose=form.cleaned_data["purpose"], attendees=form.cleaned_data["attendees"],
                                        **form.who())
            except DomainError as error:
                _add_errors(form, error)
            else:
                if booking.status == BookingStatus.REQUESTED:
                    messages.success(request, _("Booked. The site's staff will approve it; you will be told."))
                else:
                    messages.success(request, _("Booked. Check in when you arrive, or the booking is released."))
                return redirect("sites:booking", pk=booking.pk)
        if status == 200:
            status = 400
    day = form.data.get("day") if form.is_bound else None
    try:
        shown = datetime.date.fromisoformat(day) if day else timezone.localdate()
    except ValueError:
        shown = timezone.localdate()
    return render(request, "sites/booking_new.html", {
        "form": form, "room": room, "site": room.site, "day": shown, "spans": services.free_busy(room, shown),
    }, status=status)


def visible_booking(user, pk):
    return get_object_or_404(Booking.objects.visible_to(user).select_related(*RELATED), pk=pk)


@login_required
@require_GET
def booking_detail(request, pk):
    user = request.user
    booking = visible_booking(user, pk)
    now = timezone.now()
    staff = services.is_staff_of(user, booking)
    mine = services.acts_for(user, booking)
    live = booking.status in (BookingStatus.REQUESTED, BookingStatus.CONFIRMED) and booking.ends_at > now
    return render(request, "sites/booking_detail.html", {
        "booking": booking, "room": booking.room, "site": booking.room.site, "is_staff": staff,
        "may_cancel": live and (staff or mine),
        "may_check_in": (booking.status == BookingStatus.CONFIRMED and (staff or mine)
                         and booking.starts_at - services.CHECKIN_EARLY <= now < services.grace_ends(booking)),
        "may_decide": staff and booking.status == BookingStatus.REQUESTED,
        "grace_ends": services.grace_ends(booking),
    })


ACTIONS = {
    "cancel": lambda b, user, post: services.cancel(b, post.get("reason", ""), by=user),
    "check_in": lambda b, user, post: services.check_in(b, by=user),
    "approve": lambda b, user, post: services.approve(b, by=user),
    "refuse": lambda b, user, post: services.refuse(b, post.get("reason", ""), by=user),
}
DONE = {
    "cancel": gettext_lazy("The booking is cancelled."),
    "check_in": gettext_lazy("Checked in. Enjoy!"),
    "approve": gettext_lazy("The booking is approved; the booker is told."),
    "refuse": gettext_lazy("The booking is refused; the booker is told."),
}


def _action(name):
    @login_required
    @require_POST
    def act(request, pk):
        user = request.user
        booking = visible_booking(user, pk)
        try:
            ACTIONS[name](booking, user, request.POST)
        except DomainError as error:
            messages.error(request, error.text)
        else:
            messages.success(request, DONE[name])
        return redirect("sites:booking", pk=booking.pk)

    act.__name__ = f"booking_{name}"
    return act


@login_required
@require_GET
def my_bookings(request):
    user = request.user
    found = (Booking.objects.visible_to(user).filter(services.mine_q(user)).distinct()
             .select_related(*RELATED).order_by("-starts_at", "-pk")[:LIST_LIMIT])
    return render(request, "sites/booking_mine.html", {"bookings": found, "now": timezone.now()})


@login_required
@require_GET
def booking_queue(request):
    """Staff: requests awaiting approval, and the coming bookings of their sites."""
    user = request.user
    if not user.holds(SITE_STAFF_ROLES):
        raise Http404
    # Only the bookings of sites one runs (visible_to also gives one's own bookings elsewhere).
    ours = Booking.objects.visible_to(user).select_related(*RELATED)
    if not user.is_superuser:
        ours = ours.filter(staff_q("room__site__unit__code", user))
    now = timezone.now()
    return render(request, "sites/booking_queue.html", {
        "requested": ours.filter(status=BookingStatus.REQUESTED, ends_at__gt=now).order_by("starts_at", "pk")[:LIST_LIMIT],
        "coming": ours.filter(status__in=[BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN], ends_at__gt=now)
        .order_by("starts_at", "pk")[:LIST_LIMIT],
    })


urlpatterns = [
    path("rooms/<int:pk>/book/", book, name="book"),
    path("bookings/", my_bookings, name="bookings"),
    path("bookings/queue/", booking_queue, name="booking_queue"),
    path("bookings/<int:pk>/", booking_detail, name="booking"),
    *[path(f"bookings/<int:pk>/{name.replace('_', '-')}/", _action(name), name=f"booking_{name}") for name in ACTIONS],
]
