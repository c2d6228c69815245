from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from gongzhi.core.admin import ScopedAdmin

from .models import Agency, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "agency", "legal_kind", "units"]
    autocomplete_fields = ["agency", "units"]


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "is_active", "last_login"]
    search_fields = ["username", "display_name"]
    fieldsets = DjangoUserAdmin.fieldsets[:1] + (
        (None, {"fields": ["display_name", "phone"]}),
    ) + DjangoUserAdmin.fieldsets[1:]
    inlines = [RoleAssignmentInline]

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may grant back-office superpowers.
        if request.user.is_superuser:
            return []
        return ["is_superuser", "is_staff", "groups", "user_permissions", "last_login", "date_joined"]


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    list_display = ["name", "kind", "utility_type", "district"]
    list_filter = ["kind", "utility_type"]
    search_fields = ["name"]
    list_select_related = ["district"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "role", "agency", "legal_kind"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user", "agency"]
    autocomplete_fields = ["user", "agency", "units"]
