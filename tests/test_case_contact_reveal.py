"""Staff who may act on a case see the reporter's phone in full when they must call back:
a POST on the case page, logged, never in a URL or a log line; masked everywhere else."""
import logging

import pytest
from django.urls import reverse

from gongzhi.cases import workflow
from gongzhi.cases.models import CaseContactView
from gongzhi.people.models import Role
from tests.conftest import PASSWORD, make_user
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)

PHONE = "13800001111"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def reveal(client, case, **headers):
    return client.post(reverse("cases:reveal-contact", args=[case.number]), **headers)


def test_the_grid_worker_sees_the_full_number_and_it_is_logged(client, cw, caplog):
    case = report(cw, reporter=None, contact_phone=PHONE)
    login(client, cw.worker_a)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert PHONE not in page and "138****1111" in page
    assert 'data-testid="reveal-contact"' in page
    assert PHONE not in reverse("cases:reveal-contact", args=[case.number])

    caplog.set_level(logging.DEBUG)
    response = reveal(client, case, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and PHONE in response.content.decode()
    assert response["Cache-Control"].startswith("no-store")
    assert PHONE not in caplog.text
    seen = CaseContactView.objects.get()
    assert (seen.user, seen.case) == (cw.worker_a, case)
    # Still masked on the page itself.
    assert PHONE not in client.get(reverse("cases:detail", args=[case.number])).content.decode()


def test_without_javascript_the_number_comes_on_its_own_page(client, cw):
    case = report(cw, reporter=None, contact_phone=PHONE)
    login(client, cw.worker_a)
    response = reveal(client, case)
    assert response.status_code == 200
    page = response.content.decode()
    assert PHONE in page and reverse("cases:detail", args=[case.number]) in page and "<html" in page


def test_a_signed_in_reporters_account_phone_is_the_number_to_call(client, cw):
    cw.reporter.phone = "13900002222"
    cw.reporter.save()
    case = report(cw)  # reported on the resident page, signed in: no contact phone typed
    login(client, cw.worker_a)
    assert "139****2222" in client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "13900002222" in reveal(client, case, HTTP_HX_REQUEST="true").content.decode()


def test_the_agency_working_on_the_case_may_call_back_but_not_once_it_returned_it(client, cw):
    case = report(cw, reporter=None, contact_phone=PHONE)
    case = workflow.perform(case.pk, "dispatch", cw.worker_a, agency=cw.agencies[0])
    login(client, cw.clerks[0])
    assert PHONE in reveal(client, case, HTTP_HX_REQUEST="true").content.decode()
    workflow.perform(case.pk, "return", cw.clerks[0], note="不属于本单位")
    assert reveal(client, case, HTTP_HX_REQUEST="true").status_code == 404
    assert CaseContactView.objects.count() == 1


@pytest.mark.parametrize("persona", ["worker_b", "reporter", "anonymous"])
def test_others_get_nothing_and_nothing_is_logged(client, cw, persona):
    cw.reporter.phone = "13900002222"
    cw.reporter.save()
    case = report(cw, contact_phone=PHONE)
    if persona != "anonymous":
        login(client, getattr(cw, persona))
    response = reveal(client, case, HTTP_HX_REQUEST="true")
    assert response.status_code in (302, 404) and PHONE not in response.content.decode()
    if persona == "reporter":  # the reporter sees the case, but is not offered the button
        assert 'data-testid="reveal-contact"' not in client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert not CaseContactView.objects.exists()


def test_the_number_is_never_shown_on_a_get(client, cw):
    case = report(cw, reporter=None, contact_phone=PHONE)
    login(client, cw.worker_a)
    assert client.get(reverse("cases:reveal-contact", args=[case.number])).status_code == 405
    assert not CaseContactView.objects.exists()


def test_the_log_of_views_is_read_by_the_secretary_in_the_back_office_and_not_by_another_district(client, cw):
    case = report(cw, reporter=None, contact_phone=PHONE)
    login(client, cw.worker_a)
    reveal(client, case, HTTP_HX_REQUEST="true")
    client.logout()
    login(client, cw.secretary)
    page = client.get(reverse("admin:cases_casecontactview_changelist")).content.decode()
    assert case.number in page and PHONE not in page
    client.logout()
    from gongzhi.territory import services as territory
    from gongzhi.territory.models import Level

    other = territory.create_unit(name="别区", level=Level.DISTRICT, code="370872")
    login(client, make_user("other-admin", Role.DISTRICT_ADMIN, [other]))
    assert case.number not in client.get(reverse("admin:cases_casecontactview_changelist")).content.decode()
