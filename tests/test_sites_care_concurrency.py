"""Two moves on one home service request at the same instant: the request's row lock (a no-op
UPDATE first) serializes them, so the second sees what the first did."""
import threading

import pytest
from django.db import connection

from gongzhi.core.errors import DomainError
from gongzhi.sites.models import HomeServiceRequest, HomeServiceStatus
from gongzhi.sites.services import care
from gongzhi.territory.models import AccountRelation, ResidentLink
from tests.conftest import make_user


@pytest.mark.django_db(transaction=True)
def test_two_cancelling_at_once_one_cancels_and_the_other_is_told_it_is_no_longer_open(world):
    elder = care.register_elder(world.resident_a, tags=[], by=world.worker_a)
    son = make_user("son")
    ResidentLink.objects.create(resident=world.resident_a, user=son, relation=AccountRelation.RELATIVE)
    request = care.request_home_service(elder=elder, kind="errand", by=son)
    start = threading.Barrier(2)
    outcomes = {}

    def act(name, user):
        try:
            start.wait()
            care.cancel_home_service(HomeServiceRequest.objects.get(pk=request.pk), by=user)
            outcomes[name] = "cancelled"
        except DomainError as error:
            outcomes[name] = error.domain_code
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(name, user)) for name, user in (("son", son), ("worker", world.worker_a))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes.values()) == ["cancelled", "status"], outcomes
    request.refresh_from_db()
    assert request.status == HomeServiceStatus.CANCELLED
