"""Checks and masks for personal identifiers.

- Resident ID numbers after GB 11643-1999: 6-digit address code, 8-digit birth
  date, 3-digit sequence, one check character (ISO 7064 MOD 11-2).
- Mainland phone numbers: mobile 1[3-9]xxxxxxxxx or landline 0area-number.
"""
import datetime
import re

from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError
from gongzhi.core.masking import MOBILE_RE, mask_id_number, mask_phone  # noqa: F401  (re-exported)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def id_check_char(first17):
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def normalize_id_number(value, *, today=None, field="id_number"):
    """Return the ID number in canonical form (upper-case X) or raise DomainError."""
    value = (value or "").strip().upper()
    if len(value) != 18:
        raise DomainError(
            _("An ID number has 18 characters (got %(n)d)."), params={"n": len(value)},
            code="id_length", field=field,
        )
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise DomainError(
            _("An ID number is 17 digits and a digit or X."),
            code="id_chars", field=field,
        )
    if value[0] == "0":
        raise DomainError(_("The address code of the ID number is not valid."), code="id_region", field=field)
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise DomainError(_("The birth date in the ID number is not a real date."), code="id_date", field=field)
    today = today or datetime.date.today()
    if born.year < 1850 or born > today:
        raise DomainError(_("The birth date in the ID number is out of range."), code="id_date", field=field)
    if id_check_char(value[:17]) != value[17]:
        raise DomainError(_("The check character of the ID number is wrong."), code="id_check", field=field)
    return value


def birth_date_from_id(value):
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def normalize_phone(value, *, field="phone"):
    value = re.sub(r"[\s()]", "", value or "")
    if value.startswith("+86"):
        value = value[3:]
    if MOBILE_RE.match(value) or LANDLINE_RE.match(value):
        return value
    raise DomainError(
        _("Not a valid phone number: use an 11-digit mobile number or 0area-number."),
        code="phone", field=field,
    )
