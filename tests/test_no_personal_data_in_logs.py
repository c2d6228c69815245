"""No phone number or ID number reaches a log line, through a whole case journey on the pages and the API.

Every logger is set to DEBUG and handed a capturing handler (including loggers that do not
propagate), with ``DEBUG`` itself off as in production: Django then logs no SQL, and the project's
own log lines are the ones that count. The journey uses phones and ID numbers everywhere a person
may type them, including wrong ones and a phone typed as a user name, and looks for each of them
(and its digits with separators taken out) in everything logged.
"""
import logging
import re

import pytest
from django.urls import reverse

from gongzhi.api.services import create_token
from gongzhi.cases.models import Case, Status
from tests.conftest import PASSWORD
from tests.test_case_workflow import cw  # noqa: F401  (fixture)
from tests.test_report_form import media, token_of  # noqa: F401  (fixture)

REPORT_PHONE = "13800001111"
TYPED_PHONE = "13911112222"  # typed into a description
WRONG_PHONE = "1380000111"  # one digit short: refused, and not logged either
API_PHONE = "15822223333"
USERNAME_PHONE = "13712345678"  # someone tries to sign in with a phone number
RESIDENT_IDS = ("37081119800101001X", "37081119900202002X")
RESIDENT_PHONES = ("13812345678", "13987654321")
SECRETS = (REPORT_PHONE, TYPED_PHONE, WRONG_PHONE, API_PHONE, USERNAME_PHONE, *RESIDENT_IDS, *RESIDENT_PHONES)


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name} {record.levelname} {text}")


@pytest.fixture
def every_log():
    capture = Capture()
    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
        logger.addHandler(capture)  # also on loggers that do not propagate (django.server, ...)
    yield capture
    for logger, level, disabled in saved:
        logger.removeHandler(capture)
        logger.setLevel(level)
        logger.disabled = disabled


def leaks(capture):
    text = "\n".join(capture.lines)
    digits = re.sub(r"[\s\-_.,:]", "", text)
    return [secret for secret in SECRETS if secret in text or secret in digits or secret.lower() in text.lower()]


def move(client, case, name, **data):
    case.refresh_from_db()
    response = client.post(reverse("cases:move", args=[case.number, name]), {"version": case.version, **data})
    assert response.status_code in (200, 302), (name, response.status_code)
    return response


def test_a_case_journey_through_the_pages_logs_no_phone_or_id_number(client, cw, every_log, media):
    # A resident without an account reports, first with a wrong phone, then with a right one.
    report = reverse("cases:report")
    token = token_of(client.get(report).content.decode())
    data = {"form_token": token, "category": cw.category.pk, "title": "路灯不亮", "lat": "35.01", "lng": "116.005",
            "description": f"南门路灯不亮，请打 {TYPED_PHONE} 联系我"}
    assert client.post(report, {**data, "contact_phone": WRONG_PHONE}).status_code == 200
    assert client.post(report, {**data, "contact_phone": REPORT_PHONE}).status_code == 302
    case = Case.objects.get()
    # ... and follows it with its number and the last four digits (wrong, then right).
    client.post(reverse("cases:follow"), {"number": case.number, "last_four": "0000"})
    client.post(reverse("cases:follow"), {"number": case.number, "last_four": REPORT_PHONE[-4:]})

    # Someone tries to sign in with a phone number for a user name, and fails.
    client.post(reverse("login"), {"username": USERNAME_PHONE, "password": "wrong"})
    # The grid worker signs in, reads the inbox and the case, sees the phone in full, dispatches.
    assert client.post(reverse("login"), {"username": cw.worker_a.username, "password": PASSWORD}).status_code == 302
    assert client.get(reverse("cases:inbox")).status_code == 200
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 200
    assert REPORT_PHONE in client.post(reverse("cases:reveal-contact", args=[case.number]), HTTP_HX_REQUEST="true").content.decode()
    move(client, case, "dispatch", agency=cw.agencies[0].pk, note="请处理")
    # The agency's clerk accepts and feeds back; the worker verifies and makes the return visit.
    client.force_login(cw.clerks[0])
    move(client, case, "accept")
    move(client, case, "feed_back", note=f"已修复，已电话 {REPORT_PHONE} 告知")
    client.force_login(cw.worker_a)
    move(client, case, "verify")
    move(client, case, "return_visit", rating="satisfied", solved="1", comment="满意")
    case.refresh_from_db()
    assert case.status == Status.RATED

    # The secretary looks residents up and reveals an ID number and a phone (audited, never logged).
    client.force_login(cw.secretary)
    assert client.get(reverse("territory:residents"), {"q": "张三"}).status_code == 200
    resident = cw.resident_a
    assert client.get(reverse("territory:resident", args=[resident.pk])).status_code == 200
    for field in ("id_number", "phone"):
        assert client.post(reverse("territory:resident-reveal", args=[resident.pk]), {"field": field}).status_code == 200
    # The back office refuses a lookup that would rebuild an ID number, and logs it by name only.
    client.force_login(cw.worker_a)
    client.get("/admin/territory/resident/", {"id_number__startswith": RESIDENT_IDS[0][:8]})

    assert every_log.lines, "the journey logged nothing: the capture is not working"
    assert leaks(every_log) == [], [line for line in every_log.lines if any(s in line for s in leaks(every_log))]


def test_a_case_journey_through_the_api_logs_no_phone_or_id_number(client, cw, every_log):
    token = create_token(cw.worker_a, name="hotline")[1]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}
    body = {"title": "井盖缺失", "description": f"东门井盖缺失，联系 {TYPED_PHONE}", "category_code": cw.category.code,
            "lat": 35.01, "lng": 116.005, "contact_phone": API_PHONE}

    def post(path, data, **extra):
        return client.post(path, data, content_type="application/json", **auth, **extra)

    assert post("/api/v1/cases", {**body, "contact_phone": WRONG_PHONE}).status_code in (400, 422)
    created = post("/api/v1/cases", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert created.status_code == 201, created.content
    assert post("/api/v1/cases", body, HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201  # the replay
    assert post("/api/v1/cases", {**body, "contact_phone": RESIDENT_PHONES[1]}, HTTP_IDEMPOTENCY_KEY="k-1").status_code == 422
    number = created.json()["number"]
    assert client.get(f"/api/v1/cases/{number}", **auth).status_code == 200
    assert client.get("/api/v1/cases", {"q": API_PHONE}, **auth).status_code in (200, 422)
    detail = client.get(f"/api/v1/cases/{number}", **auth).json()
    answer = post(f"/api/v1/cases/{number}/solve_on_spot", {"version": detail["version"], "note": f"已处理，回电 {API_PHONE}"})
    assert answer.status_code == 200, answer.content
    # A wrong token and a signed-out call are refused without echoing anything personal.
    client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer gz_{USERNAME_PHONE}")
    client.get(f"/api/v1/cases/{number}")
    # Open311, without an api_key: the public list.
    assert client.get("/open311/v2/requests.json").status_code == 200

    assert every_log.lines, "the journey logged nothing: the capture is not working"
    assert leaks(every_log) == [], [line for line in every_log.lines if any(s in line for s in leaks(every_log))]


def test_the_capture_would_see_a_phone_that_reached_a_log(cw, every_log):
    logging.getLogger("gongzhi.cases").debug("contact %s", REPORT_PHONE)
    logging.getLogger("django.server").info("GET /x?phone=138-0000-1111")
    assert REPORT_PHONE in leaks(every_log)
