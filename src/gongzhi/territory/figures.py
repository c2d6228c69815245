"""The territory's headline figures (济宁高新区: 231 basic grids, 1,226 micro-grids)."""
from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import Figure

from .models import Level, Unit

FIGURES = [
    Figure("grids", _("Basic grids"), lambda: Unit.objects.filter(level=Level.GRID).count()),
    Figure("micro_grids", _("Micro-grids"), lambda: Unit.objects.filter(level=Level.MICRO_GRID).count()),
]
