"""Sites' parts of the cockpit (dashboard.parts): activity person-times (check-ins) and volunteer
hours (confirmed minutes), per the unit of the activity or the service, by month."""
import datetime

from django.db.models import Count, F, Min, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import under_codes_q
from gongzhi.dashboard.parts import Measure, Part

from .models import CheckIn, RecordStatus, ServiceRecord

PREFIX = "sites."


def count(start, end, unit_code=None):
    checkins = CheckIn.objects.filter(session__starts_at__gte=start, session__starts_at__lt=end)
    first_day, last_day = timezone.localtime(start).date(), timezone.localtime(end).date()
    records = ServiceRecord.objects.filter(on__gte=first_day, on__lt=last_day, status=RecordStatus.CONFIRMED)
    if unit_code:
        checkins = checkins.filter(under_codes_q("session__activity__unit__code", [unit_code]))
        records = records.filter(under_codes_q("unit__code", [unit_code]))
    for row in checkins.values(code=F("session__activity__unit__code")).annotate(n=Count("id")).order_by():
        yield row["code"], PREFIX + "person_times", row["n"]
    for row in records.values("unit__code").annotate(n=Sum("actual_minutes")).order_by():
        yield row["unit__code"], PREFIX + "volunteer_minutes", row["n"] or 0


def first_month():
    found = [CheckIn.objects.aggregate(m=Min("session__starts_at"))["m"]]
    found = [timezone.localtime(f).date() for f in found if f]
    first_record = ServiceRecord.objects.aggregate(m=Min("on"))["m"]
    if first_record:
        found.append(first_record if isinstance(first_record, datetime.date) else first_record.date())
    return min(found) if found else None


def panels(view):
    x = [m.strftime("%Y-%m") for m in view.months]
    hours = [round(n / 60, 1) for n in view.series(PREFIX + "volunteer_minutes")]
    return [{"key": "services", "title": str(_("Activity person-times and volunteer hours")), "kind": "bar", "x": x,
             "series": [{"name": str(_("Activity person-times")), "data": view.series(PREFIX + "person_times")},
                        {"name": str(_("Volunteer hours")), "data": hours}]}]


def _day(moment):
    return (timezone.localtime(moment).date() if isinstance(moment, datetime.datetime) else moment).isoformat()


def _checkins(unit_code, start, end):
    """The check-ins of the unit's activities at sessions begun in the month: one row a person-time."""
    return f"{reverse('sites:checkins')}?unit={unit_code}&starts_after={_day(start)}&starts_before={_day(end)}"


def _service_records(unit_code, start, end):
    """The confirmed service records of the unit and month: their minutes add up to the figure."""
    return (f"{reverse('sites:service_records')}?unit={unit_code}&status={RecordStatus.CONFIRMED}"
            f"&on_after={_day(start)}&on_before={_day(end)}")


PARTS = [
    Part("sites", _("Services"), count, PREFIX, order=40, panel="sites", extra={"first": first_month, "panels": panels},
         figures=(Measure("sites.person_times", _("Activity person-times"), _checkins),
                  Measure("sites.volunteer_minutes", _("Volunteer minutes"), _service_records))),
]
