"""A community centre with opening hours and two rooms (三郭唱吧 and a room that needs approval),
run by the secretary of the `world` fixture's community, for the booking tests."""
import datetime
from types import SimpleNamespace

from django.utils import timezone

from gongzhi.sites.models import SiteKind
from gongzhi.sites.services import sites as site_rules

WEEK = {d: [("08:30", "11:30"), ("14:00", "21:00")] for d in range(7)}


def at(day, hhmm):
    """An aware local datetime on ``day`` at "HH:MM"."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.fromisoformat(hhmm)))


def centre(world):
    s = SimpleNamespace()
    s.site = site_rules.create_site(unit=world.community, kind=SiteKind.SERVICE_CENTRE, name="三郭社区党群服务中心",
                                    by=world.secretary, address="三郭路1号", lat=35.41, lng=116.59, hours=WEEK)
    s.room = site_rules.add_room(s.site, name="三郭唱吧", by=world.secretary, capacity=12, checkin_grace_minutes=15,
                                 max_booking_minutes=180)
    s.hall = site_rules.add_room(s.site, name="多功能厅", by=world.secretary, capacity=60, needs_approval=True)
    # Tomorrow (local), and "now" the evening before: every booking of the tests is in the future.
    s.day = timezone.localdate() + datetime.timedelta(days=1)
    s.now = at(s.day - datetime.timedelta(days=1), "20:00")
    return s
