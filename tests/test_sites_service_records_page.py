"""The volunteer-hours ledger page: service records on their filter set (the export's), the
confirmed minutes of the rows shown, and the cockpit's volunteer-minutes figure opening it."""
import datetime

from django.utils import timezone

from gongzhi.dashboard import cockpit, tallies
from gongzhi.sites.models import RecordStatus, ServiceRecord, Volunteer, VolunteerKind


def test_the_cockpit_s_volunteer_minutes_open_records_that_add_up_to_them(client, world):
    today = timezone.localdate()
    first = today.replace(day=1)
    last_month = first - datetime.timedelta(days=1)
    helper = Volunteer.objects.create(kind=VolunteerKind.RESIDENT, name="王志愿", unit=world.grid_a)
    for on, unit, status, minutes in ((first, world.grid_a, RecordStatus.CONFIRMED, 90),
                                      (first, world.grid_b, RecordStatus.CONFIRMED, 30),
                                      (first, world.grid_a, RecordStatus.SCHEDULED, None),
                                      (last_month, world.grid_a, RecordStatus.CONFIRMED, 45)):
        ServiceRecord.objects.create(volunteer=helper, unit=unit, what="陪老人聊天", on=on, scheduled_minutes=60,
                                     actual_minutes=minutes, status=status,
                                     confirmed_by=world.secretary if status == RecordStatus.CONFIRMED else None)
    tallies.refresh_month(first)
    figure = next(f for f in cockpit.build(world.community, first)["figures"] if f["key"] == "sites.volunteer_minutes")
    assert figure["value"] == 120
    client.force_login(world.secretary)
    page = client.get(figure["link"])
    assert (page.context["page"].paginator.count, page.context["confirmed_minutes"]) == (2, 120)
    body = page.content.decode()
    assert "/ledgers/export/volunteer_hours.xlsx?" in body and "120" in body


def test_the_page_is_for_site_staff_only(client, world):
    client.force_login(world.outsider)
    assert client.get("/services/service-records/").status_code == 404
    client.force_login(world.secretary)
    assert client.get("/services/service-records/?on_after=not-a-date").context["page"].paginator.count == 0
