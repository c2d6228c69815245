from django import template

from gongzhi.territory.identity import mask_id_number, mask_phone

register = template.Library()


@register.filter
def masked_phone(value):
    return mask_phone(value)


@register.filter
def masked_id(value):
    return mask_id_number(value)


@register.filter
def move_label(name):
    from gongzhi.cases.workflow import MOVES

    return MOVES[name].label if name in MOVES else name


@register.filter
def rating_label(value):
    from gongzhi.cases.models import Rating

    return Rating(value).label if value in Rating.values else ""
