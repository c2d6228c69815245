"""The demo world reproduces the article's figures, counted back from records."""
import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from gongzhi.party.models import PartyOrganization
from gongzhi.territory.geometry import locate
from gongzhi.territory.models import Level, Resident, Unit

ARTICLE_FIGURES = {
    "grids": 231,
    "micro_grids": 1226,
    "grid_party_branches": 121,
    "grid_party_branches_working": 121,
    "building_party_groups": 265,
    "instructors": 466,
    "departments": 16,
    "utility_units": 8,
    "professional_grid_workers": 1104,
    "legal_officers": 75,
}


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, tmp_path_factory):
    # The demo command writes the Open311 key under VAR_DIR: never over a real demo's.
    with django_db_blocker.unblock(), override_settings(VAR_DIR=tmp_path_factory.mktemp("var")):
        call_command("demo", "--quiet", "--seed", "7")
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(demo_world, db):
    return None


def test_figures_json_has_the_articles_numbers(client, demo):
    figures = client.get(reverse("figures-json")).json()
    for key, value in ARTICLE_FIGURES.items():
        assert figures[key] == value, key
    assert figures["dual_report_members"] >= 900
    case_keys = {"problems_solved", "cases_total", "cases_open", "cases_overdue", "response_rate", "solution_rate", "satisfaction_rate"}
    assert set(figures) == set(ARTICLE_FIGURES) | {"dual_report_members"} | case_keys


def test_the_case_figures_are_counted_from_the_demo_cases(client, demo):
    from gongzhi.cases.models import Case, Status

    figures = client.get(reverse("figures-json")).json()
    assert figures["problems_solved"] >= 1500
    assert figures["problems_solved"] == Case.objects.filter(status__in=[Status.CLOSED, Status.RATED]).count()
    assert figures["cases_total"] == figures["problems_solved"] + figures["cases_open"]
    assert 0 < figures["cases_overdue"] < figures["cases_open"]
    for key in ("response_rate", "solution_rate", "satisfaction_rate"):
        assert isinstance(figures[key], float) and 0.5 < figures[key] < 1.0, key


def test_demo_cases_have_consistent_timelines(demo):
    from gongzhi.cases.models import Case, Status, TimelineEntry
    from django.utils import timezone

    assert not TimelineEntry.objects.filter(at__gt=timezone.now()).exists()
    for case in Case.objects.filter(status=Status.RATED).prefetch_related("timeline")[:300]:
        entries = list(case.timeline.all())
        assert entries[0].move == "register" and entries[-1].move == "rate"
        assert entries[-1].status_after == case.status
        assert all(a.status_after == b.status_before for a, b in zip(entries, entries[1:])), case.number
    assert Case.objects.filter(reopen_count=1).exists()
    assert Case.objects.filter(status=Status.WHISTLED).exists() or Case.objects.filter(agency_links__whistled=True).exists()


def test_the_figures_page_shows_the_same_numbers(client, demo):
    page = client.get(reverse("figures")).content.decode()
    assert 'data-figure="micro_grids">1,226<' in page or 'data-figure="micro_grids">1226<' in page


def test_micro_grids_tile_their_communities_without_overlap(demo):
    from shapely.geometry import shape
    from shapely.ops import unary_union

    for community in Unit.objects.filter(level=Level.COMMUNITY)[:8]:
        micros = [shape(b) for b in Unit.objects.under(community.code).filter(level=Level.MICRO_GRID).values_list("boundary", flat=True)]
        assert sum(m.area for m in micros) == pytest.approx(shape(community.boundary).area, rel=1e-9)
        assert unary_union(micros).symmetric_difference(shape(community.boundary)).area < 1e-12
        for i, a in enumerate(micros):
            for b in micros[i + 1:]:
                assert a.intersection(b).area < 1e-15


def test_every_building_lies_in_its_own_micro_grid(demo):
    from gongzhi.territory.models import Building

    for building in Building.objects.select_related("micro_grid")[:200]:
        assert locate(building.lat, building.lng).micro_grid_code == building.micro_grid.code


def test_the_articles_places_are_there(demo):
    names = set(Unit.objects.values_list("name", flat=True))
    assert {"接庄街道", "洸河街道", "柳行街道", "黄庄社区", "三郭社区", "东闸社区", "香堤社区"} <= names
    assert PartyOrganization.objects.filter(name="龙城一号小区党支部").exists() or Unit.objects.filter(estates__name="龙城一号小区").exists()


def test_every_resident_id_number_is_valid(demo):
    from gongzhi.territory.identity import normalize_id_number

    for number in Resident.objects.values_list("id_number", flat=True)[:2000]:
        assert normalize_id_number(number) == number


def test_running_demo_again_keeps_the_world(demo, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    before = Resident.objects.count()
    call_command("demo", "--quiet")
    assert Resident.objects.count() == before
