"""Per-district time limits over the shared category tree: a district admin sets their own in
the back office, and a case's deadlines follow the limits of the district it lies in."""
import datetime

import pytest
from django.urls import reverse

from gongzhi.cases import services, workflow
from gongzhi.cases.models import Category, CategoryTimeLimit
from gongzhi.people.models import Role
from gongzhi.territory import services as territory
from gongzhi.territory.models import Level
from tests.conftest import PASSWORD, make_user, square
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.fixture
def two_districts(cw):
    """cw's district (370871) and a second one (370872) with one grid and its admin."""
    cw.district_admin = make_user("admin-1", Role.DISTRICT_ADMIN, [cw.district])
    cw.other_district = territory.create_unit(name="乙区", level=Level.DISTRICT, code="370872")
    street = territory.create_unit(name="乙街道", level=Level.STREET, parent=cw.other_district)
    community = territory.create_unit(name="乙社区", level=Level.COMMUNITY, parent=street)
    cw.other_grid = territory.create_unit(name="乙网格", level=Level.GRID, parent=community, boundary=square(117.00, 36.00, 0.02))
    territory.create_unit(name="乙1", level=Level.MICRO_GRID, parent=cw.other_grid, boundary=square(117.00, 36.00, 0.02))
    cw.other_admin = make_user("admin-2", Role.DISTRICT_ADMIN, [cw.other_district])
    return cw


def hours(delta):
    return delta / datetime.timedelta(hours=1)


def test_without_a_district_limit_the_categorys_own_limits_apply(cw):
    assert services.time_limits(cw.category, cw.grid_a.code) == (cw.category.response_hours, cw.category.resolve_hours)


def test_a_district_limit_applies_to_cases_of_that_district_only(two_districts):
    cw = two_districts
    CategoryTimeLimit.objects.create(district=cw.district, category=cw.category, response_hours=2, resolve_hours=48)
    assert services.time_limits(cw.category, cw.grid_a.code) == (2, 48)
    assert services.time_limits(cw.category, cw.other_grid.code) == (cw.category.response_hours, cw.category.resolve_hours)

    here = report(cw)
    there = report(cw, lat=36.01, lng=117.01)
    assert (hours(here.respond_by - here.created_at), hours(here.resolve_by - here.created_at)) == (2, 48)
    assert hours(there.resolve_by - there.created_at) == cw.category.resolve_hours


def test_recategorizing_and_reopening_use_the_districts_limits(two_districts):
    cw = two_districts
    other = Category.objects.get(code="0202")
    CategoryTimeLimit.objects.create(district=cw.district, category=other, response_hours=3, resolve_hours=30)
    case = report(cw)
    case = workflow.perform(case.pk, "dispatch", cw.worker_a, agency=cw.agencies[0], category=other)
    assert hours(case.resolve_by - case.created_at) == 30

    case = workflow.perform(case.pk, "accept", cw.clerks[0])
    case = workflow.perform(case.pk, "feed_back", cw.clerks[0], note="修好了")
    case = workflow.perform(case.pk, "verify", cw.worker_a)
    case = workflow.perform(case.pk, "rate", cw.reporter, rating="unsatisfied", solved=False)
    now = case.rated_at + datetime.timedelta(hours=1)
    case = workflow.perform(case.pk, "reopen", cw.reporter, note="又坏了", now=now)
    assert (hours(case.respond_by - now), hours(case.resolve_by - now)) == (3, 30)


def form(category, district, response, resolve):
    return {"district": district.pk, "category": category.pk, "response_hours": response, "resolve_hours": resolve}


def test_a_district_admin_sets_their_districts_limits_in_the_back_office(client, two_districts):
    cw = two_districts
    login(client, cw.district_admin)
    response = client.post(reverse("admin:cases_categorytimelimit_add"), form(cw.category, cw.district, 12, 72))
    assert response.status_code == 302, response.content.decode()[:2000]
    limit = CategoryTimeLimit.objects.get()
    assert (limit.district, limit.category, limit.response_hours, limit.resolve_hours) == (cw.district, cw.category, 12, 72)
    case = report(cw)
    assert hours(case.resolve_by - case.created_at) == 72


def test_a_district_admin_cannot_set_or_see_another_districts_limits(client, two_districts):
    cw = two_districts
    theirs = CategoryTimeLimit.objects.create(district=cw.other_district, category=cw.category, response_hours=1, resolve_hours=10)
    login(client, cw.district_admin)
    response = client.post(reverse("admin:cases_categorytimelimit_add"), form(cw.category, cw.other_district, 1, 2))
    assert response.status_code == 200 and CategoryTimeLimit.objects.count() == 1  # refused on the form
    assert client.get(reverse("admin:cases_categorytimelimit_change", args=[theirs.pk])).status_code == 404
    assert "乙区" not in client.get(reverse("admin:cases_categorytimelimit_changelist")).content.decode()


@pytest.mark.parametrize("persona", ["secretary", "worker_a"])
def test_below_the_district_no_one_edits_the_time_limits(client, two_districts, persona):
    cw = two_districts
    login(client, getattr(cw, persona))
    response = client.post(reverse("admin:cases_categorytimelimit_add"), form(cw.category, cw.district, 1, 2))
    assert response.status_code == 403 and not CategoryTimeLimit.objects.exists()


def test_a_limit_must_give_at_least_as_long_to_resolve_as_to_respond(client, two_districts):
    cw = two_districts
    login(client, cw.district_admin)
    response = client.post(reverse("admin:cases_categorytimelimit_add"), form(cw.category, cw.district, 48, 24))
    assert response.status_code == 200 and not CategoryTimeLimit.objects.exists()
    assert "办结时限不能短于响应时限" in response.content.decode()
    response = client.post(reverse("admin:cases_categorytimelimit_add"), form(cw.category, cw.district, 0, 24))
    assert response.status_code == 200 and not CategoryTimeLimit.objects.exists()


def test_a_limit_is_for_a_minor_category_and_a_district(client, two_districts):
    cw = two_districts
    login(client, cw.district_admin)
    major = cw.category.parent
    assert client.post(reverse("admin:cases_categorytimelimit_add"), form(major, cw.district, 1, 2)).status_code == 200
    assert client.post(reverse("admin:cases_categorytimelimit_add"), form(cw.category, cw.street, 1, 2)).status_code == 200
    assert not CategoryTimeLimit.objects.exists()
