from django.contrib import admin

from gongzhi.core.admin import ScopedAdmin, holds, mark_personal
from gongzhi.people.models import BACK_OFFICE_ROLES, Role

from .models import Case, CaseContactView, Category, CategoryAttribute, CategoryTimeLimit

# Cases have no admin of their own; declared so that no admin can ever list or filter by it.
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
    """The category tree and its default time limits are shared by every district: superusers edit
    them; a district sets its own limits as CategoryTimeLimit rows (below)."""

    list_display = ["code", "name", "name_en", "parent", "default_agency_kind", "response_hours", "resolve_hours", "active"]
    # Only categories that are parents (the 大类) as choices: listing every 小类 there named
    # its parent too, a query per category.
    list_filter = ["active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]
    edit_roles = frozenset()
    inlines = [CategoryAttributeInline]

    def has_delete_permission(self, request, obj=None):
        return False  # cases point at categories; retire one by making it inactive



@admin.register(CaseContactView)
class CaseContactViewAdmin(ScopedAdmin):
    """Who saw which case's contact phone in full, and when: read-only."""

    list_display = ["viewed_at", "user", "case"]
    fields = ["viewed_at", "user", "case"]
    readonly_fields = fields
    list_select_related = ["user", "case"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CategoryTimeLimit)
class CategoryTimeLimitAdmin(ScopedAdmin):
    """A district's own time limits over the shared tree: its district admins keep them."""

    list_display = ["category", "district", "response_hours", "resolve_hours"]
    # No filter by district: its choices would name every district, not only the admin's own.
    search_fields = ["category__code", "category__name"]
    list_select_related = ["category__parent", "district"]
    view_roles = edit_roles = frozenset({Role.DISTRICT_ADMIN})
