"""Short transactions: image work happens before any lock, and the case lock lets references in.

Each test runs two connections at once (threads, transactional database) and
fails when one of them has to wait for the other.
"""
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from gongzhi.cases import photos, services, workflow
from gongzhi.cases.models import Case, CasePhoto, Channel, TimelineEntry
from tests.test_case_photos import image_bytes, upload
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)

WAIT = 8  # seconds one side waits for the other before the test gives up on it


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def slow_photos(monkeypatch):
    """Make encoding a photo wait until ``other_done`` is set (or WAIT seconds pass)."""
    encoding, other_done, waited = threading.Event(), threading.Event(), {}
    prepare = photos.prepare

    def waiting_prepare(uploaded):
        encoding.set()
        waited["other_finished_first"] = other_done.wait(WAIT)
        return prepare(uploaded)

    monkeypatch.setattr(photos, "prepare", waiting_prepare)
    return encoding, other_done, waited


def run(target, errors):
    def body():
        try:
            target()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_an_intake_does_not_wait_while_another_intakes_photos_are_encoded(cw, media, monkeypatch):
    encoding, other_done, waited = slow_photos(monkeypatch)
    errors = []
    with_photo = run(lambda: report(cw, photos=[upload(image_bytes())]), errors)
    assert encoding.wait(WAIT)

    def plain():
        report(cw, title="路灯不亮", channel=Channel.PATROL, reporter=None, recorded_by=cw.worker_a)
        other_done.set()

    without = run(plain, errors)
    for thread in (with_photo, without):
        thread.join(3 * WAIT)
    assert errors == []
    assert waited["other_finished_first"], "the plain report waited for the photo's encoding"
    assert sorted(Case.objects.values_list("number", flat=True))[-1].endswith("000002")
    assert CasePhoto.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_result_photos_are_encoded_before_the_case_is_locked(cw, media, monkeypatch):
    case = report(cw)
    encoding, other_done, waited = slow_photos(monkeypatch)
    errors = []
    browser = Client()
    browser.force_login(cw.secretary)
    url = reverse("cases:move", kwargs={"number": case.number, "name": "urge"})
    urged = run(lambda: browser.post(url, {"note": "请尽快", "photos": [upload(image_bytes())]}), errors)
    assert encoding.wait(WAIT)

    def supervise():
        workflow.perform(case.pk, "supervise", cw.secretary, note="督办")
        other_done.set()

    supervised = run(supervise, errors)
    for thread in (urged, supervised):
        thread.join(3 * WAIT)
    assert errors == []
    assert waited["other_finished_first"], "the other move waited for the photo's encoding"
    assert list(TimelineEntry.objects.filter(case=case).values_list("move", flat=True)) == ["register", "supervise", "urge"]
    assert CasePhoto.objects.filter(case=case).count() == 1


@pytest.mark.django_db(transaction=True)
def test_while_a_move_holds_the_case_other_records_of_the_case_can_still_be_written(cw, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer for the whole database; row locks are PostgreSQL's")
    case = report(cw)
    holding, release, errors = threading.Event(), threading.Event(), []

    def hold(case, actor, now, **unused):
        holding.set()
        release.wait(WAIT)

    monkeypatch.setitem(workflow.APPLY, "urge", hold)
    mover = run(lambda: workflow.perform(case.pk, "urge", cw.secretary, note="请尽快"), errors)
    assert holding.wait(WAIT)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        # A foreign key to the locked case: FOR UPDATE would make this wait, FOR NO KEY UPDATE does not.
        TimelineEntry.objects.create(case_id=case.pk, move="note", at=case.created_at, status_after=case.status)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
        release.set()
        mover.join(3 * WAIT)
    assert errors == []
    assert Case.objects.get(pk=case.pk).version == 1
