"""The residents' filter set (decision 70): the same two filters as the residents page (``unit``:
a unit code, everything under it; ``q``: words of the name), for the residents ledger's export.
Personal data (ID numbers, phones) is never a filter."""
import django_filters as df
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import under_codes_q

from .models import Resident


class ResidentFilterSet(df.FilterSet):
    unit = df.CharFilter(label=_("Unit code"), method="filter_unit", max_length=18)
    q = df.CharFilter(label=_("Name"), field_name="name", lookup_expr="contains", max_length=50)

    class Meta:
        model = Resident
        fields = []

    def filter_unit(self, queryset, name, value):
        return queryset.filter(under_codes_q("household__building__estate__grid__code", [value.strip()]))
