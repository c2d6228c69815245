"""The demo world reproduces the article's figures, counted back from records."""
import datetime
import re
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from gongzhi.party.models import PartyOrganization
from gongzhi.territory.geometry import locate
from gongzhi.territory.models import Level, Resident, Unit

ARTICLE_FIGURES = {
    "grids": 231,
    "micro_grids": 1226,
    "grid_party_branches": 121,
    "grid_party_branches_working": 121,
    "building_party_groups": 265,
    "instructors": 466,
    "departments": 16,
    "utility_units": 8,
    "professional_grid_workers": 1104,
    "legal_officers": 75,
    # 昌吉高新区 (industry): 规上企业97家, 42个"三新"党组织409名党员, 恒泰建材24项专利.
    "enterprises_above_scale": 97,
    "new_sector_party_orgs": 42,
    "new_sector_party_members": 409,
    "patents": 24,
}

SITES_KEYS = {"service_activities", "activity_person_times", "volunteer_teams", "red_partners", "volunteer_hours",
              "sites_upgraded", "elderly_canteens", "day_care_centres", "course_person_times", "home_services_done",
              "micro_projects"}
INDUSTRY_KEYS = {"enterprises_small", "enterprise_party_orgs", "org_coverage_rate", "sanyou_coverage_rate", "needs_solved",
                 "enterprises_cooperating", "local_supply_share"}


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, tmp_path_factory):
    # The demo command writes the Open311 key under VAR_DIR: never over a real demo's.
    with django_db_blocker.unblock(), override_settings(VAR_DIR=tmp_path_factory.mktemp("var")):
        call_command("demo", "--quiet", "--seed", "7")
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(demo_world, db):
    return None


def test_figures_json_has_the_articles_numbers(client, demo):
    figures = client.get(reverse("figures-json")).json()
    for key, value in ARTICLE_FIGURES.items():
        assert figures[key] == value, key
    assert figures["dual_report_members"] >= 900
    case_keys = {"problems_solved", "cases_total", "cases_open", "cases_overdue", "response_rate", "solution_rate", "satisfaction_rate"}
    deliberation_keys = {"meetings_held", "proposals_total", "hot_issues_settled", "party_meetings_held"}
    assert set(figures) == set(ARTICLE_FIGURES) | {"dual_report_members"} | case_keys | deliberation_keys | SITES_KEYS | INDUSTRY_KEYS | {"zones"}
    # A year of 三会一课 in every branch and building party group (about 7,500 meetings).
    assert figures["party_meetings_held"] > 121 * 28


def test_the_case_figures_are_counted_from_the_demo_cases(client, demo):
    from gongzhi.cases.models import Case, Status

    figures = client.get(reverse("figures-json")).json()
    # "为群众解决切身难题1500余个": more than 1,500, counted from the cases' statuses.
    assert figures["problems_solved"] > 1500
    assert figures["problems_solved"] == Case.objects.filter(status__in=[Status.CLOSED, Status.RATED]).count()
    assert figures["cases_total"] == figures["problems_solved"] + figures["cases_open"]
    assert 0 < figures["cases_overdue"] < figures["cases_open"]
    for key in ("response_rate", "solution_rate", "satisfaction_rate"):
        assert isinstance(figures[key], float) and 0.5 < figures[key] < 1.0, key


def test_every_demo_case_lived_through_intake_and_the_workflow(demo):
    """Each timeline is what create_case and perform() write: the registration, then moves of
    the state table, each from the status the last one left and later than it, one version each."""
    from gongzhi.cases.models import Case, TimelineEntry
    from gongzhi.cases.workflow import MOVES

    assert not TimelineEntry.objects.filter(at__gt=timezone.now()).exists()
    timelines = defaultdict(list)
    for entry in TimelineEntry.objects.order_by("case_id", "at", "id"):
        timelines[entry.case_id].append(entry)
    cases = list(Case.objects.all())
    assert len(cases) > 1500 and len(timelines) == len(cases)
    for case in cases:
        register, *moves = timelines[case.pk]
        assert (register.move, register.status_before, register.status_after) == ("register", "", "registered")
        assert register.at == case.created_at and register.actor_id == (case.recorded_by_id or case.reporter_id)
        for before, entry in zip([register, *moves], moves):
            move = MOVES[entry.move]
            assert entry.status_before == before.status_after, case.number
            assert entry.status_before in move.sources and entry.status_after in (move.targets or (entry.status_before,))
            assert entry.at > before.at, case.number
        assert (moves or [register])[-1].status_after == case.status
        assert case.version == len(moves), case.number
    numbers = [c.number for c in sorted(cases, key=lambda c: (c.created_at, c.pk))]
    assert numbers == sorted(numbers), "numbers follow the reporting order"


