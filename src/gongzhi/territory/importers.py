"""Excel importers of the territory's ledgers: units, estates and buildings, households, residents.

Natural keys (what makes a row the same record when the file comes again): a unit by its code;
a building by its grid's code, its estate's name and its number; a household by its building and
room; a resident by the ID number. Every row is checked by the rules in ``services`` and
``identity`` that the pages and the back office use.
"""
from types import SimpleNamespace

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.text import clean_field
from gongzhi.ledgers.imports import MASK_ID, MASK_PHONE, Column, Importer, RowProblem, chunked_in, upsert

from .models import Building, Estate, Gender, Household, Level, Resident, Unit
from .services import check_code, check_parent_level, check_resident_fields, id_number_taken_error

YES_NO = (("1", _("Yes")), ("0", _("No")))

GRID_CODE = Column("grid_code", _("Grid code"), _("15 digits, the grid's code"), required=True, text_format=True, width=20)
ESTATE = Column("estate", _("Estate"), _("the estate's name as registered"), required=True, width=20)
BUILDING = Column("building", _("Building number"), _("e.g. 3号楼"), required=True, width=12)
ROOM = Column("room", _("Room"), _("e.g. 2-301"), required=True, width=12)


def units_by_code(codes):
    return {u.code: u for u in chunked_in(Unit.objects.only("pk", "code", "level", "name", "parent_id"), "code", {c for c in codes if c})}


class UnitsImporter(Importer):
    kind = "units"
    title = _("Territory units")
    columns = (
        Column("code", _("Unit code"), _("digits: district 6, street 9, community 12, grid 15, micro-grid 18"),
               required=True, text_format=True, width=22),
        Column("name", _("Unit name"), required=True, width=20),
        Column("level", _("Level"), required=True, choices=tuple(Level.choices), width=14),
        Column("parent_code", _("Parent unit code"), _("empty only for a district"), text_format=True, width=22),
    )

    def prepare(self, rows):
        self.units = units_by_code([r["code"] for r in rows] + [r["parent_code"] for r in rows])
        self.in_file = {}  # code -> level of the new units met so far (a parent may come earlier in the file)

    def check(self, row):
        code = self.text(row, "code", max_length=18, required=True, label=_("Unit code"))
        name = clean_field(Unit, "name", row["name"], required=True)
        level = self.choice("level", row["level"])
        parent_code = self.text(row, "parent_code", max_length=18, label=_("Parent unit code"))
        parent = None
        if parent_code:
            known = self.units.get(parent_code)
            if known is not None:
                parent = SimpleNamespace(code=known.code, level=known.level)
            elif parent_code in self.in_file:
                parent = SimpleNamespace(code=parent_code, level=self.in_file[parent_code])
            else:
                raise RowProblem("parent_code", _("No unit has the code %(code)s (a new parent must come on an earlier row)."),
                                 {"code": parent_code})
        check_parent_level(level, parent, field="parent_code")
        check_code(code, level, parent, field="code")
        self.require_scope("code", code)
        existing = self.units.get(code)
        if existing is None:
            self.in_file[code] = level
            return {"key": code, "pk": None, "changed": True, "code": code, "name": name, "level": level, "parent_code": parent_code}
        old_parent = self.units_parent_code(existing)
        if existing.level != level or old_parent != (parent_code or None):
            raise RowProblem("parent_code", _("The unit %(code)s exists with another level or parent: move it on its page."),
                             {"code": code})
        changed = existing.name != name
        if changed:
            existing.name = name
        return {"key": code, "pk": existing.pk, "changed": changed, "obj": existing}

    def units_parent_code(self, unit):
        if unit.parent_id is None:
            return None
        # A unit's code is its parent's code and its own part (territory.models): no query needed.
        from .models import CODE_PART_WIDTH

        return unit.code[: -CODE_PART_WIDTH[Level(unit.level)]]

    def write(self, records):
        now = timezone.now()
        changed = [r["obj"] for r in records if r["pk"] is not None and r["changed"]]
        for unit in changed:
            unit.updated_at = now
        if changed:
            Unit.objects.bulk_update(changed, ["name", "updated_at"], batch_size=500)
        new = [r for r in records if r["pk"] is None]
        pk_of = {code: unit.pk for code, unit in self.units.items()}
        for level in Level:  # parents first, so each level's new units know their parent's key
            units = [Unit(code=r["code"], name=r["name"], level=level, parent_id=pk_of.get(r["parent_code"]))
                     for r in new if r["level"] == level]
            for unit in Unit.objects.bulk_create(units, batch_size=1000):
                pk_of[unit.code] = unit.pk
            if any(u.pk is None for u in units):  # a database that does not return keys from bulk inserts
                pk_of.update(Unit.objects.filter(code__in=[u.code for u in units]).values_list("code", "pk"))
        return len(new), len(changed), len(records) - len(new) - len(changed)


