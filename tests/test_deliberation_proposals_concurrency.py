"""Supports at the same moment: the count on the row stays exact, and one person's monthly limit
holds when they support several proposals at once."""
import threading
import time

import pytest
from django.db import connection

from gongzhi.core.errors import DomainError
from gongzhi.deliberation.models import Proposal, Support
from gongzhi.deliberation.services import proposals as svc
from tests.deliberation_helpers import residents


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
def test_simultaneous_supports_keep_the_count_exact(world):
    p = svc.propose(unit=world.grid_a, author=world.outsider, title="健身器材", body="坏了")
    people = residents(world, 4)
    assert run_together([lambda u=u: svc.support(Proposal.objects.get(pk=p.pk), user=u) for u in people]) == ["ok"] * 4
    p.refresh_from_db()
    assert p.support_count == Support.objects.filter(proposal=p).count() == 4


@pytest.mark.django_db(transaction=True)
def test_one_person_cannot_pass_the_monthly_limit_by_supporting_at_once(world, settings, monkeypatch):
    settings.DELIBERATION_SUPPORTS_PER_MONTH = 2
    counted = svc.supports_left

    def slow_count(user, now=None):
        left = counted(user, now)
        time.sleep(0.3)  # widen the window between counting and writing: the lock must close it
        return left

    monkeypatch.setattr(svc, "supports_left", slow_count)
    authors = residents(world, 3, prefix="author")
    ps = [svc.propose(unit=world.grid_a, author=a, title=f"议题{i}", body="内容") for i, a in enumerate(authors)]
    (r,) = residents(world, 1)
    outcomes = run_together([lambda p=p: svc.support(Proposal.objects.get(pk=p.pk), user=r) for p in ps])
    assert outcomes == ["ok", "ok", "support_limit"]
    assert Support.objects.filter(user=r).count() == 2