def test_the_demo_keeps_the_mix_of_the_practice(demo):
    from gongzhi.cases.models import Case, CaseAgency, Rating, Status, TimelineEntry

    moves = Counter(TimelineEntry.objects.values_list("move", flat=True))
    handled = moves["solve_on_spot"] + moves["dispatch"] + moves["whistle"]
    assert 0.55 < moves["solve_on_spot"] / handled < 0.7 and 0.04 < moves["whistle"] / handled < 0.1
    assert CaseAgency.objects.filter(whistled=True).values("case").distinct().count() == moves["whistle"]
    assert all(moves[m] for m in ("accept", "report", "feed_back", "verify", "send_back", "return", "merge",
                                  "close_with_main", "rate", "return_visit", "reopen", "urge", "supervise"))
    closed = Case.objects.filter(status__in=[Status.CLOSED, Status.RATED], main_case__isnull=True)
    assert 0.8 < closed.filter(status=Status.RATED).count() / closed.count() < 0.9
    ratings = Counter(closed.filter(status=Status.RATED).values_list("rating", flat=True))
    total = sum(ratings.values())
    assert 0.7 < ratings[Rating.SATISFIED] / total < 0.8 and 0.04 < ratings[Rating.UNSATISFIED] / total < 0.12
    assert Case.objects.filter(reopen_count=1, status=Status.RATED).exists()


def test_only_reporters_with_an_account_rate_the_others_get_a_return_visit(demo):
    from gongzhi.cases.models import CaseRating, TimelineEntry
    from gongzhi.people.models import Role, RoleAssignment

    assert not TimelineEntry.objects.filter(move="rate", case__reporter__isnull=True).exists()
    assert not TimelineEntry.objects.filter(move="rate").exclude(actor=F("case__reporter")).exists()
    assert not TimelineEntry.objects.filter(move="return_visit", case__reporter__isnull=False).exists()
    visits = TimelineEntry.objects.filter(move="return_visit").select_related("case")
    assert visits.count() > 1000
    assert all(v.details.get("on_behalf") for v in visits)
    assert not CaseRating.objects.filter(case__reporter__isnull=True, on_behalf=False).exists()
    assert not CaseRating.objects.filter(case__reporter__isnull=False, on_behalf=True).exists()
    # Made by the grid worker of the case's grid, on the reporter's behalf.
    workers = set(RoleAssignment.units.through.objects.filter(roleassignment__role=Role.GRID_WORKER)
                  .values_list("roleassignment__user_id", "unit_id"))
    assert all((v.actor_id, v.case.grid_id) in workers for v in visits)


def test_duplicates_are_merged_and_closed_with_their_main_case(demo):
    from gongzhi.cases.models import Case, Status

    duplicates = Case.objects.filter(main_case__isnull=False).select_related("main_case")
    assert duplicates.count() >= 10
    for duplicate in duplicates:
        merge, close = list(duplicate.timeline.all())[-2:]
        assert (merge.move, close.move, duplicate.status) == ("merge", "close_with_main", Status.CLOSED)
        closing = duplicate.main_case.timeline.get(at=close.at, move__in=["solve_on_spot", "verify"])
        assert duplicate.number in closing.details["duplicates_closed"]


def test_the_history_does_not_notify_and_the_rates_are_refreshed_once(demo):
    from gongzhi.cases import rates
    from gongzhi.cases.models import Case, TimelineEntry
    from gongzhi.core.models import Notice, OutboxMessage

    # The build takes a while: "the last day" is counted from when it started.
    long_ago = timezone.now() - datetime.timedelta(days=1, hours=1)
    announced = [m.payload["entry"] for m in OutboxMessage.objects.filter(kind="cases.announce")]
    assert announced and not TimelineEntry.objects.filter(pk__in=announced, at__lt=long_ago).exists()
    noticed = [int(key.rsplit(":", 1)[1]) for key in Notice.objects.filter(event__startswith="cases.").values_list("event_key", flat=True)]
    # The deliberation history (a year of proposals, votes and decisions) notifies nobody either.
    assert not Notice.objects.filter(event__startswith="deliberation.").exists()
    assert not TimelineEntry.objects.filter(pk__in=noticed, at__lt=long_ago).exists()
    assert Notice.objects.filter(user__username="demo-grid").exists()
    assert not OutboxMessage.objects.filter(kind="cases.refresh_rates").exists()
    assert rates.overall().total == Case.objects.filter(rating__gt="").count()


