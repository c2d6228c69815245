"""The ledgers' home (/ledgers/): the exports one may run, a confirmed full export only for the
roles that may see personal data, one's own recent exports and imports; a menu entry for staff."""
from django.urls import reverse

from gongzhi.ledgers.models import ExportLog, ImportRun


def test_staff_see_the_exports_they_may_run_and_their_own_log(client, world):
    ExportLog.objects.create(user=world.secretary, ledger="residents", rows=2, full=True)
    ExportLog.objects.create(user=world.worker_a, ledger="cases", rows=9)
    ImportRun.objects.create(user=world.secretary, kind="residents", file_name="居民.xlsx")
    client.force_login(world.secretary)
    response = client.get(reverse("ledgers:index"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="export-cases"' in page and 'data-testid="export-residents"' in page
    assert 'data-testid="full-residents"' in page and 'data-testid="full-cases"' not in page
    assert [log.ledger for log, _label in response.context["logs"]] == ["residents"]
    assert "居民.xlsx" in page and 'data-testid="menu-ledgers"' in page


def test_a_grid_worker_is_offered_no_full_export(client, world):
    client.force_login(world.worker_a)
    page = client.get(reverse("ledgers:index")).content.decode()
    assert 'data-testid="export-residents"' in page and 'data-testid="full-residents"' not in page


def test_a_resident_is_offered_nothing_and_has_no_menu_entry(client, world):
    client.force_login(world.outsider)
    response = client.get(reverse("ledgers:index"))
    assert response.context["exports"] == []
    assert 'data-testid="menu-ledgers"' not in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    assert client.get(reverse("ledgers:index")).status_code == 302


def test_the_case_ledger_links_to_its_export_with_the_same_filters(client, world):
    client.force_login(world.secretary)
    page = client.get(reverse("cases:ledger"), {"status": "open", "unit": world.grid_a.code}).content.decode()
    assert f'{reverse("ledgers:export", args=["cases"])}?status=open&amp;unit={world.grid_a.code}' in page
