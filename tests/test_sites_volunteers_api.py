"""The volunteers API: scoped reads, shifts created with idempotency, minutes reported and
confirmed (never by the volunteer), hours from confirmed records only."""
import pytest

from gongzhi.api.services import create_token
from gongzhi.sites.models import RecordStatus, ServiceRecord, Shift
from tests.volunteer_helpers import volunteer_world

pytestmark = pytest.mark.django_db
BASE = "/api/v1/services"


def bearer(user):
    _token, plaintext = create_token(user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


@pytest.fixture
def api(client):
    class Api:
        def get(self, path, user, **params):
            return client.get(BASE + path, params, **bearer(user))

        def post(self, path, data, user, **headers):
            return client.post(BASE + path, data, content_type="application/json", **bearer(user), **headers)

    return Api()


@pytest.fixture
def vw(world):
    return volunteer_world(world)


def test_minutes_reported_by_the_volunteer_count_only_once_the_organizer_confirms(api, vw):
    reported = api.post(f"/service-records/{vw.record.pk}/minutes", {"actual_minutes": 100}, vw.helper)
    assert reported.status_code == 200 and reported.json()["status"] == "reported"
    assert api.get(f"/volunteers/{vw.volunteer.pk}", vw.helper).json()["confirmed_minutes"] == 0
    own = api.post(f"/service-records/{vw.record.pk}/confirm", {}, vw.helper)
    assert own.status_code == 400 and own.json()["error"]["code"] == "own_service"
    confirmed = api.post(f"/service-records/{vw.record.pk}/confirm", {}, vw.secretary)
    assert confirmed.status_code == 200 and confirmed.json()["actual_minutes"] == 100
    hours = api.get(f"/volunteers/{vw.volunteer.pk}/hours", vw.helper).json()
    assert (hours["total_minutes"], hours["total_hours"], len(hours["records"])) == (100, 1.7, 1)
    assert hours["verification_code"]


def test_another_persons_volunteer_and_record_answer_404_like_missing(api, vw):
    assert api.get(f"/volunteers/{vw.volunteer.pk}", vw.outsider).status_code == 404
    assert api.get("/volunteers/999999", vw.outsider).status_code == 404
    assert api.post(f"/service-records/{vw.record.pk}/confirm", {}, vw.outsider).status_code == 404
    assert api.get("/volunteers", vw.outsider).json()["items"] == []


def test_a_shift_is_created_once_for_one_idempotency_key(api, vw):
    body = {"unit_code": vw.community.code, "title": "周末值守", "starts_at": "2027-01-09T09:00:00+08:00",
            "ends_at": "2027-01-09T12:00:00+08:00", "places": 2}
    first = api.post("/shifts", body, vw.secretary, HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/shifts", body, vw.secretary, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    assert Shift.objects.filter(title="周末值守").count() == 1


def test_a_resident_cannot_create_a_shift_for_a_unit_they_do_not_run(api, vw):
    body = {"unit_code": vw.community.code, "title": "值守", "starts_at": "2027-01-09T09:00:00+08:00",
            "ends_at": "2027-01-09T12:00:00+08:00"}
    response = api.post("/shifts", body, vw.outsider)
    assert response.status_code == 400 and not Shift.objects.filter(title="值守").exists()


def test_the_organizer_assigns_and_marks_a_no_show(api, vw):
    from gongzhi.sites.services import volunteers as rules
    other = rules.register_volunteer(kind="resident", unit=vw.community, by=vw.secretary, name="赵六")
    assigned = api.post(f"/shifts/{vw.shift.pk}/assign", {"volunteer_id": other.pk}, vw.leader)
    assert assigned.status_code == 400  # the leader cannot see 赵六 (not on the team): no such volunteer
    assigned = api.post(f"/shifts/{vw.shift.pk}/assign", {"volunteer_id": other.pk}, vw.secretary)
    assert assigned.status_code == 200 and assigned.json()["scheduled_minutes"] == 120
    record = assigned.json()["id"]
    assert api.post(f"/service-records/{record}/no-show", {}, vw.leader).json()["status"] == "no_show"
    assert ServiceRecord.objects.get(pk=record).status == RecordStatus.NO_SHOW


def test_a_volunteer_sees_only_their_own_record_on_a_shift(api, vw):
    from gongzhi.sites.services import volunteers as rules
    other = rules.register_volunteer(kind="resident", unit=vw.community, by=vw.secretary, name="赵六")
    rules.assign(vw.shift, other, by=vw.secretary)
    mine = api.get(f"/shifts/{vw.shift.pk}", vw.helper).json()
    assert [r["volunteer"] for r in mine["records"]] == [vw.volunteer.name] and mine["taken"] == 2
    assert len(api.get(f"/shifts/{vw.shift.pk}", vw.secretary).json()["records"]) == 2


def test_a_team_answers_with_its_confirmed_minutes_by_month(api, vw):
    from gongzhi.sites.services import volunteers as rules
    rules.confirm(vw.record, by=vw.secretary, actual_minutes=60)
    team = api.get(f"/teams/{vw.team.pk}", vw.outsider).json()
    assert team["confirmed_minutes_this_year"] == 60 and team["months"][0]["minutes"] == 60


def test_the_lists_answer_the_same_minutes_teams_and_places_as_each_ones_page(api, vw):
    # The lists compute these for a whole page at once (no query per row): the same numbers.
    from gongzhi.sites.services import volunteers as rules
    rules.confirm(vw.record, by=vw.secretary, actual_minutes=60)
    for path, pk in (("/volunteers", vw.volunteer.pk), ("/teams", vw.team.pk), ("/shifts", vw.shift.pk)):
        listed = next(i for i in api.get(path, vw.secretary).json()["items"] if i["id"] == pk)
        assert listed == api.get(f"{path}/{pk}", vw.secretary).json(), path


def test_the_party_member_api_counts_this_years_confirmed_service(client, world):
    import datetime

    from django.utils import timezone

    from gongzhi.party.models import DualReport, PartyMember, PartyOrganization
    from gongzhi.sites.services import volunteers as rules
    org = PartyOrganization.objects.create(name="网格党支部", kind="branch", unit=world.grid_a)
    member = PartyMember.objects.create(name="王党员", gender="M", organization=org, employment="in_service", work_unit="某局")
    DualReport.objects.create(member=member, community=world.community, grid=world.grid_a, registered_on=datetime.date(2026, 3, 1))
    v = rules.register_volunteer(kind="party_member", unit=world.community, by=world.secretary, member=member)
    record = rules.record_service(volunteer=v, unit=world.community, what="普法讲座", on=timezone.localdate(),
                                  scheduled_minutes=45, by=world.secretary)

    def served():
        answer = client.get(f"/api/v1/party/members/{member.pk}", **bearer(world.secretary))
        assert answer.status_code == 200
        return answer.json()["service_minutes_this_year"]

    assert served() == 0
    rules.confirm(record, by=world.secretary)
    assert served() == 45


def test_a_shift_at_an_activitys_session_and_a_session_one_cannot_see_is_none(api, vw):
    import datetime

    from django.utils import timezone

    from gongzhi.sites.models import Activity, Session
    from gongzhi.territory import services as territory
    from gongzhi.territory.models import Level
    starts = timezone.now() + datetime.timedelta(days=3)
    party = Activity.objects.create(unit=vw.street, title="集体生日会", kind="birthday")
    session = Session.objects.create(activity=party, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
    body = {"unit_code": vw.community.code, "session_id": session.pk, "title": "生日会服务",
            "starts_at": starts.isoformat(), "ends_at": (starts + datetime.timedelta(hours=2)).isoformat()}
    created = api.post("/shifts", body, vw.secretary)
    assert created.status_code == 201 and created.json()["session_id"] == session.pk
    elsewhere = territory.create_unit(name="别区", level=Level.DISTRICT, code="370872")
    hidden = Session.objects.create(activity=Activity.objects.create(unit=elsewhere, title="别区活动"), starts_at=starts,
                                    ends_at=starts + datetime.timedelta(hours=1))
    refused = api.post("/shifts", {**body, "session_id": hidden.pk}, vw.secretary)
    missing = api.post("/shifts", {**body, "session_id": 999999}, vw.secretary)
    assert refused.status_code == missing.status_code == 400 and refused.json() == missing.json()
