"""Two staff opening a micro project for one decision at the same moment open one."""
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from gongzhi.core.errors import DomainError
from gongzhi.deliberation.models import Decision
from gongzhi.sites.models import MicroProject
from gongzhi.sites.services import projects as rules
from tests.conftest import make_user
from tests.test_sites_projects_public import w  # noqa: F401 - the fixture


def run_together(jobs):
    start = threading.Barrier(len(jobs))
    outcomes = []

    def run(job):
        try:
            start.wait()
            job()
            outcomes.append("ok")
        except DomainError as error:
            outcomes.append(error.domain_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_opening_a_project_for_one_decision_at_once_open_one(w, monkeypatch):
    today = timezone.localdate

    def slow_today(*args, **kwargs):
        time.sleep(0.3)  # widen the window between "is there a project?" and writing one: the lock must close it
        return today(*args, **kwargs)

    monkeypatch.setattr(timezone, "localdate", slow_today)
    from gongzhi.people.models import Role
    second = make_user("worker-a2", Role.GRID_WORKER, [w.grid_a])
    outcomes = run_together([lambda by=by: rules.open_from_decision(Decision.objects.select_related("meeting__unit", "item").get(
        pk=w.decision.pk), by=by) for by in (w.worker_a, second)])
    assert outcomes == ["ok", "project_exists"]
    assert MicroProject.objects.filter(decision=w.decision).count() == 1
