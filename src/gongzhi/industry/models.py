"""Party building along the industry chain (党建链 + 产业链): enterprises of a park, their party
organizations, the chains they form and what they need from each other.

A *zone* (园区: 济宁高新区, 昌吉高新区) is a territory root (``Level.DISTRICT``) with its own code
prefix; its parts are the units below it and an enterprise is located in one of them (usually a
grid). Everything here is scoped through territory codes, so nobody of one zone sees a record of
another:

- ``CoverageTarget``: a zone's yearly targets for organization coverage and the 三有 rule.
- ``Enterprise`` (统一社会信用代码 checked in services), its party status and organization (a
  node of the party app's organization tree), who reached it (work coverage), its liaisons
  (enterprise accounts that see its private data); ``EnterpriseYear`` its yearly indicators.
- ``Chain`` (产业链, a leader 链主, a joint party committee) with ``ChainLink`` rows (who supplies
  whom with what, and the logistics cost before and after local supply).
- ``AreaLead`` (红色帮扶网) and ``LeadVisit``.
- The market: ``Need``, ``Offer``, ``Match`` (confirmed at a deliberation ``Meeting``),
  ``Agreement`` (cooperation agreements, counted for "enterprises that agreed to cooperate").
- ``Partner`` (四方联动) and ``PartnerService``; ``Project`` (政产学研);
  ``EvaluationItem`` and ``Evaluation``/``EvaluationResult`` (the 五个好 checklist).

Who sees what: park staff (``INDUSTRY_STAFF_ROLES``) see the records under the units they hold;
zone-wide records (targets, chains, partners, checklists) are seen by everyone who holds an
industry role anywhere in the zone (``zone_q``); an enterprise liaison sees their own
enterprise and its records (needs, offers, matches, agreements, projects).
"""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongzhi.core.querysets import ScopedQuerySet
from gongzhi.core.scoping import under_codes_q
from gongzhi.core.text import LONG_TEXT
from gongzhi.people.models import LEDGER_ROLES, Role
from gongzhi.territory.models import CODE_LENGTH, Level

# Who works with the enterprises of their scope: the territory's staff, the park's service staff
# and party-building instructors.
INDUSTRY_STAFF_ROLES = LEDGER_ROLES | {Role.PARK_STAFF, Role.INSTRUCTOR}
# Who may see a zone's shared records (chains, partners, targets): staff and enterprise liaisons.
INDUSTRY_ROLES = INDUSTRY_STAFF_ROLES | {Role.ENTERPRISE_LIAISON}

ZONE_CODE_LENGTH = CODE_LENGTH[Level.DISTRICT]
PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


def staff_q(field, user):
    """``field`` (a unit code) lies under a unit this user holds a staff role for."""
    return under_codes_q(field, user.scope_codes(INDUSTRY_STAFF_ROLES))


def is_industry_staff(user):
    """Does this user hold a staff role of the industry pages anywhere (not a liaison only)?"""
    return user.is_authenticated and (user.is_superuser or user.has_role(*INDUSTRY_STAFF_ROLES))


def is_zone_staff(user, code):
    """Does this user hold a staff role somewhere in the zone of ``code`` (a unit code)?"""
    zone = code[:ZONE_CODE_LENGTH]
    return user.is_superuser or any(c[:ZONE_CODE_LENGTH] == zone for c in user.scope_codes(INDUSTRY_STAFF_ROLES))


def zone_q(field, user, roles=INDUSTRY_ROLES):
    """``field`` (a unit code) lies in a zone where this user holds an industry role."""
    return under_codes_q(field, {code[:ZONE_CODE_LENGTH] for code in user.scope_codes(roles)})


def liaison_enterprises(user):
    """The enterprises this account is a liaison of (a subquery)."""
    return Enterprise.liaisons.through.objects.filter(user=user).values("enterprise")


class ZoneQuerySet(ScopedQuerySet):
    """Zone-wide records with a ``zone`` unit: seen by every industry role of the zone."""

    def scope_q(self, user):
        return zone_q("zone__code", user)


