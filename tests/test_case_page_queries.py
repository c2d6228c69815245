"""The case page costs the same queries with 5 or 50 cases around it, and never fits or counts."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gongzhi.cases import routing, workflow
from tests.test_case_pages import login
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)

LAMP = dict(title="路灯不亮", description="小区南门路灯一直不亮，晚上出行不便")


@pytest.fixture
def quiet_checks(settings):
    # The locator and the text model look for newer versions every few seconds; a slow test
    # machine must not see one check in one count and none in the other.
    settings.LOCATOR_CHECK_SECONDS = 3600
    settings.CASE_TEXT_MODEL_CHECK_SECONDS = 3600


def history(w, n):
    """``n`` cases around the page's case: half closed through an agency, half open nearby."""
    for i in range(n):
        case = report(w, **LAMP, lat=35.01 + i * 0.00001)
        if i % 2:
            workflow.perform(case.pk, "dispatch", w.worker_a, agency=w.agencies[0])
            workflow.perform(case.pk, "accept", w.clerks[0])
            workflow.perform(case.pk, "feed_back", w.clerks[0], note="已修复")
            workflow.perform(case.pk, "verify", w.worker_a)


def page_queries(client, case):
    routing.train()  # the minute job has run since the cases came in
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("cases:detail", args=[case.number]))
    assert page.status_code == 200
    return page.content.decode(), [q["sql"] for q in queries]


def test_the_case_page_costs_the_same_queries_with_5_or_50_cases(client, cw, quiet_checks, settings):
    settings.CASE_ROUTING_MIN_CASES = 2
    case = report(cw, **LAMP)
    login(client, cw.worker_a)
    history(cw, 5)
    page, few = page_queries(client, case)
    assert "data-move=\"merge\"" in page  # the page shows similar cases and the routing suggestion
    history(cw, 45)
    page, many = page_queries(client, case)
    assert len(many) == len(few), "\n".join(many)
    assert not any("COUNT(" in sql.upper() and "cases_case" in sql for sql in many), many
    on_cases = [sql for sql in many if 'FROM "cases_case"' in sql]
    assert not any("LIKE" in sql.upper() for sql in on_cases), on_cases  # scopes are code ranges


def test_a_page_never_fits_a_model(client, cw, quiet_checks, monkeypatch):
    case = report(cw, **LAMP)
    history(cw, 6)
    routing.train()
    login(client, cw.worker_a)

    def no_fitting(*args, **kwargs):
        raise AssertionError("a model was fitted inside a page request")

    from gongzhi.cases import training

    monkeypatch.setattr(training.TextFeatures, "fit_transform", no_fitting)
    monkeypatch.setattr(training, "fit_classifier", no_fitting)
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 200
