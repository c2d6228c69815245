"""五个好 evaluations: a party organization's yearly results on its zone's checklist; the score
is the sum of the points of the items met, written with the results in one transaction."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError, NotFound
from gongzhi.core.scoping import under_codes_q, user_covers
from gongzhi.core.text import clean_field

from ..models import INDUSTRY_STAFF_ROLES, ZONE_CODE_LENGTH, Enterprise, Evaluation, EvaluationItem, EvaluationResult

FIRST_YEAR = 2000


def checklist(zone_code):
    """The zone's active 五个好 items, in order."""
    return EvaluationItem.objects.filter(zone__code=zone_code[:ZONE_CODE_LENGTH], active=True).order_by("position")


def check_year(year):
    if isinstance(year, str):
        year = int(year) if year.strip().isascii() and year.strip().isdigit() and len(year.strip()) <= 4 else None
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= timezone.localdate().year:
        raise DomainError(_("Give a year from %(first)d to this year."), code="invalid", field="year",
                          params={"first": FIRST_YEAR})
    return year


def enterprise_organizations(zone_code):
    """The party organizations of the zone's enterprises (own or joint): what 五个好 evaluates."""
    return (Enterprise.objects.filter(under_codes_q("unit__code", [zone_code[:ZONE_CODE_LENGTH]]),
                                      party_org__isnull=False).values("party_org"))


@transaction.atomic
def record_evaluation(organization, year, met_items, notes="", *, by):
    """Record (or redo) ``organization``'s evaluation for ``year``: ``met_items`` are the items of
    its zone's active checklist it met; the others count as not met. ``by``: the park staff
    recording it, who must cover the organization (else it is not found)."""
    if not user_covers(by, organization.unit.code, INDUSTRY_STAFF_ROLES):
        raise NotFound(_("No such party organization."), code="not_found", field="organization")
    if not enterprise_organizations(organization.unit.code).filter(party_org=organization.pk).exists():
        raise DomainError(_("五个好 is evaluated for the party organizations of the zone's enterprises."),
                          code="not_enterprise_organization", field="organization")
    year = check_year(year)
    notes = clean_field(Evaluation, "notes", notes)
    zone_code = organization.unit.code[:ZONE_CODE_LENGTH]
    items = list(checklist(zone_code))
    if not items:
        raise DomainError(_("This zone has no 五个好 checklist yet."), code="no_checklist")
    met = {item.pk for item in met_items}
    if not met <= {item.pk for item in items}:
        raise DomainError(_("An item is not on this zone's checklist."), code="other_checklist", field="items")
    evaluation, created = Evaluation.objects.select_for_update().get_or_create(organization=organization, year=year)
    # A redo replaces the year's results; the page says what they were.
    evaluation.score_before = None if created else evaluation.score
    evaluation.results.all().delete()
    EvaluationResult.objects.bulk_create([EvaluationResult(evaluation=evaluation, item=item, met=item.pk in met)
                                          for item in items])
    evaluation.score = sum(item.points for item in items if item.pk in met)
    evaluation.notes = notes
    evaluation.save(update_fields=["score", "notes"])
    return evaluation
