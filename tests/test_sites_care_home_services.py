"""Home services: raised by the resident, a relative or the grid worker (recorded as such),
matched nearest available first with the reason shown, done by the volunteer and confirmed by
the resident's side; the hours count only after that confirmation."""
import pytest

from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.models import OutboxMessage
from gongzhi.sites.models import (HomeServiceKind, HomeServiceStatus, ServiceRecord, Team, TeamMembership, Volunteer,
                                  VolunteerKind)
from gongzhi.sites.services import care
from gongzhi.territory.models import AccountRelation, ResidentLink
from tests.conftest import make_user


@pytest.fixture
def elder(world):
    building = world.household_a.building
    building.lat, building.lng = 35.010, 116.010
    building.save()
    return care.register_elder(world.resident_a, tags=["living_alone"], by=world.worker_a)


def volunteer(world, name, lat, lng, skills="", **extra):
    user = make_user(f"v-{name}")
    return Volunteer.objects.create(kind=VolunteerKind.RESIDENT, name=name, unit=world.grid_a, user=user, lat=lat, lng=lng,
                                    skills=skills, **extra)


def linked(world, name, relation):
    user = make_user(name)
    ResidentLink.objects.create(resident=world.resident_a, user=user, relation=relation)
    return user


def test_the_resident_a_relative_and_the_grid_worker_raise_a_request_each_recorded_as_such(world, elder):
    own = linked(world, "own", AccountRelation.SELF)
    son = linked(world, "son", AccountRelation.RELATIVE)
    raised = [care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=who).raised_as
              for who in (own, son, world.worker_a)]
    assert raised == ["self", "relative", "staff"]


def test_someone_neither_linked_nor_serving_cannot_raise_a_request(world, elder):
    for who in (world.outsider, world.worker_b):
        with pytest.raises(NotFound):
            care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=who)


def test_a_new_request_tells_the_grid_worker_without_personal_data(world, elder):
    son = linked(world, "son", AccountRelation.RELATIVE)
    request = care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=son)
    payload = OutboxMessage.objects.get(dedupe_key=f"home_service:{request.pk}:sites.home_service_requested").payload
    assert world.worker_a.pk in payload["user_ids"] and son.pk not in payload["user_ids"]
    assert set(payload["params"]) == {"service"} and "张三" not in str(payload)


def test_suggestions_are_nearest_available_first_with_the_reason(world, elder):
    far = volunteer(world, "far", 35.05, 116.05, skills="医生")
    near = volunteer(world, "near", 35.011, 116.011)
    volunteer(world, "away", 35.012, 116.012, available=False)
    request = care.request_home_service(elder=elder, kind=HomeServiceKind.HOME_VISIT, by=world.worker_a)
    found = care.suggest_matches(request)
    assert [h for h, _d, _r in found][:2] == [near, far]
    _helper, distance, reason = found[1]
    assert 5 < distance < 6 and "5.7" in reason and "医" in reason


def test_a_busy_volunteer_is_not_suggested(world, elder):
    busy = volunteer(world, "busy", 35.011, 116.011)
    for _n in range(care.MAX_OPEN_SERVICES):
        care.match(care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=world.worker_a),
                   by=world.worker_a, volunteer=busy)
    request = care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=world.worker_a)
    assert busy not in [h for h, _d, _r in care.suggest_matches(request)]


def test_teams_of_the_units_above_follow_the_volunteers(world, elder):
    team = Team.objects.create(unit=world.community, name="助老队", description="帮办代办")
    request = care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=world.worker_a)
    helper, distance, reason = care.suggest_matches(request)[-1]
    assert helper == team and distance is None and "代办" in reason


def test_staff_match_with_the_suggested_reason_and_the_volunteer_is_told(world, elder):
    near = volunteer(world, "near", 35.011, 116.011)
    request = care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=world.worker_a)
    care.match(request, by=world.worker_a, volunteer=near)
    request.refresh_from_db()
    assert request.status == HomeServiceStatus.MATCHED and "0.1" in request.match_reason
    payload = OutboxMessage.objects.get(dedupe_key__startswith=f"home_service:{request.pk}:sites.home_service_matched").payload
    assert near.user_id in payload["user_ids"]


def test_a_relative_cannot_match(world, elder):
    son = linked(world, "son", AccountRelation.RELATIVE)
    request = care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=son)
    with pytest.raises(DomainError):
        care.match(request, by=son, volunteer=volunteer(world, "v", 35.0, 116.0))


def test_the_team_leader_names_a_member_of_their_team_only(world, elder):
    leader = make_user("leader")
    team = Team.objects.create(unit=world.community, name="助老队", leader=leader)
    member, stranger = volunteer(world, "member", 35.0, 116.0), volunteer(world, "stranger", 35.0, 116.0)
    TeamMembership.objects.create(team=team, volunteer=member)
    request = care.match(care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=world.worker_a),
                         by=world.worker_a, team=team)
    with pytest.raises(DomainError):
        care.match(request, by=leader, volunteer=stranger)
    care.match(request, by=leader, volunteer=member)
    request.refresh_from_db()
    assert (request.volunteer, request.team) == (member, team)


