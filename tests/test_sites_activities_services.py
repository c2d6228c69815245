"""Activities: recurrence on the 11th, sign-up with capacity and closing time, the waiting list and
its promotion, sign-up on behalf, check-in once per person, person-times from check-ins."""
import datetime

import pytest
from django.utils import timezone

from gongzhi.core.models import OutboxMessage
from gongzhi.sites.models import CheckIn, CheckInMethod, Session, SessionStatus, Signup, SignupStatus
from gongzhi.sites.services import activities as svc
from gongzhi.territory.models import AccountRelation, ResidentLink
from tests.conftest import make_user, refused
from tests.sites_activity_helpers import course, one_off, resident, site

pytestmark = pytest.mark.django_db
BIRTHDAY = "FREQ=MONTHLY;BYMONTHDAY=11;BYHOUR=15;BYMINUTE=0"


def local(session):
    return timezone.localtime(session.starts_at)


def test_the_birthday_party_falls_on_the_11th_of_every_month_at_three(world):
    now = timezone.make_aware(datetime.datetime(2026, 11, 20, 9))
    party = svc.create_activity(unit=world.community, kind="birthday", title="集体生日会", by=world.secretary,
                                recurrence=BIRTHDAY, starts_on=datetime.date(2026, 11, 1), birthday_month_only=True, now=now)
    svc.generate(party, datetime.date(2027, 3, 31), today=datetime.date(2026, 11, 20))
    sessions = list(Session.objects.filter(activity=party).order_by("starts_at"))
    assert [(local(s).month, local(s).day, local(s).hour) for s in sessions] == [
        (12, 11, 15), (1, 11, 15), (2, 11, 15), (3, 11, 15)]
    assert local(sessions[1]).year == 2027


def test_the_minute_job_never_brings_back_a_cancelled_or_moved_session_and_marks_held_ones(world):
    now = timezone.make_aware(datetime.datetime(2026, 11, 20, 9))
    party = svc.create_activity(unit=world.community, kind="birthday", title="集体生日会", by=world.secretary,
                                recurrence=BIRTHDAY, starts_on=datetime.date(2026, 11, 1), now=now)
    first = Session.objects.filter(activity=party).order_by("starts_at").first()
    svc.cancel_session(first, by=world.secretary, reason="场地维修")
    second = Session.objects.filter(activity=party, status=SessionStatus.SCHEDULED).order_by("starts_at").first()
    Session.objects.filter(pk=second.pk).update(starts_at=second.starts_at + datetime.timedelta(days=1),
                                                ends_at=second.ends_at + datetime.timedelta(days=1))
    before = Session.objects.filter(activity=party).count()
    party.refresh_from_db()
    party.generated_until = None
    party.save(update_fields=["generated_until"])
    assert svc.generate_step(now)["sessions"] == 0
    assert Session.objects.filter(activity=party).count() == before
    # A session that had a check-in is HELD once it is over; one without stays as it was.
    activity, session = one_off(world, capacity=0, starts_in=datetime.timedelta(minutes=-10))
    svc.open_checkin(session, by=world.worker_a)
    r = resident(world)
    svc.check_in(session, by=r.account, code=Session.objects.get(pk=session.pk).checkin_code)
    result = svc.generate_step(session.ends_at + datetime.timedelta(minutes=1))
    assert result["held"] == 1
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD and session.checkin_code == ""


def test_a_full_course_puts_the_next_on_the_waiting_list_with_its_position(world):
    c = course(world, capacity=2)
    people = [resident(world) for _ in range(4)]
    signups = [svc.sign_up(c, by=p.account) for p in people]
    assert [s.status for s in signups] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [svc.waitlist_position(s) for s in signups] == [None, None, 1, 2]
    assert svc.places_left(c) == 0
    with refused("Already signed up"):
        svc.sign_up(c, by=people[0].account)


def test_cancelling_a_place_promotes_the_first_waiting_and_tells_them_and_who_signed_them_up(world):
    c = course(world, capacity=1)
    first, second = resident(world), resident(world, account=False)
    relative = make_user("relative", "resident", [world.grid_a])
    ResidentLink.objects.create(resident=second, user=relative, relation=AccountRelation.RELATIVE)
    mine = svc.sign_up(c, by=first.account)
    waiting = svc.sign_up(c, by=world.worker_a, resident=second)  # the grid worker signs her up
    assert waiting.status == "waitlisted" and waiting.on_behalf and waiting.recorded_by == world.worker_a
    promoted = svc.cancel_signup(mine, by=first.account)
    assert promoted.pk == waiting.pk
    waiting.refresh_from_db()
    assert waiting.status == "confirmed" and waiting.promoted_at is not None
    message = OutboxMessage.objects.get(dedupe_key=f"sites.signup_promoted:{waiting.pk}")
    assert set(message.payload["user_ids"]) == {relative.pk, world.worker_a.pk}
    assert message.payload["params"]["title"] == "太极拳班"


