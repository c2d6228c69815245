"""微幸福 micro projects: who proposes and leads, approval, people, milestones, progress, done."""
import datetime
from decimal import Decimal

import pytest

from gongzhi.core.models import OutboxMessage
from gongzhi.sites.models import MicroProject, ProjectPerson, ProjectStatus
from gongzhi.sites.services import projects as rules
from tests.conftest import refused
from tests.sites_projects_helpers import add_party, jpeg


@pytest.fixture
def w(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return add_party(world)


def proposed(w, **extra):
    return rules.propose_project(unit=w.grid_a, title="楼道照明", plan="给3号楼装声控灯", by=w.member_user, **extra)


def test_an_in_service_member_who_reported_proposes_and_leads_it(w):
    project = proposed(w, budget_yuan="1200.5")
    assert project.status == ProjectStatus.PROPOSED
    assert project.lead == w.member and project.created_by == w.member_user
    assert project.budget_yuan == Decimal("1200.50")
    assert not ProjectPerson.objects.filter(project=project).exists()  # the lead is shown apart


def test_a_resident_who_is_no_member_cannot_propose(w):
    with refused("双报到"):
        rules.propose_project(unit=w.grid_a, title="x", plan="y", by=w.outsider)


def test_a_member_proposes_only_for_the_grid_or_community_they_reported_to(w):
    with refused("双报到"):
        rules.propose_project(unit=w.grid_b, title="x", plan="y", by=w.member_user)
    assert rules.propose_project(unit=w.community, title="x", plan="y", by=w.member_user).lead == w.member


def test_staff_may_name_only_an_in_service_member_who_reported_as_lead(w):
    with refused("双报到"):
        rules.propose_project(unit=w.grid_a, title="x", plan="y", by=w.worker_a, lead=w.retired)
    project = rules.propose_project(unit=w.grid_a, title="x", plan="y", by=w.worker_a, lead=w.member)
    assert project.lead == w.member
    assert rules.propose_project(unit=w.grid_a, title="x", plan="y", by=w.worker_a).lead is None


def test_staff_propose_only_in_their_scope(w):
    with refused("双报到"):
        rules.propose_project(unit=w.grid_b, title="x", plan="y", by=w.worker_a)


def test_bad_money_and_dates_are_refused_and_nothing_is_written(w):
    for bad in ("-1", "abc", "1e20", "NaN"):
        with refused("yuan"):
            proposed(w, budget_yuan=bad)
    with refused("starts"):
        proposed(w, starts_on=datetime.date(2026, 5, 2), due_on=datetime.date(2026, 5, 1))
    assert not MicroProject.objects.exists()


def test_staff_of_the_unit_approve_and_the_lead_is_told(w):
    project = proposed(w)
    with refused("staff"):
        rules.approve_project(project, by=w.member_user)
    with refused("staff"):
        rules.approve_project(project, by=w.worker_b)
    rules.approve_project(project, by=w.worker_a)
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED
    told = OutboxMessage.objects.get(dedupe_key=f"sites:project:{project.pk}:approved").payload
    assert told["user_ids"] == [w.member_user.pk] and told["event"] == "sites.project_approved"
    with refused("proposed"):
        rules.approve_project(project, by=w.worker_a)


def test_the_staff_of_the_unit_hear_of_a_proposal(w):
    project = proposed(w)
    told = OutboxMessage.objects.get(dedupe_key=f"sites:project:{project.pk}:proposed").payload
    assert w.worker_a.pk in told["user_ids"] and w.secretary.pk in told["user_ids"]
    assert w.worker_b.pk not in told["user_ids"]


def test_no_progress_before_approval(w):
    project = proposed(w)
    with refused("approve"):
        rules.report_progress(project, percent=10, note="", by=w.member_user)


def test_progress_with_photos_and_spending_puts_it_under_way(w):
    project = proposed(w)
    rules.approve_project(project, by=w.worker_a)
    update = rules.report_progress(project, percent=40, note="灯买好了", by=w.member_user, photos=[jpeg()], spent_yuan=800)
    project.refresh_from_db()
    assert (project.status, project.percent, project.spent_yuan) == (ProjectStatus.UNDER_WAY, 40, Decimal("800.00"))
    assert update.photos.count() == 1
    # Spending beyond the budget is recorded as it is (and shown as over budget), not refused.
    rules.report_progress(project, percent=60, note="", by=w.worker_a, spent_yuan="99999")
    project.refresh_from_db()
    assert project.spent_yuan > project.budget_yuan


def test_a_bad_photo_leaves_no_update(w):
    project = proposed(w)
    rules.approve_project(project, by=w.worker_a)
    from django.core.files.uploadedfile import SimpleUploadedFile
    with refused("JPEG"):
        rules.report_progress(project, percent=10, note="", by=w.member_user,
                              photos=[SimpleUploadedFile("x.jpg", b"not an image")])
    assert not project.updates.exists()


def test_only_the_lead_or_staff_report_progress(w):
    project = proposed(w)
    rules.approve_project(project, by=w.worker_a)
    for stranger in (w.outsider, w.worker_b):
        with refused("lead"):
            rules.report_progress(project, percent=10, note="", by=stranger)
    with refused("percent"):
        rules.report_progress(project, percent=101, note="", by=w.member_user)


def test_people_and_milestones(w):
    project = proposed(w)
    rules.approve_project(project, by=w.worker_a)
    rules.add_person(project, by=w.member_user, member=w.retired, role="采购")
    with refused("already"):
        rules.add_person(project, by=w.member_user, member=w.retired)
    with refused("one"):
        rules.add_person(project, by=w.member_user)
    milestone = rules.add_milestone(project, title="买灯", due_on=datetime.date(2026, 6, 1), by=w.member_user)
    rules.complete_milestone(milestone, by=w.member_user, on=datetime.date(2026, 5, 30))
    milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2026, 5, 30)


def test_done_records_the_people_reached(w):
    project = proposed(w)
    rules.approve_project(project, by=w.worker_a)
    with refused("people reached"):
        rules.finish_project(project, by=w.member_user, beneficiaries_count=-1)
    rules.finish_project(project, by=w.member_user, beneficiaries_count=36, done_on=datetime.date(2026, 6, 2))
    project.refresh_from_db()
    assert (project.status, project.percent, project.beneficiaries_count) == (ProjectStatus.DONE, 100, 36)
    with refused("under way"):
        rules.report_progress(project, percent=10, note="", by=w.member_user)


def test_the_lead_gets_a_notice_linking_the_project_when_it_is_approved(w, django_capture_on_commit_callbacks):
    from gongzhi.core.models import Notice

    project = proposed(w)
    with django_capture_on_commit_callbacks(execute=True):
        rules.approve_project(project, by=w.worker_a)
    notice = Notice.objects.get(user=w.member_user, event="sites.project_approved")
    assert notice.target == project and notice.params == {"title": "楼道照明"}
