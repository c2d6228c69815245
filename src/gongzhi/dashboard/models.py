"""The cockpit's roll-up: one count per unit code × month × measure (decision 74).

Each app's cockpit parts (core.plugins ``cockpit``; gongzhi.dashboard.parts.Part) say what to
count per unit and month; dashboard.tallies stores the counts here. A unit above the stored
codes (a street, a district) is the sum of the stored rows under its code, read by a code range
on the indexed column: no page ever aggregates a raw table.
"""
from django.db import models

from gongzhi.core.querysets import ScopedQuerySet
from gongzhi.core.scoping import under_codes_q


class TallyQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return under_codes_q("unit_code", user.scope_codes())


class Tally(models.Model):
    """How many records one measure counts for one unit (the unit the records belong to, mostly a
    grid) in one month."""

    month = models.DateField()
    unit_code = models.CharField(max_length=18)
    measure = models.CharField(max_length=40)
    count = models.IntegerField(default=0)
    refreshed_at = models.DateTimeField(auto_now=True)

    objects = TallyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "unit_code", "measure"], name="tally_unique")]
        indexes = [models.Index(fields=["month", "unit_code"], name="tally_month_unit"),
                   # The headline figures: one measure's rows over every month (cases/figures.py).
                   models.Index(fields=["measure", "unit_code"], name="tally_measure_unit")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.unit_code} {self.measure}={self.count}"