def test_each_demo_login_finds_work_in_every_inbox_tab(client, demo):
    from gongzhi.cases.models import Case, Status
    from gongzhi.people.models import User

    for username in ("demo-grid", "demo-pro", "demo-secretary"):
        client.force_login(User.objects.get(username=username))
        tabs = re.findall(r'href="\?tab=(\w+)"', client.get(reverse("cases:inbox")).content.decode())
        assert len(tabs) >= 2, username
        for tab in tabs:
            assert "data-case=" in client.get(reverse("cases:inbox"), {"tab": tab}).content.decode(), (username, tab)
    own = Case.objects.filter(reporter__username="demo-resident")
    assert own.filter(status=Status.CLOSED).exists() and own.filter(reopen_count=1).exists()


def test_the_figures_page_shows_the_same_numbers(client, demo):
    page = client.get(reverse("figures")).content.decode()
    assert 'data-figure="micro_grids">1,226<' in page or 'data-figure="micro_grids">1226<' in page


def test_micro_grids_tile_their_communities_without_overlap(demo):
    from shapely.geometry import shape
    from shapely.ops import unary_union

    for community in Unit.objects.filter(level=Level.COMMUNITY)[:8]:
        micros = [shape(b) for b in Unit.objects.under(community.code).filter(level=Level.MICRO_GRID).values_list("boundary", flat=True)]
        assert sum(m.area for m in micros) == pytest.approx(shape(community.boundary).area, rel=1e-9)
        assert unary_union(micros).symmetric_difference(shape(community.boundary)).area < 1e-12
        for i, a in enumerate(micros):
            for b in micros[i + 1:]:
                assert a.intersection(b).area < 1e-15


def test_every_building_lies_in_its_own_micro_grid(demo):
    from gongzhi.territory.models import Building

    for building in Building.objects.select_related("micro_grid")[:200]:
        assert locate(building.lat, building.lng).micro_grid_code == building.micro_grid.code


def test_the_articles_places_are_there(demo):
    names = set(Unit.objects.values_list("name", flat=True))
    assert {"接庄街道", "洸河街道", "柳行街道", "黄庄社区", "三郭社区", "东闸社区", "香堤社区"} <= names
    assert PartyOrganization.objects.filter(name="龙城一号小区党支部").exists() or Unit.objects.filter(estates__name="龙城一号小区").exists()


def test_every_grid_branch_has_a_year_of_statutory_meetings_and_a_few_are_behind(demo):
    """三会一课 recorded as held meetings, with attendance and study hours; a few branches missed
    last month's committee meeting (the reminder list is not empty), all still working."""
    from django.db.models import Count

    from gongzhi.deliberation.models import Attendance, Meeting, MeetingStatus, Purpose
    from gongzhi.deliberation.services import party_life
    from gongzhi.people.models import User

    today = timezone.localdate()
    branches = list(PartyOrganization.objects.grid_branches())
    held = dict(Meeting.objects.filter(organization__in=branches, status=MeetingStatus.HELD, format__purpose=Purpose.PARTY)
                .values("organization").annotate(n=Count("pk")).values_list("organization", "n"))
    assert len(held) == 121 and min(held.values()) >= 28  # 12 + 11 monthly and 4 + 4 quarterly, or about
    absences = Attendance.objects.filter(present=False, meeting__organization__in=branches)
    assert absences.exists() and not absences.filter(absence_reason="").exists()
    assert Attendance.objects.filter(present=True, study_hours__gt=0).count() > 10000
    behind = [b for b in party_life.due_and_missed(branches, today).values() if any(c.missed for c in b)]
    assert 1 <= len(behind) <= 6
    assert all(c.missed == [party_life.add_months(today, -1)] for b in behind for c in b if c.missed)
    # The demo instructor and the demo secretary each have a branch behind in their list.
    for username in ("demo-instructor", "demo-secretary"):
        assert party_life.behind_schedule(User.objects.get(username=username), today), username
    # The building party groups keep their monthly group meeting: none is behind.
    groups = PartyOrganization.objects.filter(kind="group")
    assert not [g for g in party_life.due_and_missed(groups, today).values() if any(c.missed for c in g)]


def test_every_resident_id_number_is_valid(demo):
    from gongzhi.territory.identity import normalize_id_number

    for number in Resident.objects.values_list("id_number", flat=True)[:2000]:
        assert normalize_id_number(number) == number


