"""Back office: volunteer teams, red partners, volunteers, shifts and service records.

Teams and red partners are edited here. Volunteers are registered on the volunteers' page (the
rules check 双报到 and make the red partner's volunteer row), so here only their skills, point
and availability change. Shifts and service records are read only: assigning and confirming
minutes go through the services (a volunteer never confirms their own service).
"""
from django.contrib import admin

from gongzhi.core.admin import ScopedAdmin, mark_personal

from ..models import RedPartner, ServiceRecord, Shift, Team, Volunteer

mark_personal(RedPartner, "contact_phone")


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(ScopedAdmin):
    list_display = ["name", "unit", "leader", "founded_on", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
    list_select_related = ["unit", "leader"]
    autocomplete_fields = ["unit", "leader", "organization"]

    def has_delete_permission(self, request, obj=None):
        return False  # records point at teams; retire one by making it inactive


@admin.register(RedPartner)
class RedPartnerAdmin(ScopedAdmin):
    list_display = ["name", "unit", "kind", "joined_on", "left_on"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["unit"]
    fields = ["unit", "name", "kind", "services", "contact_name", "contact_phone", "joined_on", "left_on"]
    readonly_fields = ["unit"]

    def has_add_permission(self, request):
        return False  # registered on the volunteers' page, with its volunteer row

    def has_delete_permission(self, request, obj=None):
        return False  # its service records stay; record when it left instead


@admin.register(Volunteer)
class VolunteerAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "joined_on", "available"]
    list_filter = ["kind", "available"]
    search_fields = ["name", "skills"]
    list_select_related = ["unit"]
    fields = ["name", "kind", "unit", "skills", "lat", "lng", "available", "joined_on"]
    readonly_fields = ["name", "kind", "unit", "joined_on"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "team", "starts_at", "ends_at", "places"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    list_select_related = ["unit", "team"]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin):
    list_display = ["what", "volunteer", "unit", "team", "on", "scheduled_minutes", "actual_minutes", "status"]
    list_filter = ["status"]
    search_fields = ["what"]
    date_hierarchy = "on"
    list_select_related = ["volunteer", "unit", "team"]
