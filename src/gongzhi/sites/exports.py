"""Sites' ledgers in Excel (issue 11): activities with their sessions and person-times (人次, one
per check-in, as the cockpit counts them) and volunteer service records with their hours (only
confirmed minutes count, decision 55). Counts are subqueries: one query however many rows."""
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import under_codes_q
from gongzhi.ledgers.exports import Column, Export

from .filters import ActivityFilterSet, ServiceRecordFilterSet
from .models import SITE_STAFF_ROLES, Activity, ActivityKind, ActivityStatus, CheckIn, RecordStatus, ServiceRecord, Session


def _site_staff(user):
    return user.is_authenticated and user.holds(SITE_STAFF_ROLES)


def _per_activity(queryset, field):
    rows = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def of_my_units(user):
    """Activities of the units one staffs (the activities page's staff list and this ledger: one
    base, decision 83); visible_to alone would add the zone's published activities elsewhere."""
    found = Activity.objects.visible_to(user)
    return found if user.is_superuser else found.filter(under_codes_q("unit__code", user.scope_codes(SITE_STAFF_ROLES)))


def activities(user, full=False):
    return (of_my_units(user).select_related("unit", "site", "team")
            .annotate(n_sessions=_per_activity(Session.objects.all(), "activity"),
                      person_times=_per_activity(CheckIn.objects.all(), "session__activity"))
            .order_by("-created_at", "-pk"))


ACTIVITY_COLUMNS = (
    Column(_("title"), 30), Column(_("kind"), 14), Column(_("unit"), 14), Column(_("site"), 18),
    Column(_("volunteer team"), 16), Column(_("places"), 8), Column(_("from"), 12), Column(_("until"), 12),
    Column(_("status"), 10), Column(_("sessions"), 8), Column(_("person-times"), 10),
)


def activity_row(activity, full=False):
    return [activity.title, ActivityKind(activity.kind).label, activity.unit.name, activity.site.name if activity.site_id else "",
            activity.team.name if activity.team_id else "", activity.capacity, activity.starts_on, activity.ends_on,
            ActivityStatus(activity.status).label, activity.n_sessions, activity.person_times]


def service_records(user, full=False):
    return ServiceRecord.objects.visible_to(user).select_related("volunteer", "unit", "team").order_by("-on", "-pk")


SERVICE_COLUMNS = (
    Column(_("date"), 12), Column(_("volunteer"), 16), Column(_("volunteer team"), 16), Column(_("unit"), 14),
    Column(_("what"), 30), Column(_("status"), 14), Column(_("scheduled hours"), 10), Column(_("hours (confirmed)"), 10),
)


def service_row(record, full=False):
    confirmed = record.status == RecordStatus.CONFIRMED and record.actual_minutes is not None
    return [record.on, record.volunteer.name, record.team.name if record.team_id else "", record.unit.name, record.what,
            RecordStatus(record.status).label, round(record.scheduled_minutes / 60, 2),
            round(record.actual_minutes / 60, 2) if confirmed else None]


EXPORTS = [
    Export("activities", _("Activities and person-times"), activities, ACTIVITY_COLUMNS, activity_row,
           filterset=ActivityFilterSet, may_run=_site_staff, order=30),
    Export("volunteer_hours", _("Volunteer hours"), service_records, SERVICE_COLUMNS, service_row,
           filterset=ServiceRecordFilterSet, may_run=_site_staff, order=31),
]
