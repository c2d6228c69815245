"""The cockpit's roll-up: one count per unit code × month × measure (decision 74).

Each app's cockpit parts (core.plugins ``cockpit``; gongzhi.dashboard.parts.Part) say what to
count per unit and month; dashboard.tallies stores the counts here (Tally). Each unit of the
district, street, community and grid levels also has its own sums stored (TallySum: everything
under its code), kept equal to the Tally rows by the same writes (decision 86), so a district's
cockpit reads a few hundred rows, not every grid's: no page ever aggregates a raw table.
"""
from django.db import models

from gongzhi.core.querysets import ScopedQuerySet
from gongzhi.core.scoping import under_codes_q
from gongzhi.territory.models import CODE_LENGTH, Level


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



# The levels whose units keep their own sums: the lengths of a district's, a street's, a
# community's and a grid's code (6, 9, 12, 15; a micro-grid's is summed from Tally when asked).
SUM_LEVELS = tuple(CODE_LENGTH[level] for level in Level if level < Level.MICRO_GRID)


class TallySum(models.Model):
    """The sum of every Tally row under ``unit_code`` (itself included) for one measure and
    month. ``depth`` is the code's length: a unit's children are the rows one level deeper under
    its code. Written only by dashboard.tallies, in the transaction that writes the Tally rows."""

    month = models.DateField()
    unit_code = models.CharField(max_length=18)
    depth = models.PositiveSmallIntegerField()
    measure = models.CharField(max_length=40)
    count = models.IntegerField(default=0)

    objects = TallyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "unit_code", "measure"], name="tally_sum_unique")]
        indexes = [models.Index(fields=["month", "depth", "unit_code"], name="tally_sum_level"),
                   # The headline figures: one measure's district rows over every month.
                   models.Index(fields=["measure", "depth", "unit_code"], name="tally_sum_measure")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.unit_code} Σ {self.measure}={self.count}"
