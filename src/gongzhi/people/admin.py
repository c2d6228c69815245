from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from gongzhi.core.admin import ScopedAdmin, mark_personal
from gongzhi.core.masking import mask_phone
from gongzhi.core.scoping import under_codes_q, user_covers

from .models import Agency, Role, RoleAssignment, User

# The password hash is secret rather than personal, but leaks the same way. Agency.phone is an
# office's duty phone, not a person's.
mark_personal(User, "phone", "password")

# Roles are RoleAssignment rows, not Django groups (decision 1): no unscoped groups page.
admin.site.unregister(Group)

# Roles a district admin may not hand out: only a superuser makes peers or machine clients.
RESERVED_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.MACHINE_CLIENT})
ACCOUNT_EDITORS = frozenset()  # accounts (passwords, names) are changed by superusers only


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ["role", "agency", "legal_kind", "units"]
    autocomplete_fields = ["agency", "units"]


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    """Accounts of one's scope can be seen; only a superuser changes them.

    An account may hold roles far wider than the viewer's scope, so letting a
    scoped editor reset its password would be a way to take it over.
    """

    list_display = ["username", "display_name", "is_active", "last_login"]
    search_fields = ["username", "display_name"]
    fieldsets = DjangoUserAdmin.fieldsets[:1] + (
        (None, {"fields": ["display_name", "phone"]}),
    ) + DjangoUserAdmin.fieldsets[1:]
    inlines = [RoleAssignmentInline]
    edit_roles = ACCOUNT_EDITORS

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Others see the phone masked, never in full.
        return [(name, {**opts, "fields": ["masked_phone" if f == "phone" else f for f in opts["fields"]]})
                for name, opts in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["masked_phone"]

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone) or "—"


class DistrictAdminOnly(ScopedAdmin):
    """Edited by district admins (and superusers); read by the back office."""

    edit_roles = frozenset({Role.DISTRICT_ADMIN})


@admin.register(Agency)
class AgencyAdmin(DistrictAdminOnly):
    list_display = ["name", "kind", "utility_type", "district"]
    list_filter = ["kind", "utility_type"]
    search_fields = ["name"]
    list_select_related = ["district"]

    def _own_district(self, request, obj):
        if request.user.is_superuser or obj is None:
            return True
        return user_covers(request.user, obj.district.code, {Role.DISTRICT_ADMIN})

    # The directory is open to read, but each district edits only its own agencies.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._own_district(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._own_district(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "district" and not request.user.is_superuser:
            # The unit model through the relation: people sits below territory and never imports it.
            units = db_field.related_model.objects
            kwargs["queryset"] = units.filter(parent__isnull=True, code__in=request.user.scope_codes({Role.DISTRICT_ADMIN}))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(DistrictAdminOnly):
    list_display = ["user", "role", "agency", "legal_kind"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user", "agency"]
    autocomplete_fields = ["user", "agency", "units"]

    def has_change_permission(self, request, obj=None):
        # Nobody but a superuser changes their own roles.
        if obj is not None and obj.user_id == request.user.pk and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [c for c in Role.choices if c[0] not in RESERVED_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agency" and not request.user.is_superuser:
            kwargs["queryset"] = Agency.objects.filter(
                under_codes_q("district__code", request.user.scope_codes({Role.DISTRICT_ADMIN})))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and (obj.user_id == request.user.pk or obj.role in RESERVED_ROLES):
            raise PermissionDenied(_("You cannot give this role, or change your own roles."))
        super().save_model(request, obj, form, change)
