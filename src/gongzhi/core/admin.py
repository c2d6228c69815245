"""The back office: Django's admin, restricted to each person's scope.

One mixin applies ``visible_to(user)`` to every admin list, form choice and
object lookup, so a record outside the person's scope answers 404 here just
as on the pages. Writes are re-checked after saving, inside the admin's
transaction: saving something that would land outside the scope is refused
and rolled back (NetBox does the same after API writes).
"""
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from gongzhi.people.models import BACK_OFFICE_ROLES, EDITOR_ROLES


def holds(user, roles):
    """Whether ``user`` is a signed-in, active superuser or holds one of ``roles``.

    Safe for the anonymous user: the admin asks permission questions while it
    draws its own login page, before anyone is signed in.
    """
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.has_role(*roles)


class BackOfficeLoginForm(AdminAuthenticationForm):
    """Django's admin login asks for ``is_staff``; here a back-office role is what counts."""

    def confirm_login_allowed(self, user):
        # Skip AdminAuthenticationForm's is_staff check, keep AuthenticationForm's is_active one.
        super(AdminAuthenticationForm, self).confirm_login_allowed(user)
        if not holds(user, BACK_OFFICE_ROLES):
            # Django's own wording: it does not tell a guesser that the password was right.
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                  params={"username": self.username_field.verbose_name})


class GongzhiAdminSite(admin.AdminSite):
    site_header = _("Gongzhi back office")
    site_title = _("Gongzhi back office")
    index_title = _("Master data of my scope")
    login_form = BackOfficeLoginForm

    def has_permission(self, request):
        return holds(request.user, BACK_OFFICE_ROLES)


def _visible(model, user):
    manager = model._default_manager
    return manager.visible_to(user) if hasattr(manager, "visible_to") else manager.none()


class ScopedAdmin(admin.ModelAdmin):
    # Roles allowed to view and to change records of this model (within their scope).
    view_roles = BACK_OFFICE_ROLES
    edit_roles = EDITOR_ROLES

    def get_queryset(self, request):
        return _visible(self.model, request.user).select_related(*self.list_select_related or ())

    def _holds(self, request, roles):
        return holds(request.user, roles)

    def has_module_permission(self, request):
        return self._holds(request, self.view_roles)

    def has_view_permission(self, request, obj=None):
        return self._holds(request, self.view_roles)

    def has_add_permission(self, request):
        return self._holds(request, self.edit_roles)

    def has_change_permission(self, request, obj=None):
        return self._holds(request, self.edit_roles)

    def has_delete_permission(self, request, obj=None):
        return self._holds(request, self.edit_roles)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", _visible(db_field.related_model, request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", _visible(db_field.related_model, request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Out of scope and missing look the same: 404, not a hint-bearing redirect.
        raise Http404

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._check_still_visible(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._check_still_visible(request, form.instance)

    def _check_still_visible(self, request, obj):
        if not _visible(self.model, request.user).filter(pk=obj.pk).exists():
            # The admin wraps the save in a transaction: raising rolls it back.
            raise PermissionDenied(_("This would place the record outside your scope."))
