"""The enterprises list's filters (django-filter), over Enterprise.objects.visible_to(user)."""
import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import under_codes_q

from .models import Chain, Enterprise, Need, NeedKind, NeedStatus, PartyStatus, Scale


COVERAGE_CHOICES = (
    ("enterprises", _("Operating non-public enterprises")),
    ("organized", _("Organization coverage")),
    ("reached", _("Work coverage")),
    ("sanyou_due", _("三有: 3 or more full members")),
    ("sanyou_met", _("三有 coverage")),
)


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or code"), method="by_text", max_length=50)
    scale = django_filters.ChoiceFilter(label=_("scale"), choices=Scale.choices)
    party_status = django_filters.ChoiceFilter(label=_("party organization status"), choices=PartyStatus.choices)
    industry = django_filters.CharFilter(label=_("industry"), max_length=50)
    unit = django_filters.CharFilter(label=_("Part of the park (code)"), method="by_unit", max_length=18)
    chain = django_filters.ModelChoiceFilter(label=_("industry chain"), queryset=Chain.objects.none(), method="by_chain")
    operating = django_filters.BooleanFilter(label=_("operating"))
    is_new_sector = django_filters.BooleanFilter(label=_("new economic sector (三新)"))
    # What a cockpit gauge counts (industry.cockpit.coverage_q) on the day ``on`` (today if not given).
    coverage = django_filters.ChoiceFilter(label=_("Counted in"), choices=COVERAGE_CHOICES, method="by_coverage")
    on = django_filters.DateFilter(label=_("On the day"), method="on_day")

    class Meta:
        model = Enterprise
        fields = []

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["chain"].queryset = Chain.objects.visible_to(user)
        # The selects name themselves (no "---------"), styled like the page's other fields.
        for name in ("scale", "party_status", "chain"):
            label = self.filters[name].label
            self.filters[name].extra.update(empty_label=_("%(what)s: all") % {"what": label})
        self._select_attrs = {name: {"class": "form-select", "aria-label": self.filters[name].label}
                              for name in ("scale", "party_status", "chain")}

    @property
    def form(self):
        form = super().form
        for name, attrs in self._select_attrs.items():
            form.fields[name].widget.attrs.update(attrs)
        return form

    def by_text(self, queryset, name, value):
        value = value.strip()
        if len(value) == 18 and value.isalnum():
            return queryset.filter(uscc=value.upper())
        # A credit code's beginning (its division, 6 digits or more) or part of the name.
        if len(value) >= 6 and value.isascii() and value.isalnum():
            return queryset.filter(Q(uscc__startswith=value.upper()) | Q(name__contains=value))
        return queryset.filter(name__contains=value)

    def by_unit(self, queryset, name, value):
        return queryset.filter(under_codes_q("unit__code", [value])) if value.isdigit() else queryset.none()

    def by_chain(self, queryset, name, value):
        return queryset.filter(pk__in=value.members.values("pk"))

    def on_day(self, queryset, name, value):
        return queryset  # read by by_coverage

    def by_coverage(self, queryset, name, value):
        from .cockpit import coverage_q

        day = self.form.cleaned_data.get("on") or timezone.localdate()
        return queryset.filter(coverage_q(value, day))


def month_bounds(value):
    """A YYYY-MM month as its (start, end) in local time, or None."""
    try:
        first = datetime.datetime.strptime((value or "").strip(), "%Y-%m")
    except ValueError:
        return None
    after = first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)
    return timezone.make_aware(first), timezone.make_aware(after)


class NeedFilter(django_filters.FilterSet):
    """The needs' filters: the needs board, the needs ledger's export and the cockpit's links
    (``posted``/``solved``: a YYYY-MM month) run this one set, so they never disagree."""

    status = django_filters.ChoiceFilter(label=_("status"), choices=NeedStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("kind"), choices=NeedKind.choices)
    unit = django_filters.CharFilter(label=_("Part of the park (code)"), method="by_unit", max_length=18)
    enterprise = django_filters.NumberFilter(label=_("enterprise"), field_name="enterprise_id")
    chain = django_filters.ModelChoiceFilter(label=_("industry chain"), queryset=Chain.objects.none(), method="by_chain")
    posted = django_filters.CharFilter(label=_("Posted in (YYYY-MM)"), method="by_month", max_length=7)
    solved = django_filters.CharFilter(label=_("Solved in (YYYY-MM)"), method="by_month", max_length=7)

    class Meta:
        model = Need
        fields = []

    def __init__(self, data=None, *args, user=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["chain"].queryset = Chain.objects.visible_to(user) if user is not None else Chain.objects.none()

    def by_unit(self, queryset, name, value):
        return queryset.filter(under_codes_q("enterprise__unit__code", [value])) if value.isdigit() else queryset.none()

    def by_chain(self, queryset, name, value):
        return queryset.filter(enterprise__in=value.members.values("pk"))

    def by_month(self, queryset, name, value):
        bounds = month_bounds(value)
        if bounds is None:
            return queryset.none()
        field = {"posted": "created_at", "solved": "solved_at"}[name]
        return queryset.filter(**{f"{field}__gte": bounds[0], f"{field}__lt": bounds[1]})
