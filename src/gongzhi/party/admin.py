from django.contrib import admin

from gongzhi.core.admin import ScopedAdmin

from .models import DualReport, InstructorAssignment, OrganizationActivity, PartyMember, PartyOrganization, PioneerPost


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "secretary"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["unit", "secretary"]
    autocomplete_fields = ["parent", "unit", "building", "household", "secretary"]
    filter_horizontal = ["cared_households"]


@admin.register(PartyMember)
class PartyMemberAdmin(ScopedAdmin):
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