def grid_in_scope(importer, rows, code_key="grid_code"):
    """Shared by the importers keyed by a grid code: the grids of the file, looked up once."""
    return {c: u for c, u in units_by_code([r[code_key] for r in rows]).items() if u.level == Level.GRID}


def check_grid(importer, row, grids):
    """The grid a row names, in the importer's scope; each code is checked once per file."""
    checked = importer.__dict__.setdefault("_grids_checked", {})
    raw = row["grid_code"]
    if raw not in checked:
        try:
            code = importer.text(row, "grid_code", max_length=18, required=True, label=_("Grid code"))
            grid = grids.get(code)
            if grid is None:
                raise RowProblem("grid_code", _("No grid has the code %(code)s."), {"code": code})
            importer.require_scope("grid_code", code)
            checked[raw] = grid
        except (RowProblem, DomainError) as problem:
            checked[raw] = problem
    found = checked[raw]
    if isinstance(found, RowProblem):
        raise RowProblem(found.column, found.reason, found.params)
    if isinstance(found, DomainError):
        raise DomainError(found.message, code=found.domain_code, field="grid_code", params=found.params)
    return found


def number(row, key, *, minimum, maximum, integer=False):
    text = row[key]
    if not text:
        return None
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        raise RowProblem(key, _("Not a number: %(value)s."), {"value": text[:30]})
    if not minimum <= value <= maximum:
        raise RowProblem(key, _("Out of range: between %(min)s and %(max)s."), {"min": minimum, "max": maximum})
    return value


