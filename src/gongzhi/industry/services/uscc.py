"""统一社会信用代码 (unified social credit code, GB 32100-2015).

18 characters from the 31 of ``CHARSET`` (digits and capitals without I, O, Z, S, V):
1 the registering authority, 2 the kind of body, 3–8 the administrative division (digits),
9–17 the organization code, 18 a check character: with weights 3^(i) mod 31 for positions 1–17,
the check is ``(31 - Σ value × weight mod 31) mod 31``.
"""
from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import DomainError

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(CHARSET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28


def check_char(first17):
    """The check character of the first 17 characters (which must be from ``CHARSET``)."""
    total = sum(VALUES[c] * w for c, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def clean_uscc(value, field="uscc"):
    """``value`` upper-cased and stripped if it is a valid code, else a DomainError with the reason."""
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise DomainError(_("A unified social credit code has 18 characters; this one has %(length)d."),
                          code="uscc_length", field=field, params={"length": len(code)})
    wrong = [c for c in code if c not in VALUES]
    if wrong:
        raise DomainError(_("A unified social credit code has no character “%(char)s” (I, O, Z, S and V are never used)."),
                          code="uscc_character", field=field, params={"char": wrong[0]})
    if not code[2:8].isdigit():
        raise DomainError(_("Characters 3 to 8 of a unified social credit code are the administrative division code, "
                            "six digits."), code="uscc_division", field=field)
    expected = check_char(code[:17])
    if code[17] != expected:
        raise DomainError(_("The check character of this unified social credit code is wrong: a code starting "
                            "%(start)s ends in %(expected)s, not %(found)s. Please check for a typing mistake."),
                          code="uscc_check", field=field,
                          params={"start": code[:17], "expected": expected, "found": code[17]})
    return code


def _organization_check(org8):
    """GB 11714's check character of an 8-digit organization code."""
    c = 11 - sum(int(d) * w for d, w in zip(org8, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def make_uscc(division, serial, kind="91"):
    """A well-formed code (for the demo and tests): ``kind`` (91: an enterprise registered with
    market regulation), a 6-digit ``division`` and the organization code made of ``serial``."""
    org = f"{serial:08d}"
    body = f"{kind}{division}{org}{_organization_check(org)}"
    return body + check_char(body)
