"""Shared makings for the activities tests: a site, residents with accounts linked to the ledger."""
import datetime
import itertools

from django.utils import timezone

from gongzhi.people.models import Role
from gongzhi.sites.models import Site, SiteKind
from gongzhi.sites.services import activities as svc
from gongzhi.territory import services as territory
from gongzhi.territory.identity import id_check_char
from gongzhi.territory.models import AccountRelation, ResidentLink
from tests.conftest import make_user

serial = itertools.count(1)


def site(world, name="测试党群服务中心"):
    return Site.objects.create(unit=world.community, kind=SiteKind.SERVICE_CENTRE, name=name, address="测试路1号")


def resident(world, *, born=datetime.date(1950, 3, 1), account=True, name=None):
    """A ledger resident of grid A, with their own linked account (or none)."""
    n = next(serial)
    first17 = f"370811{born:%Y%m%d}{n % 1000:03d}"
    r = territory.create_resident(household=world.household_a, name=name or f"居民{n}", gender="",
                                  id_number=first17 + id_check_char(first17), phone="13800000000")
    if account:
        user = make_user(f"resident-{n}", Role.RESIDENT, [world.grid_a])
        ResidentLink.objects.create(resident=r, user=user, relation=AccountRelation.SELF)
        r.account = user
    return r


def course(world, *, capacity=2, starts_in_days=3, sessions=3, by=None):
    """A course with ``sessions`` weekly lessons, the first in ``starts_in_days`` days."""
    by = by or world.worker_a
    activity = svc.create_activity(unit=world.grid_a, kind="course", title="太极拳班", by=by, site=site(world),
                                   capacity=capacity)
    first = timezone.now().replace(microsecond=0) + datetime.timedelta(days=starts_in_days)
    for i in range(sessions):
        svc.add_session(activity, starts_at=first + datetime.timedelta(weeks=i), by=by)
    return activity


def one_off(world, *, capacity=2, starts_in=datetime.timedelta(days=3), by=None, **extra):
    by = by or world.worker_a
    activity = svc.create_activity(unit=world.grid_a, kind="activity", title="义医义诊", by=by, capacity=capacity, **extra)
    session = svc.add_session(activity, starts_at=timezone.now().replace(microsecond=0) + starts_in, by=by)
    return activity, session
