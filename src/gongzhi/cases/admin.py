from django.contrib import admin

from gongzhi.core.admin import ScopedAdmin, holds, mark_personal
from gongzhi.people.models import BACK_OFFICE_ROLES

from .models import Case, Category, CategoryAttribute

# Cases have no admin today; declared so that none can ever list or filter by it.
mark_personal(Case, "contact_phone")


class CategoryAttributeInline(admin.TabularInline):
    """Extra questions a 小类 asks (Open311 service attributes)."""

    model = CategoryAttribute
    extra = 0
    fields = ["code", "description", "datatype", "required", "order", "values"]

    # Same rule as the category itself: district admins edit, the back office reads.
    def has_view_permission(self, request, obj=None):
        return holds(request.user, BACK_OFFICE_ROLES)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Category)
class CategoryAdmin(ScopedAdmin):
    """The category tree and its time limits are shared by every district: superusers edit them."""

    list_display = ["code", "name", "parent", "default_agency_kind", "response_hours", "resolve_hours", "active"]
    # Only categories that are parents (the 大类) as choices: listing every 小类 there named
    # its parent too, a query per category.
    list_filter = ["active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    edit_roles = frozenset()
    inlines = [CategoryAttributeInline]

    def has_delete_permission(self, request, obj=None):
        return False  # cases point at categories; retire one by making it inactive

