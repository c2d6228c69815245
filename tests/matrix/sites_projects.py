"""微幸福 micro projects in the scope matrix (sites/views/projects.py, sites/api/projects.py).

Each district has a project of its grid, led by its in-service member (双报到), approved, with
a milestone and a progress report with a photo; its decision (build_deliberation) has no
project yet, so staff may open one from it.
"""
import datetime
from types import SimpleNamespace

from tests.test_scope_matrix import GET, POST, on

by_pk = (lambda o: {"pk": o.pk})
PROJECT_ACTIONS = {
    "approve": lambda o: {},
    "cancel": lambda o: {},
    "progress": lambda o: {"percent": "30", "note": "矩阵", "spent_yuan": "10"},
    "milestone": lambda o: {"title": "矩阵", "due_on": "2099-01-01"},
    "milestone_done": lambda o: {"milestone": o.milestone},
    "person": lambda o: {"member": o.member, "role": "矩阵"},
    "finish": lambda o: {"beneficiaries_count": "3"},
    "no_such_action": lambda o: {},
}

ROUTES = {
    "sites:projects": on(None, lambda o: {}, query=lambda o: {"status": "under_way"}),
    "sites:project_new": on(None, lambda o: {}),
    # The unit in the form: a grid one may not propose for is no choice, like a missing one.
    "sites:project_new#unit": on("unit", lambda o: {}, methods=(POST,), body=lambda o: {
        "unit": o.code, "title": "矩阵", "plan": "矩阵"}),
    "sites:project_from_decision": on("decision", lambda o: {"decision_pk": o.pk}, body=lambda o: {"title": "矩阵"}),
    "sites:project": on("project", by_pk, methods=(GET,)),
    "sites:project_photo": on("project_photo", lambda o: {"pk": o.pk, "token": o.token, "size": "thumb"}, methods=(GET,)),
    **{f"sites:project_action/{name}": on("project", lambda o, name=name: {"pk": o.pk, "action": name}, methods=(POST,),
                                          body=body)
       for name, body in PROJECT_ACTIONS.items()},
}
ROUTES["sites:project_action/no_such_action"].why_never_found = "there is no such action, for any project"

API = {
    "GET /services/projects": on(None, lambda o: {}, methods=(GET,), query=lambda o: {"status": "under_way"}),
    "GET /services/projects/{project_id}": on("project", lambda o: {"project_id": o.pk}, methods=(GET,)),
    # A unit one may not propose for answers like a missing one.
    "POST /services/projects": on("unit", lambda o: {}, methods=(POST,), json_body=True, body=lambda o: {
        "unit_code": o.code, "title": "矩阵", "plan": "矩阵"}),
    "POST /services/projects/from-decision": on("decision", lambda o: {}, methods=(POST,), json_body=True,
                                                body=lambda o: {"decision_id": o.pk}),
    **{f"POST /services/projects/{{project_id}}/{name}": on("project", lambda o: {"project_id": o.pk}, methods=(POST,),
                                                            json_body=True, body=body)
       for name, body in {
           "approve": lambda o: {},
           "progress": lambda o: {"percent": 30, "note": "矩阵"},
           "milestones": lambda o: {"title": "矩阵", "due_on": "2099-01-01"},
           "milestones/done": lambda o: {"milestone_id": o.milestone},
           "people": lambda o: {"member_id": o.member},
           "finish": lambda o: {"beneficiaries_count": 3},
       }.items()},
}

ADMIN_OBJECTS = {"sites.MicroProject": "project"}

MISSING = {
    "project": SimpleNamespace(pk=999999, milestone=999999, member=999999),
    "project_photo": SimpleNamespace(pk=999999, token="0" * 32),
}


def build(d):
    from gongzhi.party.models import PartyMember
    from gongzhi.sites.services import projects
    from tests.test_scope_matrix import jpeg

    d.project = projects.propose_project(unit=d.grid, title="矩阵微幸福", plan="矩阵", by=d.worker, lead=d.member,
                                         budget_yuan=100)
    projects.approve_project(d.project, by=d.worker)
    d.project_milestone = projects.add_milestone(d.project, title="矩阵", due_on=datetime.date(2099, 1, 1), by=d.worker)
    projects.report_progress(d.project, percent=20, note="矩阵", by=d.worker, photos=[jpeg()])
    d.project_photo = d.project.updates.get().photos.get()
    # A second member of the branch, to put on the project.
    d.project_helper = PartyMember.objects.create(name="矩阵帮手", gender="M", organization=d.branch, employment="retired")


def objects(d):
    return {
        "project": SimpleNamespace(pk=d.project.pk, milestone=d.project_milestone.pk, member=d.project_helper.pk),
        "project_photo": SimpleNamespace(pk=d.project.pk, token=d.project_photo.token),
    }


def _micro_project(w):
    from gongzhi.sites.models import MicroProject

    return MicroProject.objects.create(unit=w.grid_a, title="微幸福", plan="计划")


def _back_office_rows():
    from gongzhi.sites.models import MicroProject

    return {MicroProject: _micro_project}


BACK_OFFICE_ROWS = _back_office_rows()
