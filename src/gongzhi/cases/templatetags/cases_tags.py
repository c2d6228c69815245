from django import template

from ..models import Rating
from ..workflow import MOVES

register = template.Library()


@register.filter
def move_label(name):
    return MOVES[name].label if name in MOVES else name


@register.filter
def rating_label(value):
    return Rating(value).label if value in Rating.values else ""
