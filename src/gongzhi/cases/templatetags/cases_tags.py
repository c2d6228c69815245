from urllib.parse import quote

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import translation

from ..models import Rating, Status
from ..workflow import MOVES

register = template.Library()


@register.filter
def move_label(name):
    return MOVES[name].label if name in MOVES else name


@register.filter
def rating_label(value):
    return Rating(value).label if value in Rating.values else ""


# A list of cases renders a status and a link per row; the lazy label's gettext and a reverse()
# per row were a third of the inbox's rendering at 50 rows (docs/performance.md). Each language's
# labels are made once, and the link is the page's prefix with the number (numbers are URL-safe).
_STATUS_LABELS = {}


@register.filter
def status_label(value):
    language = translation.get_language() or ""
    labels = _STATUS_LABELS.get(language)
    if labels is None:
        labels = _STATUS_LABELS[language] = {status: str(label) for status, label in Status.choices}
    return labels.get(value, value)


@register.filter
def case_path(number):
    return _detail_prefix() + quote(str(number), safe="-") + "/"


_DETAIL_PREFIX = {}


def _detail_prefix():
    """The case page's address without the number, reversed once per script prefix."""
    script = get_script_prefix()
    prefix = _DETAIL_PREFIX.get(script)
    if prefix is None:
        sample = reverse("cases:detail", kwargs={"number": "2026-000001"})
        prefix = _DETAIL_PREFIX[script] = sample[: sample.rindex("2026-000001")]
    return prefix
