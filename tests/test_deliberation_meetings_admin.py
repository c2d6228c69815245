"""Deliberation in the back office: district admins edit formats and cadences, everyone with back
office reads them; a series' rule is checked; meetings are read only; councils are scoped."""
import datetime

import pytest
from django.utils import timezone

from gongzhi.deliberation.models import Council, CouncilMember, Meeting, MeetingFormat, MeetingSeries
from gongzhi.people.models import Role

from .conftest import make_user


@pytest.fixture
def district_admin(world):
    return make_user("district-admin", Role.DISTRICT_ADMIN, [world.district])


def test_a_district_admin_edits_a_format_and_a_secretary_only_reads_it(client, world, district_admin):
    fmt = MeetingFormat.objects.get(code="shuo-qi-shuo-ba")
    url = f"/admin/deliberation/meetingformat/{fmt.pk}/change/"
    client.force_login(world.secretary)
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.post(url, {}).status_code == 403
    client.force_login(district_admin)
    page = client.get(url)
    assert page.context["has_change_permission"]
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(participant_groups='["council"]', recurrence="freq=monthly;bymonthday=-1;byhour=19", support_threshold=8)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    fmt.refresh_from_db()
    assert fmt.recurrence == "FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=19;BYMINUTE=0" and fmt.support_threshold == 8
    data["recurrence"] = "FREQ=DAILY;BYHOUR=19"
    refused = client.post(url, data)
    assert refused.status_code == 200 and "WEEKLY" in str(refused.context["adminform"].form.errors["recurrence"])


def test_a_series_rule_is_checked_in_the_back_office(client, world):
    client.force_login(world.secretary)
    data = {"format": MeetingFormat.objects.get(code="shuo-qi-shuo-ba").pk, "unit": world.grid_a.pk, "title": "说七说八",
            "recurrence": "FREQ=MONTHLY;BYMONTHDAY=7", "starts_on": "2026-12-01"}
    refused = client.post("/admin/deliberation/meetingseries/add/", data)
    assert refused.status_code == 200 and not MeetingSeries.objects.exists()
    client.post("/admin/deliberation/meetingseries/add/", {**data, "recurrence": "FREQ=MONTHLY;BYMONTHDAY=7;BYHOUR=19"})
    assert MeetingSeries.objects.get().created_by == world.secretary


def test_meetings_are_read_only_and_scoped(client, world):
    starts = timezone.now()
    meeting = Meeting.objects.create(format=MeetingFormat.objects.get(code="shuo-qi-shuo-ba"), unit=world.grid_a,
                                     title="说七说八", starts_at=starts, ends_at=starts + datetime.timedelta(hours=1))
    client.force_login(world.worker_a)
    page = client.get(f"/admin/deliberation/meeting/{meeting.pk}/change/")
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.get("/admin/deliberation/meeting/add/").status_code == 403
    client.force_login(world.worker_b)
    assert client.get(f"/admin/deliberation/meeting/{meeting.pk}/change/").status_code == 404


def test_a_council_with_its_members_inline(client, world):
    council = Council.objects.create(unit=world.grid_a, name="A网格协商议事会")
    CouncilMember.objects.create(council=council, seat="grid_worker", user=world.worker_a, starts_on=datetime.date(2026, 1, 1))
    client.force_login(world.secretary)
    page = client.get(f"/admin/deliberation/council/{council.pk}/change/")
    assert page.status_code == 200 and "worker-a" in page.content.decode()
    client.force_login(world.worker_b)
    assert client.get(f"/admin/deliberation/council/{council.pk}/change/").status_code == 404
