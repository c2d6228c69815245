"""What the industry pages read from a form, read the same way on every page: an id and a date."""
import datetime

from gongzhi.core.errors import DomainError


def pk(value):
    """An id as typed, or None. ASCII digits only: "²" and "①" are digits to ``str.isdigit``
    but not to ``int``."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def date(value, field, message):
    """A YYYY-MM-DD date, None when left empty; ``message`` (with ``field``) when it is not one."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise DomainError(message, code="invalid", field=field) from None
