"""Rules for territory units and the ledgers under them.

Every write from people goes through here (admin, pages, importers, later the
API), so the rules live once: codes, levels, boundaries, ID numbers, phones.
The demo builder writes in bulk for speed; its tests check that what it wrote
obeys these rules.
"""
import re

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.text import clean_field

from .geometry import validate_boundary
from .identity import birth_date_from_id, normalize_id_number, normalize_phone
from .signals import unit_codes_changed
from .models import CODE_LENGTH, CODE_PART_WIDTH, Level, PersonalDataView, Resident, Unit

DIGITS = re.compile(r"^\d+$")


def check_parent_level(level, parent, *, field="parent"):
    level = Level(level)
    if level == Level.DISTRICT:
        if parent is not None:
            raise DomainError(_("A district has no parent unit."), code="wrong_level", field=field)
        return
    if parent is None or parent.level != level - 1:
        raise DomainError(
            _("A %(level)s must sit directly under a %(parent_level)s."),
            params={"level": level.label, "parent_level": Level(level - 1).label},
            code="wrong_level", field=field,
        )


def check_code(code, level, parent, *, field="code"):
    """A code is digits, of its level's length, and starts with the parent's code."""
    level = Level(level)
    if not code or not DIGITS.match(code):
        raise DomainError(_("A unit code is made of digits only."), code="code_digits", field=field)
    if len(code) != CODE_LENGTH[level]:
        raise DomainError(
            _("A %(level)s code has %(n)d digits."),
            params={"level": level.label, "n": CODE_LENGTH[level]}, code="code_length", field=field,
        )
    if parent is not None and not code.startswith(parent.code):
        raise DomainError(
            _("The code must start with the parent's code %(parent)s."),
            params={"parent": parent.code}, code="code_prefix", field=field,
        )
    if code[-CODE_PART_WIDTH[level]:] == "0" * CODE_PART_WIDTH[level]:
        raise DomainError(_("The unit's own part of the code cannot be all zeros."), code="code_zero", field=field)


def next_code(parent, level):
    """The next free code under ``parent`` (one more than the largest sibling)."""
    width = CODE_PART_WIDTH[level]
    largest = Unit.objects.filter(parent=parent, level=level).aggregate(m=Max("code"))["m"]
    number = int(largest[-width:]) + 1 if largest else 1
    if number >= 10**width:
        raise DomainError(_("No codes are left under this parent."), code="code_full")
    return parent.code + str(number).zfill(width)


@transaction.atomic
def create_unit(*, name, level, parent=None, code=None, boundary=None):
    """Create a territory unit. The code is generated unless given (imports give it)."""
    level = Level(level)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A unit needs a name."), code="required", field="name")
    check_parent_level(level, parent)
    if code is None:
        if level == Level.DISTRICT:
            raise DomainError(_("A district needs its 6-digit county code."), code="required", field="code")
        code = next_code(parent, level)
    check_code(code, level, parent)
    if Unit.objects.filter(code=code).exists():
        raise DomainError(_("The code %(code)s is already used."), params={"code": code}, code="code_taken", field="code")
    if boundary is not None:
        boundary = validate_boundary(boundary)
    return Unit.objects.create(name=name, level=level, parent=parent, code=code, boundary=boundary)


@transaction.atomic
def set_boundary(unit, boundary):
    unit.boundary = validate_boundary(boundary) if boundary is not None else None
    unit.save(update_fields=["boundary", "updated_at"])
    return unit


@transaction.atomic
def move_unit(unit, new_parent):
    """Move a unit (and its whole subtree) under a new parent of the right level.

    Its code becomes the next free code under the new parent, and every code in
    its subtree is rewritten with the new prefix, in one transaction.
    """
    check_parent_level(unit.level, new_parent)
    if new_parent.code.startswith(unit.code):
        raise DomainError(_("A unit cannot move under itself."), code="wrong_parent", field="parent")
    old_code = unit.code
    new_code = next_code(new_parent, unit.level)
    subtree = list(Unit.objects.under(old_code).select_for_update().order_by("-level"))
    for u in subtree:
        u.code = new_code + u.code[len(old_code):]
    # Two passes so a unique code is never held twice mid-update.
    for u in subtree:
        Unit.objects.filter(pk=u.pk).update(code="T" + str(u.pk))
    now = timezone.now()  # a new updated_at also tells the point locator to rebuild
    for u in subtree:
        Unit.objects.filter(pk=u.pk).update(code=u.code, updated_at=now)
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    # Records elsewhere that copy a unit's code (cases keep their grid's) follow it.
    unit_codes_changed.send(sender=Unit, changed=[(u.pk, u.code, u.level) for u in subtree])
    unit.refresh_from_db()
    return unit


def check_resident_fields(*, name, gender, id_number, phone=""):
    """A resident's own fields checked and cleaned, without asking the database (the importer
    checks a whole file's ID numbers against the database in a few queries)."""
    name = clean_field(Resident, "name", name)  # checked against its column before the database sees it (core.text)
    if not name:
        raise DomainError(_("A resident needs a name."), code="required", field="name")
    id_number = normalize_id_number(id_number)
    phone = normalize_phone(phone) if phone else ""
    # GB 11643: the 17th digit is odd for men and even for women.
    id_gender = "M" if int(id_number[16]) % 2 else "F"
    if gender and gender != id_gender:
        raise DomainError(_("The gender does not match the ID number."), code="gender_mismatch", field="gender")
    return {"name": name, "gender": id_gender, "id_number": id_number, "phone": phone, "birth_date": birth_date_from_id(id_number)}


def id_number_taken_error():
    return DomainError(_("A resident with this ID number is already registered."), code="id_taken", field="id_number")


def validate_resident(*, name, gender, id_number, phone="", exclude_pk=None):
    """Check a resident's fields; return them cleaned (ID upper-cased, gender and birth date from the ID)."""
    fields = check_resident_fields(name=name, gender=gender, id_number=id_number, phone=phone)
    taken = Resident.objects.filter(id_number=fields["id_number"])
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise id_number_taken_error()
    return fields


@transaction.atomic
def create_resident(*, household, name, gender, id_number, phone="", is_household_head=False):
    fields = validate_resident(name=name, gender=gender, id_number=id_number, phone=phone)
    return Resident.objects.create(household=household, is_household_head=is_household_head, **fields)


def reveal_personal_field(user, resident, field):
    """Return a personal field in full and log that ``user`` saw it.

    Callers must have found ``resident`` through Resident.objects.visible_to(user).
    """
    if field not in ("id_number", "phone"):
        raise DomainError(_("This field cannot be revealed."), code="bad_field")
    PersonalDataView.objects.create(user=user, resident=resident, field=field)
    return getattr(resident, field)