class CoverageTarget(models.Model):
    """A zone's targets for one year (the article: 三有 100 %, non-public coverage ≥ 60 % in 2025)."""

    zone = models.ForeignKey("territory.Unit", on_delete=models.CASCADE, related_name="coverage_targets",
                             verbose_name=_("zone"))
    year = models.PositiveSmallIntegerField(_("year"))
    organization_coverage = models.DecimalField(_("organization coverage target (%)"), max_digits=5, decimal_places=1,
                                                validators=PERCENT)
    sanyou_coverage = models.DecimalField(_("三有 target (%)"), max_digits=5, decimal_places=1, validators=PERCENT,
                                          default=100)
    work_coverage = models.DecimalField(_("work coverage target (%)"), max_digits=5, decimal_places=1,
                                        validators=PERCENT, default=100)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("coverage target")
        verbose_name_plural = _("coverage targets")
        ordering = ["zone__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "year"], name="coverage_target_once_a_year"),
            models.CheckConstraint(condition=Q(organization_coverage__gte=0, organization_coverage__lte=100,
                                               sanyou_coverage__gte=0, sanyou_coverage__lte=100,
                                               work_coverage__gte=0, work_coverage__lte=100),
                                   name="coverage_target_is_a_percentage"),
        ]

    def __str__(self):
        return f"{self.zone.name} {self.year}"


class Scale(models.TextChoices):
    ABOVE = "above", _("Above designated size (规模以上)")
    SMALL = "small", _("Small, medium or micro (中小微)")


class PartyStatus(models.TextChoices):
    OWN = "own", _("Own party organization")
    JOINT = "joint", _("Joint branch (联合党支部)")
    FEDERATION = "federation", _("Covered by the park federation branch (企业联合会党支部)")
    NONE = "none", _("No party organization")


# Statuses that count as organization coverage (组织覆盖): the enterprise's own or a joint one.
ORGANIZED = (PartyStatus.OWN, PartyStatus.JOINT)
# The 三有 rule: an enterprise with this many full members or more should have its own organization.
SANYOU_MIN_FULL_MEMBERS = 3


class EnterpriseQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return staff_q("unit__code", user) | Q(pk__in=liaison_enterprises(user))

    def in_zone(self, zone):
        return self.filter(under_codes_q("unit__code", [zone.code]))

    def directory(self, user):
        """Every enterprise of the zones where this user holds an industry role, for naming a
        partner in the market (name and industry only: private data stays behind ``visible_to``)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self if user.is_superuser else self.filter(zone_q("unit__code", user))


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=100)
    # 统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character (services.uscc).
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    scale = models.CharField(_("scale"), max_length=10, choices=Scale.choices, default=Scale.SMALL, db_index=True)
    industry = models.CharField(_("industry"), max_length=50, blank=True)
    unit = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="enterprises",
                             verbose_name=_("location (unit of the park)"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    staff = models.PositiveIntegerField(_("staff"), default=0)
    members_full = models.PositiveIntegerField(_("party members employed (full)"), default=0)
    members_probationary = models.PositiveIntegerField(_("party members employed (probationary)"), default=0)
    non_public = models.BooleanField(_("non-public enterprise"), default=True)
    operating = models.BooleanField(_("operating"), default=True)
    is_new_sector = models.BooleanField(_("new economic sector (三新)"), default=False)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    party_status = models.CharField(_("party organization status"), max_length=12, choices=PartyStatus.choices,
                                    default=PartyStatus.NONE, db_index=True)
    # Own or joint: the organization (a node of the party tree); federation: the park's branch.
    party_org = models.ForeignKey("party.PartyOrganization", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="enterprises", verbose_name=_("party organization"))
    # Since when its status counts as organization coverage (coverage over time is counted from it).
    organized_on = models.DateField(_("organized on"), null=True, blank=True)
    # Work coverage (工作覆盖): the instructor or park liaison who reached it, and since when.
    instructor = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="instructed_enterprises", verbose_name=_("instructor or liaison"))
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    # The enterprise's own accounts (企业联络员): they see its private data and post its needs.
    liaisons = models.ManyToManyField("people.User", blank=True, related_name="liaison_of",
                                      verbose_name=_("enterprise liaisons"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["unit__code", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(party_status="none") | Q(party_org__isnull=True),
                                   name="enterprise_without_organization_has_none"),
            models.CheckConstraint(condition=Q(party_status="none") | Q(organized_on__isnull=False),
                                   name="enterprise_organized_has_a_date"),
        ]
        indexes = [
            models.Index(fields=["unit", "operating", "party_status"], name="enterprise_unit_status"),
            models.Index(fields=["-members_full", "name"], name="enterprise_members"),
        ]

    def __str__(self):
        return self.name

    @property
    def members_total(self):
        return self.members_full + self.members_probationary

    @property
    def organized(self):
        return self.party_status in ORGANIZED

    @property
    def sanyou_due(self):
        """三有: enough full members to need an organization of its own."""
        return self.members_full >= SANYOU_MIN_FULL_MEMBERS

    @property
    def sanyou_met(self):
        return self.sanyou_due and self.party_status == PartyStatus.OWN


class OfEnterpriseQuerySet(ScopedQuerySet):
    """Records of one enterprise: seen by whoever sees the enterprise."""

    def scope_q(self, user):
        return Q(enterprise__in=Enterprise.objects.filter(Enterprise.objects.scope_q(user)))


class EnterpriseYear(models.Model):
    """An enterprise's indicators for one year (revenue, tax and output in yuan)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="years",
                                   verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("year"))
    revenue_yuan = models.DecimalField(_("revenue (yuan)"), max_digits=16, decimal_places=2, default=0)
    tax_yuan = models.DecimalField(_("tax (yuan)"), max_digits=16, decimal_places=2, default=0)
    output_yuan = models.DecimalField(_("output value (yuan)"), max_digits=16, decimal_places=2, default=0)
    patents = models.PositiveIntegerField(_("patents"), default=0)
    standards = models.PositiveIntegerField(_("standards drafted"), default=0)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    objects = OfEnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise year")
        verbose_name_plural = _("enterprise years")
        ordering = ["enterprise_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="enterprise_year_once")]

    def __str__(self):
        return f"{self.enterprise} {self.year}"


class Chain(models.Model):
    """An industry chain of a zone (输变电, 造纸 …), its leader (链主) and joint party committee."""

    zone = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="industry_chains",
                             verbose_name=_("zone"))
    name = models.CharField(_("name"), max_length=50)
    leader = models.ForeignKey(Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_chains",
                               verbose_name=_("chain leader (链主)"))
    committee = models.ForeignKey("party.PartyOrganization", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="industry_chains", verbose_name=_("joint party committee"))
    members = models.ManyToManyField(Enterprise, blank=True, related_name="chains", verbose_name=_("enterprises"))
    description = models.TextField(_("description"), max_length=LONG_TEXT, blank=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")
        ordering = ["zone__code", "name"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="chain_name_once_per_zone")]

    def __str__(self):
        return self.name


class OfChainQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return zone_q("chain__zone__code", user)


