"""Hostile input on the sites pages and API: odd characters, impossible dates and NUL bytes get a
clear form error (or 400), never a 500."""
import json

import pytest
from django.urls import reverse

from gongzhi.api.services import create_token
from gongzhi.sites.services import activities as svc
from gongzhi.sites.models import MicroProject, Shift, Volunteer
from gongzhi.territory.models import ResidentLink
from tests import sites_activity_helpers as h


@pytest.fixture
def open_session(world):
    activity, session = h.one_off(world, capacity=0)
    return svc.open_checkin(session, by=world.worker_a)


def test_a_check_in_code_in_chinese_digits_is_a_wrong_code_on_the_page(client, world, open_session):
    r = h.resident(world)
    client.force_login(r.account)
    answer = client.post(reverse("sites:session", args=[open_session.pk]), {"code": "一二三四五六"})
    assert answer.status_code == 400


def test_a_check_in_code_in_chinese_digits_is_a_wrong_code_in_the_api(client, world, open_session):
    r = h.resident(world)
    answer = client.post(f"/api/v1/services/activity-sessions/{open_session.pk}/checkin",
                         json.dumps({"code": "１２３４５６"}), content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {create_token(r.account, name='t')[1]}")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "checkin_code"


def test_an_impossible_date_for_a_shift_is_a_form_error(client, world):
    client.force_login(world.worker_a)
    answer = client.post(reverse("sites:shift_new"), {"unit": world.grid_a.code, "title": "巡逻",
                                                      "starts_at": "2026-02-30T09:00", "ends_at": "2026-02-30T11:00"})
    assert answer.status_code in (200, 400)
    assert not Shift.objects.exists()


def test_an_impossible_joining_date_for_a_red_partner_is_a_form_error(client, world):
    client.force_login(world.worker_a)
    answer = client.post(reverse("sites:volunteer_new"), {"unit": world.grid_a.code, "kind": "partner_new",
                                                          "name": "红色商户", "partner_kind": "shop",
                                                          "joined_on": "2026-02-30"})
    # An impossible date is no date: the partner joins today, as when the field is left empty.
    assert answer.status_code == 302


def test_an_impossible_period_for_an_hour_statement_falls_back_to_this_year(client, world):
    volunteer = Volunteer.objects.create(kind="resident", unit=world.grid_a, name="志愿者甲")
    client.force_login(world.worker_a)
    answer = client.get(reverse("sites:volunteer_statement", args=[volunteer.pk]), {"since": "2026-02-30"})
    assert answer.status_code == 200


def test_an_impossible_session_start_is_a_form_error(client, world):
    activity, _session = h.one_off(world)
    client.force_login(world.worker_a)
    answer = client.post(reverse("sites:session_add", args=[activity.pk]), {"starts_at": "2026-02-30T09:00"})
    assert answer.status_code in (200, 302, 400)
    assert activity.sessions.count() == 1


def test_a_nul_in_the_account_name_to_link_is_no_such_account(client, world):
    client.force_login(world.worker_a)
    answer = client.post(reverse("sites:resident_links", args=[world.resident_a.pk]),
                         {"username": "son\x00", "relation": "relative"}, follow=True)
    assert answer.status_code == 200 and "U+0000" in answer.content.decode()
    assert not ResidentLink.objects.exists()


def test_a_nul_in_the_unit_of_a_proposed_project_is_a_form_error(client, world):
    client.force_login(world.worker_a)
    answer = client.post(reverse("sites:project_new"), {"unit": "37\x00", "title": "微幸福", "plan": "x"})
    assert answer.status_code in (200, 400)
    assert not MicroProject.objects.exists()


def test_the_last_day_of_year_9999_in_the_activity_list_is_a_message_not_a_500(client, world):
    client.force_login(world.worker_a)
    answer = client.get(reverse("sites:activities"), {"day": "9999-12-31"})
    assert answer.status_code == 200
