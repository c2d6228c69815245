"""Industry chains: the local supply share and the logistics saving, computed from the links.

- Local supply share: the yearly value of the links whose supplier is an enterprise of the park,
  over the yearly value of all the chain's links (by number of links when no value is recorded).
- Logistics saving: over the links supplied locally, (cost before − cost now) / cost before,
  where "before" is the yearly logistics cost when the product came from outside the park (the
  article's 15–20 %). Links from outside the park changed nothing and are not in it.
"""
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from django.utils.translation import gettext_lazy as _

from ..models import Chain, ChainLink, PartyStatus
from .coverage import rate

LOCAL = Q(supplier__isnull=False)


def _money(expression, filter=None):
    return Coalesce(Sum(expression, filter=filter), Value(Decimal(0)), output_field=DecimalField(max_digits=18, decimal_places=2))


def supply(links):
    """The supply report of these links (one query)."""
    row = links.aggregate(
        links=Count("pk"), local_links=Count("pk", filter=LOCAL),
        value=_money("yearly_value_yuan"), local_value=_money("yearly_value_yuan", LOCAL),
        before=_money("logistics_before_yuan", LOCAL), after=_money("logistics_after_yuan", LOCAL),
    )
    share = rate(row["local_value"], row["value"]) if row["value"] else rate(row["local_links"], row["links"])
    return {**row, "local_share": share, "saving_yuan": row["before"] - row["after"],
            "saving_rate": rate(row["before"] - row["after"], row["before"])}


def chain_supply(chain):
    return supply(ChainLink.objects.filter(chain=chain))


def zone_supply(zone):
    return supply(ChainLink.objects.filter(chain__zone=zone))


# The graph's colours by party status: own (red), joint (orange), federation (gold), none (grey).
STATUS_COLOURS = {PartyStatus.OWN: "#c0392b", PartyStatus.JOINT: "#e67e22", PartyStatus.FEDERATION: "#d4ac0d",
                  PartyStatus.NONE: "#95a5a6"}
OUTSIDE_COLOUR = "#34495e"


def graph(chain, url=None, members=True):
    """The chain as ECharts graph data: nodes (enterprises, categories by party status) and
    edges (supply links); outside suppliers are one node each. Three queries. With ``url``
    (enterprise pk -> address) each enterprise's node carries the page it opens; without
    ``members`` the nodes' values (party members employed) are left out (decision 90)."""
    links = list(chain.links.select_related("supplier", "buyer"))
    enterprises = {e.pk: e for e in chain.members.all()}
    for link in links:
        for e in (link.supplier, link.buyer):
            if e is not None:
                enterprises.setdefault(e.pk, e)
    statuses = list(PartyStatus)
    nodes = [{"id": f"e{e.pk}", "name": e.name, "category": statuses.index(e.party_status),
              "value": e.members_total if members else 0, "symbolSize": 36 if e.pk == chain.leader_id else 22 if e.scale == "above" else 14,
              "leader": e.pk == chain.leader_id, **({"url": url(e.pk)} if url else {})}
             for e in sorted(enterprises.values(), key=lambda e: (e.pk != chain.leader_id, e.name))]
    outside = sorted({link.outside_supplier for link in links if link.supplier_id is None})
    nodes += [{"id": f"x{i}", "name": name, "category": len(statuses), "value": 0, "symbolSize": 12, "leader": False}
              for i, name in enumerate(outside)]
    outside_ids = {name: f"x{i}" for i, name in enumerate(outside)}
    edges = [{"source": f"e{link.supplier_id}" if link.supplier_id else outside_ids[link.outside_supplier],
              "target": f"e{link.buyer_id}", "name": link.product, "local": link.supplier_id is not None}
             for link in links]
    categories = [{"name": str(s.label), "itemStyle": {"color": STATUS_COLOURS[s]}} for s in statuses]
    categories.append({"name": str(_("Outside the park")), "itemStyle": {"color": OUTSIDE_COLOUR}})
    return {"nodes": nodes, "links": edges, "categories": categories}


def largest_chain(zone_code):
    """The zone's chain with the most supply links (the cockpit draws it), or None. One query."""
    return (Chain.objects.filter(zone__code=zone_code).annotate(n=Count("links")).filter(n__gt=0)
            .select_related("leader").order_by("-n", "name", "pk").first())
