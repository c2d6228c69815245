"""Sites' filter sets (decision 70): activities and volunteer service records, for their ledgers'
exports (and the list pages when they move onto them). Always run on ``visible_to(user)``."""
import django_filters as df
from django.utils.translation import gettext_lazy as _

from gongzhi.core import periods
from gongzhi.core.scoping import under_codes_q

from .models import Activity, ActivityKind, ActivityStatus, CheckIn, CheckInMethod, RecordStatus, ServiceRecord


def _under(queryset, field, value):
    value = value.strip()[:18]
    return queryset.filter(under_codes_q(field, [value])) if value.isdigit() else queryset.none()


class ActivityFilterSet(df.FilterSet):
    unit = df.CharFilter(label=_("unit code"), method="filter_unit", max_length=18)
    kind = df.ChoiceFilter(label=_("kind"), choices=ActivityKind.choices)
    status = df.ChoiceFilter(label=_("status"), choices=ActivityStatus.choices)
    # Days as ranges of moments, so an index on created_at serves them (core.periods).
    created_after = df.DateFilter(label=_("from"), method="filter_from")
    created_before = df.DateFilter(label=_("before"), method="filter_before")

    class Meta:
        model = Activity
        fields = []

    def filter_unit(self, queryset, name, value):
        return _under(queryset, "unit__code", value)

    def filter_from(self, queryset, name, value):
        return queryset.filter(periods.on_or_after("created_at", value))

    def filter_before(self, queryset, name, value):
        return queryset.filter(periods.before("created_at", value))


class ServiceRecordFilterSet(df.FilterSet):
    unit = df.CharFilter(label=_("unit code"), method="filter_unit", max_length=18)
    status = df.ChoiceFilter(label=_("status"), choices=RecordStatus.choices)
    team = df.NumberFilter(label=_("team"), field_name="team_id")
    on_after = df.DateFilter(label=_("from"), field_name="on", lookup_expr="gte")
    on_before = df.DateFilter(label=_("before"), field_name="on", lookup_expr="lt")

    class Meta:
        model = ServiceRecord
        fields = []

    def filter_unit(self, queryset, name, value):
        return _under(queryset, "unit__code", value)


class CheckInFilterSet(df.FilterSet):
    """Person-times (人次): check-ins by the unit of their activity and the day their session began,
    as the cockpit counts them (sites.cockpit.count)."""
    unit = df.CharFilter(label=_("unit code"), method="filter_unit", max_length=18)
    activity = df.NumberFilter(label=_("activity"), field_name="session__activity_id")
    method = df.ChoiceFilter(label=_("how"), choices=CheckInMethod.choices)
    starts_after = df.DateFilter(label=_("from"), method="filter_from")
    starts_before = df.DateFilter(label=_("before"), method="filter_before")

    class Meta:
        model = CheckIn
        fields = []

    def filter_unit(self, queryset, name, value):
        return _under(queryset, "session__activity__unit__code", value)

    def filter_from(self, queryset, name, value):
        return queryset.filter(periods.on_or_after("session__starts_at", value))

    def filter_before(self, queryset, name, value):
        return queryset.filter(periods.before("session__starts_at", value))
