"""Every path of the case state table, and the moves it forbids."""
import datetime

import pytest
from django.utils import timezone

from gongzhi.cases import services, workflow
from gongzhi.cases.defaults import install
from gongzhi.cases.models import Case, CaseAgency, Category, Channel, Status, TimelineEntry
from gongzhi.people.models import Agency, AgencyKind, Role
from tests.conftest import make_user, refused, texts


@pytest.fixture
def cw(world):
    """The case world: a category, three agencies with one clerk each, a reporting resident."""
    install(Category)
    world.category = Category.objects.get(code="0201")
    world.agencies = [Agency.objects.create(name=n, kind=AgencyKind.DEPARTMENT, district=world.district) for n in ("住建局", "执法局", "消防大队")]
    world.clerks = [make_user(f"clerk-{i}", Role.PROFESSIONAL_GRID_WORKER, [world.grid_a, world.grid_b], agency=a) for i, a in enumerate(world.agencies)]
    world.reporter = make_user("resident-1", Role.RESIDENT, [world.grid_a])
    return world


def report(w, **extra):
    fields = dict(title="健身器材坏了", description="小区健身器材的扶手断了", category=w.category,
                  channel=Channel.RESIDENT, reporter=w.reporter, lat=35.01, lng=116.005)
    fields.update(extra)
    return services.create_case(**fields)


def move(case, name, actor, **params):
    return workflow.perform(case.pk, name, actor, **params)


def test_a_report_is_registered_in_its_grid_with_a_number_and_deadlines(cw):
    case = report(cw)
    assert case.status == Status.REGISTERED
    assert case.grid == cw.grid_a and case.micro_grid == cw.micro_a1
    assert case.number.endswith("-000001")
    assert case.resolve_by - case.created_at == datetime.timedelta(hours=cw.category.resolve_hours)
    assert report(cw).number.endswith("-000002")
    assert TimelineEntry.objects.filter(case=case, move="register").exists()


def test_a_grid_worker_solves_on_the_spot_and_it_closes_at_once(cw):
    case = move(report(cw), "solve_on_spot", cw.worker_a, note="当场修好了")
    assert case.status == Status.CLOSED and case.closed_at and case.responded_at


def test_the_whole_road_dispatch_accept_feed_back_verify_rate(cw):
    case = report(cw)
    case = move(case, "dispatch", cw.worker_a, agency=cw.agencies[0])
    assert case.status == Status.DISPATCHED
    case = move(case, "accept", cw.clerks[0])
    assert case.status == Status.HANDLING
    case = move(case, "feed_back", cw.clerks[0], note="已更换扶手")
    assert case.status == Status.FED_BACK
    case = move(case, "verify", cw.worker_a)
    assert case.status == Status.CLOSED
    case = move(case, "rate", cw.reporter, rating="satisfied")
    assert case.status == Status.RATED
    moves = list(TimelineEntry.objects.filter(case=case).values_list("move", "status_after"))
    assert moves == [("register", "registered"), ("dispatch", "dispatched"), ("accept", "handling"),
                     ("feed_back", "fed_back"), ("verify", "closed"), ("rate", "rated")]


def test_an_agency_returns_a_wrong_dispatch_and_it_goes_back_to_dispatch(cw):
    case = move(report(cw), "dispatch", cw.worker_a, agency=cw.agencies[1])
    case = move(case, "return", cw.clerks[1], note="不属于本单位")
    assert case.status == Status.REGISTERED
    case = move(case, "dispatch", cw.worker_a, agency=cw.agencies[0])
    with refused("does not allow"):
        move(case, "accept", cw.clerks[1])  # the agency that returned it is out
    assert move(case, "accept", cw.clerks[0]).status == Status.HANDLING


def test_a_whistle_with_three_agencies_closes_only_when_all_have_fed_back(cw):
    case = move(report(cw), "whistle", cw.worker_a, agencies=cw.agencies)
    assert case.status == Status.WHISTLED
    links = CaseAgency.objects.filter(case=case)
    assert links.count() == 3
    assert all(l.report_by - l.summoned_at == datetime.timedelta(minutes=30) for l in links)
    for clerk in cw.clerks:
        move(case, "report", clerk)
    assert not CaseAgency.objects.filter(case=case, reported_at=None).exists()
    case = move(case, "feed_back", cw.clerks[0], note="已处理")
    case = move(case, "feed_back", cw.clerks[1], note="已处理")
    assert case.status == Status.WHISTLED
    with refused("not possible"):
        move(case, "verify", cw.worker_a)
    case = move(case, "feed_back", cw.clerks[2], note="已处理")
    assert case.status == Status.FED_BACK
    assert move(case, "verify", cw.worker_a).status == Status.CLOSED


