"""A decision's life: recorded, progress with photos, done, verified; a case opened; overdue escalation."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gongzhi.cases.defaults import install
from gongzhi.cases.models import Case, Category, Channel
from gongzhi.core.models import Notice
from gongzhi.deliberation.models import (
    Decision, DecisionPhoto, DecisionStatus, MeetingStatus, OwnerKind, Proposal, ProposalFollow, ProposalStatus,
)
from gongzhi.deliberation.services import decisions
from gongzhi.party.models import OrganizationKind, PartyOrganization
from gongzhi.people.models import Agency, AgencyKind, Role
from gongzhi.territory.models import Level

from .conftest import make_user, refused
from .deliberation_rooms import build_room, make_meeting


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def room(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = build_room(world)
    r.proposal = Proposal.objects.create(unit=world.grid_a, title="小区健身器材坏了该谁修?", body="单杠松了", author=r.members[0],
                                         status=ProposalStatus.ON_AGENDA)
    r.item.proposal = r.proposal
    r.item.save()
    r.follower = r.members[1]
    ProposalFollow.objects.create(proposal=r.proposal, user=r.follower)
    r.agency = Agency.objects.create(name="测试住建局", kind=AgencyKind.DEPARTMENT, district=world.district)
    r.property_org = PartyOrganization.objects.create(name="物业公司党支部", kind=OrganizationKind.PROPERTY_ORGANIZATION,
                                                      unit=world.grid_a)
    r.branch = PartyOrganization.objects.create(name="A网格党支部", kind=OrganizationKind.BRANCH, unit=world.grid_a)
    return r


def decide(world, room, **extra):
    params = dict(meeting=room.meeting, item=room.item, what="物业公司一周内修好单杠", owner_kind=OwnerKind.PROPERTY,
                  organization=room.property_org, due_on=timezone.localdate() + datetime.timedelta(days=7), by=world.worker_a)
    params.update(extra)
    return decisions.record_decision(**params)


def test_a_decision_lives_to_carried_out_and_settles_the_hot_issue(world, room, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(world, room)
    assert decision.owner_label() == "物业公司党支部" and decision.status == DecisionStatus.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        decisions.report_progress(decision, percent=40, note="已买配件", by=world.worker_a, photos=[jpeg()])
    decision.refresh_from_db()
    assert (decision.percent, decision.status) == (40, DecisionStatus.OPEN)
    assert DecisionPhoto.objects.filter(update__decision=decision).count() == 1
    with refused("100 percent"):
        decisions.verify(decision, by=world.worker_a)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.report_progress(decision, percent=100, note="已修好", by=world.worker_a)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE and decision.done_at
    with refused("convener"):
        decisions.verify(decision, by=world.worker_b)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.verify(decision, by=world.worker_a)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CARRIED_OUT and decision.verified_by == world.worker_a
    room.proposal.refresh_from_db()
    assert room.proposal.status == ProposalStatus.DECIDED
    # Followers heard of the decision, each progress report and the end.
    events = sorted(Notice.objects.filter(user=room.follower).values_list("event", flat=True))
    assert events == ["deliberation.decision_carried_out", "deliberation.decision_progress",
                      "deliberation.decision_progress", "deliberation.decision_recorded"]
    with refused("closed"):
        decisions.report_progress(decision, percent=100, note="", by=world.worker_a)
    from gongzhi.deliberation.figures import FIGURES
    assert next(f for f in FIGURES if f.key == "hot_issues_settled").count() == 1


def test_less_than_100_percent_after_done_takes_it_back_to_work(world, room):
    decision = decide(world, room)
    decisions.report_progress(decision, percent=100, note="", by=world.worker_a)
    decisions.report_progress(decision, percent=80, note="还有一处没修", by=world.worker_a)
    decision.refresh_from_db()
    assert (decision.status, decision.done_at) == (DecisionStatus.OPEN, None)


def test_progress_is_a_whole_percent_reported_by_staff_or_the_agency_in_charge(world, room):
    decision = decide(world, room, owner_kind=OwnerKind.AGENCY, agency=room.agency, organization=None)
    for bad in (-1, 101, 50.5, "50", True):
        with refused("0 to 100"):
            decisions.report_progress(decision, percent=bad, note="", by=world.worker_a)
    with refused("Only staff"):
        decisions.report_progress(decision, percent=10, note="", by=room.members[0])
    clerk = make_user("clerk", Role.PROFESSIONAL_GRID_WORKER, [world.grid_a], agency=room.agency)
    decisions.report_progress(decision, percent=10, note="已派人", by=clerk)
    assert Decision.objects.get(pk=decision.pk).percent == 10


def test_each_owner_kind_names_its_owner(world, room):
    with refused("agency"):
        decide(world, room, owner_kind=OwnerKind.AGENCY, organization=None)
    with refused("property company"):
        decide(world, room, owner_kind=OwnerKind.PROPERTY, organization=room.branch)
    with refused("volunteer team"):
        decide(world, room, owner_kind=OwnerKind.VOLUNTEER_TEAM, organization=None)
    with refused("Say who"):
        decide(world, room, owner_kind="mayor")
    named = decide(world, room, owner_kind=OwnerKind.PROPERTY, organization=None, owner_name="龙城物业")
    assert named.owner_label() == "龙城物业"
    team = decide(world, room, owner_kind=OwnerKind.VOLUNTEER_TEAM, organization=None, owner_name="银发志愿队")
    assert team.owner_label() == "银发志愿队" and team.organization is None
    branch = decide(world, room, owner_kind=OwnerKind.BRANCH, organization=room.branch)
    assert branch.owner_label() == "A网格党支部"


def test_a_decision_is_recorded_by_staff_at_or_after_the_meeting_with_a_due_date_not_before_it(world, room):
    with refused("Only staff"):
        decide(world, room, by=world.worker_b)
    with refused("cannot be before"):
        # The day before the meeting's own day (not "yesterday": just after midnight the meeting was yesterday).
        decide(world, room, due_on=timezone.localtime(room.meeting.starts_at).date() - datetime.timedelta(days=1))
    with refused("What was decided is required"):
        decide(world, room, what="  ")
    scheduled = make_meeting(room.council_format, world.grid_a, status=MeetingStatus.SCHEDULED,
                             starts_at=timezone.now() + datetime.timedelta(days=2))
    with refused("not before"):
        decide(world, room, meeting=scheduled, item=None)
    with refused("another meeting"):
        decide(world, room, meeting=make_meeting(room.council_format, world.grid_a), item=room.item)
    assert not Decision.objects.exists()


def test_a_decision_opens_one_case_at_the_meetings_grid_and_follows_it(world, room):
    install(Category)
    decision = decide(world, room)
    category = Category.objects.filter(parent__isnull=False).first()
    case = decisions.open_case(decision, category=category, by=world.worker_a)
    assert case.channel == Channel.MEETING and case.grid_code.startswith(world.grid_a.code)
    assert Decision.objects.get(pk=decision.pk).case == case
    with refused("case already"):
        decisions.open_case(Decision.objects.get(pk=decision.pk), category=category, by=world.worker_a)
    assert Case.objects.count() == 1


def test_an_overdue_decision_rises_one_level_at_a_time_and_each_level_hears_once(world, room, django_capture_on_commit_callbacks):
    street_admin = make_user("street-admin", Role.STREET_ADMIN, [world.street])
    district_admin = make_user("district-admin", Role.DISTRICT_ADMIN, [world.district])
    decision = decide(world, room)
    due = decision.due_on
    on_time = timezone.make_aware(datetime.datetime.combine(due, datetime.time(12)))
    assert decisions.escalate_step(on_time) == {"decisions_escalated": 0}  # the due day itself is not late

    def step(days):
        with django_capture_on_commit_callbacks(execute=True):
            result = decisions.escalate_step(on_time + datetime.timedelta(days=days))
        return result["decisions_escalated"], Decision.objects.get(pk=decision.pk).escalated_level

    assert step(1) == (1, Level.COMMUNITY)
    assert step(1) == (0, Level.COMMUNITY)  # the next minute: nothing new
    assert step(40) == (1, Level.STREET)  # long overdue, still one level per run
    assert step(40) == (1, Level.DISTRICT)
    assert step(41) == (0, Level.DISTRICT)
    overdue = Notice.objects.filter(event="deliberation.decision_overdue")
    assert sorted(overdue.values_list("user__username", flat=True)) == ["district-admin", "secretary", "street-admin"]
    assert street_admin and district_admin


def test_a_carried_out_decision_is_never_overdue(world, room):
    decision = decide(world, room)
    decisions.report_progress(decision, percent=100, note="", by=world.worker_a)
    decisions.verify(decision, by=world.worker_a)
    later = timezone.now() + datetime.timedelta(days=60)
    assert decisions.escalate_step(later) == {"decisions_escalated": 0}


def test_the_escalation_reads_a_bounded_number_of_queries(world, room, django_assert_max_num_queries):
    for i in range(12):
        decide(world, room, what=f"决定{i}")
    later = timezone.now() + datetime.timedelta(days=30)
    # Reads and updates do not grow with the batch; each decision adds its one outbox row (a notice to send).
    with django_assert_max_num_queries(12 + 6):
        assert decisions.escalate_step(later) == {"decisions_escalated": 12}


def test_every_overdue_decision_rises_however_many_batches_they_fill(world, room, monkeypatch):
    monkeypatch.setattr(decisions, "BATCH", 5)
    for i in range(12):
        decide(world, room, what=f"决定{i}")
    later = timezone.now() + datetime.timedelta(days=9)
    assert decisions.escalate_step(later) == {"decisions_escalated": 12}
    assert set(Decision.objects.values_list("escalated_level", flat=True)) == {Level.COMMUNITY}
    # Raised once and not yet a week late: not even read again.
    assert decisions.escalate_step(later + datetime.timedelta(minutes=1)) == {"decisions_escalated": 0}
