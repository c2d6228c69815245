"""Activity pages: find, sign up (for oneself and on behalf), see one's waiting-list position,
cancel, check in with the door's code; staff create, open check-in and record a resident;
out of scope is 404 like missing."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.sites.models import Activity, CheckIn, Session, Signup
from gongzhi.sites.services import activities as svc
from gongzhi.territory.models import AccountRelation, ResidentLink
from tests.conftest import make_user
from tests.sites_activity_helpers import course, one_off, resident, site

pytestmark = pytest.mark.django_db


def test_a_resident_finds_the_course_and_is_waitlisted_with_the_position_shown(client, world):
    c = course(world, capacity=1)
    first, second = resident(world), resident(world)
    svc.sign_up(c, by=first.account)
    client.force_login(second.account)
    page = client.get(reverse("sites:activities"), {"kind": "course"})
    assert page.status_code == 200 and "太极拳班" in page.content.decode()
    answer = client.post(reverse("sites:activity_signup", args=[c.pk]), follow=True)
    text = answer.content.decode()
    assert 'data-testid="waitlist-position"' in text
    assert Signup.objects.get(user=second.account).status == "waitlisted"


def test_a_relative_signs_up_a_resident_without_a_phone_recorded_as_on_behalf(client, world):
    c = course(world)
    granny = resident(world, account=False, name="王奶奶")
    son = make_user("son", "resident", [world.grid_a])
    ResidentLink.objects.create(resident=granny, user=son, relation=AccountRelation.RELATIVE)
    client.force_login(son)
    assert "王奶奶" in client.get(reverse("sites:activity", args=[c.pk])).content.decode()
    client.post(reverse("sites:activity_signup", args=[c.pk]), {"resident": granny.pk})
    signup = Signup.objects.get(activity=c)
    assert signup.resident == granny and signup.on_behalf and signup.recorded_by == son and signup.user is None
    # Someone else's relative cannot (the same answer as for no such resident).
    stranger = make_user("stranger", "resident", [world.grid_a])
    client.force_login(stranger)
    answer = client.post(reverse("sites:activity_signup", args=[c.pk]), {"resident": granny.pk}, follow=True)
    assert "No such resident" in answer.content.decode() or "没有" in answer.content.decode()
    assert Signup.objects.filter(activity=c).count() == 1


def test_cancel_on_the_page_promotes_the_next(client, world):
    c = course(world, capacity=1)
    first, second = resident(world), resident(world)
    mine = svc.sign_up(c, by=first.account)
    waiting = svc.sign_up(c, by=second.account)
    client.force_login(first.account)
    client.post(reverse("sites:signup_cancel", args=[mine.pk]))
    assert Signup.objects.get(pk=waiting.pk).status == "confirmed"
    # Another person's sign-up cannot be cancelled by a stranger: 404 like missing.
    client.force_login(make_user("stranger", "resident", [world.grid_a]))
    assert client.post(reverse("sites:signup_cancel", args=[waiting.pk])).status_code == 404


def test_staff_open_check_in_and_a_resident_checks_in_with_the_code(client, world):
    activity, session = one_off(world, capacity=0, starts_in=datetime.timedelta(minutes=-5))
    client.force_login(world.worker_a)
    client.post(reverse("sites:session_action", args=[session.pk, "open"]))
    session.refresh_from_db()
    screen = client.get(reverse("sites:session_screen", args=[session.pk])).content.decode()
    assert session.checkin_code in screen and f"#code={session.checkin_code}" in screen
    r = resident(world)
    client.force_login(r.account)
    assert client.get(reverse("sites:session_screen", args=[session.pk])).status_code == 404  # staff only
    assert client.post(reverse("sites:session", args=[session.pk]), {"code": "000000" if session.checkin_code != "000000"
                                                                      else "111111"}).status_code == 400
    client.post(reverse("sites:session", args=[session.pk]), {"code": session.checkin_code})
    assert CheckIn.objects.filter(session=session, user=r.account).count() == 1
    granny = resident(world, account=False)
    client.force_login(world.worker_a)
    client.post(reverse("sites:session_checkin_record", args=[session.pk]), {"resident": granny.pk})
    assert CheckIn.objects.get(session=session, resident=granny).on_behalf


def test_staff_create_an_activity_from_the_form(client, world):
    place = site(world)
    client.force_login(world.worker_a)
    assert client.get(reverse("sites:activity_new")).status_code == 200
    answer = client.post(reverse("sites:activity_new"), {
        "unit": world.grid_a.pk, "kind": "birthday", "title": "集体生日会", "site": place.pk, "capacity": "40",
        "recurrence": "FREQ=MONTHLY;BYMONTHDAY=11;BYHOUR=15;BYMINUTE=0", "starts_on": timezone.localdate().isoformat(),
        "birthday_month_only": "on"})
    activity = Activity.objects.get(title="集体生日会")
    assert answer.status_code == 302 and activity.birthday_month_only and activity.capacity == 40
    assert Session.objects.filter(activity=activity).count() >= 1
    client.force_login(make_user("resident-x", "resident", [world.grid_a]))
    assert client.get(reverse("sites:activity_new")).status_code == 404


def test_another_districts_activity_is_404_like_a_missing_one(client, world):
    from gongzhi.territory import services as territory
    from gongzhi.territory.models import Level

    other = territory.create_unit(name="别区", level=Level.DISTRICT, code="370872")
    admin = make_user("other-admin", "district_admin", [other])
    far = svc.create_activity(unit=other, kind="activity", title="别区活动", by=admin)
    client.force_login(world.outsider)
    assert client.get(reverse("sites:activity", args=[far.pk])).status_code == 404
    assert client.get(reverse("sites:activity", args=[999999])).status_code == 404


def test_the_site_feed_is_public_icalendar_without_personal_data(client, world):
    c = course(world)
    r = resident(world, name="赵秀英")
    svc.sign_up(c, by=r.account)
    text = client.get(reverse("sites:site_calendar", args=[c.site_id])).content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 3 and "SUMMARY:太极拳班" in text and "赵秀英" not in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_the_personal_feed_lives_at_a_secret_address_that_can_be_reset(client, world):
    c = course(world)
    r = resident(world)
    svc.sign_up(c, by=r.account)
    client.force_login(r.account)
    client.get(reverse("sites:my_calendar"))
    feed = r.account.calendar_feed
    client.logout()
    url = reverse("sites:person_calendar", args=[feed.token])
    answer = client.get(url)
    assert answer["Content-Type"].startswith("text/calendar") and answer.content.decode().count("BEGIN:VEVENT") == 3
    client.force_login(r.account)
    client.post(reverse("sites:my_calendar"))
    client.logout()
    assert client.get(url).status_code == 404


def test_the_list_shows_a_course_once_by_its_next_lesson(client, world):
    from gongzhi.sites.models import ActivityKind
    from gongzhi.sites.services import activities as rules

    start = timezone.localdate() + datetime.timedelta(days=3)
    course = rules.create_activity(unit=world.community, kind=ActivityKind.COURSE, title="书法班", by=world.secretary,
                                   recurrence="FREQ=WEEKLY;BYDAY=FR;BYHOUR=9;BYMINUTE=0", starts_on=start,
                                   ends_on=start + datetime.timedelta(days=60))
    rules.generate(course, start + datetime.timedelta(days=60))
    assert course.sessions.count() > 3
    client.force_login(world.outsider)
    page = client.get(reverse("sites:activities")).content.decode()
    assert page.count("书法班") == 1
