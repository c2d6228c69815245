"""The one filter set for cases (issue 11): the ledger page, the export and, later, the inbox and
the API list use it so they never disagree. Personal data (phones, ID numbers, care tags) is never
a filter or a sort key."""
import django_filters as df
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import under_codes_q

from .models import OPEN_STATUSES, Case, Channel, Rating, Status


class CaseFilterSet(df.FilterSet):
    q = df.CharFilter(label=_("keyword"), method="filter_q")
    category = df.NumberFilter(label=_("category"), field_name="category_id")
    unit = df.CharFilter(label=_("unit code"), method="filter_unit")
    agency = df.NumberFilter(label=_("agency"), method="filter_agency")
    status = df.ChoiceFilter(label=_("case status"), method="filter_status",
                             choices=[("open", _("Open"))] + list(Status.choices))
    channel = df.ChoiceFilter(label=_("channel"), choices=Channel.choices)
    created_after = df.DateFilter(label=_("reported from"), field_name="created_at", lookup_expr="date__gte")
    created_before = df.DateFilter(label=_("reported before"), field_name="created_at", lookup_expr="date__lt")
    closed_after = df.DateFilter(label=_("closed from"), field_name="closed_at", lookup_expr="date__gte")
    closed_before = df.DateFilter(label=_("closed before"), field_name="closed_at", lookup_expr="date__lt")
    overdue = df.BooleanFilter(label=_("overdue"), method="filter_overdue")
    rating = df.ChoiceFilter(label=_("rating"), choices=Rating.choices)
    solved = df.BooleanFilter(label=_("solved, says the reporter"), field_name="rating_solved")
    supervised = df.BooleanFilter(label=_("urged or supervised"), field_name="supervised_at", lookup_expr="isnull",
                                  exclude=True)

    class Meta:
        model = Case
        fields = []

    def filter_q(self, queryset, name, value):
        words = [w for w in value.split() if w][:10]
        for word in words:
            queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_unit(self, queryset, name, value):
        return queryset.filter(under_codes_q("grid_code", [value.strip()[:18]]))

    def filter_agency(self, queryset, name, value):
        return queryset.filter(agency_links__agency_id=value, agency_links__returned_at__isnull=True).distinct()

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=OPEN_STATUSES) if value == "open" else queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status__in=OPEN_STATUSES, resolve_by__lt=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)
