"""Bad input in the back office gets a clear message and saves nothing."""
from django.urls import reverse

from gongzhi.territory.models import Resident, Unit
from tests.conftest import PASSWORD


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_a_secretary_adds_a_grid_and_its_code_is_generated(client, world):
    login(client, world.secretary)
    response = client.post(reverse("admin:territory_unit_add"), {"name": "C网格", "level": 4, "parent": world.community.pk, "code": "", "boundary": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.get(name="C网格").code == "370871001001003"


def test_a_wrong_level_is_refused_with_a_message_and_nothing_saved(client, world):
    login(client, world.secretary)
    before = Unit.objects.count()
    response = client.post(reverse("admin:territory_unit_add"), {"name": "错层", "level": 4, "parent": world.grid_a.pk, "code": "", "boundary": ""})
    assert response.status_code == 200
    assert "的上级必须是" in response.content.decode()
    assert Unit.objects.count() == before


def test_a_wrong_code_is_refused_with_a_message_and_nothing_saved(client, world):
    login(client, world.secretary)
    before = Unit.objects.count()
    response = client.post(reverse("admin:territory_unit_add"), {"name": "坏编码", "level": 4, "parent": world.community.pk, "code": "37087100200100X", "boundary": ""})
    assert "编码只能由数字组成" in response.content.decode()
    assert Unit.objects.count() == before


def test_a_self_intersecting_boundary_is_refused_in_the_back_office(client, world):
    login(client, world.secretary)
    bow_tie = '{"type": "Polygon", "coordinates": [[[116.0, 35.0], [116.1, 35.1], [116.1, 35.0], [116.0, 35.1], [116.0, 35.0]]]}'
    response = client.post(reverse("admin:territory_unit_add"), {"name": "蝴蝶", "level": 4, "parent": world.community.pk, "code": "", "boundary": bow_tie})
    assert "自相交" in response.content.decode()
    assert not Unit.objects.filter(name="蝴蝶").exists()


def test_a_secretary_cannot_place_a_unit_outside_their_scope(client, world):
    from gongzhi.territory import services
    from gongzhi.territory.models import Level

    other_community = services.create_unit(name="外社区", level=Level.COMMUNITY, parent=world.street)
    login(client, world.secretary)
    response = client.post(reverse("admin:territory_unit_add"), {"name": "越界", "level": 4, "parent": other_community.pk, "code": "", "boundary": ""})
    assert response.status_code == 200  # the parent is not among the choices offered
    assert not Unit.objects.filter(name="越界").exists()


def test_an_invalid_id_number_is_refused_and_nothing_saved(client, world):
    login(client, world.worker_a)
    before = Resident.objects.count()
    response = client.post(reverse("admin:territory_resident_add"), {
        "household": world.household_a.pk, "name": "王五", "gender": "M", "new_id_number": "110105194912310021", "new_phone": "",
    })
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode()
    assert Resident.objects.count() == before


def test_the_resident_form_never_shows_the_full_id_number(client, world):
    login(client, world.worker_a)
    page = client.get(reverse("admin:territory_resident_change", args=[world.resident_a.pk])).content.decode()
    assert "37081119800101001X" not in page and "13812345678" not in page
    assert "3708**********001X" in page


def test_a_grid_worker_adds_a_resident_in_their_grid(client, world):
    login(client, world.worker_a)
    response = client.post(reverse("admin:territory_resident_add"), {
        "household": world.household_a.pk, "name": "王五", "gender": "", "new_id_number": "11010519491231002x", "new_phone": "13700001111",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    added = Resident.objects.get(name="王五")
    assert (added.id_number, added.gender, str(added.birth_date)) == ("11010519491231002X", "F", "1949-12-31")


def test_a_grid_worker_cannot_add_a_resident_to_another_grid(client, world):
    login(client, world.worker_a)
    response = client.post(reverse("admin:territory_resident_add"), {
        "household": world.household_b.pk, "name": "越界", "gender": "", "new_id_number": "11010519491231002X", "new_phone": "",
    })
    assert response.status_code == 200
    assert not Resident.objects.filter(name="越界").exists()
