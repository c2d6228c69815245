"""Back office: 微幸福 micro projects, read only (proposed, approved, run and finished on their
pages and through the API, where the rules are; the back office lists them by unit and status)."""
from django.contrib import admin

from gongzhi.core.admin import ScopedAdmin

from ..models import MicroProject, Milestone


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["title", "due_on", "done_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MicroProject)
class MicroProjectAdmin(ScopedAdmin):
    list_display = ["title", "unit", "status", "percent", "budget_yuan", "spent_yuan", "beneficiaries_count", "due_on",
                    "done_on"]
    list_filter = ["status"]
    search_fields = ["title"]
    date_hierarchy = "created_at"
    list_select_related = ["unit"]
    fields = ["title", "unit", "plan", "lead", "decision", "status", "percent", "budget_yuan", "spent_yuan", "beneficiaries",
              "beneficiaries_count", "starts_on", "due_on", "done_on", "created_at"]
    readonly_fields = fields
    inlines = [MilestoneInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
