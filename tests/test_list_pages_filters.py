"""List pages and their exports share one filter set (decisions 70, 79 and 83): the same rows on
the page and in the sheet for the same query string, and an "export as is" link carrying it."""
import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.deliberation.models import Meeting, MeetingFormat, MeetingStatus
from gongzhi.deliberation.services import meetings
from tests.test_ledgers_export import sheet_rows


def export_link(response):
    text = response.content.decode()
    start = text.index('data-testid="export-as-is"')
    href = text.rfind('href="', 0, start)
    return html.unescape(text[href + 6:text.index('"', href + 6)])


@pytest.fixture
def meeting_world(world):
    fmt = MeetingFormat.objects.get(code="shuo-qi-shuo-ba")
    now = timezone.now()

    def at(unit, days, title):
        return meetings.schedule_meeting(format=fmt, unit=unit, starts_at=now + datetime.timedelta(days=days),
                                         by=world.secretary, title=title, place="活动室")
    made = [at(world.grid_a, 1, "A网格明天"), at(world.grid_a, 10, "A网格下旬"), at(world.grid_b, 2, "B网格后天"),
            at(world.grid_a, 3, "A网格已开")]
    Meeting.objects.filter(pk=made[3].pk).update(status=MeetingStatus.HELD)
    Meeting.objects.filter(pk=made[1].pk).update(starts_at=now - datetime.timedelta(days=5))
    return world, made


def page_titles(response):
    assert response.status_code == 200
    return sorted(m.title for m in response.context["page"])


@pytest.mark.parametrize("query", [
    {}, {"when": "past"}, {"when": "upcoming"}, {"unit": "GRID_A"}, {"unit": "GRID_B", "when": "upcoming"},
    {"when": "past", "status": "held"}, {"starts_after": "TODAY"},
])
def test_the_meetings_page_and_its_export_list_the_same_meetings(client, meeting_world, query):
    world, made = meeting_world
    query = {k: {"GRID_A": world.grid_a.code, "GRID_B": world.grid_b.code,
                 "TODAY": timezone.localdate().isoformat()}.get(v, v) for k, v in query.items()}
    client.force_login(world.secretary)
    page = client.get(reverse("deliberation:meetings"), query)
    link = export_link(page)
    assert link.startswith(reverse("ledgers:export", args=["meetings"]) + "?")
    _headers, rows = sheet_rows(client.get(link))
    assert page_titles(page) == sorted(r[0] for r in rows), query


def test_the_meetings_page_defaults_to_upcoming_and_filters(client, meeting_world):
    world, made = meeting_world
    client.force_login(world.secretary)
    assert page_titles(client.get(reverse("deliberation:meetings"))) == ["A网格明天", "B网格后天"]
    assert page_titles(client.get(reverse("deliberation:meetings"), {"when": "past"})) == ["A网格下旬", "A网格已开"]
    assert page_titles(client.get(reverse("deliberation:meetings"), {"unit": world.grid_b.code})) == ["B网格后天"]
    bad = client.get(reverse("deliberation:meetings"), {"starts_after": "nonsense"})
    assert page_titles(bad) == [] and b"text-danger" in bad.content


@pytest.fixture
def activity_world(world):
    from gongzhi.sites.services import activities as svc
    from tests.sites_activity_helpers import course, one_off

    course(world, sessions=2)
    one_off(world)
    svc.create_activity(unit=world.grid_b, kind="activity", title="B网格义剪", by=world.secretary, capacity=5)
    return world


@pytest.mark.parametrize("query", [
    {}, {"kind": "course"}, {"kind": "activity"}, {"unit": "GRID_B"}, {"unit": "GRID_A", "kind": "activity"},
    {"created_after": "TODAY"}, {"created_before": "TODAY"},
])
def test_the_activities_page_and_its_export_list_the_same_activities(client, activity_world, query):
    world = activity_world
    query = {k: {"GRID_A": world.grid_a.code, "GRID_B": world.grid_b.code,
                 "TODAY": timezone.localdate().isoformat()}.get(v, v) for k, v in query.items()}
    client.force_login(world.secretary)
    page = client.get(reverse("sites:activities"), query)
    assert page.status_code == 200
    link = export_link(page)
    assert link.startswith(reverse("ledgers:export", args=["activities"]) + "?")
    _headers, rows = sheet_rows(client.get(link))
    assert sorted(a.title for a in page.context["mine"]) == sorted(r[0] for r in rows), query


def test_the_activities_filters_are_for_staff_only(client, activity_world):
    from gongzhi.people.models import Role
    from tests.conftest import make_user

    client.force_login(make_user("resident-x", Role.RESIDENT, [activity_world.grid_a]))
    page = client.get(reverse("sites:activities"))
    assert page.status_code == 200 and b'data-testid="activity-filters"' not in page.content
    assert b'data-testid="export-as-is"' not in page.content
