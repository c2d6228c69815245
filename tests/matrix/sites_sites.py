"""Sites, rooms and upgrades in the scope matrix (sites/views/sites.py, sites/api/sites.py,
sites/admin/sites.py). Sites are open to everyone of their zone; another zone's is missing."""
import datetime
import itertools
from types import SimpleNamespace

from gongzhi.sites.models import Site, SiteKind, Upgrade, UpgradeKind
from gongzhi.sites.services import sites as site_rules
from tests.test_scope_matrix import GET, by_pk, on, page

HOURS = {d: [("08:00", "20:00")] for d in range(7)}

ROUTES = {
    "sites:sites": page(methods=(GET,), query=lambda o: {"kind": "service_centre", "unit": "370871"}),
    "sites:site": on("site", by_pk, methods=(GET,)),
    "sites:room": on("room", by_pk, methods=(GET,), query=lambda o: {"day": "2027-01-04"}),
}

API = {
    "GET /services/sites": page(methods=(GET,), query=lambda o: {"kind": "service_centre", "unit": "370872"}),
    "GET /services/sites/{site_id}": on("site", lambda o: {"site_id": o.pk}, methods=(GET,)),
    "GET /services/rooms/{room_id}/free-busy": on("room", lambda o: {"room_id": o.pk}, methods=(GET,),
                                                  query=lambda o: {"day": "2027-01-04"}),
}

ADMIN_OBJECTS = {"sites.Site": "site", "sites.Upgrade": "upgrade"}


def build(d):
    if hasattr(d, "site"):
        return  # already built for tests/matrix/sites_bookings.py
    d.site = site_rules.create_site(unit=d.community, kind=SiteKind.SERVICE_CENTRE, name=f"{d.community.name}党群服务中心",
                                    by=d.secretary, lat=35.01, lng=116.0, hours=HOURS)
    d.room = site_rules.add_room(d.site, name="唱吧", by=d.secretary, capacity=12)
    d.upgrade = site_rules.record_upgrade(d.site, kind=UpgradeKind.AGE_FRIENDLY, what="加装扶手",
                                          started_on=datetime.date(2026, 3, 1), by=d.secretary)


def objects(d):
    return {"site": SimpleNamespace(pk=d.site.pk), "room": SimpleNamespace(pk=d.room.pk),
            "upgrade": SimpleNamespace(pk=d.upgrade.pk)}


_serial = itertools.count(1)


def _site(w):
    return Site.objects.create(unit=w.community, kind=SiteKind.STATION, name=f"红帆驿站{next(_serial)}")


BACK_OFFICE_ROWS = {
    Site: _site,
    Upgrade: lambda w: Upgrade.objects.create(site=_site(w), kind=UpgradeKind.RENOVATION, what="提升改造",
                                              started_on=datetime.date(2026, 1, next(_serial) % 28 + 1)),
}
