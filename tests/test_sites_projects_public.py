"""Micro projects on deliberation's pages: opened from a decision, linked from the decision page,
and shown on the public notice (公示) without naming anyone."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gongzhi.deliberation.models import AgendaItem, Meeting, MeetingFormat, MeetingStatus, OwnerKind, Voters
from gongzhi.deliberation.services import decisions as decision_rules
from gongzhi.sites.models import ProjectStatus
from gongzhi.sites.services import projects as rules
from tests.conftest import refused
from tests.sites_projects_helpers import add_party, jpeg


@pytest.fixture
def w(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    add_party(world)
    fmt = MeetingFormat.objects.create(code="test-yishi", name="议事会", voters=Voters.ATTENDEES)
    start = timezone.now() - datetime.timedelta(hours=1)
    world.meeting = Meeting.objects.create(format=fmt, unit=world.grid_a, title="A网格议事会", starts_at=start,
                                           ends_at=start + datetime.timedelta(hours=2), status=MeetingStatus.OPEN)
    item = AgendaItem.objects.create(meeting=world.meeting, position=1, title="楼道没有灯")
    world.decision = decision_rules.record_decision(
        meeting=world.meeting, item=item, what="三号楼装声控灯", owner_kind=OwnerKind.PARTY_MEMBER, member=world.member,
        due_on=timezone.localdate() + datetime.timedelta(days=30), by=world.worker_a)
    return world


def test_a_decision_opens_an_approved_project_led_by_its_member_once(w):
    with refused("staff"):
        rules.open_from_decision(w.decision, by=w.member_user)
    project = rules.open_from_decision(w.decision, by=w.worker_a, budget_yuan=500)
    assert (project.status, project.title, project.plan, project.lead) == (ProjectStatus.APPROVED, "楼道没有灯", "三号楼装声控灯", w.member)
    assert project.unit == w.grid_a and project.decision == w.decision and project.due_on == w.decision.due_on
    with refused("already"):
        rules.open_from_decision(w.decision, by=w.worker_a)


def test_the_decision_page_links_the_project_and_offers_staff_to_open_one(w, client):
    client.force_login(w.worker_a)
    page = client.get(reverse("deliberation:decision", args=[w.decision.pk])).content.decode()
    assert reverse("sites:project_from_decision", args=[w.decision.pk]) in page
    response = client.post(reverse("sites:project_from_decision", args=[w.decision.pk]), {"title": "亮灯工程", "budget_yuan": "300"})
    project = w.decision.micro_projects.get()
    assert response.status_code == 302 and response.url == reverse("sites:project", args=[project.pk])
    page = client.get(reverse("deliberation:decision", args=[w.decision.pk])).content.decode()
    assert project.get_absolute_url() in page and "亮灯工程" in page
    assert reverse("sites:project_from_decision", args=[w.decision.pk]) not in page


def test_the_public_notice_shows_projects_by_branch_and_never_names_a_person(w, client):
    project = rules.open_from_decision(w.decision, by=w.worker_a, budget_yuan=500)
    rules.add_person(project, by=w.worker_a, member=w.retired, role="采购")
    rules.report_progress(project, percent=50, note="王党员买了灯", by=w.member_user, photos=[jpeg()])
    rules.add_milestone(project, title="装好一楼", due_on=timezone.localdate(), by=w.worker_a)
    hidden = rules.propose_project(unit=w.grid_a, title="未批准的项目", plan="还在等", by=w.member_user)
    for reader in (None, w.outsider):
        client.logout()
        if reader:
            client.force_login(reader)
        response = client.get(reverse("deliberation:public_notice", args=[w.grid_a.code]))
        page = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="public-project"' in page and "楼道没有灯" in page and "A网格党支部" in page and "装好一楼" in page
        assert "50 %" in page
        for personal in ("王党员", "赵退休", w.member.phone, "member-a", "worker-a"):
            assert personal not in page, personal
        assert "/photos/" not in page and hidden.title not in page
    # The community's notice shows its grids' projects too.
    assert "楼道没有灯" in client.get(reverse("deliberation:public_notice", args=[w.community.code])).content.decode()


def test_without_projects_the_public_notice_has_no_project_section(w, client):
    page = client.get(reverse("deliberation:public_notice", args=[w.grid_a.code])).content.decode()
    assert 'data-testid="public-projects"' not in page


def test_the_member_a_decision_names_leads_its_project_even_without_dual_registration(w):
    w.decision.member = w.retired
    w.decision.save(update_fields=["member"])
    assert rules.open_from_decision(w.decision, by=w.worker_a).lead == w.retired


def test_another_lead_for_a_decision_must_be_an_in_service_member_who_reported(w):
    with refused("双报到"):
        rules.open_from_decision(w.decision, by=w.worker_a, lead=w.retired)


def test_the_api_opens_a_project_from_a_decision_once(w):
    from tests.test_sites_projects_api import call

    response = call(w.worker_a, "POST", "/projects/from-decision", {"decision_id": w.decision.pk}, HTTP_IDEMPOTENCY_KEY="d1")
    assert response.status_code == 201 and response.json()["decision_id"] == w.decision.pk, response.content
    assert call(w.worker_a, "POST", "/projects/from-decision", {"decision_id": w.decision.pk},
                HTTP_IDEMPOTENCY_KEY="d1").json() == response.json()
    again = call(w.worker_a, "POST", "/projects/from-decision", {"decision_id": w.decision.pk})
    assert again.status_code == 400 and again.json()["error"]["code"] == "project_exists"
