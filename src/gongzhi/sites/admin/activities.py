"""Back office: activities (read only: they are created, edited and run on their pages, through
services.activities, so that the sessions, the waiting list and check-in follow the rules)."""
from django.contrib import admin

from gongzhi.core.admin import ScopedAdmin

from ..models import Activity


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    list_display = ["title", "kind", "unit", "site", "capacity", "recurrence", "status", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["title"]
    date_hierarchy = "created_at"
    list_select_related = ["unit", "site"]
    fields = ["title", "kind", "unit", "site", "room", "team", "description", "capacity", "signup_closes_hours",
              "recurrence", "starts_on", "ends_on", "duration_minutes", "generated_until", "birthday_month_only", "status",
              "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
