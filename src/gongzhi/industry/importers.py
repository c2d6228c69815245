"""The industry's Excel importers: the enterprises ledger (企业台账) and the needs' round trip.

Enterprises (``enterprises``): a row is found again by its 统一社会信用代码; every row goes
through ``services.enterprises.check_fields``, the rules the pages and the API use (check
character, lengths, lists, numbers, the organization's zone, the dates). The party organization
is named as registered in the zone; liaisons and the instructor who reached the enterprise are
not in the sheet and stay as they are.

The needs' round trip (issue 11): the needs ledger exported to Excel (exports.py) is edited and
imported back as ``need_status``. Only the status columns are taken: a need may be marked solved
(with its outcome and, if any, the amount in yuan) or closed unsolved, along ``NEED_MOVES``, by
the people the market's services allow; every row is checked first and then every change goes
through ``services.market.solve_need`` / ``close_need`` in one transaction (decision 72). A row
whose status is unchanged is left as it is."""
import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.text import clean_field
from gongzhi.ledgers.imports import Column, Importer, RowProblem, chunked_in, upsert
from gongzhi.party.models import PartyOrganization
from gongzhi.people.models import EDITOR_ROLES, Role
from gongzhi.territory.models import Unit

from .models import INDUSTRY_STAFF_ROLES, ZONE_CODE_LENGTH, Enterprise, Need, NeedStatus, PartyStatus, Scale
from .services import market
from .services.enterprises import check_fields
from .services.uscc import clean_uscc

YES_NO = (("1", _("Yes")), ("0", _("No")))


def whole_number(text):
    text = str(text).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() else None


def whole_number_or_problem(row, key, label):
    if not str(row[key]).strip():
        return 0
    value = whole_number(row[key])
    if value is None:
        raise RowProblem(key, _("%(label)s must be a whole number from 0 to 1,000,000."), {"label": label})
    return value


# What the sheet holds of an enterprise, in the order compared for "unchanged".
IMPORTED_FIELDS = ("name", "unit_id", "scale", "industry", "address", "staff", "members_full", "members_probationary",
                   "party_status", "party_org_id", "organized_on", "non_public", "operating", "is_new_sector",
                   "registered_on")


