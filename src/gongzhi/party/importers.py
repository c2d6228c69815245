"""Excel importer of party members (党员台账).

A member is found again by the mobile phone (the ledger holds no ID number for members), so the
phone is required here. The organization is named by its territory unit's code and its name.
"""
import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.text import clean_field
from gongzhi.ledgers.imports import MASK_PHONE, Column, Importer, RowProblem, chunked_in, upsert
from gongzhi.territory.identity import normalize_phone

from .models import Employment, MemberStatus, PartyMember, PartyOrganization

GENDERS = (("M", _("Male")), ("F", _("Female")))


class MembersImporter(Importer):
    kind = "members"
    title = _("Party members")
    columns = (
        Column("unit_code", _("Unit code"), _("the code of the unit the organization belongs to"), required=True,
               text_format=True, width=20),
        Column("organization", _("Party organization"), _("its name as registered"), required=True, width=24),
        Column("name", _("Name"), required=True, width=12),
        Column("gender", _("Gender"), required=True, choices=GENDERS, width=8),
        Column("phone", _("Mobile phone"), _("11 digits; identifies the member"), required=True, mask=MASK_PHONE,
               text_format=True, width=16),
        Column("status", _("Member status"), _("full member if empty"), choices=tuple(MemberStatus.choices), width=14),
        Column("employment", _("Employment"), required=True, choices=tuple(Employment.choices), width=12),
        Column("work_unit", _("Work unit"), _("required for members in service"), width=24),
        Column("joined_on", _("Joined on"), _("YYYY-MM-DD"), width=14),
    )

    def prepare(self, rows):
        codes = {r["unit_code"] for r in rows if r["unit_code"]}
        self.organizations = {}
        for pk, name, code in chunked_in(PartyOrganization.objects.order_by().values_list("pk", "name", "unit__code"), "unit__code", codes):
            self.organizations.setdefault((code, name), pk)
        phones = set()
        for r in rows:
            try:
                phones.add(normalize_phone(r["phone"]))
            except Exception:
                pass
        fields = ("pk", "phone", "name", "gender", "organization_id", "status", "employment", "work_unit", "joined_on",
                  "organization__unit__code")
        self.existing = {}
        for values in chunked_in(PartyMember.objects.order_by().values_list(*fields), "phone", phones):
            self.existing.setdefault(values[1], values)
        self.today = timezone.localdate()

    def check(self, row):
        code = self.text(row, "unit_code", max_length=18, required=True, label=_("Unit code"))
        name_of_org = self.text(row, "organization", max_length=100, required=True, label=_("Party organization"))
        organization = self.organizations.get((code, name_of_org))
        if organization is None:
            raise RowProblem("organization", _("No party organization %(name)s in the unit %(code)s."),
                             {"name": name_of_org, "code": code})
        self.require_scope("unit_code", code)
        values = {
            "name": clean_field(PartyMember, "name", row["name"], required=True),
            "gender": self.choice("gender", row["gender"]),
            "organization_id": organization,
            "status": self.choice("status", row["status"]) if row["status"] else MemberStatus.FULL,
            "employment": self.choice("employment", row["employment"]),
            "work_unit": clean_field(PartyMember, "work_unit", row["work_unit"]),
            "joined_on": self.date(row, "joined_on"),
        }
        if not row["phone"]:
            raise RowProblem("phone", _("The mobile phone is required: it identifies the member."))
        phone = normalize_phone(row["phone"])
        if values["employment"] == Employment.IN_SERVICE and not values["work_unit"]:
            raise RowProblem("work_unit", _("A member in service needs a work unit."))
        record = {"key": phone, "key_column": "phone"}
        old = self.existing.get(phone)
        if old is None:
            record.update(pk=None, changed=True, obj=PartyMember(phone=phone, **values))
            return record
        if not self.covers(old[-1]):
            raise RowProblem("phone", _("A party member with this phone is already registered in another organization."))
        old_values = dict(zip(("name", "gender", "organization_id", "status", "employment", "work_unit", "joined_on"), old[2:9]))
        changed = old_values != values
        record.update(pk=old[0], changed=changed, obj=PartyMember(pk=old[0], phone=phone, **values) if changed else None)
        return record

    def date(self, row, key):
        text = row[key]
        if not text:
            return None
        try:
            value = datetime.date.fromisoformat(text[:10])
        except ValueError:
            raise RowProblem(key, _("Not a date: write it as YYYY-MM-DD."))
        if value > self.today or value.year < 1921:
            raise RowProblem(key, _("The date is out of range."))
        return value

    def write(self, records):
        return upsert(PartyMember, records, ["name", "gender", "organization", "status", "employment", "work_unit", "joined_on"])


IMPORTERS = [MembersImporter]