class ChainLink(models.Model):
    """One supply relation on a chain: ``supplier`` sells ``product`` to ``buyer``.

    A supplier outside the park has no enterprise here (``supplier`` empty, ``outside_supplier``
    names it). ``logistics_before_yuan`` is the yearly logistics cost when the product came from
    outside, ``logistics_after_yuan`` the cost now (the same for an outside supplier): the local
    supply share and the logistics saving are computed from these (services.coverage)."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="links", verbose_name=_("chain"))
    supplier = models.ForeignKey(Enterprise, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="supplies", verbose_name=_("supplier"))
    outside_supplier = models.CharField(_("supplier outside the park"), max_length=100, blank=True)
    buyer = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="purchases", verbose_name=_("buyer"))
    product = models.CharField(_("what is supplied"), max_length=100)
    yearly_volume = models.DecimalField(_("yearly volume"), max_digits=14, decimal_places=2, default=0)
    volume_unit = models.CharField(_("unit of volume"), max_length=10, blank=True)
    yearly_value_yuan = models.DecimalField(_("yearly value (yuan)"), max_digits=16, decimal_places=2, default=0)
    logistics_before_yuan = models.DecimalField(_("logistics cost before local supply (yuan a year)"), max_digits=14,
                                                decimal_places=2, default=0)
    logistics_after_yuan = models.DecimalField(_("logistics cost now (yuan a year)"), max_digits=14, decimal_places=2,
                                               default=0)

    objects = OfChainQuerySet.as_manager()

    class Meta:
        verbose_name = _("supply link")
        verbose_name_plural = _("supply links")
        ordering = ["chain_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(supplier__isnull=False) | ~Q(outside_supplier=""),
                                   name="chain_link_has_a_supplier"),
            models.CheckConstraint(condition=Q(supplier__isnull=True) | ~Q(supplier=models.F("buyer")),
                                   name="chain_link_not_to_itself"),
        ]

    def __str__(self):
        return f"{self.supplier or self.outside_supplier} → {self.buyer}: {self.product}"

    @property
    def is_local(self):
        return self.supplier_id is not None


class AreaLeadQuerySet(ScopedQuerySet):
    """The zone's leads for its park staff, and a lead's own record for the lead's account (a
    retired member holds no industry role). Not for enterprise liaisons: a lead's group names
    other enterprises and their visits."""

    def scope_q(self, user):
        return zone_q("zone__code", user, INDUSTRY_STAFF_ROLES) | Q(account=user)


class AreaLead(models.Model):
    """红色帮扶网: a veteran party member leading a group of enterprises of a zone."""

    zone = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("zone"))
    member = models.ForeignKey("party.PartyMember", on_delete=models.PROTECT, related_name="area_leads",
                               verbose_name=_("party member"))
    account = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("account"))
    area = models.CharField(_("area"), max_length=100, blank=True)
    enterprises = models.ManyToManyField(Enterprise, blank=True, related_name="area_leads",
                                         verbose_name=_("enterprises"))
    since = models.DateField(_("since"), null=True, blank=True)

    objects = AreaLeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("area lead (红色帮扶网)")
        verbose_name_plural = _("area leads (红色帮扶网)")
        ordering = ["zone__code", "area"]

    def __str__(self):
        return f"{self.member} {self.area}".strip()


class LeadVisitQuerySet(ScopedQuerySet):
    """Visits: seen by whoever sees the enterprise, and by the lead who made them."""

    def scope_q(self, user):
        return OfEnterpriseQuerySet.scope_q(self, user) | Q(lead__account=user)


class LeadVisit(models.Model):
    lead = models.ForeignKey(AreaLead, on_delete=models.CASCADE, related_name="visits", verbose_name=_("area lead"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="lead_visits",
                                   verbose_name=_("enterprise"))
    visited_on = models.DateField(_("visited on"))
    notes = models.TextField(_("notes"), max_length=LONG_TEXT, blank=True)

    objects = LeadVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("area lead visit")
        verbose_name_plural = _("area lead visits")
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["enterprise", "-visited_on"], name="lead_visit_enterprise")]

    def __str__(self):
        return f"{self.enterprise} {self.visited_on}"


class NeedKind(models.TextChoices):
    FUNDING = "funding", _("Funding (资金)")
    TALENT = "talent", _("Talent (人才)")
    MATERIALS = "materials", _("Raw materials (原材料)")
    LOGISTICS = "logistics", _("Logistics (物流)")
    MARKET = "market", _("Markets (市场)")
    TECHNOLOGY = "technology", _("Technology (技术)")
    OTHER = "other", _("Other (其他)")


class NeedStatus(models.TextChoices):
    # In a context of their own: "Open" and "Solved" say other things on a case (是否解决).
    OPEN = "open", pgettext_lazy("need status", "Open")
    MATCHED = "matched", pgettext_lazy("need status", "Matched")
    SOLVED = "solved", pgettext_lazy("need status", "Solved")
    CLOSED = "closed", pgettext_lazy("need status", "Closed unsolved")


class Need(models.Model):
    """A need an enterprise posts (or an area lead collects on a visit), followed until solved."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="needs",
                                   verbose_name=_("enterprise"))
    kind = models.CharField(_("kind"), max_length=12, choices=NeedKind.choices)
    text = models.TextField(_("what is needed"), max_length=LONG_TEXT)
    quantity = models.CharField(_("quantity"), max_length=50, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN,
                              db_index=True)
    visit = models.ForeignKey(LeadVisit, on_delete=models.SET_NULL, null=True, blank=True, related_name="needs",
                              verbose_name=_("collected on visit"))
    outcome = models.TextField(_("outcome"), max_length=LONG_TEXT, blank=True)
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    created_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OfEnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(status="solved") | Q(solved_at__isnull=False),
                                              name="need_solved_has_a_time")]
        indexes = [models.Index(fields=["status", "kind"], name="need_status_kind"),
                   models.Index(fields=["enterprise", "status"], name="need_enterprise_status")]

    def __str__(self):
        return f"{self.enterprise}: {self.get_kind_display()}"


