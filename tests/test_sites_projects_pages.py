"""The micro-project pages on a phone: propose, approve, report progress with a photo, milestones,
people, done; another district's project is 404 like a missing one."""
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from gongzhi.sites.models import MicroProject, ProjectStatus
from gongzhi.sites.services import projects as rules
from gongzhi.territory import services as territory
from gongzhi.territory.models import Level
from tests.conftest import make_user
from tests.sites_projects_helpers import add_party, jpeg


@pytest.fixture
def w(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return add_party(world)


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_member_proposes_on_the_page_and_staff_find_it_waiting(w, client):
    client.force_login(w.member_user)
    form = client.get(reverse("sites:project_new")).content.decode()
    assert w.grid_a.code in form and w.grid_b.code not in form
    response = client.post(reverse("sites:project_new"), {"unit": w.grid_a.code, "title": "楼道照明", "plan": "装灯",
                                                          "budget_yuan": "800"})
    project = MicroProject.objects.get()
    assert response.status_code == 302 and project.lead == w.member and project.status == ProjectStatus.PROPOSED
    client.force_login(w.worker_a)
    listing = client.get(reverse("sites:projects")).content.decode()
    assert 'data-testid="projects-waiting"' in listing and "楼道照明" in listing
    client.post(reverse("sites:project_action", args=[project.pk, "approve"]))
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED


def test_a_bad_proposal_says_why_and_keeps_what_was_typed(w, client):
    client.force_login(w.member_user)
    response = client.post(reverse("sites:project_new"), {"unit": w.grid_a.code, "title": "楼道照明", "plan": "",
                                                          "budget_yuan": "很多"})
    assert response.status_code == 400 and "楼道照明" in response.content.decode() and said(response)
    assert not MicroProject.objects.exists()


def test_the_lead_reports_progress_with_a_photo_that_only_the_zone_sees(w, client):
    project = rules.propose_project(unit=w.grid_a, title="楼道照明", plan="装灯", by=w.member_user, budget_yuan=100)
    rules.approve_project(project, by=w.worker_a)
    client.force_login(w.member_user)
    response = client.post(reverse("sites:project_action", args=[project.pk, "progress"]),
                           {"percent": "60", "note": "装了一半", "spent_yuan": "150", "photos": [jpeg()]})
    assert response.status_code == 302
    page = client.get(reverse("sites:project", args=[project.pk])).content.decode()
    photo = project.updates.get().photos.get()
    assert "装了一半" in page and "60 %" in page and ("Over budget" in page or "超出预算" in page)
    thumb = reverse("sites:project_photo", args=[project.pk, photo.token, "thumb"])
    assert thumb in page and client.get(thumb).status_code == 200
    # Another district's account sees neither the project nor its photo.
    other_district = territory.create_unit(name="别区", level=Level.DISTRICT, code="370872")
    client.force_login(make_user("far", "grid_worker", [other_district]))
    assert client.get(reverse("sites:project", args=[project.pk])).status_code == 404
    assert client.get(thumb).status_code == 404
    client.logout()
    assert client.get(thumb).status_code == 302  # to sign in: media is never public


def test_the_lead_adds_a_branch_member_a_milestone_and_marks_it_done(w, client):
    project = rules.propose_project(unit=w.grid_a, title="楼道照明", plan="装灯", by=w.member_user)
    rules.approve_project(project, by=w.worker_a)
    client.force_login(w.member_user)
    page = client.get(reverse("sites:project", args=[project.pk])).content.decode()
    assert "赵退休" in page  # a member of the lead's own branch is offered
    client.post(reverse("sites:project_action", args=[project.pk, "person"]), {"member": w.retired.pk, "role": "采购"})
    client.post(reverse("sites:project_action", args=[project.pk, "milestone"]), {"title": "买灯", "due_on": "2026-06-01"})
    milestone = project.milestones.get()
    client.post(reverse("sites:project_action", args=[project.pk, "milestone_done"]), {"milestone": milestone.pk})
    response = client.post(reverse("sites:project_action", args=[project.pk, "finish"]), {"beneficiaries_count": "40"})
    project.refresh_from_db()
    milestone.refresh_from_db()
    assert project.people.get().member == w.retired and milestone.done_on is not None
    assert project.status == ProjectStatus.DONE and project.beneficiaries_count == 40, said(response)


def test_a_resident_may_read_but_not_run_a_project(w, client):
    project = rules.propose_project(unit=w.grid_a, title="楼道照明", plan="装灯", by=w.member_user)
    rules.approve_project(project, by=w.worker_a)
    client.force_login(w.outsider)
    page = client.get(reverse("sites:project", args=[project.pk])).content.decode()
    assert "楼道照明" in page and 'data-testid="project-progress-form"' not in page
    response = client.post(reverse("sites:project_action", args=[project.pk, "progress"]), {"percent": "10"})
    assert response.status_code == 302 and said(response) and not project.updates.exists()
    assert client.post(reverse("sites:project_action", args=[project.pk, "nonsense"])).status_code == 404
