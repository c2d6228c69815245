"""Deliberation's filter sets (decision 70): meetings and decisions, for their ledgers' exports
(and the list pages and API lists when they move onto them). Always run on ``visible_to(user)``."""
import datetime

import django_filters as df
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core import periods
from gongzhi.core.scoping import under_codes_q

from .models import Decision, DecisionStatus, Meeting, MeetingStatus, Proposal, ProposalStatus, Purpose

# The cockpit's "hot issues settled": answered or decided (cockpit.SETTLED).
SETTLED = "settled"
PROPOSAL_STATUSES = [*ProposalStatus.choices, (SETTLED, _("Settled (answered or decided)"))]


def _unit(field):
    def by_unit(queryset, name, value):
        value = value.strip()[:18]
        return queryset.filter(under_codes_q(field, [value])) if value.isdigit() else queryset.none()
    return by_unit


class MeetingFilterSet(df.FilterSet):
    when = df.ChoiceFilter(label=_("when"), method="filter_when",
                           choices=[("upcoming", _("Upcoming")), ("past", _("Past"))])
    unit = df.CharFilter(label=_("unit code"), method="filter_unit", max_length=18)
    purpose = df.ChoiceFilter(label=_("purpose"), field_name="format__purpose", choices=Purpose.choices)
    format = df.CharFilter(label=_("format"), field_name="format__code", max_length=40)
    status = df.ChoiceFilter(label=_("status"), choices=MeetingStatus.choices)
    starts_after = df.DateFilter(label=_("from"), method="filter_from", widget=forms.DateInput(attrs={"type": "date"}))
    starts_before = df.DateFilter(label=_("before"), method="filter_before", widget=forms.DateInput(attrs={"type": "date"}))
    month = df.CharFilter(label=_("month (YYYY-MM)"), method="filter_month", max_length=7)

    class Meta:
        model = Meeting
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The selects name themselves ("status: all"), not "---------".
        for name in ("when", "purpose", "status"):
            self.filters[name].extra.update(empty_label=_("%(what)s: all") % {"what": self.filters[name].label})

    def filter_unit(self, queryset, name, value):
        return _unit("unit__code")(queryset, name, value)

    # Days and months as ranges of moments: the (unit, starts_at) index serves them (core.periods).
    def filter_from(self, queryset, name, value):
        return queryset.filter(periods.on_or_after("starts_at", value))

    def filter_before(self, queryset, name, value):
        return queryset.filter(periods.before("starts_at", value))

    def filter_month(self, queryset, name, value):
        return queryset.filter(periods.in_month("starts_at", value))

    def filter_when(self, queryset, name, value):
        recent = timezone.now() - datetime.timedelta(hours=6)
        past = Q(starts_at__lt=recent) | Q(status=MeetingStatus.HELD)
        return queryset.filter(past) if value == "past" else queryset.exclude(past)


class DecisionFilterSet(df.FilterSet):
    unit = df.CharFilter(label=_("unit code"), method="filter_unit", max_length=18)
    status = df.ChoiceFilter(label=_("status"), choices=DecisionStatus.choices)
    due_after = df.DateFilter(label=_("due from"), field_name="due_on", lookup_expr="gte")
    due_before = df.DateFilter(label=_("due before"), field_name="due_on", lookup_expr="lt")
    overdue = df.BooleanFilter(label=_("overdue"), method="filter_overdue")

    class Meta:
        model = Decision
        fields = []

    def filter_unit(self, queryset, name, value):
        return _unit("meeting__unit__code")(queryset, name, value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Decision.objects.overdue(timezone.localdate())
        return queryset.filter(pk__in=late.values("pk")) if value else queryset.exclude(pk__in=late.values("pk"))


class ProposalFilterSet(df.FilterSet):
    """The proposals list and the cockpit's links to it (raised and settled, by unit and month)."""

    unit = df.CharFilter(label=_("unit code"), method="filter_unit", max_length=18)
    status = df.ChoiceFilter(label=_("status"), choices=PROPOSAL_STATUSES, method="filter_status")
    month = df.CharFilter(label=_("month (YYYY-MM)"), method="filter_month", max_length=7)

    class Meta:
        model = Proposal
        fields = []

    def filter_unit(self, queryset, name, value):
        return _unit("unit__code")(queryset, name, value)

    def filter_status(self, queryset, name, value):
        from .cockpit import SETTLED as SETTLED_STATUSES

        return queryset.filter(status__in=SETTLED_STATUSES) if value == SETTLED else queryset.filter(status=value)

    def filter_month(self, queryset, name, value):
        return queryset.filter(periods.in_month("created_at", value))
