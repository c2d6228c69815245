"""The one filter set for cases (issue 11): the ledger page, the export and the API list
(`GET /api/v1/cases`) use it so they never disagree (decisions 70 and 83). Personal data (phones,
ID numbers, care tags) is never a filter or a sort key."""
import datetime as dt
import re

import django_filters as df
from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from gongzhi.core.scoping import under_codes_q

from .models import OPEN_STATUSES, Case, CaseAgency, Category, Channel, Rating, Status
from .textserve import tokens

STATUS_CHOICES = [("open", _("Open"))] + list(Status.choices)
MAX_LIST = 20  # items in a comma list (statuses, category codes)
# Reads 1/0 and true/false (the cockpit links with overdue=1); Django's own yes/no select reads "1" as unknown.
YES_NO = df.widgets.BooleanWidget()
KEYWORD_LIMIT = 100  # characters of a keyword query
MAX_WORDS = 10  # words of it that are searched
CASE_NUMBER = re.compile(r"^\d{4}-\d{6,}$")  # services.next_number's shape


class DateOrTimeField(forms.CharField):
    """A date (the whole local day) or an ISO 8601 date and time (the API's clients send those)."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        try:
            found = parse_date(value) or parse_datetime(value.replace(" ", "+") if "T" in value else value)
        except ValueError:
            found = None
        if found is None:
            raise ValidationError(_("Enter a date (YYYY-MM-DD) or a date and time (ISO 8601)."), code="invalid")
        return found


class MomentFilter(df.Filter):
    """created_at/closed_at from or before a moment; a date is its local midnight, so the column's
    index is used (a `__date` lookup would wrap the column in a function)."""
    field_class = DateOrTimeField

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        if not isinstance(value, dt.datetime):
            value = timezone.make_aware(dt.datetime.combine(value, dt.time.min))
        elif timezone.is_naive(value):
            value = timezone.make_aware(value)
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": value})


class CommaListField(forms.CharField):
    """A comma list of choices (``closed,rated``), at most MAX_LIST of them."""

    def __init__(self, *args, choices=None, **kwargs):
        self.allowed = {str(k) for k, _label in choices} if choices else None
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        items = [v.strip() for v in value.split(",") if v.strip()]
        if len(items) > MAX_LIST:
            raise ValidationError(_("At most %(n)s items.") % {"n": MAX_LIST}, code="invalid")
        if self.allowed is not None:
            wrong = [v for v in items if v not in self.allowed]
            if wrong:
                raise ValidationError(_("Not a valid choice: %(v)s") % {"v": wrong[0][:20]}, code="invalid_choice")
        return items


class StatusFilter(df.Filter):
    field_class = CommaListField

    def filter(self, qs, value):
        if not value:
            return qs
        statuses = set()
        for v in value:
            statuses.update(OPEN_STATUSES if v == "open" else [v])
        return qs.filter(status__in=sorted(statuses))


class CategoryCodeFilter(df.Filter):
    field_class = CommaListField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(category__code__in=[v[:Category._meta.get_field("code").max_length] for v in value])


class CaseFilterSet(df.FilterSet):
    q = df.CharFilter(label=_("keyword"), method="filter_q", max_length=KEYWORD_LIMIT)
    category = df.NumberFilter(label=_("category"), field_name="category_id")
    category_code = CategoryCodeFilter(label=_("category codes"), widget=forms.HiddenInput)
    unit = df.CharFilter(label=_("unit code"), method="filter_unit")
    agency = df.NumberFilter(label=_("agency"), method="filter_agency")
    status = StatusFilter(label=_("case status"), choices=STATUS_CHOICES,
                          widget=forms.Select(choices=[("", "---------")] + STATUS_CHOICES))
    channel = df.ChoiceFilter(label=_("channel"), choices=Channel.choices)
    created_after = MomentFilter(label=_("reported from"), field_name="created_at", lookup_expr="gte",
                                 widget=forms.DateInput(attrs={"type": "date"}))
    created_before = MomentFilter(label=_("reported before"), field_name="created_at", lookup_expr="lt",
                                  widget=forms.DateInput(attrs={"type": "date"}))
    closed_after = MomentFilter(label=_("closed from"), field_name="closed_at", lookup_expr="gte",
                                widget=forms.DateInput(attrs={"type": "date"}))
    closed_before = MomentFilter(label=_("closed before"), field_name="closed_at", lookup_expr="lt",
                                 widget=forms.DateInput(attrs={"type": "date"}))
    overdue = df.BooleanFilter(label=_("overdue"), method="filter_overdue", widget=YES_NO)
    rating = df.ChoiceFilter(label=_("rating"), choices=Rating.choices)
    solved = df.BooleanFilter(label=_("solved, says the reporter"), field_name="rating_solved",
                            widget=YES_NO)
    supervised = df.BooleanFilter(label=_("urged or supervised"), field_name="supervised_at", lookup_expr="isnull",
                                  exclude=True, widget=YES_NO)
    # The inbox's "for my agency" tab: open work sent to one of the viewer's agencies and not yet
    # answered by it (needs the request's user; without one it finds nothing).
    for_my_agency = df.BooleanFilter(label=_("waiting on my agency"), method="filter_for_my_agency", widget=YES_NO)

    class Meta:
        model = Case
        fields = []

    def filter_q(self, queryset, name, value):
        """Every jieba word of the query as a whole word of the case's stored words (Case.words,
        cut at intake by the same tokeniser; padded with spaces so a word is never part of
        another); a case cut before words were stored is searched in its text. A case number finds
        that case. It only narrows the other filters: nothing here counts the table."""
        value = value.strip()[:KEYWORD_LIMIT]
        if CASE_NUMBER.match(value):
            return queryset.filter(number=value)
        words = list(dict.fromkeys(tokens(value)))[:MAX_WORDS]
        if not words:
            return queryset if not value else queryset.none()
        uncut = Q(words="")
        for word in words:
            uncut &= Q(title__icontains=word) | Q(description__icontains=word)
        if connections[queryset.db].vendor == "postgresql":
            # The form the GIN index case_words is made on (migration 0017): all the words in the array.
            from django.contrib.postgres.fields import ArrayField

            return queryset.alias(word_array=Func(F("words"), Value(" "), function="string_to_array",
                                                  output_field=ArrayField(TextField()))).filter(
                Q(word_array__contains=words) | uncut)
        stored = Q()
        for word in words:
            stored &= Q(padded_words__contains=f" {word} ")
        return queryset.alias(padded_words=Concat(Value(" "), "words", Value(" "), output_field=TextField())).filter(
            stored | uncut)

    def filter_unit(self, queryset, name, value):
        return queryset.filter(under_codes_q("grid_code", [value.strip()[:18]]))

    def filter_agency(self, queryset, name, value):
        return queryset.filter(agency_links__agency_id=value, agency_links__returned_at__isnull=True).distinct()

    def filter_for_my_agency(self, queryset, name, value):
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        agencies = user.agency_ids() if user is not None and user.is_authenticated else []
        waiting = CaseAgency.objects.filter(agency_id__in=agencies, returned_at__isnull=True, fed_back_at__isnull=True)
        return queryset.filter(pk__in=waiting.values("case"), status__in=(Status.DISPATCHED, Status.HANDLING,
                                                                             Status.WHISTLED))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(status__in=OPEN_STATUSES, resolve_by__lt=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)
