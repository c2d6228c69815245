"""One check for every piece of free text on its way to the database.

PostgreSQL refuses a NUL character in text and a string longer than its
column; SQLite stores both, so the two databases must never be left to decide.
Every channel (pages, the JSON API, Open311, importers) cleans text with
``clean_text`` before it reaches a model, and the refusal names the field and
its limit in the person's language.

- Leading and trailing white space is removed.
- A lone UTF-16 surrogate (JSON allows ``"\\ud800"``) is not a character and
  cannot be encoded: refused.
- Control characters are refused (NUL above all), except in multi-line text
  the line breaks and tabs people type. In one-line text (a title, an
  address) a tab or line break becomes a space, as a browser's text box does,
  so text pasted or cut from a longer one still fits.
- The length is counted in characters, as PostgreSQL's ``varchar(n)`` does.
"""
import re

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

# The limit of long free text: a case's description, a note on a move.
LONG_TEXT = 4000

_LINE_BREAKS = re.compile(r"[\t\n\r]")
# C0 controls but tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# What no text column can hold, whatever the field: for guards that see raw input (the API's JSON parser).
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def _codepoint(char):
    return f"U+{ord(char):04X}"


def _label(field, label):
    return capfirst(label if label is not None else field)


def _refuse_character(found, *, field, label):
    char = found.group()
    if _SURROGATE.match(char):
        raise DomainError(
            _("%(label)s contains a broken character (%(char)s, half of a UTF-16 pair): send the text as valid Unicode."),
            params={"label": _label(field, label), "char": _codepoint(char)}, code="invalid_character", field=field,
        )
    raise DomainError(
        _("%(label)s contains a control character (%(char)s) that cannot be stored: remove it."),
        params={"label": _label(field, label), "char": _codepoint(char)}, code="invalid_character", field=field,
    )


def refuse_unstorable(value, *, field, label=None):
    """Refuse a NUL or a lone surrogate anywhere in ``value``, a string; returns it unchanged."""
    found = _UNSTORABLE.search(value)
    if found:
        _refuse_character(found, field=field, label=label)
    return value


def clean_text(value, *, field, max_length, required=False, multiline=False, label=None):
    """``value`` stripped and checked, or a DomainError naming ``field`` (shown as ``label``).

    None counts as empty. ``max_length`` is in characters, after stripping.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise DomainError(_("%(label)s must be text."), params={"label": _label(field, label)}, code="invalid", field=field)
    found = _SURROGATE.search(value)
    if found:
        _refuse_character(found, field=field, label=label)
    if not multiline:
        value = _LINE_BREAKS.sub(" ", value)
    found = _CONTROL.search(value)
    if found:
        _refuse_character(found, field=field, label=label)
    value = value.strip()
    if required and not value:
        raise DomainError(_("%(label)s is required."), params={"label": _label(field, label)}, code="required", field=field)
    if len(value) > max_length:
        raise DomainError(
            _("%(label)s is limited to %(limit)d characters; this one has %(length)d."),
            params={"label": _label(field, label), "limit": max_length, "length": len(value)},
            code="too_long", field=field,
        )
    return value


def clean_field(model, name, value, *, required=False, label=None):
    """``clean_text`` with the limit, the label and single/multi-line taken from ``model``'s field ``name``.

    The model is the one place that says how long a column is; this reads it.
    """
    from django.db import models

    model_field = model._meta.get_field(name)
    return clean_text(
        value, field=name, max_length=model_field.max_length or LONG_TEXT, required=required,
        multiline=isinstance(model_field, models.TextField),
        label=label if label is not None else model_field.verbose_name,
    )


def query_text(request, name, *, max_length, label=None):
    """A page's query parameter ``name`` (e.g. ``?q=``), cleaned; "" if absent.

    A page answers bad search text with a message and goes on as if it were
    not given, instead of an error page (or, on PostgreSQL, a 500 for a NUL).
    """
    from django.contrib import messages

    try:
        return clean_text(request.GET.get(name), field=name, max_length=max_length, label=label)
    except DomainError as error:
        messages.error(request, error.text)
        return ""
