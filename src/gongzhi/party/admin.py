from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gongzhi.core.admin import ScopedAdmin, mark_personal
from gongzhi.territory.identity import mask_phone, normalize_phone

from .models import DualReport, InstructorAssignment, OrganizationActivity, PartyMember, PartyOrganization, PioneerPost

mark_personal(PartyMember, "phone")


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "secretary"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["unit", "secretary"]
    # Autocomplete, not a picker: a district has tens of thousands of households.
    autocomplete_fields = ["parent", "unit", "building", "household", "secretary", "cared_households"]


class PartyMemberForm(forms.ModelForm):
    """The phone is write-only here: the current number stays masked."""

    new_phone = forms.CharField(label=_("phone"), required=False, max_length=20)

    class Meta:
        model = PartyMember
        fields = ["name", "gender", "organization", "status", "employment", "work_unit", "joined_on", "account"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["new_phone"].help_text = _("Now %(value)s; leave empty to keep it.") % {"value": mask_phone(self.instance.phone) or "—"}

    def clean_new_phone(self):
        value = self.cleaned_data["new_phone"]
        if value:
            self.instance.phone = normalize_phone(value, field="new_phone")
        return value


@admin.register(PartyMember)
class PartyMemberAdmin(ScopedAdmin):
    form = PartyMemberForm
    list_display = ["name", "organization", "status", "employment", "work_unit"]
    list_filter = ["status", "employment"]
    search_fields = ["name", "work_unit"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization", "account"]


@admin.register(DualReport)
class DualReportAdmin(ScopedAdmin):
    list_display = ["member", "community", "grid", "registered_on"]
    list_select_related = ["member", "community", "grid"]
    autocomplete_fields = ["member", "community", "grid"]


@admin.register(InstructorAssignment)
class InstructorAssignmentAdmin(ScopedAdmin):
    list_display = ["instructor", "branch", "since"]
    list_select_related = ["instructor", "branch"]
    autocomplete_fields = ["instructor", "branch"]


@admin.register(OrganizationActivity)
class OrganizationActivityAdmin(ScopedAdmin):
    list_display = ["held_on", "title", "kind", "organization", "attendees"]
    list_filter = ["kind"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    date_hierarchy = "held_on"


@admin.register(PioneerPost)
class PioneerPostAdmin(ScopedAdmin):
    list_display = ["name", "organization", "holder"]
    list_select_related = ["organization", "holder"]
    autocomplete_fields = ["organization", "holder"]
