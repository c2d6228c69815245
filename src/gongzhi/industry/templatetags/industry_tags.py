"""Template filters of the industry pages."""
from django import template

from .. import models

register = template.Library()


@register.filter
def is_industry_staff(user):
    """Park staff (and ledger roles, instructors) get the staff pages in the industry menu; an
    enterprise liaison gets their own (decision 90)."""
    return models.is_industry_staff(user)
