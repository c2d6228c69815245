"""Masks for personal identifiers shown on screen (ID numbers, phones).

Generic, so every app masks the same way; the checks of the identifiers
themselves live with the territory's ledgers (territory.identity).
"""
import re

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def mask_id_number(value):
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value):
    if not value:
        return ""
    if MOBILE_RE.match(value):
        return value[:3] + "****" + value[-4:]
    return value[:-4].rstrip("-")[:4] + "****" + value[-4:] if len(value) > 6 else "*" * len(value)
