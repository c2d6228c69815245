"""Back office: sites with their opening hours and rooms (inline), and upgrades.

Everyone of a zone reads its sites on the pages; here only the staff of a site's unit (or above
it) list and edit it, so a grid worker does not edit the street's centre.
"""
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from gongzhi.core.admin import ScopedAdmin, holds
from gongzhi.core.errors import DomainError

from ..models import SITE_STAFF_ROLES, OpeningPeriod, Room, Site, Upgrade, staff_q
from ..services import sites as services


def run_by(queryset, user, field):
    """Rows of the sites ``user`` runs (staff of the unit); a superuser runs all."""
    return queryset if user.is_superuser else queryset.filter(staff_q(field, user))


class OpeningPeriodFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        week = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or data.get("opens") is None or data.get("closes") is None:
                continue
            week.setdefault(data.get("weekday"), []).append((data["opens"], data["closes"]))
        try:
            services.parse_hours(week)  # the same rules as set_opening_hours: no overlap in a day
        except DomainError as error:
            raise forms.ValidationError(error.messages)


class StaffInline(admin.TabularInline):
    """The site's staff edit its hours and rooms with the site (Django's own per-model
    permissions are not used here: roles and scope decide, as in ScopedAdmin)."""

    extra = 0

    def has_view_permission(self, request, obj=None):
        return holds(request.user, SITE_STAFF_ROLES)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


class OpeningPeriodInline(StaffInline):
    model = OpeningPeriod
    formset = OpeningPeriodFormSet
    fields = ["weekday", "opens", "closes"]


class RoomInline(StaffInline):
    model = Room
    fields = ["name", "capacity", "bookable", "needs_approval", "checkin_grace_minutes", "max_booking_minutes", "facilities"]


class SiteScopedAdmin(ScopedAdmin):
    view_roles = edit_roles = SITE_STAFF_ROLES
    unit_field = "unit__code"

    def get_queryset(self, request):
        return run_by(super().get_queryset(request), request.user, self.unit_field)

    def _check_still_visible(self, request, obj):
        if not run_by(self.model.objects.all(), request.user, self.unit_field).filter(pk=obj.pk).exists():
            raise PermissionDenied(_("This would place the record outside your scope."))


@admin.register(Site)
class SiteAdmin(SiteScopedAdmin):
    list_display = ["name", "kind", "unit", "address", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "address"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    fields = ["unit", "kind", "name", "address", "lat", "lng", "phone", "facilities", "area_m2", "description", "active"]
    inlines = [OpeningPeriodInline, RoomInline]

    def has_delete_permission(self, request, obj=None):
        return False  # bookings and activities point at sites; close one by unticking "open"


@admin.register(Upgrade)
class UpgradeAdmin(SiteScopedAdmin):
    unit_field = "site__unit__code"
    list_display = ["what", "site", "kind", "started_on", "finished_on", "cost_yuan"]
    list_filter = ["kind"]
    search_fields = ["what", "site__name"]
    date_hierarchy = "started_on"
    list_select_related = ["site"]
    autocomplete_fields = ["site"]
    fields = ["site", "kind", "what", "started_on", "finished_on", "cost_yuan"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