def test_running_demo_again_keeps_the_world(demo, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    before = Resident.objects.count()
    call_command("demo", "--quiet")
    assert Resident.objects.count() == before


def test_the_deliberation_figures_are_counted_from_the_demo_records(client, demo):
    from gongzhi.deliberation.models import AgendaItem, DecisionStatus, Meeting, MeetingStatus, Proposal

    figures = client.get(reverse("figures-json")).json()
    # "商讨解决……热点难点问题380余个": agenda items whose decision was carried out (verified).
    assert figures["hot_issues_settled"] >= 380
    assert figures["hot_issues_settled"] == AgendaItem.objects.filter(decisions__status=DecisionStatus.CARRIED_OUT).distinct().count()
    assert figures["proposals_total"] == Proposal.objects.count() >= figures["hot_issues_settled"]
    assert figures["meetings_held"] == Meeting.objects.filter(status=MeetingStatus.HELD, format__purpose="deliberation").count() > 0


def test_longcheng_discussed_the_articles_two_topics_and_carried_both_out(demo):
    from gongzhi.deliberation.models import DecisionStatus, Proposal, ProposalStatus

    for title in ("小区健身器材坏了该谁修?", "公共充电桩放哪儿更合理?"):
        proposal = Proposal.objects.get(title=title, unit__estates__name="龙城一号小区")
        assert proposal.status == ProposalStatus.DECIDED
        assert proposal.support_count >= 5  # enough neighbours to reach the 说七说八 threshold
        item = proposal.agenda_items.get()
        assert item.passed and item.meeting.format.code == "shuo-qi-shuo-ba"
        assert item.meeting.attendances.filter(present=True).count() >= 3
        decision = item.decisions.get()
        assert (decision.status, decision.percent) == (DecisionStatus.CARRIED_OUT, 100)
    # The demo resident proposed the first of them, and follows it.
    fitness = Proposal.objects.get(title="小区健身器材坏了该谁修?")
    assert fitness.author.username == "demo-resident"
    assert fitness.follows.filter(user__username="demo-resident").exists()


def test_the_sites_and_services_figures_are_counted_from_the_demo_records(client, demo):
    from gongzhi.sites.models import CheckIn, ServiceRecord, Session, SessionStatus

    figures = client.get(reverse("figures-json")).json()
    # 先后开展各类服务活动128次; 老年食堂3处、日间照料中心4处; 老年学堂已服务超过600人次.
    assert figures["service_activities"] == 128
    assert figures["elderly_canteens"] == 3 and figures["day_care_centres"] == 4
    assert figures["course_person_times"] > 600
    assert figures["activity_person_times"] == CheckIn.objects.count() > figures["course_person_times"]
    assert figures["volunteer_teams"] >= 152 and figures["red_partners"] >= 60
    # 4 centres + 15 stations in 洸河街道, 13 sites and the 7 canteens and day-care centres in 柳行街道.
    assert figures["sites_upgraded"] == 4 + 15 + 13 + 3 + 4
    assert figures["volunteer_hours"] > 0 and figures["home_services_done"] > 100
    assert figures["micro_projects"] >= 20
    held = Session.objects.filter(status=SessionStatus.HELD)
    assert not held.filter(checkins__isnull=True).exists(), "a session is held only with people there"
    assert ServiceRecord.objects.filter(status="confirmed", confirmed_by__isnull=True).count() == 0


def test_liuxing_has_its_teams_partners_birthday_parties_and_courses(demo):
    from gongzhi.sites.models import Activity, ActivityKind, RedPartner, Signup, Team

    liuxing = Unit.objects.get(name="柳行街道")
    in_liuxing = {"unit__code__startswith": liuxing.code}
    assert Team.objects.filter(**in_liuxing).count() == 152
    assert RedPartner.objects.filter(**in_liuxing).count() >= 60
    party = Activity.objects.get(kind=ActivityKind.BIRTHDAY, **in_liuxing)
    days = {timezone.localtime(s.starts_at).day for s in party.sessions.all()}
    assert days == {11} and party.sessions.filter(status="held").count() == 12
    # Each birthday party's guests were born in its month.
    for session in party.sessions.filter(status="held"):
        month = timezone.localtime(session.starts_at).month
        assert {c.resident.birth_date.month for c in session.checkins.select_related("resident")} == {month}
    courses = Activity.objects.filter(kind=ActivityKind.COURSE, **in_liuxing)
    assert {c.title for c in courses} == {"老年学堂·声乐班", "老年学堂·太极拳班", "老年学堂·书法班"}
    # The demo resident waits for a place in the full 书法班.
    assert Signup.objects.filter(user__username="demo-resident", status="waitlisted").exists()


def test_the_sanguo_changba_is_booked_often_and_no_shows_were_released(demo):
    from gongzhi.sites.models import Booking, BookingStatus

    bookings = Booking.objects.filter(room__name="三郭唱吧")
    assert bookings.filter(status=BookingStatus.CHECKED_IN).count() >= 20
    assert bookings.filter(status=BookingStatus.RELEASED).exists()
    assert bookings.filter(starts_at__gt=timezone.now()).exists()


def test_the_login_page_lists_every_demo_login_the_apps_made(client, demo):
    with override_settings(DEMO_MODE=True):
        body = client.get("/accounts/login/").content.decode()
    for username in ("demo-district", "demo-liaison", "demo-changji"):
        assert f"<code>{username}</code>" in body, username
    assert "昌吉高新区" in body
