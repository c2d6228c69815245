"""The home page (/): one's scope in figures and grids, or, for an account without a grid in its
scope (an enterprise liaison), the pages it works in instead of a row of zeros."""
from gongzhi.people.models import Role
from gongzhi.territory import services as territory
from gongzhi.territory.models import Level
from tests.conftest import make_user


def test_an_account_without_grids_gets_its_pages_not_zeros(client, world):
    park = territory.create_unit(name="昌吉高新区", level=Level.DISTRICT, code="652371")   # a zone with no grids
    liaison = make_user("home-liaison", Role.ENTERPRISE_LIAISON, [park])
    client.force_login(liaison)
    body = client.get("/").content.decode()
    assert 'data-testid="my-pages"' in body and 'data-testid="headline"' not in body


def test_a_grid_worker_still_sees_the_figures_and_grids_of_their_scope(client, world):
    client.force_login(world.worker_a)
    body = client.get("/").content.decode()
    assert 'data-testid="headline"' in body and 'data-testid="my-grids"' in body
    assert 'data-testid="my-pages"' not in body
