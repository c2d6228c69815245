"""The decisions' round trip (issue 11): the decisions ledger exported to Excel (exports.py) is
edited and imported back as ``decision_progress``. Only the progress columns are taken (percent and
a progress note); every row is checked first (the decision is in one's scope, one may report on
it, it is not closed, the percent is whole from 0 to 100), and only then is every changed row
reported through ``services.decisions.report_progress``, all in one transaction (decision 72)."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.core.text import clean_field
from gongzhi.ledgers.imports import Column, Importer, RowProblem, chunked_in

from gongzhi.people.models import TERRITORIAL_ROLES, Role

from .models import Decision, DecisionStatus, DecisionUpdate
from .services import decisions as rules

CLOSED = (DecisionStatus.CARRIED_OUT, DecisionStatus.CANCELLED)


def whole_number(text):
    text = str(text).strip().rstrip("%％").strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() else None


class DecisionProgressImporter(Importer):
    kind = "decision_progress"
    title = _("Decision progress")
    # Who may report progress (services.decisions.may_report): the meeting unit's staff and agency clerks.
    roles = TERRITORIAL_ROLES | {Role.PROFESSIONAL_GRID_WORKER}
    columns = (
        Column("id", _("decision ID"), note=_("from the exported ledger; do not change"), required=True, width=10),
        Column("meeting", _("meeting"), note=_("not imported"), width=24),
        Column("what", _("what"), note=_("not imported"), width=40),
        Column("owner", _("who"), note=_("not imported"), width=16),
        Column("due_on", _("due on"), note=_("not imported"), width=12),
        Column("status", _("status"), note=_("not imported"), width=14),
        Column("percent", _("progress (%)"), note=_("a whole number from 0 to 100"), required=True, width=10),
        Column("note", _("progress note"), note=_("what was done since the last report"), width=40),
    )

    def prepare(self, rows):
        ids = {n for n in (whole_number(r["id"]) for r in rows) if n is not None}
        visible = Decision.objects.visible_to(self.user).select_related("meeting__unit", "item")
        self.found = {d.pk: d for d in chunked_in(visible, "pk", ids)}

    def check(self, row):
        pk = whole_number(row["id"])
        if pk is None:
            raise RowProblem("id", _("Give the decision's ID as exported."))
        decision = self.found.get(pk)
        if decision is None:
            raise RowProblem("id", _("No such decision in your scope."))
        percent = whole_number(row["percent"])
        if percent is None or not 0 <= percent <= 100:
            raise RowProblem("percent", _("Progress is a whole percent from 0 to 100."))
        try:
            note = clean_field(DecisionUpdate, "note", row["note"])
        except ValidationError as error:
            error.field = "note"
            raise
        changed = percent != decision.percent or bool(note)
        if changed:
            if decision.status in CLOSED:
                raise RowProblem("percent", _("This decision is closed: no more progress can be reported."))
            if not rules.may_report(decision, self.user):
                raise RowProblem("id", _("Only staff of the meeting's unit or the agency in charge may report progress."))
        return {"key": pk, "pk": pk, "changed": changed, "decision": decision, "percent": percent, "note": note,
                "key_column": "id"}

    def write(self, records):
        changed = [r for r in records if r["changed"]]
        for record in changed:
            rules.report_progress(record["decision"], percent=record["percent"], note=record["note"], by=self.user)
        return 0, len(changed), len(records) - len(changed)


IMPORTERS = [DecisionProgressImporter]
