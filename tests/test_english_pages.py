"""The pages in English: inbox tabs, category names and the party's "functioning" rule
follow the reader's language, not the language the server started in."""
from django.urls import reverse
from django.utils import translation

from gongzhi.cases.defaults import CATEGORIES, ENGLISH_NAMES, install
from gongzhi.cases.forms import category_choices
from gongzhi.cases.models import Category
from gongzhi.party.models import PartyOrganization
from tests.conftest import PASSWORD
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_inbox_tabs_follow_the_readers_language(client, cw):
    login(client, cw.worker_a)
    chinese = client.get(reverse("cases:inbox"), **ZH).content.decode()
    assert ">新诉求<" in chinese or ">新登记<" in chinese or "待核查" in chinese
    english = client.get(reverse("cases:inbox"), **EN).content.decode()
    for tab in ("New", "To verify", "Overdue", "All open"):
        assert f">{tab}</a>" in english, tab


def test_every_default_category_gets_its_english_name_from_the_migration(db):
    import importlib

    from django.apps import apps

    codes = [code for code, _name, minors in CATEGORIES] + [m[0] for _c, _n, minors in CATEGORIES for m in minors]
    assert set(codes) == set(ENGLISH_NAMES)
    install(Category)  # (a transactional test before this one may have emptied the table)
    Category.objects.update(name_en="")
    Category.objects.filter(code="0102").update(name="乱停乱放")  # renamed by an admin: its default English may not fit
    importlib.import_module("gongzhi.cases.migrations.0009_category_name_en").install_english_names(apps, None)
    names = dict(Category.objects.filter(code__in=codes).values_list("code", "name_en"))
    assert names == {**ENGLISH_NAMES, "0102": ""}


def test_category_names_follow_the_readers_language(cw):
    category = Category.objects.get(code="0201")
    with translation.override("en"):
        assert str(category) == "Facilities / Broken fitness equipment"
        assert ("Facilities", [(category.pk, "Broken fitness equipment"), *_rest(category)]) in category_choices()
    with translation.override("zh-hans"):
        assert str(category) == "设施设备 / 健身器材损坏"


def _rest(category):
    return [(c.pk, c.name_en) for c in Category.objects.filter(parent=category.parent, active=True).exclude(pk=category.pk).order_by("code")]


def test_a_category_without_an_english_name_shows_its_chinese_one(cw):
    minor = Category.objects.create(code="9902", name="井盖缺失", parent=Category.objects.get(code="99"))
    with translation.override("en"):
        assert str(minor) == "Other / 井盖缺失"


def test_the_case_list_and_page_show_the_english_category(client, cw):
    case = report(cw)
    login(client, cw.worker_a)
    assert "Broken fitness equipment" in client.get(reverse("cases:inbox"), **EN).content.decode()
    page = client.get(reverse("cases:detail", args=[case.number]), **EN).content.decode()
    assert "Facilities / Broken fitness equipment" in page
    assert "健身器材损坏" in client.get(reverse("cases:detail", args=[case.number]), **ZH).content.decode()


def test_the_report_form_offers_english_category_names(client, cw):
    page = client.get(reverse("cases:report"), **EN).content.decode()
    assert '<optgroup label="Facilities">' in page and ">Broken fitness equipment<" in page


def test_functioning_branches_are_called_functioning_in_english(client, world):
    PartyOrganization.objects.create(name="A网格党支部", kind="branch", unit=world.grid_a)
    login(client, world.worker_a)
    branches = client.get(reverse("party:branches"), **EN).content.decode()
    figures = client.get(reverse("figures"), **EN).content.decode()
    for page in (branches, figures):
        assert "really working" not in page.lower()
    assert "Functioning" in branches and "Grid party branches functioning" in figures
    assert "实体化运行" in client.get(reverse("party:branches"), **ZH).content.decode()


def test_the_figures_page_shows_shares_as_percentages(client, world):
    from gongzhi.dashboard.views import _shown

    assert _shown("org_coverage_rate", 0.61) == "61.0%" and _shown("local_supply_share", 1) == "100.0%"
    assert _shown("micro_grids", 1226) == 1226
    login(client, world.worker_a)
    page = client.get(reverse("figures")).content.decode()
    assert 'data-figure="response_rate">0.0%<' in page  # no case rated yet: 0 %, not a bare fraction
