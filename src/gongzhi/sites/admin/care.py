"""Back office: care. Read only: the registry, home services and check-ins are written on their
pages through services/care.py. The sensitive fields of a profile (tags, emergency contact,
notes) are personal: never listed, searched, filtered or sorted here, and not on the change
page either (showing them in full is the page's logged "show in full")."""
from django.contrib import admin

from gongzhi.core.admin import ScopedAdmin, mark_personal
from gongzhi.people.models import EDITOR_ROLES

from ..models import CARE_ROLES, CareCheckIn, CareDataView, ElderProfile, HomeServiceRequest

mark_personal(ElderProfile, "tags", "emergency_contact", "emergency_phone", "notes")


class ReadOnlyAdmin(ScopedAdmin):
    view_roles = CARE_ROLES

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ElderProfile)
class ElderProfileAdmin(ReadOnlyAdmin):
    list_display = ["resident", "visit_every_days", "last_visited_on", "created_at"]
    search_fields = ["resident__name"]
    list_select_related = ["resident"]
    fields = ["resident", "visit_every_days", "last_visited_on", "created_at", "recorded_by"]
    readonly_fields = fields


@admin.register(HomeServiceRequest)
class HomeServiceRequestAdmin(ReadOnlyAdmin):
    list_display = ["kind", "elder", "status", "raised_as", "volunteer", "team", "created_at"]
    list_filter = ["status", "kind", "raised_as"]
    date_hierarchy = "created_at"
    list_select_related = ["elder__resident", "volunteer", "team"]
    fields = ["elder", "kind", "details", "wanted_on", "raised_by", "raised_as", "status", "volunteer", "team",
              "match_reason", "matched_by", "matched_at", "done_at", "done_note", "confirmed_by", "confirmed_at", "created_at"]
    readonly_fields = fields


@admin.register(CareCheckIn)
class CareCheckInAdmin(ReadOnlyAdmin):
    list_display = ["site", "resident", "kind", "meal", "on"]
    list_filter = ["kind", "meal"]
    date_hierarchy = "on"
    list_select_related = ["site", "resident"]
    fields = ["site", "resident", "kind", "meal", "on", "recorded_by", "at"]
    readonly_fields = fields


@admin.register(CareDataView)
class CareDataViewAdmin(ReadOnlyAdmin):
    """Who saw which older resident's care data in full: for the editors of the scope to audit."""

    view_roles = EDITOR_ROLES
    list_display = ["viewed_at", "user", "profile", "channel"]
    list_filter = ["channel"]
    date_hierarchy = "viewed_at"
    list_select_related = ["user", "profile__resident"]
    fields = ["viewed_at", "user", "profile", "channel"]
    readonly_fields = fields