class BuildingsImporter(Importer):
    kind = "buildings"
    title = _("Estates and buildings")
    columns = (
        GRID_CODE, ESTATE,
        Column("address", _("Estate address"), width=28),
        Column("property_company", _("Property company"), width=20),
        BUILDING,
        Column("floors", _("Floors"), _("a whole number, 6 if empty"), width=8),
        Column("micro_grid_code", _("Micro-grid code"), _("18 digits, under the grid"), text_format=True, width=22),
        Column("lat", _("Latitude"), _("WGS 84, e.g. 35.41"), width=12),
        Column("lng", _("Longitude"), _("WGS 84, e.g. 116.59"), width=12),
    )

    def prepare(self, rows):
        self.grids = grid_in_scope(self, rows)
        self.micro = {c: u for c, u in units_by_code([r["micro_grid_code"] for r in rows]).items() if u.level == Level.MICRO_GRID}
        estates = Estate.objects.filter(grid__in=self.grids.values()).select_related(None)
        self.estates = {}
        for estate in estates:
            self.estates.setdefault((estate.grid_id, estate.name), estate)
        self.buildings = {(b.estate_id, b.number): b for b in Building.objects.filter(estate__in=self.estates.values())}
        self.estate_rows = {}  # (grid pk, name) -> (row number, address, company) of the first row naming it

    def check(self, row):
        grid = check_grid(self, row, self.grids)
        name = clean_field(Estate, "name", row["estate"], required=True)
        address = clean_field(Estate, "address", row["address"])
        company = clean_field(Estate, "property_company", row["property_company"])
        number_ = clean_field(Building, "number", row["building"], required=True)
        floors = number(row, "floors", minimum=1, maximum=200, integer=True) or 6
        micro = None
        if row["micro_grid_code"]:
            micro = self.micro.get(row["micro_grid_code"])
            if micro is None or not micro.code.startswith(grid.code):
                raise RowProblem("micro_grid_code", _("No micro-grid of this grid has the code %(code)s."),
                                 {"code": row["micro_grid_code"][:30]})
        lat = number(row, "lat", minimum=-90, maximum=90)
        lng = number(row, "lng", minimum=-180, maximum=180)
        estate_key = (grid.pk, name)
        first = self.estate_rows.setdefault(estate_key, (row.number, address, company))
        if first[1:] != (address, company):
            raise RowProblem("address", _("The estate's address or property company differs from row %(row)d."), {"row": first[0]})
        estate = self.estates.get(estate_key)
        building = self.buildings.get((estate.pk, number_)) if estate else None
        values = {"floors": floors, "micro_grid_id": micro.pk if micro else None, "lat": lat, "lng": lng}
        record = {"key": (grid.pk, name, number_), "key_column": "building", "estate_key": estate_key,
                  "address": address, "company": company, "number": number_, "values": values}
        if building is None:
            record.update(pk=None, changed=True)
        else:
            changed = any(getattr(building, f) != v for f, v in values.items())
            if estate.address != address or estate.property_company != company:
                changed = True
            record.update(pk=building.pk, changed=changed, obj=building)
        return record

    def write(self, records):
        estates = dict(self.estates)
        new_estates, changed_estates = [], []
        for record in records:
            key = record["estate_key"]
            estate = estates.get(key)
            if estate is None:
                estate = Estate(grid_id=key[0], name=key[1], address=record["address"], property_company=record["company"])
                estates[key] = estate
                new_estates.append(estate)
            elif estate.pk and (estate.address, estate.property_company) != (record["address"], record["company"]):
                estate.address, estate.property_company = record["address"], record["company"]
                if estate not in changed_estates:
                    changed_estates.append(estate)
        Estate.objects.bulk_create(new_estates, batch_size=1000)
        if any(e.pk is None for e in new_estates):
            for estate in new_estates:
                estate.pk = Estate.objects.filter(grid_id=estate.grid_id, name=estate.name).values_list("pk", flat=True).first()
        if changed_estates:
            Estate.objects.bulk_update(changed_estates, ["address", "property_company"], batch_size=500)
        for record in records:
            if record["pk"] is None:
                record["obj"] = Building(estate=estates[record["estate_key"]], number=record["number"], **record["values"])
            elif record["changed"]:
                for f, v in record["values"].items():
                    setattr(record["obj"], f, v)
        return upsert(Building, records, ["floors", "micro_grid", "lat", "lng"])


def buildings_by_place(grids):
    """(grid code, estate name, building number) -> building pk, for the buildings of ``grids``."""
    found = {}
    rows = Building.objects.filter(estate__grid__in=list(grids.values())).values_list(
        "pk", "number", "estate__name", "estate__grid__code")
    for pk, number_, estate, code in rows:
        found.setdefault((code, estate, number_), pk)
    return found


def find_building(importer, row, grid, buildings):
    estate = importer.text(row, "estate", max_length=100, required=True, label=_("Estate"))
    number_ = importer.text(row, "building", max_length=20, required=True, label=_("Building number"))
    pk = buildings.get((grid.code, estate, number_))
    if pk is None:
        raise RowProblem("building", _("No building %(building)s in the estate %(estate)s of this grid: import the buildings first."),
                         {"building": number_, "estate": estate})
    return pk