def test_an_unsatisfied_rating_may_reopen_the_case_once(cw):
    case = move(report(cw), "solve_on_spot", cw.worker_a, note="已答复")
    case = move(case, "rate", cw.reporter, rating="unsatisfied", comment="没修好")
    case = move(case, "reopen", cw.reporter, note="还是没修好")
    assert case.status == Status.REGISTERED and case.reopen_count == 1
    case = move(case, "solve_on_spot", cw.worker_a, note="再次处理")
    case = move(case, "rate", cw.reporter, rating="unsatisfied")
    with refused("as often as the rules allow"):
        move(case, "reopen", cw.reporter, note="还是没修好")


def test_a_satisfied_case_cannot_be_reopened(cw):
    case = move(report(cw), "solve_on_spot", cw.worker_a, note="已答复")
    case = move(case, "rate", cw.reporter, rating="satisfied")
    with refused("rated unsatisfied"):
        move(case, "reopen", cw.reporter, note="还是没修好")


def test_send_back_returns_a_fed_back_case_to_the_agency(cw):
    case = move(report(cw), "dispatch", cw.worker_a, agency=cw.agencies[0])
    move(case, "accept", cw.clerks[0])
    move(case, "feed_back", cw.clerks[0], note="已处理")
    case = move(case, "send_back", cw.worker_a, note="现场核查未修好")
    assert case.status == Status.HANDLING


def test_merging_answers_every_reporter_when_the_main_case_closes(cw, django_capture_on_commit_callbacks):
    main = report(cw)
    others = [report(cw, reporter=make_user(f"neighbour-{i}", Role.RESIDENT, [cw.grid_a])) for i in range(2)]
    for dup in others:
        assert move(dup, "merge", cw.worker_a, main_case=main).status == Status.MERGED
    move(main, "solve_on_spot", cw.worker_a, note="已修复")
    # solve_on_spot closes the main case; merged ones close when it is verified:
    main2 = report(cw)
    dup2 = report(cw, reporter=make_user("neighbour-x", Role.RESIDENT, [cw.grid_a]))
    move(dup2, "merge", cw.worker_a, main_case=main2)
    move(main2, "dispatch", cw.worker_a, agency=cw.agencies[0])
    move(main2, "accept", cw.clerks[0])
    move(main2, "feed_back", cw.clerks[0], note="已处理")
    with django_capture_on_commit_callbacks(execute=True):
        move(main2, "verify", cw.worker_a)
    from gongzhi.core.models import Notice as Notification

    answered = set(Notification.objects.filter(object_id=main2.pk, content_type__model="case").values_list("user_id", flat=True))
    assert {main2.reporter_id, dup2.reporter_id} <= answered
    for dup in others:  # merged into the first main case, which was solved on the spot
        dup.refresh_from_db()
        assert dup.status == Status.CLOSED
    dup2.refresh_from_db()
    assert dup2.status == Status.CLOSED
    assert dup2.timeline.filter(move="close_with_main", details__with_main_case=main2.number).exists()


@pytest.mark.parametrize("actor_name, message", [
    ("worker_b", "No such case"),        # wrong scope: grid B's worker cannot see grid A's case
    ("outsider", "No such case"),
    ("reporter", "does not allow"),      # right scope (own case), wrong role
    ("secretary", "does not allow"),     # solve_on_spot is for the grid worker
])
def test_forbidden_actors_are_refused_and_nothing_is_written(cw, actor_name, message):
    case = report(cw)
    entries = TimelineEntry.objects.count()
    with refused(message):
        move(case, "solve_on_spot", getattr(cw, actor_name), note="试图处理")
    case.refresh_from_db()
    assert case.status == Status.REGISTERED and case.version == 0
    assert TimelineEntry.objects.count() == entries


