"""五个好 evaluations: a party organization's yearly results on its zone's checklist; the score
is the sum of the points of the items met, written with the results in one transaction."""
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError

from ..models import ZONE_CODE_LENGTH, Evaluation, EvaluationItem, EvaluationResult


@transaction.atomic
def record_evaluation(organization, year, met_items, notes=""):
    """Record (or redo) ``organization``'s evaluation for ``year``: ``met_items`` are the items of
    its zone's active checklist it met; the others count as not met."""
    zone_code = organization.unit.code[:ZONE_CODE_LENGTH]
    items = list(EvaluationItem.objects.filter(zone__code=zone_code, active=True).order_by("position"))
    if not items:
        raise DomainError(_("This zone has no 五个好 checklist yet."), code="no_checklist")
    met = {item.pk for item in met_items}
    if not met <= {item.pk for item in items}:
        raise DomainError(_("An item is not on this zone's checklist."), code="other_checklist", field="items")
    evaluation, _created = Evaluation.objects.select_for_update().get_or_create(organization=organization, year=year)
    evaluation.results.all().delete()
    EvaluationResult.objects.bulk_create([EvaluationResult(evaluation=evaluation, item=item, met=item.pk in met)
                                          for item in items])
    evaluation.score = sum(item.points for item in items if item.pk in met)
    evaluation.notes = notes
    evaluation.save(update_fields=["score", "notes"])
    return evaluation
