"""The industry app in the back office. Enterprises are saved through services.enterprises (the
code's check character and the organization rules); the rest are plain scoped records."""
from django import forms
from django.contrib import admin

from gongzhi.core.admin import ScopedAdmin

from .models import (
    Agreement, AreaLead, Chain, ChainLink, CoverageTarget, Enterprise, EnterpriseYear, Evaluation, EvaluationItem,
    EvaluationResult, LeadVisit, Match, Need, Offer, Partner, PartnerService, Project,
)
from .services.enterprises import FIELDS, _check


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = [*FIELDS, "liaisons"]

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        try:
            _check(self.instance, None)  # the admin's scoping already limits the units offered
        except forms.ValidationError as error:
            self._update_errors(error)


class EnterpriseYearInline(admin.TabularInline):
    model = EnterpriseYear
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin):
    form = EnterpriseForm
    list_display = ["name", "uscc", "scale", "industry", "unit", "party_status", "members_full", "operating"]
    list_filter = ["scale", "party_status", "operating", "is_new_sector"]
    search_fields = ["name", "uscc"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit", "party_org", "instructor", "liaisons"]
    inlines = [EnterpriseYearInline]


@admin.register(CoverageTarget)
class CoverageTargetAdmin(ScopedAdmin):
    list_display = ["zone", "year", "organization_coverage", "sanyou_coverage", "work_coverage"]
    list_select_related = ["zone"]
    autocomplete_fields = ["zone"]


@admin.register(EnterpriseYear)
class EnterpriseYearAdmin(ScopedAdmin):
    list_display = ["enterprise", "year", "revenue_yuan", "tax_yuan", "patents", "standards"]
    list_filter = ["year"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]


class ChainLinkInline(admin.TabularInline):
    model = ChainLink
    fk_name = "chain"
    extra = 0
    autocomplete_fields = ["supplier", "buyer"]


@admin.register(Chain)
class ChainAdmin(ScopedAdmin):
    list_display = ["name", "zone", "leader", "committee"]
    search_fields = ["name"]
    list_select_related = ["zone", "leader", "committee"]
    autocomplete_fields = ["zone", "leader", "committee", "members"]
    inlines = [ChainLinkInline]


@admin.register(ChainLink)
class ChainLinkAdmin(ScopedAdmin):
    list_display = ["chain", "supplier", "outside_supplier", "buyer", "product", "yearly_value_yuan"]
    list_select_related = ["chain", "supplier", "buyer"]
    autocomplete_fields = ["chain", "supplier", "buyer"]


@admin.register(AreaLead)
class AreaLeadAdmin(ScopedAdmin):
    list_display = ["member", "area", "zone", "since"]
    search_fields = ["area", "member__name"]
    list_select_related = ["member", "zone"]
    autocomplete_fields = ["zone", "member", "account", "enterprises"]


@admin.register(LeadVisit)
class LeadVisitAdmin(ScopedAdmin):
    list_display = ["lead", "enterprise", "visited_on"]
    search_fields = ["enterprise__name"]
    list_select_related = ["lead__member", "enterprise"]
    autocomplete_fields = ["lead", "enterprise"]
    date_hierarchy = "visited_on"


@admin.register(Need)
class NeedAdmin(ScopedAdmin):
    list_display = ["enterprise", "kind", "status", "deadline", "solved_at"]
    list_filter = ["status", "kind"]
    search_fields = ["text"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise", "visit", "created_by"]


@admin.register(Offer)
class OfferAdmin(ScopedAdmin):
    list_display = ["enterprise", "partner", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["text"]
    list_select_related = ["enterprise", "partner"]
    autocomplete_fields = ["enterprise", "partner", "created_by"]


@admin.register(Match)
class MatchAdmin(ScopedAdmin):
    list_display = ["need", "offer", "score", "status", "meeting"]
    list_filter = ["status"]
    list_select_related = ["need__enterprise", "offer__enterprise", "offer__partner", "meeting"]
    autocomplete_fields = ["need", "offer", "meeting", "decided_by"]


@admin.register(Agreement)
class AgreementAdmin(ScopedAdmin):
    list_display = ["title", "zone", "signed_on", "amount_yuan"]
    search_fields = ["title"]
    list_select_related = ["zone"]
    autocomplete_fields = ["zone", "parties", "need", "meeting"]
    date_hierarchy = "signed_on"


class PartnerServiceInline(admin.TabularInline):
    model = PartnerService
    extra = 0


@admin.register(Partner)
class PartnerAdmin(ScopedAdmin):
    list_display = ["name", "kind", "zone"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["zone"]
    autocomplete_fields = ["zone", "enterprise"]
    inlines = [PartnerServiceInline]


@admin.register(PartnerService)
class PartnerServiceAdmin(ScopedAdmin):
    list_display = ["partner", "kind", "text", "active"]
    list_filter = ["kind", "active"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    list_display = ["title", "enterprise", "university", "patents", "standards", "revenue_yuan"]
    search_fields = ["title"]
    list_select_related = ["enterprise", "university"]
    autocomplete_fields = ["enterprise", "university"]


@admin.register(EvaluationItem)
class EvaluationItemAdmin(ScopedAdmin):
    list_display = ["text", "zone", "position", "points", "active"]
    search_fields = ["text"]
    list_select_related = ["zone"]
    autocomplete_fields = ["zone"]


class EvaluationResultInline(admin.TabularInline):
    model = EvaluationResult
    extra = 0


@admin.register(Evaluation)
class EvaluationAdmin(ScopedAdmin):
    list_display = ["organization", "year", "score"]
    search_fields = ["organization__name"]
    list_filter = ["year"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    inlines = [EvaluationResultInline]


@admin.register(EvaluationResult)
class EvaluationResultAdmin(ScopedAdmin):
    list_display = ["evaluation", "item", "met"]
    list_select_related = ["evaluation__organization", "item"]
    autocomplete_fields = ["evaluation", "item"]
