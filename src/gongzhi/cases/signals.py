"""Cases keep a copy of their grid's code (scoping without a join): they follow when it changes."""
from django.dispatch import receiver

from gongzhi.territory.models import Level
from gongzhi.territory.signals import unit_codes_changed

from .models import Case


@receiver(unit_codes_changed)
def follow_grid_codes(sender, changed, **kwargs):
    for unit_id, code, level in changed:
        if level == Level.GRID:
            Case.objects.filter(grid_id=unit_id).update(grid_code=code)
