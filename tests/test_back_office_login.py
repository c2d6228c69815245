"""The back office's sign-in page works for people who are not signed in yet."""
from tests.conftest import PASSWORD


def test_the_back_office_login_page_answers_a_signed_out_visitor(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_a_signed_out_visitor_of_the_back_office_is_sent_to_its_login_page(client, db):
    response = client.get("/admin/territory/resident/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_grid_worker_signs_in_through_the_back_office_login_page(client, world):
    response = client.post("/admin/login/?next=/admin/", {"username": "worker-a", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_resident_who_signs_in_there_is_refused_and_stays_signed_out(client, world):
    response = client.post("/admin/login/", {"username": "outsider", "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].errors  # Django's own "wrong name or password" wording
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302
