"""The back office: Django's admin, restricted to each person's scope.

One mixin applies ``visible_to(user)`` to every admin list, form choice and
object lookup, so a record outside the person's scope answers 404 here just
as on the pages. Writes are re-checked after saving, inside the admin's
transaction: saving something that would land outside the scope is refused
and rolled back (NetBox does the same after API writes).

A change list narrows only by what its admin offers on purpose (its list
filters and date hierarchy; the search box searches search_fields): Django
otherwise accepts any lookup on a local field from the query string, so
``?id_number__startswith=3708`` repeated digit by digit would rebuild a masked
ID number. Anything else is a 400 (decision 28). Personal fields
(``mark_personal``) can never be searched, filtered, sorted or listed.
"""
from django.contrib import admin
from django.contrib.admin import checks
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.filters import SimpleListFilter
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.main import ChangeList
from django.core import checks as core_checks
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import F
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.utils.translation import gettext_lazy as _


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
        if not user.may_use_back_office():
            # Django's own wording: it does not tell a guesser that the password was right.
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login",
                                  params={"username": self.username_field.verbose_name})


class GongzhiAdminSite(admin.AdminSite):
    site_header = _("Gongzhi back office")
    site_title = _("Gongzhi back office")
    index_title = _("Master data of my scope")
    login_form = BackOfficeLoginForm

    def has_permission(self, request):
        return request.user.is_authenticated and request.user.may_use_back_office()


# --- personal fields ---------------------------------------------------------------------

_PERSONAL = {}


def mark_personal(model, *field_names):
    """Declare fields of ``model`` as personal (or secret): never searched, filtered,
    sorted or shown in a back-office list. Each app declares its own, in its admin module."""
    for name in field_names:
        model._meta.get_field(name)  # a typo must fail at start, not silently protect nothing
    _PERSONAL.setdefault(model._meta.label, set()).update(field_names)


def personal_fields(model):
    return frozenset(_PERSONAL.get(model._meta.label, ()))


def personal_field_in(model, path):
    """The first personal field that the lookup or ordering ``path`` reaches, or None.

    ``path`` is a query-string lookup (``household__residents__phone__startswith``) or an
    ordering (``-phone``); relations are followed, the rest of the path is transforms.
    """
    for part in path.lstrip("-").split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return None  # a transform or lookup: the fields are behind us
        if field.name in personal_fields(model) or getattr(field, "attname", None) in personal_fields(model):
            return f"{model._meta.label}.{field.name}"
        if not field.is_relation or field.related_model is None:
            return None
        model = field.related_model
    return None


def _field_names(expression):
    """The field paths an ordering expression (F, OrderBy, functions of them) refers to."""
    if isinstance(expression, str):
        return [expression]
    if isinstance(expression, F):
        return [expression.name]
    names = []
    for source in getattr(expression, "get_source_expressions", lambda: [])():
        names += _field_names(source)
    return names


def _visible(model, user):
    manager = model._default_manager
    return manager.visible_to(user) if hasattr(manager, "visible_to") else manager.none()


class ScopedChangeList(ChangeList):
    """A change list that refuses what its admin does not offer (see the module's docstring)."""

    def get_filters(self, request):
        asked = set(self.get_filters_params())
        specs, has_filters, remaining, may_have_duplicates, has_active = super().get_filters(request)
        # Each list filter took away the parameters it understood, and the date
        # hierarchy turned its year/month/day into a __gte/__lt pair; whatever the
        # visitor sent that is still left was not offered.
        derived = set()
        if self.date_hierarchy and f"{self.date_hierarchy}__year" in asked:
            derived = {f"{self.date_hierarchy}__gte", f"{self.date_hierarchy}__lt"}
        unknown = sorted((asked & set(remaining)) - derived)
        if unknown:
            # Logged by Django's security logger with the names only, never the values.
            raise DisallowedModelAdminLookup(f"Filtering by {', '.join(unknown)} is not offered here")
        return specs, has_filters, remaining, may_have_duplicates, has_active

    def get_ordering_field(self, field_name):
        order_field = super().get_ordering_field(field_name)
        if order_field is None:
            return None
        # Django sorts by any list_display column with an ordering field, sortable_by or not.
        sortable = self.sortable_by
        if sortable is not None and field_name not in sortable:
            return None
        if any(personal_field_in(self.model, name) for name in _field_names(order_field)):
            return None  # sorting by a masked value is a way to read it
        return order_field


class PersonalFieldChecks(checks.ModelAdminChecks):
    """Django's admin checks, plus: no personal field in a list, a filter, a search or a sort."""

    def check(self, admin_obj, **kwargs):
        errors = super().check(admin_obj, **kwargs)
        model = admin_obj.model
        used = [("search_fields", f.lstrip("^=@")) for f in admin_obj.search_fields or ()]
        for item in admin_obj.list_filter or ():
            if isinstance(item, str):
                used.append(("list_filter", item))
            elif isinstance(item, (list, tuple)):
                used.append(("list_filter", item[0]))
        if admin_obj.date_hierarchy:
            used.append(("date_hierarchy", admin_obj.date_hierarchy))
        for column in admin_obj.list_display or ():
            if isinstance(column, str):
                used.append(("list_display", column))
                attr = getattr(admin_obj, column, None) or getattr(model, column, None)
                attr = attr.fget if isinstance(attr, property) else attr
                for name in _field_names(getattr(attr, "admin_order_field", None) or ""):
                    used.append(("list_display", name))
        for name in admin_obj.ordering or ():
            used.extend(("ordering", n) for n in _field_names(name))
        for option, path in used:
            found = path and personal_field_in(model, path)
            if found:
                errors.append(core_checks.Error(
                    f"{option} of {type(admin_obj).__name__} reaches the personal field {found}.",
                    hint="Show it masked through a method without an ordering, and never filter or search by it.",
                    obj=type(admin_obj), id="gongzhi.E001",
                ))
        return errors


class ScopedAdmin(admin.ModelAdmin):
    # Roles allowed to view and to change records of this model (within their scope).
    # None: the account's own rule (User.may_use_back_office / may_edit_master_data),
    # so core names no role of its own.
    view_roles = None
    edit_roles = None
    checks_class = PersonalFieldChecks

    def get_changelist(self, request, **kwargs):
        return ScopedChangeList

    def _offered_lookups(self, request):
        """Roots of the query-string lookups this admin offers: its list filters and date hierarchy."""
        roots = {self.date_hierarchy} if self.date_hierarchy else set()
        for item in self.get_list_filter(request) if request is not None else self.list_filter:
            if isinstance(item, type) and issubclass(item, SimpleListFilter):
                roots.add(item.parameter_name)
            elif isinstance(item, (list, tuple)):
                roots.add(item[0])
            else:
                roots.add(item)
        return roots

    def lookup_allowed(self, lookup, value, request=None):
        # Django allows any lookup on a local field; here only the offered ones, and
        # never one that reaches a personal field. The change list then refuses whatever
        # no list filter took (ScopedChangeList.get_filters).
        if personal_field_in(self.model, lookup):
            return False
        roots = self._offered_lookups(request)
        if not any(lookup == root or lookup.startswith(root + LOOKUP_SEP) for root in roots):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_queryset(self, request):
        queryset = _visible(self.model, request.user)
        # select_related() with no names would follow every foreign key: only the named ones.
        if isinstance(self.list_select_related, (list, tuple)) and self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset

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
