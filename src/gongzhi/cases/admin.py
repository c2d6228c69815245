from django.contrib import admin

from gongzhi.core.admin import ScopedAdmin
from gongzhi.people.models import Role

from .models import Category


@admin.register(Category)
class CategoryAdmin(ScopedAdmin):
    """The category tree and its time limits: edited by district admins only."""

    list_display = ["code", "name", "parent", "default_agency_kind", "response_hours", "resolve_hours", "active"]
    list_filter = ["active", "parent"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    edit_roles = frozenset({Role.DISTRICT_ADMIN})

    def has_delete_permission(self, request, obj=None):
        return False  # cases point at categories; retire one by making it inactive
