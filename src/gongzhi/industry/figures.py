"""The industry app's headline figures (/figures.json), counted from the records (never typed).

Each figure counts the whole instance and, through ``count_in``, one zone (its root code): the
per-zone breakdown of /figures.json (decision 67). Rates are fractions (0.61), as the other
apps' rates are; the pages show them as percentages.
"""
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from gongzhi.core.plugins import Figure
from gongzhi.core.scoping import under_codes_q

from .models import ORGANIZED, Agreement, ChainLink, Enterprise, Need, NeedStatus, Project, Scale
from .services import chains, coverage


def _within(field, code):
    return under_codes_q(field, [code]) if code else Q()


def _enterprises(code=None):
    return Enterprise.objects.filter(_within("unit__code", code))


def _fraction(percent, code=None):
    """A rate as a fraction. With nothing to count: 0.0 for the instance (its figures stay
    numbers), None for a zone, so a zone without enterprises reads "—", not 0 %."""
    if percent is None:
        return None if code else 0.0
    return round(percent / 100, 3)


def above_scale(code=None):
    return _enterprises(code).filter(scale=Scale.ABOVE, operating=True).count()


def small(code=None):
    return _enterprises(code).filter(scale=Scale.SMALL, operating=True).count()


def _organized(code=None):
    return _enterprises(code).filter(operating=True, party_status__in=ORGANIZED, party_org__isnull=False)


def party_orgs(code=None):
    return _organized(code).aggregate(n=Count("party_org", distinct=True))["n"]


def new_sector_orgs(code=None):
    return _organized(code).filter(is_new_sector=True).aggregate(n=Count("party_org", distinct=True))["n"]


def new_sector_members(code=None):
    row = _organized(code).filter(is_new_sector=True).aggregate(f=Sum("members_full"), p=Sum("members_probationary"))
    return (row["f"] or 0) + (row["p"] or 0)


def org_coverage(code=None):
    return _fraction(coverage.coverage(_enterprises(code))["organization_rate"], code)


def sanyou_coverage(code=None):
    return _fraction(coverage.coverage(_enterprises(code))["sanyou_rate"], code)


def needs_solved(code=None):
    return Need.objects.filter(_within("enterprise__unit__code", code), status=NeedStatus.SOLVED).count()


def cooperating(code=None):
    """Enterprises that agreed to cooperate: the distinct parties of the agreements."""
    parties = Agreement.parties.through.objects.filter(_within("agreement__zone__code", code))
    return parties.aggregate(n=Count("enterprise", distinct=True))["n"]


def patents(code=None):
    """Patents from 政产学研 projects."""
    return Project.objects.filter(_within("enterprise__unit__code", code)).aggregate(n=Sum("patents"))["n"] or 0


def local_supply(code=None):
    return _fraction(chains.supply(ChainLink.objects.filter(_within("chain__zone__code", code)))["local_share"], code)


def _figure(key, label, count):
    return Figure(key, label, count, count_in=count)


FIGURES = [
    _figure("enterprises_above_scale", _("Enterprises above designated size (规上)"), above_scale),
    _figure("enterprises_small", _("Small and medium enterprises"), small),
    _figure("enterprise_party_orgs", _("Enterprise party organizations"), party_orgs),
    _figure("new_sector_party_orgs", _("三新 party organizations"), new_sector_orgs),
    _figure("new_sector_party_members", _("Members of 三新 party organizations"), new_sector_members),
    _figure("org_coverage_rate", _("Party organization coverage of non-public enterprises"), org_coverage),
    _figure("sanyou_coverage_rate", _("三有 enterprises with their own organization"), sanyou_coverage),
    _figure("needs_solved", _("Enterprise needs solved"), needs_solved),
    _figure("enterprises_cooperating", _("Enterprises that agreed to cooperate"), cooperating),
    _figure("patents", _("Patents from university–enterprise projects"), patents),
    _figure("local_supply_share", _("Local supply share of the industry chains"), local_supply),
]
