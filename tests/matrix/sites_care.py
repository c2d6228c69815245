"""Care for older residents in the scope matrix: the registry, home services, check-ins, links."""
import datetime
from types import SimpleNamespace

from django.utils import timezone

from gongzhi.sites.models import CareCheckIn, CareDataView, ElderProfile, HomeServiceRequest
from tests.test_scope_matrix import GET, POST, by_pk, on, page

MEAL = {"meal": "lunch"}

ROUTES = {
    "sites:elders": page(methods=(GET,), query=lambda o: {"q": "居民", "tag": "living_alone"}),
    "sites:care_mine": page(methods=(GET,)),
    "sites:elder_new": page(),
    "sites:elder": on("elder", by_pk, methods=(GET,)),
    "sites:elder_reveal": on("elder", by_pk, methods=(POST,)),
    "sites:elder_edit": on("elder", by_pk, methods=(POST,), body=lambda o: {
        "tags": "empty_nest", "emergency_contact": "矩阵", "visit_every_days": "30"}),
    "sites:home_service_new": on("elder", by_pk, body=lambda o: {"kind": "errand", "details": "矩阵"}),
    "sites:home_services": page(methods=(GET,), query=lambda o: {"status": "requested"}),
    "sites:home_service": on("home_service", by_pk, methods=(GET,)),
    "sites:home_service_match": on("home_service", by_pk, methods=(POST,),
                                   body=lambda o: {"helper": f"volunteer:{o.volunteer}"}),
    "sites:home_service_done": on("home_service", by_pk, methods=(POST,), body=lambda o: {"note": "矩阵", "minutes": "30"}),
    "sites:home_service_confirm": on("home_service", by_pk, methods=(POST,)),
    "sites:home_service_cancel": on("home_service", by_pk, methods=(POST,)),
    "sites:care_checkin": on("care_site", by_pk, query=lambda o: {"q": "居民"},
                             body=lambda o: {"resident": o.resident, **MEAL}),
    "sites:resident_links": on("resident", by_pk, body=lambda o: {"username": "root", "relation": "carer"}),
}

API = {
    "GET /services/care/elders": page(methods=(GET,)),
    "GET /services/care/elders/{elder_id}": on("elder", lambda o: {"elder_id": o.pk}, methods=(GET,)),
    "POST /services/care/elders/{elder_id}/reveal": on("elder", lambda o: {"elder_id": o.pk}, methods=(POST,),
                                                       json_body=True, body=lambda o: {}),
    "GET /services/care/home-services": page(methods=(GET,), query=lambda o: {"status": "requested,matched"}),
    "GET /services/care/home-services/{service_id}": on("home_service", lambda o: {"service_id": o.pk}, methods=(GET,)),
    "POST /services/care/home-services": page(methods=(POST,), json_body=True,
                                              body=lambda o: {"elder_id": 999999, "kind": "errand"}),
    # An older resident one cannot see is no older resident: the same answer as a missing one.
    "POST /services/care/home-services#elder_id": on("elder", lambda o: {}, methods=(POST,), json_body=True,
                                                     body=lambda o: {"elder_id": o.pk, "kind": "errand"}),
    "GET /services/care/home-services/{service_id}/suggestions": on("home_service", lambda o: {"service_id": o.pk},
                                                                    methods=(GET,)),
    "POST /services/care/home-services/{service_id}/match": on(
        "home_service", lambda o: {"service_id": o.pk}, methods=(POST,), json_body=True,
        body=lambda o: {"volunteer_id": o.volunteer}),
    "POST /services/care/home-services/{service_id}/done": on(
        "home_service", lambda o: {"service_id": o.pk}, methods=(POST,), json_body=True,
        body=lambda o: {"note": "矩阵", "minutes": 30}),
    **{f"POST /services/care/home-services/{{service_id}}/{name}": on(
        "home_service", lambda o: {"service_id": o.pk}, methods=(POST,), json_body=True, body=lambda o: {})
       for name in ("confirm", "cancel")},
    "POST /services/care/checkins": on("care_site", lambda o: {}, methods=(POST,), json_body=True,
                                       body=lambda o: {"site_id": o.pk, "resident_id": o.resident, "kind": "meal", **MEAL}),
    "GET /services/care/checkins": on("care_site", lambda o: {}, methods=(GET,), query=lambda o: {"site_id": o.pk}),
}

ADMIN_OBJECTS = {
    "sites.ElderProfile": "elder",
    "sites.HomeServiceRequest": "home_service",
    "sites.CareCheckIn": "care_checkin",
    "sites.CareDataView": "care_data_view",
}

MISSING = {
    "elder": SimpleNamespace(pk=999999),
    "home_service": SimpleNamespace(pk=999999, volunteer=999999),
    "care_site": SimpleNamespace(pk=999999, resident=999999),
}


def build(d):
    from gongzhi.sites.models import (CareCheckIn, CareDataView, ElderProfile, HomeServiceRequest, Site, SiteKind,
                                      Volunteer, VolunteerKind)

    d.elder = ElderProfile.objects.create(resident=d.resident, tags=["living_alone"], emergency_contact="矩阵",
                                          emergency_phone="13900001111")
    d.care_volunteer = Volunteer.objects.create(kind=VolunteerKind.RESIDENT, name=f"{d.grid.name}志愿者", unit=d.grid,
                                                lat=35.01, lng=float(d.grid.boundary["coordinates"][0][0][0]) + 0.01)
    d.home_service = HomeServiceRequest.objects.create(elder=d.elder, kind="errand", raised_by=d.worker, raised_as="staff")
    d.care_site = Site.objects.create(unit=d.community, kind=SiteKind.CANTEEN, name=f"{d.community.name}老年食堂")
    # Yesterday's lunch, so that the matrix's own check-in (today) is a new one.
    d.care_checkin = CareCheckIn.objects.create(site=d.care_site, resident=d.resident, kind="meal", meal="lunch",
                                                on=timezone.localdate() - datetime.timedelta(days=1))
    d.care_data_view = CareDataView.objects.create(user=d.secretary, profile=d.elder)


def objects(d):
    return {
        "elder": SimpleNamespace(pk=d.elder.pk),
        "home_service": SimpleNamespace(pk=d.home_service.pk, volunteer=d.care_volunteer.pk),
        "care_site": SimpleNamespace(pk=d.care_site.pk, resident=d.resident.pk),
        "care_checkin": d.care_checkin,
        "care_data_view": d.care_data_view,
    }


def _profile(w):
    from gongzhi.sites.models import ElderProfile
    from tests.test_back_office_queries import _resident
    return ElderProfile.objects.create(resident=_resident(w), tags=["empty_nest"])


def _home_service(w):
    from gongzhi.sites.models import HomeServiceRequest
    return HomeServiceRequest.objects.create(elder=_profile(w), kind="errand", raised_by=w.worker_a, raised_as="staff")


def _checkin(w):
    from gongzhi.sites.models import CareCheckIn, Site, SiteKind
    from tests.test_back_office_queries import _resident
    site = Site.objects.get_or_create(unit=w.community, kind=SiteKind.CANTEEN, name="行数食堂")[0]
    return CareCheckIn.objects.create(site=site, resident=_resident(w), kind="meal", meal="lunch", on=timezone.localdate())


def _data_view(w):
    from gongzhi.sites.models import CareDataView
    return CareDataView.objects.create(user=w.secretary, profile=_profile(w))


BACK_OFFICE_ROWS = {ElderProfile: _profile, HomeServiceRequest: _home_service, CareCheckIn: _checkin,
                    CareDataView: _data_view}
