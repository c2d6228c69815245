"""The needs' round trip (issue 11): the needs ledger exported to Excel (exports.py) is edited and
imported back as ``need_status``. Only the status columns are taken: a need may be marked solved
(with its outcome and, if any, the amount in yuan) or closed unsolved, along ``NEED_MOVES``, by
the people the market's services allow; every row is checked first and then every change goes
through ``services.market.solve_need`` / ``close_need`` in one transaction (decision 72). A row
whose status is unchanged is left as it is."""
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.text import clean_field
from gongzhi.ledgers.imports import Column, Importer, RowProblem, chunked_in

from .models import INDUSTRY_STAFF_ROLES, Need, NeedStatus
from .services import market


def whole_number(text):
    text = str(text).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() else None


class NeedStatusImporter(Importer):
    kind = "need_status"
    title = _("Need status")
    roles = INDUSTRY_STAFF_ROLES
    columns = (
        Column("id", _("need ID"), note=_("from the exported ledger; do not change"), required=True, width=10),
        Column("enterprise", _("enterprise"), note=_("not imported"), width=24),
        Column("kind", _("kind"), note=_("not imported"), width=10),
        Column("text", _("what is needed"), note=_("not imported"), width=40),
        Column("deadline", _("deadline"), note=_("not imported"), width=12),
        Column("status", _("status"), note=_("solved or closed unsolved; other changes are refused"), required=True,
               choices=tuple(NeedStatus.choices), width=14),
        Column("outcome", _("outcome"), note=_("required when solved"), width=40),
        Column("amount", _("amount (yuan)"), note=_("for a solved need, if any"), width=14),
    )

    def prepare(self, rows):
        ids = {n for n in (whole_number(r["id"]) for r in rows) if n is not None}
        visible = Need.objects.visible_to(self.user).select_related("enterprise__unit")
        self.found = {n.pk: n for n in chunked_in(visible, "pk", ids)}

    def check(self, row):
        pk = whole_number(row["id"])
        if pk is None:
            raise RowProblem("id", _("Give the need's ID as exported."))
        need = self.found.get(pk)
        if need is None:
            raise RowProblem("id", _("No such need in your scope."))
        status = self.choice("status", row["status"])
        record = {"key": pk, "pk": pk, "changed": status != need.status, "need": need, "status": status, "key_column": "id"}
        if not record["changed"]:
            return record
        move = {NeedStatus.SOLVED: "solve", NeedStatus.CLOSED: "close"}.get(status)
        if move is None or (need.status, move) not in market.NEED_MOVES:
            raise RowProblem("status", _("This need cannot be moved that way from its present state."))
        staff = market.is_staff_for(self.user, need.enterprise)
        if not staff and not (move == "close" and market.is_liaison(self.user, need.enterprise)):
            raise RowProblem("id", _("No such need in your scope."))
        try:
            record["outcome"] = clean_field(Need, "outcome", row["outcome"], required=move == "solve")
        except DomainError as error:
            raise RowProblem("outcome", error.messages[0] if error.messages else _("Say what was done."))
        record["move"] = move
        if move == "solve":
            try:
                record["amount"] = market._amount(row["amount"])
            except DomainError:
                raise RowProblem("amount", _("Give the amount in yuan, from 0 below ten trillion."))
        elif row["amount"]:
            raise RowProblem("amount", _("An amount is given only for a solved need."))
        return record

    def write(self, records):
        changed = [r for r in records if r["changed"]]
        for record in changed:
            if record["move"] == "solve":
                market.solve_need(record["need"], by=self.user, outcome=record["outcome"], amount_yuan=record["amount"])
            else:
                market.close_need(record["need"], by=self.user, outcome=record["outcome"])
        return 0, len(changed), len(records) - len(changed)


IMPORTERS = [NeedStatusImporter]
