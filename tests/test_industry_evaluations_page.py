"""The 五个好 page (/industry/evaluations/): the zone's evaluations, and park staff record one
from the page (the zone's checklist ticked, the score summed); another zone's organization is
404, a bad year is refused with the reason and writes nothing."""
from django.utils import timezone

from gongzhi.industry.models import Evaluation, EvaluationItem
from tests.test_industry_pages import zones  # noqa: F401 - the fixture


def test_staff_record_an_evaluation_and_see_its_score(client, zones):  # noqa: F811
    c = zones.c
    second = EvaluationItem.objects.create(zone=zones.changji, position=200, text="作用发挥好", points=30)
    client.force_login(zones.changji_admin)
    body = client.get("/industry/evaluations/?zone=652371").content.decode()
    assert 'data-testid="evaluation-form"' in body and "作用发挥好" in body and zones.changji_branch.name in body
    year = timezone.localdate().year
    response = client.post("/industry/evaluations/record/", {
        "organization": zones.changji_branch.pk, "year": str(year), "item": [second.pk], "notes": "年度考评"}, follow=True)
    evaluation = Evaluation.objects.get(organization=zones.changji_branch, year=year)
    assert evaluation.score == 30 and evaluation.notes == "年度考评"
    assert {(r.item_id, r.met) for r in evaluation.results.all()} == {(c.evaluation_item.pk, False), (second.pk, True)}
    assert "30" in response.content.decode() and "alert-success" in response.content.decode()
    # Recording the year again replaces its results, and the page says what they were.
    again = client.post("/industry/evaluations/record/", {"organization": zones.changji_branch.pk, "year": str(year),
                                                          "item": [second.pk, c.evaluation_item.pk]}, follow=True)
    evaluation.refresh_from_db()
    assert evaluation.score == 30 + c.evaluation_item.points
    assert "alert-warning" in again.content.decode() and "30" in again.content.decode()
    # No organization chosen: a message, not a guess (the list starts with "choose").
    assert '<option value="">' in body
    empty = client.post("/industry/evaluations/record/", {"organization": "", "year": str(year)}, follow=True)
    assert "alert-danger" in empty.content.decode()


def test_a_year_to_come_is_refused_and_nothing_is_written(client, zones):  # noqa: F811
    client.force_login(zones.changji_admin)
    before = Evaluation.objects.count()
    for year in (str(timezone.localdate().year + 1), "1999", "abc", ""):
        response = client.post("/industry/evaluations/record/", {"organization": zones.changji_branch.pk, "year": year},
                               follow=True)
        assert "alert-danger" in response.content.decode(), year
    assert Evaluation.objects.count() == before


def test_another_zone_s_admin_gets_404_and_no_form(client, zones):  # noqa: F811
    client.force_login(zones.jining_admin)
    response = client.post("/industry/evaluations/record/", {"organization": zones.changji_branch.pk, "year": "2025"})
    assert response.status_code == 404
    assert client.get("/industry/evaluations/?zone=652371").status_code == 404
    assert zones.changji_branch.name not in client.get("/industry/evaluations/").content.decode()
    # A liaison sees the page but records nothing.
    client.force_login(zones.liaison)
    assert 'data-testid="evaluation-form"' not in client.get("/industry/evaluations/").content.decode()
    assert client.post("/industry/evaluations/record/", {"organization": zones.changji_branch.pk,
                                                         "year": "2025"}).status_code == 404


def test_someone_without_an_industry_role_sees_the_list_without_a_form(client, zones):  # noqa: F811
    # A party member's account holds no industry role: the page answers with the list of what
    # the party tree shows them (none of Changji's), not 404, and an asked-for zone is 404.
    from tests.conftest import make_user
    from gongzhi.people.models import Role

    member = make_user("member-only", Role.PARTY_MEMBER, [zones.grid_a])
    client.force_login(member)
    response = client.get("/industry/evaluations/")
    assert response.status_code == 200 and 'data-testid="evaluation-form"' not in response.content.decode()
    assert client.get("/industry/evaluations/?zone=652371").status_code == 404
