"""Two organizers assigning the last place of a shift at the same instant: one gets it, the
other is told the shift is full (the shift's row lock serializes them on both databases)."""
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from gongzhi.core.errors import DomainError
from gongzhi.sites.models import RecordStatus, ServiceRecord, Shift, Volunteer
from gongzhi.sites.services import volunteers as rules
from tests.volunteer_helpers import volunteer_world


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
def test_two_assignments_at_once_never_pass_the_shifts_places(world, monkeypatch):
    vw = volunteer_world(world)  # the shift has 2 places, one taken
    others = [rules.register_volunteer(kind="resident", unit=vw.community, by=vw.secretary, name=n) for n in ("赵六", "钱七")]
    localdate = timezone.localdate

    def slow_localdate(*args, **kwargs):
        time.sleep(0.3)  # between counting the places and writing: the lock must close this window
        return localdate(*args, **kwargs)

    monkeypatch.setattr(timezone, "localdate", slow_localdate)
    outcomes = run_together([lambda v=v: rules.assign(Shift.objects.get(pk=vw.shift.pk), Volunteer.objects.get(pk=v.pk),
                                                      by=vw.secretary) for v in others])
    assert outcomes == ["full", "ok"]
    assert ServiceRecord.objects.filter(shift=vw.shift, status=RecordStatus.SCHEDULED).count() == 2