def test_the_team_leader_cannot_name_someone_who_has_left_the_team(world, elder):
    import datetime

    leader = make_user("leader")
    team = Team.objects.create(unit=world.community, name="助老队", leader=leader)
    former = volunteer(world, "former", 35.0, 116.0)
    TeamMembership.objects.create(team=team, volunteer=former, since=datetime.date(2025, 1, 1),
                                  until=datetime.date(2025, 6, 30))
    request = care.match(care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=world.worker_a),
                         by=world.worker_a, team=team)
    with pytest.raises(DomainError):
        care.match(request, by=leader, volunteer=former)


def test_only_the_matched_volunteer_or_the_grid_worker_for_them_marks_it_done(world, elder):
    near, other = volunteer(world, "near", 35.0, 116.0), volunteer(world, "other", 35.0, 116.0)
    request = care.match(care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=world.worker_a),
                         by=world.worker_a, volunteer=near)
    for who in (other.user, world.worker_b):
        with pytest.raises(DomainError):
            care.mark_done(request, by=who, note="买药", minutes=40)
    # A volunteer without a phone tells the grid worker, who records it for them.
    care.mark_done(request, by=world.worker_a, note="买药", minutes=40)
    request.refresh_from_db()
    assert request.status == "done"


def test_done_needs_a_note_and_sensible_minutes(world, elder):
    near = volunteer(world, "near", 35.0, 116.0)
    request = care.match(care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=world.worker_a),
                         by=world.worker_a, volunteer=near)
    with pytest.raises(DomainError):
        care.mark_done(request, by=near.user, note="", minutes=40)
    with pytest.raises(DomainError):
        care.mark_done(request, by=near.user, note="买药", minutes=0)


def test_a_request_not_done_cannot_be_confirmed(world, elder):
    request = care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=world.worker_a)
    with pytest.raises(DomainError):
        care.confirm_service(request, by=world.worker_a)


def test_hours_count_only_after_the_resident_confirms(world, elder):
    own = linked(world, "own", AccountRelation.SELF)
    near = volunteer(world, "near", 35.0, 116.0)
    request = care.match(care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=own),
                         by=world.worker_a, volunteer=near)
    care.mark_done(request, by=near.user, note="买药送到家", minutes=45)
    assert not ServiceRecord.objects.confirmed().filter(volunteer=near).exists()
    with pytest.raises(DomainError):
        care.confirm_service(request, by=near.user)
    care.confirm_service(request, by=own)
    record = ServiceRecord.objects.confirmed().get(volunteer=near)
    assert record.actual_minutes == 45 and record.home_service == request
    request.refresh_from_db()
    assert request.status == HomeServiceStatus.CONFIRMED and request.confirmed_by == own


def test_a_request_is_cancelled_by_whoever_may_raise_it_while_not_done(world, elder):
    son = linked(world, "son", AccountRelation.RELATIVE)
    request = care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=son)
    with pytest.raises(DomainError):
        care.cancel_home_service(request, by=world.outsider)
    care.cancel_home_service(request, by=son)
    request.refresh_from_db()
    assert request.status == HomeServiceStatus.CANCELLED


def test_the_grid_worker_gets_a_notice_when_a_relative_asks(world, elder, django_capture_on_commit_callbacks):
    from gongzhi.core.models import Notice
    son = linked(world, "son", AccountRelation.RELATIVE)
    with django_capture_on_commit_callbacks(execute=True):
        request = care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=son)
    notice = Notice.objects.get(user=world.worker_a)
    assert notice.event == "sites.home_service_requested" and notice.target == request
    assert not Notice.objects.filter(user=son).exists()


def test_the_grid_worker_marking_a_teams_service_done_is_not_credited_with_it(world, elder):
    # A grid worker who is also a volunteer (and no member of the team) must not get the team's
    # service on their own record by marking it done; they name the member who went first.
    Volunteer.objects.create(kind=VolunteerKind.RESIDENT, name="网格员志愿者", unit=world.grid_a, user=world.worker_a)
    team = Team.objects.create(unit=world.grid_a, name="助老服务队", leader=make_user("leader"))
    request = care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=world.worker_a)
    care.match(request, by=world.worker_a, team=team)
    with pytest.raises(DomainError):
        care.mark_done(request, by=world.worker_a, note="买药", minutes=40)
    assert not ServiceRecord.objects.exists()


def test_the_team_leader_marking_the_teams_service_done_is_the_one_who_went(world, elder):
    leader = make_user("leader")
    mine = Volunteer.objects.create(kind=VolunteerKind.RESIDENT, name="队长", unit=world.grid_a, user=leader)
    team = Team.objects.create(unit=world.grid_a, name="助老服务队", leader=leader)
    request = care.request_home_service(elder=elder, kind=HomeServiceKind.ERRAND, by=world.worker_a)
    care.match(request, by=world.worker_a, team=team)
    care.mark_done(request, by=leader, note="买药", minutes=40)
    assert ServiceRecord.objects.get().volunteer == mine
