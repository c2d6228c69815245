"""The back office: Django's admin, restricted to each person's scope.

One mixin applies ``visible_to(user)`` to every admin list, form choice and
object lookup, so a record outside the person's scope answers 404 here just
as on the pages. Writes are re-checked after saving, inside the admin's
transaction: saving something that would land outside the scope is refused
and rolled back (NetBox does the same after API writes).
"""
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class GongzhiAdminSite(admin.AdminSite):
    site_header = _("Gongzhi back office")
    site_title = _("Gongzhi back office")
    index_title = _("Master data of my scope")

    def has_permission(self, request):
        return request.user.is_authenticated and request.user.may_use_back_office()


def _visible(model, user):
    manager = model._default_manager
    return manager.visible_to(user) if hasattr(manager, "visible_to") else manager.none()


class ScopedAdmin(admin.ModelAdmin):
    # Roles allowed to view and to change records of this model (within their scope).
    # None: the account's own rule (User.may_use_back_office / may_edit_master_data),
    # so core names no role of its own.
    view_roles = None
    edit_roles = None

    def get_queryset(self, request):
        return _visible(self.model, request.user).select_related(*self.list_select_related or ())

    def _holds(self, request, kind):
        user = request.user
        if not user.is_authenticated:
            return False
        roles = self.edit_roles if kind == "edit" else self.view_roles
        if roles is None:
            return user.may_edit_master_data() if kind == "edit" else user.may_use_back_office()
        return user.holds(roles)

    def has_module_permission(self, request):
        return self._holds(request, "view")

    def has_view_permission(self, request, obj=None):
        return self._holds(request, "view")

    def has_add_permission(self, request):
        return self._holds(request, "edit")

    def has_change_permission(self, request, obj=None):
        return self._holds(request, "edit")

    def has_delete_permission(self, request, obj=None):
        return self._holds(request, "edit")

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
