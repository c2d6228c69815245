"""A small volunteer world on top of conftest's ``world``: a team led by a resident, a volunteer
with an account on it, and a shift of the community that has started."""
import datetime

from django.utils import timezone

from gongzhi.people.models import Role
from gongzhi.sites.models import VolunteerKind
from gongzhi.sites.services import volunteers as rules
from tests.conftest import make_user


def volunteer_world(world, *, starts=None):
    world.leader = make_user("leader", Role.RESIDENT, [world.grid_a])
    world.helper = make_user("helper", Role.RESIDENT, [world.grid_a])
    world.team = rules.create_team(unit=world.community, name="红帆志愿服务队", by=world.secretary, leader=world.leader)
    world.volunteer = rules.register_volunteer(kind=VolunteerKind.RESIDENT, unit=world.community, by=world.secretary,
                                               user=world.helper, skills="理发", teams=[world.team])
    starts = starts or timezone.now() - datetime.timedelta(hours=3)
    world.shift = rules.create_shift(unit=world.community, title="敬老院理发", starts_at=starts,
                                     ends_at=starts + datetime.timedelta(hours=2), by=world.secretary, team=world.team, places=2)
    world.record = rules.assign(world.shift, world.volunteer, by=world.secretary)
    return world
