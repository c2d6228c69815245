"""An anonymous reporter follows their case with its number and the last four digits of their phone."""
from django.urls import reverse

from gongzhi.cases.models import Channel
from tests.test_case_workflow import cw, move, report  # noqa: F401  (fixture)


def anonymous(cw):
    return report(cw, reporter=None, channel=Channel.RESIDENT, contact_phone="13812345678")


def follow(client, number, last_four, **extra):
    return client.post(reverse("cases:follow"), {"number": number, "last_four": last_four}, **extra)


def test_the_reporter_sees_the_status_and_the_answer_with_the_right_digits(client, cw):
    case = move(anonymous(cw), "solve_on_spot", cw.worker_a, note="已更换扶手")
    page = follow(client, case.number, "5678")
    assert page.status_code == 200
    text = page.content.decode()
    assert case.number in text and "已更换扶手" in text and 'data-testid="followed-case"' in text


def test_a_wrong_phone_and_a_wrong_number_get_the_same_answer(client, cw):
    case = anonymous(cw)
    wrong_phone = follow(client, case.number, "0000")
    wrong_number = follow(client, "2099-999999", "5678")
    assert wrong_phone.status_code == wrong_number.status_code == 400
    assert case.title not in wrong_phone.content.decode()
    assert b"No case matches" in wrong_phone.content or "没有".encode() in wrong_phone.content


def test_a_case_reported_from_an_account_cannot_be_followed_by_phone(client, cw):
    case = report(cw, contact_phone="13812345678")  # the reporter signs in to follow it
    assert follow(client, case.number, "5678").status_code == 400


def test_guessing_the_four_digits_is_stopped_after_a_few_tries(client, cw, settings):
    settings.CASE_FOLLOW_RATE = "5/hour"
    case = anonymous(cw)
    answers = [follow(client, case.number, f"{n:04d}", REMOTE_ADDR=f"10.0.0.{n}").status_code for n in range(8)]
    assert answers[:5] == [400] * 5 and set(answers[5:]) == {429}
    # Even the right digits are refused while the case is locked for guessing.
    assert follow(client, case.number, "5678", REMOTE_ADDR="10.0.1.1").status_code == 429


def test_the_follow_link_is_in_the_menu_for_people_not_signed_in(client, cw):
    assert reverse("cases:follow") in client.get(reverse("cases:report")).content.decode()
    client.force_login(cw.worker_a)
    assert 'data-testid="menu-follow"' not in client.get(reverse("cases:report")).content.decode()