def test_a_move_not_allowed_from_the_status_is_refused(cw):
    case = report(cw)
    with refused("not possible while the case is"):
        move(case, "verify", cw.worker_a)
    with refused("not possible while the case is"):
        move(case, "rate", cw.reporter, rating="satisfied")


def test_a_clerk_of_an_agency_not_on_the_case_is_refused(cw):
    case = move(report(cw), "dispatch", cw.worker_a, agency=cw.agencies[0])
    with refused("No such case"):
        move(case, "accept", cw.clerks[2])


def test_two_people_moving_the_same_case_one_wins_the_other_gets_a_conflict(cw):
    case = report(cw)
    seen_version = case.version
    workflow.perform(case.pk, "solve_on_spot", cw.worker_a, expected_version=seen_version, note="我先处理")
    with pytest.raises(workflow.Conflict) as caught:
        workflow.perform(case.pk, "dispatch", cw.secretary, expected_version=seen_version, agency=cw.agencies[0])
    assert "Someone else has just changed this case" in texts(caught.value) and "刚被他人修改" in texts(caught.value)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.version == 1
    assert not CaseAgency.objects.filter(case=case).exists()


def test_supervisors_urge_and_supervise_open_cases(cw):
    case = move(report(cw), "dispatch", cw.worker_a, agency=cw.agencies[0])
    move(case, "urge", cw.secretary, note="请尽快处理")
    move(case, "supervise", cw.secretary, note="列入督办")
    assert list(case.timeline.values_list("move", flat=True))[-2:] == ["urge", "supervise"]
    with refused("does not allow"):
        move(case, "urge", cw.worker_a, note="催一下")


def test_the_timeline_is_never_edited(cw):
    entry = report(cw).timeline.get()
    entry.note = "改写"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_intake_refuses_a_point_outside_every_grid_and_saves_nothing(cw):
    with refused("outside every grid"):
        report(cw, lat=36.9, lng=117.9)
    assert not Case.objects.exists()


def test_every_move_in_the_table_is_exercised_by_these_tests():
    import inspect
    import sys

    source = inspect.getsource(sys.modules[__name__])
    # "return_visit" and "close_with_main" are exercised in tests/test_case_rounds_and_visits.py.
    for name in workflow.MOVES:
        assert f'"{name}"' in source, name


def test_cases_move_with_their_grid(cw):
    from gongzhi.territory import services as territory
    from gongzhi.territory.models import Level

    case = report(cw)
    other = territory.create_unit(name="新社区", level=Level.COMMUNITY, parent=cw.street)
    territory.move_unit(cw.grid_a, other)
    case.refresh_from_db()
    cw.grid_a.refresh_from_db()
    assert case.grid_code == cw.grid_a.code
    assert Case.objects.visible_to(cw.worker_a).filter(pk=case.pk).exists()


def test_the_dispatcher_corrects_the_category_and_its_time_limits_apply(cw):
    case = report(cw)
    fire = Category.objects.get(code="0501")  # 消防通道堵塞: 2 hours
    case = move(case, "dispatch", cw.worker_a, agency=cw.agencies[2], category=fire)
    assert case.category == fire
    assert case.resolve_by - case.created_at == datetime.timedelta(hours=fire.resolve_hours)
    assert case.timeline.get(move="dispatch").details["category_before"] == cw.category.pk


def test_a_reopened_case_gets_new_deadlines_and_needs_a_reason(cw):
    case = move(report(cw, now=timezone.now() - datetime.timedelta(days=30)), "solve_on_spot", cw.worker_a, note="已答复")
    case = move(case, "rate", cw.reporter, rating="unsatisfied", solved=False)
    with refused("say why"):
        move(case, "reopen", cw.reporter)
    case = move(case, "reopen", cw.reporter, note="还是坏的")
    assert case.resolve_by > timezone.now()
    assert case.resolve_by - timezone.now() <= datetime.timedelta(hours=cw.category.resolve_hours)


def test_nobody_is_notified_of_their_own_move(cw, django_capture_on_commit_callbacks):
    from gongzhi.core.models import Notice as Notification

    with django_capture_on_commit_callbacks(execute=True):
        case = report(cw, reporter=None, recorded_by=cw.worker_a, channel=Channel.PATROL)
    assert not Notification.objects.filter(object_id=case.pk, content_type__model="case", user=cw.worker_a).exists()
