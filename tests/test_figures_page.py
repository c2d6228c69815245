"""The figures page (/figures/): the instance's headline figures and, with more than one zone,
each zone's own figures side by side (the "zones" of /figures.json)."""
import re

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.utils import translation

from gongzhi.industry.models import Enterprise

from tests.test_industry_pages import zones  # noqa: F401 - the fixture


def test_the_page_shows_each_zone_s_figures_beside_the_instance_s(client, zones):  # noqa: F811
    cache.clear()
    client.force_login(zones.changji_admin)
    body = client.get("/figures/").content.decode()
    data = client.get("/figures.json").json()
    assert 'data-testid="by-zone"' in body
    assert "昌吉高新区" in body and data["zones"]["652371"]["name"] == "昌吉高新区"
    # Each zone's column holds its own count, in the zones' order: the table is /figures.json's "zones".
    for key in ("enterprises_small", "enterprises_above_scale", "enterprise_party_orgs"):
        shown = re.findall(rf'data-zone-figure="{key}">([^<]*)<', body)
        with translation.override("zh-hans"):
            assert shown == [intcomma(zone[key]) for zone in data["zones"].values()], key
    # A zone without enterprises has no coverage rate to show: null, and "—" on the page.
    assert data["zones"]["370871"]["org_coverage_rate"] is None
    assert data["zones"]["370871"]["local_supply_share"] is None   # no chains there: "—", not 0 %
    assert 'data-zone-figure="org_coverage_rate">—<' in body
    changji = data["zones"]["652371"]
    assert changji["enterprises_small"] + changji["enterprises_above_scale"] == \
        Enterprise.objects.filter(unit__code__startswith="652371", operating=True).count() > 0


def test_a_single_zone_instance_shows_no_zone_table(client, world):
    cache.clear()
    client.force_login(world.secretary)
    assert 'data-testid="by-zone"' not in client.get("/figures/").content.decode()
