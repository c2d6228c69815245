import datetime

from django.db import transaction

from gongzhi.cases.models import Case, Category, CategoryAttribute, TimelineEntry
from gongzhi.demo.builder import DemoBuilder
from gongzhi.party.models import PartyOrganization
from gongzhi.territory.models import Level, Resident, Unit


def fingerprint():
    # Natural keys only: on PostgreSQL the rolled-back build has used up its ids.
    return (
        list(Resident.objects.order_by("pk").values_list("name", "id_number")[:50]),
        list(Unit.objects.filter(level=Level.GRID).order_by("code").values_list("code", "name")),
        list(PartyOrganization.objects.grid_branches().order_by("pk").values_list("name", flat=True)),
        list(Case.objects.order_by("number").values_list(
            "number", "title", "channel", "grid_code", "status", "rating", "reporter__username", "created_at")),
        list(TimelineEntry.objects.order_by("case__number", "at", "id").values_list(
            "case__number", "move", "actor__username", "at", "status_after", "note")),
    )


# The fingerprint reads the territory, the party tree and the cases: the steps after the cases
# (order 60) are left out of both builds, which saves two thirds of each (CI time).
THROUGH_CASES = 60


def test_the_same_seed_builds_the_same_world(db):
    day = datetime.date(2026, 11, 26)
    with transaction.atomic():
        # As after `gongzhi demo --rebuild`, which flushes the default categories the migrations
        # installed: the cases step puts them back.
        CategoryAttribute.objects.all().delete()
        Category.objects.filter(parent__isnull=False).delete()
        Category.objects.all().delete()
        DemoBuilder(seed=11, today=day, through=THROUGH_CASES).build()
        first = fingerprint()
        transaction.set_rollback(True)
    assert not Unit.objects.exists()
    DemoBuilder(seed=11, today=day, through=THROUGH_CASES).build()
    assert fingerprint() == first
    assert len(first[1]) == 231
    assert len(first[3]) > 1500 and len(first[4]) > 5000