class HouseholdsImporter(Importer):
    kind = "households"
    title = _("Households")
    columns = (GRID_CODE, ESTATE, BUILDING, ROOM)

    def prepare(self, rows):
        self.grids = grid_in_scope(self, rows)
        self.buildings = buildings_by_place(self.grids)
        self.households = set(Household.objects.filter(building_id__in=set(self.buildings.values()))
                              .values_list("building_id", "room"))

    def check(self, row):
        grid = check_grid(self, row, self.grids)
        building = find_building(self, row, grid, self.buildings)
        room = clean_field(Household, "room", row["room"], required=True)
        exists = (building, room) in self.households
        return {"key": (building, room), "key_column": "room", "pk": 0 if exists else None, "changed": False,
                "obj": None if exists else Household(building_id=building, room=room)}

    def write(self, records):
        return upsert(Household, records, [])


class ResidentsImporter(Importer):
    kind = "residents"
    title = _("Residents")
    columns = (
        GRID_CODE, ESTATE, BUILDING, ROOM,
        Column("name", _("Name"), required=True, width=12),
        Column("gender", _("Gender"), _("taken from the ID number if empty"), choices=tuple(Gender.choices), width=8),
        Column("id_number", _("ID number"), _("18 characters, the last may be X"), required=True, mask=MASK_ID,
               text_format=True, width=22),
        Column("phone", _("Phone"), _("11-digit mobile or 0area-number"), mask=MASK_PHONE, text_format=True, width=16),
        Column("head", _("Household head"), choices=YES_NO, width=10),
    )

    def prepare(self, rows):
        self.grids = grid_in_scope(self, rows)
        grid_pks = [g.pk for g in self.grids.values()]
        self.households = {}
        found = Household.objects.filter(building__estate__grid_id__in=grid_pks).values_list(
            "pk", "room", "building__number", "building__estate__name", "building__estate__grid__code")
        for pk, room, building, estate, code in found.iterator(chunk_size=5000):
            self.households.setdefault((code, estate, building, room), pk)
        ids = {r["id_number"].strip().upper() for r in rows if r["id_number"]}
        fields = ("pk", "id_number", "name", "phone", "is_household_head", "household_id", "household__building__estate__grid__code")
        self.existing = {}
        for values in chunked_in(Resident.objects.order_by().values_list(*fields), "id_number", ids):
            self.existing[values[1]] = values

    def check(self, row):
        grid = check_grid(self, row, self.grids)
        place = (grid.code, row["estate"], row["building"], row["room"])
        household = self.households.get(place)
        if household is None:
            raise RowProblem("room", _("No household %(room)s in building %(building)s of the estate %(estate)s: import the households first."),
                             {"room": row["room"][:20], "building": row["building"][:20], "estate": row["estate"][:100]})
        gender = self.choice("gender", row["gender"]) if row["gender"] else ""
        fields = check_resident_fields(name=row["name"], gender=gender, id_number=row["id_number"], phone=row["phone"])
        head = self.choice("head", row["head"]) == "1" if row["head"] else False
        record = {"key": fields["id_number"], "key_column": "id_number"}
        old = self.existing.get(fields["id_number"])
        if old is None:
            record.update(pk=None, changed=True, obj=Resident(household_id=household, is_household_head=head, **fields))
            return record
        pk, _id, name, phone, old_head, old_household, old_grid = old
        if not self.covers(old_grid):
            raise id_number_taken_error()  # registered in a unit this person may not write: a duplicate
        changed = (name, phone, old_head, old_household) != (fields["name"], fields["phone"], head, household)
        obj = Resident(pk=pk, household_id=household, name=fields["name"], phone=fields["phone"], is_household_head=head) if changed else None
        record.update(pk=pk, changed=changed, obj=obj)
        return record

    def write(self, records):
        return upsert(Resident, records, ["household", "name", "phone", "is_household_head"])


IMPORTERS = [UnitsImporter, BuildingsImporter, HouseholdsImporter, ResidentsImporter]
