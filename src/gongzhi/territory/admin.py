from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gongzhi.core.admin import ScopedAdmin, mark_personal
from gongzhi.core.errors import DomainError
from gongzhi.people.models import LEDGER_ROLES

from . import services
from .geometry import validate_boundary
from .models import Building, Estate, Household, Level, PersonalDataView, Resident, Unit

mark_personal(Resident, "id_number", "phone")


class BoundaryField(forms.JSONField):
    def prepare_value(self, value):
        # An empty boundary is an empty box, not the word "null".
        return "" if value is None else super().prepare_value(value)


class UnitForm(forms.ModelForm):
    code = forms.CharField(label=_("code"), required=False, help_text=_("Leave empty to generate the next free code."))
    boundary = BoundaryField(label=_("boundary"), required=False,
                               help_text=_("GeoJSON Polygon or MultiPolygon (longitude, latitude)."))

    class Meta:
        model = Unit
        fields = ["name", "level", "parent", "code", "boundary"]

    def clean(self):
        data = super().clean()
        level, parent = data.get("level"), data.get("parent")
        if self.instance.pk:
            level = self.instance.level
        if level:
            services.check_parent_level(level, parent)
            if not self.instance.pk and data.get("code"):
                services.check_code(data["code"], level, parent)
        if data.get("boundary") is not None:
            data["boundary"] = validate_boundary(data["boundary"])
        return data


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    form = UnitForm
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        return ["level", "code"] if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            if "parent" in form.changed_data:
                services.move_unit(Unit.objects.get(pk=obj.pk), data["parent"])
                obj.refresh_from_db(fields=["code", "parent"])
            Unit.objects.filter(pk=obj.pk).update(name=data["name"])
            services.set_boundary(obj, data.get("boundary"))
        else:
            created = services.create_unit(
                name=data["name"], level=data["level"], parent=data.get("parent"),
                code=data.get("code") or None, boundary=data.get("boundary"),
            )
            obj.pk, obj.code, obj.created_at, obj.updated_at = created.pk, created.code, created.created_at, created.updated_at
            obj._state.adding = False
        self._check_still_visible(request, obj)

    def save_related(self, request, form, formsets, change):
        # Units have no inline relations edited here; saving was done in save_model.
        self._check_still_visible(request, form.instance)


@admin.register(Estate)
class EstateAdmin(ScopedAdmin):
    list_display = ["name", "grid", "property_company"]
    search_fields = ["name"]
    list_select_related = ["grid"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "grid":
            kwargs["queryset"] = Unit.objects.visible_to(request.user).filter(level=Level.GRID)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Building)
class BuildingAdmin(ScopedAdmin):
    list_display = ["__str__", "micro_grid", "floors"]
    list_select_related = ["estate", "micro_grid"]
    search_fields = ["estate__name", "number"]


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["__str__"]
    list_select_related = ["building__estate"]
    search_fields = ["building__estate__name", "room"]
    edit_roles = LEDGER_ROLES
    autocomplete_fields = ["building"]


class ResidentForm(forms.ModelForm):
    """ID number and phone are write-only here: the current values stay masked."""

    new_id_number = forms.CharField(label=_("ID number"), required=False, max_length=18)
    new_phone = forms.CharField(label=_("phone"), required=False, max_length=20)

    class Meta:
        model = Resident
        fields = ["household", "name", "gender", "is_household_head"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The ID number decides the gender (GB 11643); a gender given must agree with it.
        self.fields["gender"].required = False
        if self.instance.pk:
            keep = _("Now %(value)s; leave empty to keep it.")
            self.fields["new_id_number"].help_text = keep % {"value": self.instance.masked_id_number}
            self.fields["new_phone"].help_text = keep % {"value": self.instance.masked_phone or "—"}
        else:
            self.fields["new_id_number"].required = True

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            cleaned = services.validate_resident(
                name=data.get("name"), gender=data.get("gender"),
                id_number=data.get("new_id_number") or self.instance.id_number,
                phone=data.get("new_phone") or self.instance.phone, exclude_pk=self.instance.pk,
            )
        except DomainError as error:
            # The service names model fields; this form shows two of them under other names.
            renamed = {"id_number": "new_id_number", "phone": "new_phone"}
            for field, messages in error.message_dict.items():
                self.add_error(renamed.get(field, field), messages)
            return data
        for field, value in cleaned.items():
            setattr(self.instance, field, value)
        data.update(name=cleaned["name"], gender=cleaned["gender"])
        return data


@admin.register(Resident)
class ResidentAdmin(ScopedAdmin):
    form = ResidentForm
    list_display = ["name", "gender", "masked_id_number", "masked_phone", "household"]
    list_select_related = ["household__building__estate"]
    search_fields = ["name"]
    edit_roles = LEDGER_ROLES
    autocomplete_fields = ["household"]


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ScopedAdmin):
    list_display = ["viewed_at", "user", "resident", "field"]
    fields = ["viewed_at", "user", "resident", "field"]
    readonly_fields = fields
    list_select_related = ["user", "resident"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