class PartnerKind(models.TextChoices):
    GOVERNMENT = "government", _("Government body")
    BANK = "bank", _("Bank")
    UNIVERSITY = "university", _("University or institute")
    ENTERPRISE = "enterprise", _("Enterprise")
    OVERSEAS = "overseas", _("Overseas platform")


class Partner(models.Model):
    """四方联动: a partner of the zone offering services (a bank's loans, a university's research,
    an overseas warehouse or partner park)."""

    zone = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("zone"))
    kind = models.CharField(_("kind"), max_length=12, choices=PartnerKind.choices)
    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("enterprise (when the partner is one)"))

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["zone__code", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="partner_name_once_per_zone")]

    def __str__(self):
        return self.name


class ServiceKind(models.TextChoices):
    LOAN = "loan", _("Loans")
    TALENT = "talent", _("Talent")
    RESEARCH = "research", _("Research")
    WAREHOUSE = "warehouse", _("Warehouse abroad")
    MARKET = "market", _("Market access")
    POLICY = "policy", _("Policy support")
    OTHER = "other", _("Other")


class OfPartnerQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return zone_q("partner__zone__code", user)


class PartnerService(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="services", verbose_name=_("partner"))
    kind = models.CharField(_("kind"), max_length=12, choices=ServiceKind.choices)
    text = models.CharField(_("what is offered"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    objects = OfPartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner service")
        verbose_name_plural = _("partner services")
        ordering = ["partner_id", "kind"]

    def __str__(self):
        return f"{self.partner}: {self.text}"


class OfferQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return (Q(enterprise__in=Enterprise.objects.filter(Enterprise.objects.scope_q(user)))
                | Q(partner__in=Partner.objects.filter(Partner.objects.scope_q(user))))


class Offer(models.Model):
    """What an enterprise (or a partner) offers: capacity, products, services."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, null=True, blank=True, related_name="offers",
                                   verbose_name=_("enterprise"))
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, null=True, blank=True, related_name="offers",
                                verbose_name=_("partner"))
    kind = models.CharField(_("kind"), max_length=12, choices=NeedKind.choices)
    text = models.TextField(_("what is offered"), max_length=LONG_TEXT)
    quantity = models.CharField(_("quantity"), max_length=50, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(
            condition=Q(enterprise__isnull=False, partner__isnull=True) | Q(enterprise__isnull=True, partner__isnull=False),
            name="offer_by_an_enterprise_or_a_partner")]
        indexes = [models.Index(fields=["kind", "active"], name="offer_kind_active")]

    def __str__(self):
        return f"{self.enterprise or self.partner}: {self.get_kind_display()}"


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class MatchQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        """Seen with its need (park staff, the need's liaisons), or by the liaisons of the
        enterprise that made the offer. Not through a partner's offer: partners' offers are
        seen zone-wide, and every need a bank's loan was matched to would be seen with them."""
        return (Q(need__in=Need.objects.filter(Need.objects.scope_q(user)))
                | Q(offer__enterprise__in=Enterprise.objects.filter(Enterprise.objects.scope_q(user))))


class Match(models.Model):
    """A need paired with an offer: suggested by the system (with its reason and score), then
    confirmed (usually at a matchmaking meeting, 企业供需对接会) or rejected."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches", verbose_name=_("need"))
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="matches", verbose_name=_("offer"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    score = models.FloatField(_("score"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.SUGGESTED)
    meeting = models.ForeignKey("deliberation.Meeting", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="industry_matches", verbose_name=_("confirmed at meeting"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey("people.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["need_id", "-score", "pk"]
        constraints = [models.UniqueConstraint(fields=["need", "offer"], name="match_once_per_pair")]

    def __str__(self):
        return f"{self.need} ↔ {self.offer}"

    @property
    def why(self):
        """The reason, in the reader's language (services.market.reason_of)."""
        from .services.market import reason_of

        return reason_of(self)


class AgreementQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        parties = Agreement.parties.through.objects.filter(enterprise__in=liaison_enterprises(user))
        return zone_q("zone__code", user, INDUSTRY_STAFF_ROLES) | Q(pk__in=parties.values("agreement"))


class Agreement(models.Model):
    """A cooperation agreement between enterprises of a zone ("enterprises that agreed to
    cooperate" is counted from its parties)."""

    zone = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("zone"))
    title = models.CharField(_("title"), max_length=200)
    parties = models.ManyToManyField(Enterprise, related_name="agreements", verbose_name=_("parties"))
    need = models.ForeignKey(Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="agreements",
                             verbose_name=_("need answered"))
    meeting = models.ForeignKey("deliberation.Meeting", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="industry_agreements", verbose_name=_("signed at meeting"))
    signed_on = models.DateField(_("signed on"))
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True)
    notes = models.TextField(_("notes"), max_length=LONG_TEXT, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["-signed_on", "-pk"]

    def __str__(self):
        return self.title


class Project(models.Model):
    """政产学研: a research project of an enterprise with a university (or institute) partner."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="projects",
                                   verbose_name=_("enterprise"))
    university = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="projects",
                                   verbose_name=_("university or institute"))
    title = models.CharField(_("title"), max_length=200)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    patents = models.PositiveIntegerField(_("patents"), default=0)
    standards = models.PositiveIntegerField(_("standards drafted"), default=0)
    revenue_yuan = models.DecimalField(_("revenue from results (yuan)"), max_digits=16, decimal_places=2, default=0)

    objects = OfEnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("research project (政产学研)")
        verbose_name_plural = _("research projects (政产学研)")
        ordering = ["enterprise_id", "title"]

    def __str__(self):
        return self.title


class EvaluationItem(models.Model):
    """One item of a zone's 五个好 checklist for enterprise party organizations."""

    zone = models.ForeignKey("territory.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("zone"))
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.CharField(_("item"), max_length=200)
    points = models.PositiveSmallIntegerField(_("points"), default=20)
    active = models.BooleanField(_("active"), default=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation item (五个好)")
        verbose_name_plural = _("evaluation items (五个好)")
        ordering = ["zone__code", "position"]

    def __str__(self):
        return self.text


class EvaluationQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        from gongzhi.party.models import PartyOrganization

        return (staff_q("organization__unit__code", user)
                | Q(organization__in=PartyOrganization.objects.filter(PartyOrganization.objects.scope_q(user))))


class Evaluation(models.Model):
    """A party organization's 五个好 evaluation for one year; the score is the sum of the points of
    the items it met (services.evaluations), kept here so lists need no aggregation."""

    organization = models.ForeignKey("party.PartyOrganization", on_delete=models.CASCADE, related_name="evaluations",
                                     verbose_name=_("party organization"))
    year = models.PositiveSmallIntegerField(_("year"))
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    notes = models.TextField(_("notes"), max_length=LONG_TEXT, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation (五个好)")
        verbose_name_plural = _("evaluations (五个好)")
        ordering = ["-year", "organization_id"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="evaluation_once_a_year")]

    def __str__(self):
        return f"{self.organization} {self.year}"


class EvaluationResultQuerySet(ScopedQuerySet):
    def scope_q(self, user):
        return Q(evaluation__in=Evaluation.objects.filter(Evaluation.objects.scope_q(user)))


class EvaluationResult(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results",
                                   verbose_name=_("evaluation"))
    item = models.ForeignKey(EvaluationItem, on_delete=models.PROTECT, related_name="results", verbose_name=_("item"))
    met = models.BooleanField(_("met"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = EvaluationResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["evaluation_id", "item__position"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "item"], name="evaluation_result_once")]

    def __str__(self):
        return f"{self.item}: {'✓' if self.met else '✗'}"
