"""The partners page (/industry/partners/): 四方联动 partners, and 政产学研 projects that park
staff record and whose results they update from the page (the `patents` figure counts them);
another zone's enterprise or project is 404, a bad number is refused and writes nothing."""
from gongzhi.industry import figures
from gongzhi.industry.models import Partner, PartnerKind, Project
from tests.test_industry_pages import zones  # noqa: F401 - the fixture


def test_staff_record_a_project_and_update_its_results(client, zones):  # noqa: F811
    c = zones.c
    client.force_login(zones.changji_admin)
    body = client.get("/industry/partners/?zone=652371").content.decode()
    assert 'data-testid="project-form"' in body and c.university.name in body
    before = figures.patents()
    response = client.post("/industry/partners/projects/", {
        "enterprise": c.enterprise.pk, "university": c.university.pk, "title": "光伏支架轻量化",
        "started_on": "2025-03-01", "patents": "1", "standards": "0", "revenue_yuan": "1,200,000"}, follow=True)
    project = Project.objects.get(title="光伏支架轻量化")
    assert (project.patents, str(project.revenue_yuan), project.started_on.isoformat()) == (1, "1200000.00", "2025-03-01")
    assert "alert-success" in response.content.decode() and "光伏支架轻量化" in response.content.decode()
    client.post(f"/industry/partners/projects/{project.pk}/results/",
                {"patents": "4", "standards": "2", "revenue_yuan": "300万"})
    project.refresh_from_db()
    assert (project.patents, project.standards, str(project.revenue_yuan)) == (4, 2, "3000000.00")
    assert figures.patents() == before + 4


def test_bad_numbers_a_bank_or_a_date_to_come_are_refused_and_nothing_is_written(client, zones):  # noqa: F811
    c = zones.c
    client.force_login(zones.changji_admin)
    bank = Partner.objects.create(zone=zones.changji, kind=PartnerKind.BANK, name="农商银行")
    count = Project.objects.count()
    for extra in ({"patents": "-1"}, {"patents": "abc"}, {"revenue_yuan": "很多"}, {"started_on": "2999-01-01"},
                  {"started_on": "not a date"}, {"university": bank.pk}, {"title": ""}):
        data = {"enterprise": c.enterprise.pk, "university": c.university.pk, "title": "试验项目", **extra}
        response = client.post("/industry/partners/projects/", data, follow=True)
        assert "alert-danger" in response.content.decode(), extra
    assert Project.objects.count() == count
    client.post(f"/industry/partners/projects/{c.industry_project.pk}/results/", {"patents": "1000001"})
    c.industry_project.refresh_from_db()
    assert c.industry_project.patents == 2


def test_another_zone_s_admin_gets_404_and_a_liaison_no_form(client, zones):  # noqa: F811
    c = zones.c
    client.force_login(zones.jining_admin)
    assert client.post("/industry/partners/projects/", {"enterprise": c.enterprise.pk, "university": c.university.pk,
                                                        "title": "越界"}).status_code == 404
    assert client.post(f"/industry/partners/projects/{c.industry_project.pk}/results/", {"patents": "9"}).status_code == 404
    client.force_login(zones.liaison)
    body = client.get("/industry/partners/").content.decode()
    assert 'data-testid="project-form"' not in body and 'data-testid="project-results-' not in body
    assert client.post(f"/industry/partners/projects/{c.industry_project.pk}/results/", {"patents": "9"}).status_code == 404
    c.industry_project.refresh_from_db()
    assert c.industry_project.patents == 2


def test_a_liaison_who_sees_the_enterprise_and_the_university_still_records_nothing(client, zones):  # noqa: F811
    # The page's lookups let a liaison name their own enterprise and the zone's university: only
    # the service's staff check stands between them and a project.
    c = zones.c
    client.force_login(zones.liaison)
    count = Project.objects.count()
    response = client.post("/industry/partners/projects/", {"enterprise": c.enterprise.pk, "university": c.university.pk,
                                                            "title": "联络员自报项目"})
    assert response.status_code == 404 and Project.objects.count() == count


def test_a_partial_update_keeps_what_was_not_sent(client, zones):  # noqa: F811
    c = zones.c
    client.force_login(zones.changji_admin)
    client.post(f"/industry/partners/projects/{c.industry_project.pk}/results/", {"standards": "3"})
    c.industry_project.refresh_from_db()
    assert (c.industry_project.patents, c.industry_project.standards) == (2, 3)


def test_any_enterprise_s_project_is_recorded_from_its_own_page(client, zones):  # noqa: F811
    # The form's list is bounded; an enterprise's page links to the form with it chosen.
    c = zones.c
    client.force_login(zones.changji_admin)
    body = client.get(f"/industry/enterprises/{c.supplier.pk}/").content.decode()
    assert 'data-testid="record-project"' in body and f"?enterprise={c.supplier.pk}" in body
    form = client.get(f"/industry/partners/?enterprise={c.supplier.pk}").content.decode()
    assert f'<option value="{c.supplier.pk}" selected>' in form
    client.force_login(zones.liaison)
    assert 'data-testid="record-project"' not in client.get(f"/industry/enterprises/{c.enterprise.pk}/").content.decode()
