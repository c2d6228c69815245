"""The demo world: 济宁高新区 as the source article describes it.

Each app builds its own part (GongzhiAppConfig.demo_steps, run in order by
``DemoBuilder``): the territory, agencies and accounts, party organizations,
a year of cases... The named places come from the article; the rest is
generated with a seeded random generator and Faker's zh_CN provider, so the
same seed always builds the same world. The article's figures are targets for
how many *records* to create; every figure the product shows is then counted
back from those records, never read from here.

This module's own steps come last: the known demo logins (one per role) and
the demo Open311 client.
"""
from django.contrib.auth.hashers import make_password
from django.utils.text import format_lazy

from gongzhi.api.services import create_token
from gongzhi.core.demo import DemoBuilder  # noqa: F401  (the command's entry point)
from gongzhi.party.models import PartyMember
from gongzhi.people.models import Role, RoleAssignment, User
from gongzhi.territory.models import Estate, Unit

DEMO_PASSWORD = "gongzhi-demo"
# The machine client the demo's Open311 api_key belongs to (its scope: the whole district).
OPEN311_CLIENT, OPEN311_CLIENT_NAME = "open311-client", "12345热线对接"
# One login per role, printed by `make demo`. (role, username, what it is)
DEMO_LOGINS = [
    (Role.DISTRICT_ADMIN, "demo-district"),
    (Role.STREET_ADMIN, "demo-street"),
    (Role.COMMUNITY_SECRETARY, "demo-secretary"),
    (Role.GRID_WORKER, "demo-grid"),
    (Role.PROFESSIONAL_GRID_WORKER, "demo-pro"),
    (Role.LEGAL_OFFICER, "demo-legal"),
    (Role.INSTRUCTOR, "demo-instructor"),
    (Role.PARTY_MEMBER, "demo-member"),
    (Role.VOLUNTEER, "demo-volunteer"),
    (Role.RESIDENT, "demo-resident"),
    (Role.ENTERPRISE_LIAISON, "demo-liaison"),
    (Role.PARK_STAFF, "demo-park"),
]


def name_demo_logins(builder):
    """Give the first person of each role a known login, and add the roles nobody holds yet.

    The demo grid worker looks after 龙城一号小区; the demo secretary and street admin are
    the ones above that grid, so their pages connect.
    """
    password = make_password(DEMO_PASSWORD)
    longcheng = Estate.objects.select_related("grid").get(name="龙城一号小区").grid
    firsts = {}
    for assignment in RoleAssignment.objects.select_related("user").prefetch_related("units").order_by("pk"):
        role, units = assignment.role, list(assignment.units.all())
        above = any(longcheng.code.startswith(u.code) for u in units)
        if role == Role.GRID_WORKER and any(u.pk == longcheng.pk for u in units) and role not in firsts:
            firsts[role] = assignment.user
        elif role in (Role.COMMUNITY_SECRETARY, Role.STREET_ADMIN) and above and role not in firsts:
            firsts[role] = assignment.user
    for assignment in RoleAssignment.objects.select_related("user").order_by("pk"):
        firsts.setdefault(assignment.role, assignment.user)
    first_community = builder.world.communities[0]
    for role, username in DEMO_LOGINS:
        user = firsts.get(role)
        if user is None:
            user = User.objects.create(username=username, display_name=builder.fake.name(), password=password)
            scope = [builder.world.district] if role in (Role.ENTERPRISE_LIAISON, Role.PARK_STAFF) else [first_community]
            RoleAssignment.objects.create(user=user, role=role).units.set(scope)
        User.objects.filter(pk=user.pk).update(username=username, password=password)
        if role == Role.PARTY_MEMBER:
            member = PartyMember.objects.filter(organization=builder.world.branches[0]).order_by("pk").first()
            member.account_id = user.pk
            member.save(update_fields=["account"])


def open311_demo_client(builder):
    builder.open311_key = create_open311_key(open311_client(builder.world.district))


def page_context(request):
    """The login page lists the demo logins in demo mode."""
    from django.conf import settings

    if not settings.DEMO_MODE:
        return {}
    return {"DEMO_LOGINS": demo_logins(), "DEMO_PASSWORD": DEMO_PASSWORD}


def open311_client(district):
    """The demo's Open311 client account (12345热线对接) over ``district``, made if missing.

    It has no usable password: it only ever signs in with its api_key.
    """
    user, created = User.objects.get_or_create(username=OPEN311_CLIENT, defaults={
        "display_name": OPEN311_CLIENT_NAME, "password": make_password(None),
    })
    if not user.role_assignments.filter(role=Role.MACHINE_CLIENT).exists():
        RoleAssignment.objects.create(user=user, role=Role.MACHINE_CLIENT).units.set([district])
    return user


def create_open311_key(client):
    """A new api_key for the demo Open311 client; the plaintext exists only in the return value."""
    _token, plaintext = create_token(client, name="Open311 (demo)")
    return plaintext


def demo_logins():
    """The logins above, then those other apps' demo steps made (a ``demo-`` user, such as the
    second zone's admin), each labelled with its role and where it holds it."""
    found = [(Role(role).label, username, DEMO_PASSWORD) for role, username in DEMO_LOGINS]
    known = {username for _role, username in DEMO_LOGINS}
    others = (User.objects.filter(username__startswith="demo-").exclude(username__in=known).order_by("username")
              .prefetch_related("role_assignments__units"))
    for user in others:
        held = user.role_assignments.all()
        if held:
            units = "、".join(u.name for u in held[0].units.all())
            # Lazy, so the command prints the role in each of its two languages.
            found.append((format_lazy("{}（{}）", Role(held[0].role).label, units) if units else Role(held[0].role).label,
                          user.username, DEMO_PASSWORD))
    return found
