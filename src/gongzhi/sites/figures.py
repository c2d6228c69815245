"""Sites and services in the headline figures, counted from the records (never typed)."""
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import Figure

from .models import (ActivityKind, CheckIn, HomeServiceStatus, HomeServiceRequest, MicroProject,
                     ProjectStatus, RecordStatus, RedPartner, ServiceRecord, Session, SessionStatus, Site, SiteKind,
                     Team, Upgrade)


def _service_activities():
    # The article's "各类服务活动128次": service events held (a birthday party each month counts
    # each time); a course's lessons are counted apart, as course person-times.
    return Session.objects.filter(status=SessionStatus.HELD).exclude(activity__kind=ActivityKind.COURSE).count()


def _volunteer_hours():
    total = ServiceRecord.objects.filter(status=RecordStatus.CONFIRMED).aggregate(m=Sum("actual_minutes"))["m"] or 0
    return round(total / 60)


FIGURES = [
    Figure("service_activities", _("Service activities held"), _service_activities),
    Figure("activity_person_times", _("Activity person-times (人次, from check-ins)"), lambda: CheckIn.objects.count()),
    Figure("course_person_times", _("Course person-times (老年学堂 etc.)"),
           lambda: CheckIn.objects.filter(session__activity__kind=ActivityKind.COURSE).count()),
    Figure("volunteer_teams", _("Volunteer teams"), lambda: Team.objects.filter(active=True).count()),
    Figure("red_partners", _("Red partners (红色合伙人)"), lambda: RedPartner.objects.filter(left_on__isnull=True).count()),
    Figure("volunteer_hours", _("Confirmed volunteer hours"), _volunteer_hours),
    Figure("sites_upgraded", _("Sites upgraded"),
           lambda: Upgrade.objects.filter(finished_on__isnull=False).values("site").distinct().count()),
    Figure("elderly_canteens", _("Elderly canteens"), lambda: Site.objects.filter(kind=SiteKind.CANTEEN, active=True).count()),
    Figure("day_care_centres", _("Day-care centres"), lambda: Site.objects.filter(kind=SiteKind.DAY_CARE, active=True).count()),
    Figure("home_services_done", _("Home services done and confirmed"),
           lambda: HomeServiceRequest.objects.filter(status=HomeServiceStatus.CONFIRMED).count()),
    Figure("micro_projects", _("微幸福 micro projects"),
           lambda: MicroProject.objects.exclude(status__in=[ProjectStatus.PROPOSED, ProjectStatus.CANCELLED]).count()),
]