def test_cancelling_a_waiting_list_place_promotes_nobody(world):
    c = course(world, capacity=1)
    a, b, d = resident(world), resident(world), resident(world)
    svc.sign_up(c, by=a.account)
    waiting = svc.sign_up(c, by=b.account)
    last = svc.sign_up(c, by=d.account)
    assert svc.cancel_signup(waiting, by=b.account) is None
    assert svc.waitlist_position(Signup.objects.get(pk=last.pk)) == 1


def test_more_places_promote_from_the_waiting_list_at_once(world):
    c = course(world, capacity=1)
    signups = [svc.sign_up(c, by=resident(world).account) for _ in range(3)]
    svc.update_activity(c, by=world.worker_a, capacity=2)
    assert [Signup.objects.get(pk=s.pk).status for s in signups] == ["confirmed", "confirmed", "waitlisted"]


def test_sign_up_closes_before_the_session_and_before_a_courses_first_lesson(world):
    activity, session = one_off(world, starts_in=datetime.timedelta(hours=1), signup_closes_hours=2)
    with refused("Sign-up closed"):
        svc.sign_up(activity, by=resident(world).account, session=session)
    c = course(world, starts_in_days=1)
    first, second, last = Session.objects.filter(activity=c).order_by("starts_at")
    with refused("报名已于开始前"):
        svc.sign_up(c, by=resident(world).account, now=first.starts_at - datetime.timedelta(hours=1))
    # A running course takes newcomers until its last lesson begins (老年学堂 runs all year).
    later = first.starts_at + datetime.timedelta(days=2)
    assert svc.sign_up(c, by=resident(world).account, now=later).status == "confirmed"
    svc.sign_up(c, by=resident(world).account, now=second.starts_at - datetime.timedelta(hours=1))
    with refused("最后一节课已开始"):
        svc.sign_up(c, by=resident(world).account, now=last.starts_at + datetime.timedelta(minutes=1))


def test_only_residents_born_that_month_join_the_birthday_party(world):
    now = timezone.make_aware(datetime.datetime(2026, 11, 20, 9))
    party = svc.create_activity(unit=world.community, kind="birthday", title="集体生日会", by=world.secretary,
                                recurrence=BIRTHDAY, starts_on=datetime.date(2026, 12, 1), birthday_month_only=True, now=now)
    december = Session.objects.filter(activity=party).order_by("starts_at").first()
    born_in_december = resident(world, born=datetime.date(1946, 12, 3))
    born_in_may = resident(world, born=datetime.date(1946, 5, 3))
    assert svc.sign_up(party, by=born_in_december.account, session=december, now=now).status == "confirmed"
    with refused("month 12"):
        svc.sign_up(party, by=born_in_may.account, session=december, now=now)
    with refused("grid worker"):
        svc.sign_up(party, by=make_user("no-ledger"), session=december, now=now)


def test_someone_not_linked_cannot_sign_a_resident_up(world):
    c = course(world)
    stranger = make_user("stranger", "resident", [world.grid_a])
    with refused("No such resident"):
        svc.sign_up(c, by=stranger, resident=resident(world, account=False))
    with refused("No such resident"):
        svc.sign_up(c, by=world.worker_b, resident=resident(world, account=False))  # another grid's worker


def test_check_in_with_the_door_code_once_per_session_and_only_with_a_place(world):
    c = course(world, capacity=1, starts_in_days=1)
    placed, waiting = resident(world), resident(world)
    svc.sign_up(c, by=placed.account)
    svc.sign_up(c, by=waiting.account)
    session = Session.objects.filter(activity=c).order_by("starts_at").first()
    start = session.starts_at
    with refused("only while the session is on"):
        svc.check_in(session, by=placed.account, code="123456", now=start)
    session = svc.open_checkin(session, by=world.worker_a, now=start - datetime.timedelta(minutes=10))
    with refused("not the code"):
        svc.check_in(session, by=placed.account, code="x", now=start)
    row = svc.check_in(session, by=placed.account, code=session.checkin_code, now=start)
    assert row.method == CheckInMethod.CODE and row.resident == placed and not row.on_behalf
    with refused("Already checked in"):
        svc.check_in(session, by=placed.account, code=session.checkin_code, now=start)
    with refused("Only people with a place"):
        svc.check_in(session, by=waiting.account, code=session.checkin_code, now=start)
    assert svc.person_times(c) == 1


def test_the_door_code_is_rate_limited(world):
    activity, session = one_off(world, capacity=0, starts_in=datetime.timedelta(minutes=-5))
    svc.open_checkin(session, by=world.worker_a)
    r = resident(world)
    for _ in range(10):
        with refused("not the code"):
            svc.check_in(session, by=r.account, code="nope")
    with refused("Too many tries"):
        svc.check_in(session, by=r.account, code=Session.objects.get(pk=session.pk).checkin_code)


