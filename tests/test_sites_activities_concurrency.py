"""Two people cancel their places at the same instant: the two first on the waiting list are
promoted, one each, never the same one twice and never over capacity (real threads, real database)."""
import threading
import time

import pytest
from django.db import connection

from gongzhi.core.errors import DomainError
from gongzhi.sites.models import Signup, SignupStatus
from gongzhi.sites.services import activities as svc
from tests.sites_activity_helpers import course, resident


def run_together(jobs):
    start = threading.Barrier(len(jobs))
    outcomes = []

    def run(job):
        try:
            start.wait()
            outcomes.append(job())
        except DomainError as error:
            outcomes.append(error.domain_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_cancelling_at_once_promote_two_different_people(world, monkeypatch):
    c = course(world, capacity=2)
    people = [resident(world) for _ in range(5)]
    signups = [svc.sign_up(c, by=p.account) for p in people]
    counted = svc._has_room

    def slow(activity, session_id):
        room = counted(activity, session_id)
        time.sleep(0.2)  # widen the window between counting and promoting: the lock must close it
        return room

    monkeypatch.setattr(svc, "_has_room", slow)
    promoted = run_together([lambda s=s, p=p: svc.cancel_signup(Signup.objects.get(pk=s.pk), by=p.account)
                             for s, p in zip(signups[:2], people[:2])])
    assert sorted(p.pk for p in promoted) == [signups[2].pk, signups[3].pk]
    assert Signup.objects.filter(activity=c, status=SignupStatus.CONFIRMED).count() == 2
    assert Signup.objects.get(pk=signups[4].pk).status == SignupStatus.WAITLISTED


@pytest.mark.django_db(transaction=True)
def test_many_signing_up_at_once_never_pass_capacity(world):
    c = course(world, capacity=3)
    people = [resident(world) for _ in range(6)]
    outcomes = run_together([lambda p=p: svc.sign_up(c, by=p.account).status for p in people])
    assert sorted(outcomes) == ["confirmed"] * 3 + ["waitlisted"] * 3
