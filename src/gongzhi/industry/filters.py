"""The enterprises list's filters (django-filter), over Enterprise.objects.visible_to(user)."""
import django_filters
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import under_codes_q

from .models import Chain, Enterprise, Need, NeedKind, NeedStatus, PartyStatus, Scale


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="by_text", max_length=50)
    scale = django_filters.ChoiceFilter(label=_("scale"), choices=Scale.choices)
    party_status = django_filters.ChoiceFilter(label=_("party organization status"), choices=PartyStatus.choices)
    industry = django_filters.CharFilter(label=_("industry"), max_length=50)
    unit = django_filters.CharFilter(label=_("Part of the park (code)"), method="by_unit", max_length=18)
    chain = django_filters.ModelChoiceFilter(label=_("industry chain"), queryset=Chain.objects.none(), method="by_chain")
    operating = django_filters.BooleanFilter(label=_("operating"))
    is_new_sector = django_filters.BooleanFilter(label=_("new economic sector (三新)"))

    class Meta:
        model = Enterprise
        fields = []

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["chain"].queryset = Chain.objects.visible_to(user)

    def by_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(uscc=value.upper()) if len(value) == 18 and value.isalnum() else \
            queryset.filter(name__contains=value)

    def by_unit(self, queryset, name, value):
        return queryset.filter(under_codes_q("unit__code", [value])) if value.isdigit() else queryset.none()

    def by_chain(self, queryset, name, value):
        return queryset.filter(pk__in=value.members.values("pk"))


class NeedFilter(django_filters.FilterSet):
    """The needs' filters (the needs ledger's export; the market pages when they move onto it)."""

    status = django_filters.ChoiceFilter(label=_("status"), choices=NeedStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=NeedKind.choices)
    unit = django_filters.CharFilter(label=_("Part of the park (code)"), method="by_unit", max_length=18)
    enterprise = django_filters.NumberFilter(label=_("enterprise"), field_name="enterprise_id")

    class Meta:
        model = Need
        fields = []

    def by_unit(self, queryset, name, value):
        return queryset.filter(under_codes_q("enterprise__unit__code", [value])) if value.isdigit() else queryset.none()