def test_staff_record_a_residents_check_in_on_behalf_and_walk_ins_only_without_a_limit(world):
    limited, s1 = one_off(world, capacity=5, starts_in=datetime.timedelta(minutes=-5))
    open_to_all, s2 = one_off(world, capacity=0, starts_in=datetime.timedelta(minutes=-5))
    granny = resident(world, account=False)
    for s in (s1, s2):
        svc.open_checkin(s, by=world.worker_a)
    with refused("Only people with a place"):
        svc.check_in(s1, by=world.worker_a, resident=granny)
    row = svc.check_in(s2, by=world.worker_a, resident=granny)
    assert row.method == CheckInMethod.STAFF and row.on_behalf and row.recorded_by == world.worker_a
    with refused("Only the staff"):
        svc.check_in(s2, by=make_user("someone"), resident=granny)
    assert CheckIn.objects.count() == 1


def test_person_times_are_counted_from_check_ins(world):
    c = course(world, capacity=0, starts_in_days=1, sessions=2)
    people = [resident(world) for _ in range(3)]
    for p in people:
        svc.sign_up(c, by=p.account)
    first, second = Session.objects.filter(activity=c).order_by("starts_at")
    for session, who in ((first, people), (second, people[:2])):
        session = svc.open_checkin(session, by=world.worker_a, now=session.starts_at - datetime.timedelta(minutes=5))
        for p in who:
            svc.check_in(session, by=p.account, code=session.checkin_code, now=session.starts_at)
    assert svc.person_times(c) == 5 == CheckIn.objects.filter(session__activity=c).count()


def test_only_the_units_staff_create_activities(world):
    with refused("Only the staff"):
        svc.create_activity(unit=world.grid_a, kind="activity", title="义诊", by=world.worker_b)
    with refused("FREQ"):
        svc.create_activity(unit=world.grid_a, kind="activity", title="义诊", by=world.worker_a, recurrence="FREQ=DAILY",
                            starts_on=datetime.date(2026, 12, 1))


def test_a_resident_signed_up_on_behalf_is_told_in_their_own_language(world):
    from django.utils import translation

    from gongzhi.core.models import Notice
    from gongzhi.core.outbox import drain

    c = course(world, capacity=1)
    svc.sign_up(c, by=resident(world).account)
    granny = resident(world)  # she has an account, but the grid worker signs her up at the desk
    signup = svc.sign_up(c, by=world.worker_a, resident=granny)
    assert signup.on_behalf and signup.user == granny.account and signup.status == "waitlisted"
    drain()
    notice = Notice.objects.get(user=granny.account, event="sites.signup_made")
    with translation.override("zh-hans"):
        assert "候补" in notice.message
    with translation.override("en"):
        assert "waiting list" in notice.message


def test_generating_without_a_lower_bound_fills_the_past_from_the_first_date(world):
    # The demo records a year of parties: created as of a year ago, then generated up to now.
    start = datetime.date(2025, 11, 1)
    party = svc.create_activity(unit=world.community, kind="birthday", title="集体生日会", by=world.secretary,
                                recurrence=BIRTHDAY, starts_on=start,
                                now=timezone.make_aware(datetime.datetime(2025, 11, 1, 9)))
    svc.generate(party, datetime.date(2026, 11, 30))
    days = [local(s).date() for s in Session.objects.filter(activity=party).order_by("starts_at")]
    assert days == [datetime.date(2025 + (10 + i) // 12, (10 + i) % 12 + 1, 11) for i in range(13)]


def test_a_course_recorded_since_it_began_counts_its_check_ins_and_waitlists_a_newcomer(world):
    # As the demo records 老年学堂: created as of before it began, enrolled, each lesson attended.
    today = timezone.localdate()
    began = today - datetime.timedelta(weeks=8)
    c = svc.create_activity(unit=world.grid_a, kind="course", title="老年学堂·书法班", by=world.worker_a, capacity=3,
                            signup_closes_hours=24, recurrence="FREQ=WEEKLY;BYDAY=TU;BYHOUR=9;BYMINUTE=0",
                            starts_on=began, now=timezone.make_aware(datetime.datetime.combine(
                                began - datetime.timedelta(days=20), datetime.time(9))))
    svc.generate(c, today + datetime.timedelta(days=60))
    learners = [resident(world, account=False) for _ in range(3)]
    for r in learners:
        svc.sign_up(c, by=world.worker_a, resident=r, now=timezone.make_aware(datetime.datetime.combine(
            began - datetime.timedelta(days=10), datetime.time(10))))
    past = list(c.sessions.filter(ends_at__lt=timezone.now()).order_by("starts_at"))
    for session in past:
        svc.open_checkin(session, by=world.worker_a, now=session.starts_at - datetime.timedelta(minutes=10))
        for r in learners:
            svc.check_in(session, by=world.worker_a, resident=r, now=session.starts_at + datetime.timedelta(minutes=5))
        svc.close_session(session, by=world.worker_a, now=session.ends_at)
    assert len(past) >= 7 and svc.person_times(c) == 3 * len(past)
    newcomer = resident(world)
    late = svc.sign_up(c, by=newcomer.account, now=timezone.now() - datetime.timedelta(days=3))
    assert late.status == "waitlisted" and svc.waitlist_position(late) == 1
