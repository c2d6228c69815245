"""The person-times ledger (/services/activities/check-ins/): check-ins on their filter set, and
the cockpit's activity person-times figure opening exactly the check-ins it counts."""
import datetime

from django.utils import timezone

from gongzhi.dashboard import cockpit, tallies
from gongzhi.people.models import Role
from gongzhi.sites.models import CheckIn, Session
from tests.conftest import make_user
from tests.sites_activity_helpers import one_off

serial = iter(range(1, 1000))


def session_at(world, when, unit):
    activity, session = one_off(world)
    activity.unit = unit
    activity.save(update_fields=["unit"])
    Session.objects.filter(pk=session.pk).update(starts_at=when)
    return session


def attend(session, n):
    for _ in range(n):
        CheckIn.objects.create(session=session, user=make_user(f"attendee-{next(serial)}", Role.RESIDENT, []))


def months():
    first = timezone.localdate().replace(day=1)
    aware = timezone.make_aware(datetime.datetime(first.year, first.month, 1, 9))
    return first, aware, aware - datetime.timedelta(days=3)


def test_the_cockpit_s_person_times_open_the_check_ins_they_count(client, world):
    first, this_month, last_month = months()
    attend(session_at(world, this_month, world.grid_a), 3)
    attend(session_at(world, this_month, world.grid_b), 1)
    attend(session_at(world, last_month, world.grid_a), 2)
    tallies.refresh_month(first)
    client.force_login(world.secretary)
    for unit, expected in ((world.community, 4), (world.grid_a, 3)):
        figure = next(f for f in cockpit.build(unit, first)["figures"] if f["key"] == "sites.person_times")
        assert figure["value"] == expected
        page = client.get(figure["link"])
        assert page.context["page"].paginator.count == expected
    assert "checkins-summary" in page.content.decode()


def test_the_list_reads_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    first, this_month, _ = months()
    attend(session_at(world, this_month, world.grid_a), 12)
    client.force_login(world.secretary)
    with django_assert_max_num_queries(12):
        page = client.get(f"/services/activities/check-ins/?unit={world.community.code}")
    assert page.context["page"].paginator.count == 12


def test_the_page_is_for_site_staff_only_and_bad_dates_find_nothing(client, world):
    client.force_login(world.outsider)
    assert client.get("/services/activities/check-ins/").status_code == 404
    client.force_login(world.secretary)
    page = client.get("/services/activities/check-ins/?starts_after=not-a-date")
    assert page.status_code == 200 and page.context["page"].paginator.count == 0
