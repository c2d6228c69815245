"""What a resident sees of their own cases: which wait for their rating, a reopen form that
asks them (not staff) what is wrong, and why reopening is gone once the limit is reached."""
import re

from django.urls import reverse

from gongzhi.cases import workflow
from tests.conftest import PASSWORD
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def closed(cw, **extra):
    case = report(cw, **extra)
    return workflow.perform(case.pk, "solve_on_spot", cw.worker_a, note="当场修好了")


def row(page, number):
    return re.search(rf'data-case="{number}">(.*?)</a>', page, re.S).group(1)


def test_my_problems_marks_the_cases_waiting_for_my_rating(client, cw):
    waiting = closed(cw, title="等我评价")
    rated = workflow.perform(closed(cw, title="已评价").pk, "rate", cw.reporter, rating="satisfied", solved=True)
    still_open = report(cw, title="还在办")
    login(client, cw.reporter)
    page = client.get(reverse("cases:mine")).content.decode()
    assert 'data-testid="to-rate"' in row(page, waiting.number)
    assert 'data-testid="to-rate"' not in row(page, rated.number)
    assert 'data-testid="to-rate"' not in row(page, still_open.number)
    assert "待您评价" in row(page, waiting.number)
    # Staff lists never say "waiting for your rating": it is not theirs to give.
    client.logout()
    login(client, cw.worker_a)
    assert 'data-testid="to-rate"' not in client.get(reverse("cases:inbox"), {"tab": "open"}).content.decode()


def test_the_reopen_form_asks_the_resident_what_is_still_wrong(client, cw):
    case = workflow.perform(closed(cw).pk, "rate", cw.reporter, rating="unsatisfied", solved=False)
    login(client, cw.reporter)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    form = re.search(r'<form[^>]*/reopen/".*?</form>', page, re.S).group(0)
    assert "处置情况或原因" not in form
    assert "还有什么问题" in form


def test_once_reopened_as_often_as_allowed_the_page_says_why_reopen_is_gone(client, cw, settings):
    settings.CASE_MAX_REOPENS = 1
    case = workflow.perform(closed(cw).pk, "rate", cw.reporter, rating="unsatisfied", solved=False)
    case = workflow.perform(case.pk, "reopen", cw.reporter, note="还是坏的")
    case = workflow.perform(case.pk, "solve_on_spot", cw.worker_a, note="又修了一次")
    case = workflow.perform(case.pk, "rate", cw.reporter, rating="unsatisfied", solved=False)
    login(client, cw.reporter)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'data-move="reopen"' not in page
    assert 'data-testid="reopen-limit"' in page and "12345" in page
    client.logout()
    login(client, cw.worker_a)  # staff are not told to call the hotline
    assert 'data-testid="reopen-limit"' not in client.get(reverse("cases:detail", args=[case.number])).content.decode()


def test_a_case_that_may_still_be_reopened_says_nothing_about_a_limit(client, cw):
    case = workflow.perform(closed(cw).pk, "rate", cw.reporter, rating="unsatisfied", solved=False)
    login(client, cw.reporter)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'data-move="reopen"' in page and 'data-testid="reopen-limit"' not in page
