"""Activities in the scope matrix (sites/views/activities.py, sites/api/activities.py): an
activity is open to its district, a sign-up to its person and the staff of its unit; another
district's is missing. A site's iCalendar feed is public on purpose (no personal data)."""
import datetime
import itertools
from types import SimpleNamespace

from django.utils import timezone

from gongzhi.sites.models import Activity, Session, SessionStatus, Site, SiteKind
from gongzhi.sites.services import activities as activity_rules
from tests.test_scope_matrix import GET, POST, by_pk, on, page

serial = itertools.count(1)


def _session(o):
    return {"session_id": o.pk}


ROUTES = {
    "sites:activities": page(methods=(GET,), query=lambda o: {"kind": "course", "day": "2099-01-05"}),
    "sites:activity_new": page(body=lambda o: {"unit": "999999", "kind": "activity", "title": "矩阵"}),
    # A unit in the body: a unit one does not run is no choice, like a missing one.
    "sites:activity_new#unit": on("unit", lambda o: {}, methods=(POST,),
                                  body=lambda o: {"unit": o.pk, "kind": "activity", "title": "矩阵"}),
    "sites:activity": on("service_activity", by_pk, methods=(GET,)),
    # Person-times: the cockpit's figure opens it for a unit and a month.
    "sites:checkins": page(methods=(GET,), query=lambda o: {"unit": "370871", "starts_after": "2026-01-01"}),
    "sites:activity_edit": on("service_activity", by_pk, methods=(POST,), body=lambda o: {"capacity": "5"}),
    "sites:session_add": on("service_activity", by_pk, methods=(POST,), body=lambda o: {"starts_at": "2099-01-05T10:00"}),
    "sites:activity_signup": on("service_activity", by_pk, methods=(POST,)),
    "sites:signup_cancel": on("signup", by_pk, methods=(POST,)),
    "sites:session": on("activity_session", by_pk, body=lambda o: {"code": "000000"}),
    **{f"sites:session_action/{name}": on("activity_session", lambda o, name=name: {"pk": o.pk, "action": name},
                                          methods=(POST,), body=lambda o: {"reason": "矩阵"})
       for name in ("open", "close", "cancel")},
    # The resident checked in is one of the session's own district (getattr: a missing session has none).
    "sites:session_checkin_record": on("activity_session", by_pk, methods=(POST,),
                                       body=lambda o: {"resident": getattr(o, "resident", 999999)}),
    "sites:session_screen": on("activity_session", by_pk, methods=(GET,)),
    # Calendar apps cannot sign in: a site's feed of published activities is public (decision 54).
    "sites:site_calendar": on("activity_site", by_pk, methods=(GET,), scoped=False),
    "sites:my_calendar": page(),
    # A made-up secret finds nobody's feed, whoever asks.
    "sites:person_calendar": page(methods=(GET,), fill=lambda o: {"token": "0" * 43}),
}

API = {
    "GET /services/activities": page(methods=(GET,), query=lambda o: {"kind": "course", "unit": "370871"}),
    "GET /services/activities/{activity_id}": on("service_activity", lambda o: {"activity_id": o.pk}, methods=(GET,)),
    "POST /services/activities": page(methods=(POST,), json_body=True,
                                      body=lambda o: {"unit_code": "370899999999999", "title": "矩阵"}),
    "POST /services/activities#unit_code": on("unit", lambda o: {}, methods=(POST,), json_body=True,
                                              body=lambda o: {"unit_code": o.code, "title": "矩阵"}),
    "POST /services/activities/{activity_id}/sessions": on(
        "service_activity", lambda o: {"activity_id": o.pk}, methods=(POST,), json_body=True,
        body=lambda o: {"starts_at": "2099-01-05T10:00:00+08:00"}),
    "POST /services/activities/{activity_id}/signups": on("service_activity", lambda o: {"activity_id": o.pk},
                                                          methods=(POST,), json_body=True, body=lambda o: {}),
    "GET /services/activities/{activity_id}/signups": on("service_activity", lambda o: {"activity_id": o.pk},
                                                         methods=(GET,)),
    "GET /services/signups": page(methods=(GET,)),
    "POST /services/signups/{signup_id}/cancel": on("signup", lambda o: {"signup_id": o.pk}, methods=(POST,),
                                                    json_body=True, body=lambda o: {}),
    "POST /services/activity-sessions/{session_id}/checkin": on("activity_session", _session, methods=(POST,),
                                                                json_body=True, body=lambda o: {"code": "000000"}),
    "POST /services/activity-sessions/{session_id}/checkin#resident_id": on(
        "activity_session", _session, methods=(POST,), json_body=True,
        body=lambda o: {"resident_id": getattr(o, "resident", 999999)}),
    "POST /services/activity-sessions/{session_id}/open": on("activity_session", _session, methods=(POST,),
                                                             json_body=True, body=lambda o: {}),
    "POST /services/activity-sessions/{session_id}/close": on("activity_session", _session, methods=(POST,),
                                                              json_body=True, body=lambda o: {}),
}

ADMIN_OBJECTS = {"sites.Activity": "service_activity"}

MISSING = {"activity_session": SimpleNamespace(pk=999999, resident=999999)}


def build(d):
    d.activity_site = Site.objects.create(unit=d.community, kind=SiteKind.SERVICE_CENTRE, name=f"{d.grid.name}党群服务中心")
    d.course = activity_rules.create_activity(unit=d.grid, kind="course", title="太极拳班", by=d.worker,
                                              site=d.activity_site, capacity=10)
    activity_rules.add_session(d.course, starts_at=timezone.now() + datetime.timedelta(days=5), by=d.worker)
    d.signup = activity_rules.sign_up(d.course, by=d.reporter)
    # A clinic without a limit of places, its session on now, check-in open (walk-ins welcome).
    clinic = activity_rules.create_activity(unit=d.grid, kind="clinic", title="义医义诊", by=d.worker, capacity=0,
                                            site=d.activity_site)
    start = timezone.now() - datetime.timedelta(minutes=30)
    d.activity_session = Session.objects.create(activity=clinic, starts_at=start, ends_at=start + datetime.timedelta(hours=3),
                                                status=SessionStatus.OPEN, checkin_code="123456")


def objects(d):
    return {
        "service_activity": SimpleNamespace(pk=d.course.pk),
        "signup": SimpleNamespace(pk=d.signup.pk),
        "activity_session": SimpleNamespace(pk=d.activity_session.pk, resident=d.resident.pk),
        "activity_site": SimpleNamespace(pk=d.activity_site.pk),
    }


def _activity(w):
    return Activity.objects.create(unit=w.grid_a, kind="activity", title=f"活动{next(serial)}")


BACK_OFFICE_ROWS = {Activity: _activity}
