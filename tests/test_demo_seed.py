import datetime

from django.db import transaction

from gongzhi.demo.builder import DemoBuilder
from gongzhi.party.models import PartyOrganization
from gongzhi.territory.models import Level, Resident, Unit


def test_the_same_seed_builds_the_same_world(db):
    def fingerprint():
        return (
            list(Resident.objects.order_by("pk").values_list("name", "id_number")[:50]),
            list(Unit.objects.filter(level=Level.GRID).order_by("code").values_list("code", "name")),
            list(PartyOrganization.objects.grid_branches().order_by("pk").values_list("name", flat=True)),
        )

    day = datetime.date(2026, 11, 26)
    with transaction.atomic():
        DemoBuilder(seed=11, today=day).build()
        first = fingerprint()
        transaction.set_rollback(True)
    assert not Unit.objects.exists()
    DemoBuilder(seed=11, today=day).build()
    assert fingerprint() == first
    assert len(first[1]) == 231
