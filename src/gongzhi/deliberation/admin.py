"""Deliberation in the back office: formats and cadences (reference data), series, councils,
meetings (read only: a meeting is run from its page, through the services' rules)."""
from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gongzhi.core.admin import ScopedAdmin, holds
from gongzhi.core.errors import DomainError
from gongzhi.people.models import BACK_OFFICE_ROLES, Role

from . import recurrence
from .models import Council, CouncilMember, Meeting, MeetingFormat, MeetingSeries, PartyCadence

DISTRICT_ADMINS = frozenset({Role.DISTRICT_ADMIN})


class RecurrenceFormMixin:
    """A rule typed in the back office is checked (and written back normalized) like any other."""

    def clean_recurrence(self):
        try:
            return recurrence.parse(self.cleaned_data.get("recurrence") or "").text()
        except DomainError as error:
            raise forms.ValidationError(error.messages)


class MeetingFormatForm(RecurrenceFormMixin, forms.ModelForm):
    class Meta:
        model = MeetingFormat
        fields = "__all__"

    def clean_recurrence(self):
        if not self.cleaned_data.get("recurrence"):
            return ""  # a format may leave the rule to each series
        return super().clean_recurrence()


@admin.register(MeetingFormat)
class MeetingFormatAdmin(ScopedAdmin):
    """Shared by the whole district: its district admins edit them, the back office reads them."""

    form = MeetingFormatForm
    list_display = ["code", "name", "purpose", "party_kind", "convener_level", "voters", "quorum_percent", "majority",
                    "recurrence", "active"]
    list_filter = ["purpose", "active"]
    search_fields = ["code", "name", "name_en"]
    edit_roles = DISTRICT_ADMINS

    def has_delete_permission(self, request, obj=None):
        return False  # meetings point at formats; retire one by making it inactive


@admin.register(PartyCadence)
class PartyCadenceAdmin(ScopedAdmin):
    list_display = ["format", "organization_kind", "every_months"]
    list_filter = ["organization_kind"]
    list_select_related = ["format"]
    edit_roles = DISTRICT_ADMINS


class MeetingSeriesForm(RecurrenceFormMixin, forms.ModelForm):
    class Meta:
        model = MeetingSeries
        fields = ["format", "unit", "organization", "title", "recurrence", "place", "starts_on", "ends_on"]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ScopedAdmin):
    """Series created here get their meetings from the minute job (60 days ahead)."""

    form = MeetingSeriesForm
    list_display = ["title", "format", "unit", "organization", "recurrence", "starts_on", "ends_on", "generated_until"]
    list_filter = [("format", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title"]
    list_select_related = ["format", "unit", "organization"]
    autocomplete_fields = ["unit", "organization"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 0
    fields = ["seat", "user", "organization", "starts_on", "ends_on"]
    # Autocomplete: the choices come from the accounts' and organizations' own (scoped) lists.
    autocomplete_fields = ["user", "organization"]

    def has_view_permission(self, request, obj=None):
        return holds(request.user, BACK_OFFICE_ROLES)

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.may_edit_master_data()

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Council)
class CouncilAdmin(ScopedAdmin):
    list_display = ["name", "unit"]
    search_fields = ["name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    inlines = [CouncilMemberInline]


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin):
    """Read only: meetings are scheduled, moved, cancelled, opened and closed on their pages."""

    list_display = ["title", "format", "unit", "organization", "starts_at", "status", "occurs_on"]
    list_filter = ["status", ("format", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    list_select_related = ["format", "unit", "organization"]
    fields = ["title", "format", "unit", "organization", "series", "occurs_on", "starts_at", "ends_at", "place", "status",
              "cancel_reason", "notice_sent_at", "opened_at", "closed_at", "minutes"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
