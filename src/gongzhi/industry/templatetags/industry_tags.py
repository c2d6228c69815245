"""Template filters of the industry pages."""
from django import template

from ..models import INDUSTRY_STAFF_ROLES

register = template.Library()


@register.filter
def is_industry_staff(user):
    """Park staff (and ledger roles, instructors) get the staff pages in the industry menu; an
    enterprise liaison gets their own (decision 90)."""
    return user.is_authenticated and (user.is_superuser or user.has_role(*INDUSTRY_STAFF_ROLES))
