"""Each app's export through /ledgers/export/<key>.xlsx: the records of one's scope only, the
app's filter set, the counts it carries (person-times, hours), a flat number of queries."""
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongzhi.people.models import Role
from gongzhi.sites.models import CheckIn, RecordStatus, ServiceRecord
from gongzhi.sites.services import volunteers as volunteer_rules
from gongzhi.territory import services as territory
from gongzhi.territory.models import Level
from tests.conftest import make_user
from tests.sites_activity_helpers import course, one_off
from tests.test_deliberation_decisions_life import decide, room  # noqa: F401  (fixture)
from tests.test_industry_market_services import park  # noqa: F401  (fixture)
from tests.volunteer_helpers import volunteer_world


def sheet(client, key, **query):
    response = client.get(reverse("ledgers:export", args=[key]), query)
    assert response.status_code == 200, response.content[:300]
    rows = [list(r) for r in load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
            .active.iter_rows(values_only=True)]
    return rows[0], rows[1:]


def other_zone_worker():
    district = territory.create_unit(name="另一区", level=Level.DISTRICT, code="370872")
    street = territory.create_unit(name="另一街道", level=Level.STREET, parent=district)
    community = territory.create_unit(name="另一社区", level=Level.COMMUNITY, parent=street)
    grid = territory.create_unit(name="另一网格", level=Level.GRID, parent=community)
    return make_user("far-worker", Role.GRID_WORKER, [grid])


def test_meetings_and_decisions_are_exported_within_scope(client, world, room):
    decide(world, room)
    client.force_login(world.worker_a)
    headers, rows = sheet(client, "meetings")
    assert [r[0] for r in rows] == [room.meeting.title] and headers[0] == "主题"
    assert len(sheet(client, "decisions")[1]) == 1
    assert len(sheet(client, "decisions", unit=world.grid_b.code)[1]) == 0
    client.force_login(world.worker_b)
    assert sheet(client, "meetings")[1] == [] and sheet(client, "decisions")[1] == []


def test_activities_carry_their_sessions_and_person_times(client, world):
    activity = course(world, sessions=2)
    session = activity.sessions.order_by("starts_at").first()
    for n in range(3):
        CheckIn.objects.create(session=session, user=make_user(f"person-{n}", Role.RESIDENT, [world.grid_a]))
    one_off(world)
    client.force_login(world.secretary)
    headers, rows = sheet(client, "activities")
    found = {r[0]: (r[headers.index("场次")], r[headers.index("参与人次")]) for r in rows}
    assert found == {"太极拳班": (2, 3), "义医义诊": (1, 0)}
    assert [r[0] for r in sheet(client, "activities", kind="course")[1]] == ["太极拳班"]
    client.force_login(other_zone_worker())
    assert sheet(client, "activities")[1] == []


def test_volunteer_hours_count_confirmed_minutes_only(client, world):
    volunteer_world(world)
    volunteer_rules.confirm(world.record, by=world.secretary, actual_minutes=90)
    client.force_login(world.secretary)
    headers, rows = sheet(client, "volunteer_hours")
    assert [r[headers.index("确认时长（小时）")] for r in rows] == [1.5]
    assert sheet(client, "volunteer_hours", status=RecordStatus.SCHEDULED)[1] == []
    client.force_login(world.worker_b)
    assert sheet(client, "volunteer_hours")[1] == []


def test_the_coverage_gap_list_and_the_needs_follow_scope_and_filters(client, park):
    client.force_login(park.worker_b)
    headers, rows = sheet(client, "coverage_gaps")
    assert sorted(r[0] for r in rows) == ["物流公司", "远方厂"]
    assert isinstance(rows[0][headers.index("统一社会信用代码")], str)
    client.force_login(park.staff)
    assert len(sheet(client, "coverage_gaps")[1]) == 4
    assert sorted(r[0] for r in sheet(client, "coverage_gaps", unit=park.grid_a.code)[1]) == ["浆料厂", "造纸厂"]
    from gongzhi.industry.models import NeedKind
    from gongzhi.industry.services import market
    market.post_need(park.e["造纸厂"], by=park.liaison, kind=NeedKind.TALENT, text="招聘工程师", suggest_now=False)
    assert len(sheet(client, "needs")[1]) == 1
    client.force_login(park.worker_b)
    assert sheet(client, "needs")[1] == []


def test_a_resident_gets_none_of_the_staff_ledgers(client, world):
    client.force_login(world.outsider)
    for key in ("meetings", "decisions", "activities", "volunteer_hours", "coverage_gaps", "needs", "residents"):
        assert client.get(reverse("ledgers:export", args=[key])).status_code == 404, key


@pytest.mark.parametrize("n", [1, 5])
def test_the_apps_exports_use_a_flat_number_of_queries(client, world, room, n, django_assert_max_num_queries):
    for i in range(n):
        decide(world, room, what=f"第{i}项")
        activity = course(world, sessions=2)
        CheckIn.objects.create(session=activity.sessions.first(), user=make_user(f"p-{n}-{i}", Role.RESIDENT, [world.grid_a]))
    volunteer_world(world)
    for i in range(n):
        ServiceRecord.objects.create(volunteer=world.volunteer, unit=world.community, what=f"服务{i}",
                                     on=timezone.localdate() - datetime.timedelta(days=i), scheduled_minutes=60)
    client.force_login(world.secretary)
    for key in ("meetings", "decisions", "activities", "volunteer_hours"):
        with django_assert_max_num_queries(9):
            _headers, rows = sheet(client, key)
        assert rows, key


@pytest.mark.parametrize("n", [1, 6])
def test_the_industry_exports_use_a_flat_number_of_queries(client, park, n, django_assert_max_num_queries):
    from gongzhi.industry.models import NeedKind, PartyStatus
    from gongzhi.industry.services import market
    from gongzhi.industry.services.enterprises import create_enterprise
    from gongzhi.industry.services.uscc import make_uscc

    for i in range(n):
        enterprise = create_enterprise(name=f"新企业{i}", uscc=make_uscc("370871", 100 + i), unit=park.grid_a,
                                       party_status=PartyStatus.NONE, staff=5, by=park.staff)
        market.post_need(enterprise, by=park.staff, kind=NeedKind.TALENT, text=f"招聘{i}", suggest_now=False)
    client.force_login(park.staff)
    for key in ("coverage_gaps", "needs"):
        with django_assert_max_num_queries(9):
            _headers, rows = sheet(client, key)
        assert len(rows) >= n, key
