"""Every back-office list runs the same number of queries for 3 rows as for 30 (no N+1)."""
import datetime
import itertools

import pytest
from django.contrib import admin
from django.utils import timezone
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.cases import services as case_services
from gongzhi.cases.models import CaseContactView, Category, CategoryTimeLimit, Channel
from tests.test_scope_matrix import MATRIX_PARTS
from gongzhi.deliberation.models import Council, Meeting, MeetingFormat, MeetingSeries, PartyCadence
from gongzhi.party.models import (
    DualReport, InstructorAssignment, OrganizationActivity, OrganizationKind, PartyMember, PartyOrganization, PioneerPost,
)
from gongzhi.people.models import Agency, AgencyKind, Role, RoleAssignment, User
from gongzhi.territory import services as territory
from gongzhi.territory.identity import id_check_char
from gongzhi.territory.models import Building, Estate, Household, Level, PersonalDataView, Resident, Unit
from tests.conftest import make_user

serial = itertools.count(1)


def _branch(w):
    return PartyOrganization.objects.create(name=f"支部{next(serial)}", kind=OrganizationKind.BRANCH, unit=w.grid_a)


def _member(w, organization=None):
    n = next(serial)
    return PartyMember.objects.create(name=f"党员{n}", gender="M", phone=f"1370000{n:04d}", employment="retired",
                                      organization=organization or _branch(w), account=make_user(f"member-{n}"))


def _resident(w):
    first17 = f"370811199001{next(serial) % 28 + 1:02d}{next(serial) % 1000:03d}"
    return territory.create_resident(household=_household(w), name="居民", gender="", id_number=first17 + id_check_char(first17),
                                     phone="13800000000")


def _household(w):
    return Household.objects.create(building=_building(w), room=f"{next(serial)}")


def _building(w):
    return Building.objects.create(estate=_estate(w), number=f"{next(serial)}号楼", micro_grid=w.micro_a1)


def _estate(w):
    return Estate.objects.create(name=f"小区{next(serial)}", grid=w.grid_a)


def _account(w):
    return make_user(f"worker-{next(serial)}", Role.GRID_WORKER, [w.grid_a])


def _assignment(w):
    return RoleAssignment.objects.get(user=_account(w))


def _minor_category(w):
    return Category.objects.create(code=f"Q{next(serial):04d}", name="小类", parent=w.major_category)


def _case(w):
    return case_services.create_case(title="路灯不亮", description="小区南门路灯不亮", category=w.minor_category,
                                     channel=Channel.PATROL, recorded_by=w.worker_a, lat=35.01, lng=116.005)


def _meeting_format(w):
    return MeetingFormat.objects.create(code=f"format-{next(serial)}", name="议事", recurrence="FREQ=MONTHLY;BYMONTHDAY=7;BYHOUR=19")


def _meeting(w):
    starts = timezone.now() + datetime.timedelta(days=next(serial) % 60)
    return Meeting.objects.create(format=_meeting_format(w), unit=w.grid_a, organization=_branch(w), title="会议",
                                  starts_at=starts, ends_at=starts + datetime.timedelta(hours=1))


# How to add one row that the viewer sees, for each model with a back-office list.
ROW_MAKERS = {
    Unit: lambda w: territory.create_unit(name=f"网格{next(serial)}", level=Level.GRID, parent=w.community),
    Estate: _estate,
    Building: _building,
    Household: _household,
    Resident: _resident,
    PersonalDataView: lambda w: PersonalDataView.objects.create(user=w.secretary, resident=_resident(w), field="phone"),
    PartyOrganization: lambda w: PartyOrganization.objects.create(
        name=f"楼栋党小组{next(serial)}", kind=OrganizationKind.GROUP, unit=w.grid_a, parent=w.branch,
        building=_building(w), household=_household(w), secretary=_member(w)),
    PartyMember: _member,
    DualReport: lambda w: DualReport.objects.create(member=_member(w), community=w.community, grid=w.grid_a,
                                                    registered_on=datetime.date(2026, 1, 5)),
    InstructorAssignment: lambda w: InstructorAssignment.objects.create(instructor=_account(w), branch=_branch(w),
                                                                        since=datetime.date(2026, 1, 5)),
    OrganizationActivity: lambda w: OrganizationActivity.objects.create(
        organization=_branch(w), kind="party_lesson", title="党课", held_on=datetime.date(2026, 3, next(serial) % 28 + 1)),
    PioneerPost: lambda w: PioneerPost.objects.create(organization=_branch(w), name="先锋岗", holder=_member(w)),
    User: _account,
    Agency: lambda w: Agency.objects.create(name=f"部门{next(serial)}", kind=AgencyKind.DEPARTMENT, district=w.district),
    RoleAssignment: _assignment,
    Category: _minor_category,
    CaseContactView: lambda w: CaseContactView.objects.create(user=w.secretary, case=_case(w)),
    CategoryTimeLimit: lambda w: CategoryTimeLimit.objects.create(district=w.district, category=_minor_category(w),
                                                                  response_hours=12, resolve_hours=48),
    MeetingFormat: _meeting_format,
    PartyCadence: lambda w: PartyCadence.objects.create(format=MeetingFormat.objects.filter(purpose="party").first(),
                                                        organization_kind=f"kind-{next(serial)}", every_months=1),
    MeetingSeries: lambda w: MeetingSeries.objects.create(
        format=_meeting_format(w), unit=w.grid_a, organization=_branch(w), title="系列", recurrence="FREQ=MONTHLY;BYHOUR=9",
        starts_on=datetime.date(2026, 1, 1)),
    Council: lambda w: Council.objects.create(
        unit=territory.create_unit(name=f"网格{next(serial)}", level=Level.GRID, parent=w.community), name="议事会"),
    Meeting: _meeting,
}
# Other apps' lists: BACK_OFFICE_ROWS {Model: maker(world)} in their tests/matrix/ modules.
for _part in MATRIX_PARTS:
    ROW_MAKERS.update(getattr(_part, "BACK_OFFICE_ROWS", {}))
# Lists that only some back-office roles open at all (the others get 403 there, tested elsewhere).
ONLY_FOR = {CategoryTimeLimit: {"district_admin"}}


@pytest.fixture
def scope(world):
    world.branch = _branch(world)
    world.major_category = Category.objects.create(code="Q", name="大类")
    world.minor_category = _minor_category(world)
    world.district_admin = make_user("district-admin", Role.DISTRICT_ADMIN, [world.district])
    return world


def test_every_back_office_list_has_a_row_maker():
    assert set(admin.site._registry) == set(ROW_MAKERS), "add a row maker for each new back-office list"


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.context["cl"].result_count


@pytest.mark.parametrize("model", list(ROW_MAKERS), ids=lambda m: m._meta.label)
@pytest.mark.parametrize("persona", ["secretary", "district_admin"])
def test_a_list_runs_as_many_queries_for_thirty_rows_as_for_three(client, scope, model, persona):
    if persona not in ONLY_FOR.get(model, {persona}):
        pytest.skip(f"{model._meta.label} is not a {persona}'s list")
    client.force_login(getattr(scope, persona))
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    for _i in range(3):
        ROW_MAKERS[model](scope)
    few, shown_few = _count(client, url)
    for _i in range(27):
        ROW_MAKERS[model](scope)
    many, shown_many = _count(client, url)
    assert shown_many >= shown_few + 27  # the new rows are in the list
    assert many == few, f"{url}: {few} queries for {shown_few} rows, {many} for {shown_many}"