class EnterprisesImporter(Importer):
    kind = "enterprises"
    title = _("Enterprises")
    # Master data, like the territory's ledgers (decision 80): editors and the park's staff, not grid workers.
    roles = EDITOR_ROLES | {Role.PARK_STAFF}
    columns = (
        Column("uscc", _("unified social credit code"), _("18 characters; identifies the enterprise"), required=True,
               text_format=True, width=22),
        Column("name", _("name"), required=True, width=28),
        Column("unit_code", _("Unit code"), _("the unit of the park it is located in"), required=True,
               text_format=True, width=20),
        Column("scale", _("scale"), required=True, choices=tuple(Scale.choices), width=18),
        Column("industry", _("industry"), width=14),
        Column("address", _("address"), width=28),
        Column("staff", _("staff"), _("a whole number"), width=8),
        Column("members_full", _("party members employed (full)"), _("a whole number"), width=10),
        Column("members_probationary", _("party members employed (probationary)"), _("a whole number"), width=10),
        Column("party_status", _("party organization status"), required=True, choices=tuple(PartyStatus.choices),
               width=24),
        Column("party_org", _("party organization"),
               _("its name as registered in the zone; required for an own or joint organization"), width=24),
        Column("organized_on", _("organized on"), _("YYYY-MM-DD; today if empty"), width=12),
        Column("non_public", _("non-public enterprise"), _("yes if empty"), choices=YES_NO, width=10),
        Column("operating", _("operating"), _("yes if empty"), choices=YES_NO, width=10),
        Column("is_new_sector", _("new economic sector (三新)"), _("no if empty"), choices=YES_NO, width=10),
        Column("registered_on", _("registered on"), _("YYYY-MM-DD"), width=12),
    )

    def prepare(self, rows):
        codes = {str(r["unit_code"]).strip() for r in rows if r["unit_code"]}
        self.units = {u.code: u for u in chunked_in(Unit.objects.only("pk", "code", "name"), "code", codes)}
        # The organizations of the rows' zones, by name (an enterprise may join a branch anywhere in its zone).
        self.organizations = {}
        for zone in {code[:ZONE_CODE_LENGTH] for code in self.units}:
            for org in PartyOrganization.objects.filter(unit__code__startswith=zone).select_related("unit").only(
                    "pk", "name", "unit__code").order_by("pk"):
                self.organizations.setdefault((zone, org.name), []).append(org)
        usccs = set()
        for r in rows:
            try:
                usccs.add(clean_uscc(r["uscc"]))
            except DomainError:
                pass
        self.existing = {e.uscc: e for e in chunked_in(Enterprise.objects.select_related("unit").order_by(), "uscc", usccs)}
        self.today = timezone.localdate()

    def date(self, row, key):
        text = str(row[key]).strip()
        if not text:
            return None
        try:
            value = datetime.date.fromisoformat(text[:10])
        except ValueError:
            raise RowProblem(key, _("Not a date: write it as YYYY-MM-DD."))
        if value > self.today or value.year < 1900:
            raise RowProblem(key, _("The date is out of range."))
        return value

    def flag(self, row, key, default):
        return default if not row[key] else self.choice(key, row[key]) == "1"

    def check(self, row):
        uscc = clean_uscc(row["uscc"])
        code = self.text(row, "unit_code", max_length=18, required=True, label=_("Unit code"))
        unit = self.units.get(code)
        if unit is None:
            raise RowProblem("unit_code", _("No unit with the code %(code)s."), {"code": code})
        self.require_scope("unit_code", code)
        org = None
        org_name = self.text(row, "party_org", max_length=100, label=_("party organization"))
        if org_name:
            found = self.organizations.get((code[:ZONE_CODE_LENGTH], org_name), [])
            if not found:
                raise RowProblem("party_org", _("No party organization %(name)s in this zone."), {"name": org_name})
            if len(found) > 1:
                raise RowProblem("party_org", _("Several party organizations of the zone are named %(name)s: "
                                                "tell them apart in the party ledger first."), {"name": org_name})
            org = found[0]
        old = self.existing.get(uscc)
        if old is not None and not self.covers(old.unit.code):
            raise RowProblem("uscc", _("An enterprise with this unified social credit code is already registered "
                                       "outside your scope."))
        enterprise = Enterprise(
            pk=old.pk if old else None, uscc=uscc, name=row["name"], unit=unit,
            scale=self.choice("scale", row["scale"]), industry=row["industry"], address=row["address"],
            staff=whole_number_or_problem(row, "staff", _("staff")),
            members_full=whole_number_or_problem(row, "members_full", _("party members employed (full)")),
            members_probationary=whole_number_or_problem(row, "members_probationary",
                                                         _("party members employed (probationary)")),
            party_status=self.choice("party_status", row["party_status"]), party_org=org,
            organized_on=self.date(row, "organized_on"),
            non_public=self.flag(row, "non_public", True), operating=self.flag(row, "operating", True),
            is_new_sector=self.flag(row, "is_new_sector", False), registered_on=self.date(row, "registered_on"),
            instructor_id=old.instructor_id if old else None, reached_on=old.reached_on if old else None,
        )
        if old is not None and enterprise.organized_on is None and old.organized_on is not None:
            enterprise.organized_on = old.organized_on  # an empty date keeps the one on record
        check_fields(enterprise)
        record = {"key": uscc, "key_column": "uscc"}
        if old is None:
            record.update(pk=None, changed=True, obj=enterprise)
            return record
        changed = any(getattr(old, name) != getattr(enterprise, name) for name in IMPORTED_FIELDS)
        record.update(pk=old.pk, changed=changed, obj=enterprise if changed else None)
        return record

    def write(self, records):
        return upsert(Enterprise, records, [name.removesuffix("_id") for name in IMPORTED_FIELDS])


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


IMPORTERS = [EnterprisesImporter, NeedStatusImporter]
