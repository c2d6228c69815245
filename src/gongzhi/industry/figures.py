"""The industry app's headline figures (/figures.json), counted from the records (never typed).
The same counts per zone are in services.coverage.zone_figures."""
from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import Figure

FIGURES = []
