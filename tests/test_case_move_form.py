"""A move posted from the case page: a wrong entry gets a message on the form (never a
404 page), and the note typed is kept when the move fails or the session has gone."""
import re

import pytest
from django.urls import reverse

from gongzhi.cases import workflow
from gongzhi.cases.models import Case, Status
from tests.conftest import PASSWORD
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def post_move(client, case, name, data):
    return client.post(reverse("cases:move", args=[case.number, name]), {"version": case.version, **data}, follow=True)


@pytest.mark.parametrize("number, message", [
    ("2026-999999", "2026-999999"),  # no such case
    ("", "合并"),                     # nothing typed
])
def test_merging_into_a_missing_case_answers_a_message_on_the_case_page(client, cw, number, message):
    case = report(cw)
    login(client, cw.worker_a)
    response = post_move(client, case, "merge", {"main_case": number})
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("cases:detail", args=[case.number])
    assert 'alert-danger' in response.content.decode() and message in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def alerts(response):
    return re.findall(r'<div class="alert alert-danger">(.*?)</div>', response.content.decode())


def test_merging_into_a_case_of_another_grid_reads_like_a_missing_one(client, cw):
    case = report(cw)
    theirs = report(cw, lng=116.03)  # grid B: worker A may not see it
    login(client, cw.worker_a)
    out_of_scope = alerts(post_move(client, case, "merge", {"main_case": theirs.number}))
    missing = alerts(post_move(client, case, "merge", {"main_case": "2026-999999"}))
    assert out_of_scope and [a.replace(theirs.number, "N") for a in out_of_scope] == [a.replace("2026-999999", "N") for a in missing]
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED


def test_merging_a_case_into_itself_answers_a_message_on_the_case_page(client, cw):
    case = report(cw)
    login(client, cw.worker_a)
    response = post_move(client, case, "merge", {"main_case": case.number})
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED


@pytest.mark.parametrize("agency", ["", "999999", "abc"])
def test_dispatching_without_a_valid_agency_answers_a_message_on_the_case_page(client, cw, agency):
    case = report(cw)
    login(client, cw.worker_a)
    response = post_move(client, case, "dispatch", {"agency": agency})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode() and "选择" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED


def test_a_wrong_category_on_dispatch_answers_a_message(client, cw):
    case = report(cw)
    login(client, cw.worker_a)
    response = post_move(client, case, "dispatch", {"agency": cw.agencies[0].pk, "category": "abc"})
    assert response.status_code == 200 and "alert-danger" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED


def test_the_note_of_a_refused_move_is_back_in_its_form(client, cw):
    case = report(cw)
    login(client, cw.worker_a)
    stale = case.version
    workflow.perform(case.pk, "urge", cw.secretary, note="请尽快")  # someone else moved first
    response = client.post(reverse("cases:move", args=[case.number, "solve_on_spot"]),
                           {"note": "已经把扶手换好了", "version": stale}, follow=True)
    page = response.content.decode()
    assert "刚被他人修改" in page
    assert "已经把扶手换好了</textarea>" in page
    # Shown once: a reload shows an empty form again.
    assert "已经把扶手换好了" not in client.get(reverse("cases:detail", args=[case.number])).content.decode()


def test_a_move_posted_after_the_session_ended_keeps_the_note_through_the_sign_in(client, cw):
    case = report(cw)
    login(client, cw.worker_a)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'data-move="solve_on_spot"' in page
    client.logout()  # signed out in another tab

    response = client.post(reverse("cases:move", args=[case.number, "solve_on_spot"]),
                           {"note": "扶手已焊好，张三 13812345678 确认", "version": case.version})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(reverse("login"))
    # Back to the case page after sign-in, never to the POST-only move URL; no note in the URL.
    assert location.endswith("next=" + reverse("cases:detail", args=[case.number]))
    assert "13812345678" not in location and "%E6%89%B6" not in location

    response = client.post(location, {"username": cw.worker_a.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:detail", args=[case.number])
    page = response.content.decode()
    assert "扶手已焊好，张三 13812345678 确认</textarea>" in page
    assert Case.objects.get(pk=case.pk).status == Status.REGISTERED  # nothing was done while signed out


def test_a_kept_note_is_not_shown_to_someone_who_may_not_make_that_move(client, cw):
    case = report(cw)
    client.post(reverse("cases:move", args=[case.number, "solve_on_spot"]), {"note": "秘密备注", "version": 0})
    # Another account signs in on the same browser: the secretary may not solve on the spot.
    login(client, cw.secretary)
    assert "秘密备注" not in client.get(reverse("cases:detail", args=[case.number])).content.decode()


def test_a_signed_out_post_to_a_move_of_a_case_one_may_not_see_reveals_nothing(client, cw):
    case = report(cw)
    client.post(reverse("cases:move", args=[case.number, "solve_on_spot"]), {"note": "试探", "version": 0})
    login(client, cw.worker_b)  # another grid's worker
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 404
