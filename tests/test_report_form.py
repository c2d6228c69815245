"""The resident's report form: every error at once, photos kept across a failed submit,
and a one-time form token so that a double submit files one case."""
import datetime
import io
import os
import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from gongzhi.cases import drafts
from gongzhi.cases.models import Case, CasePhoto, DraftPhoto, ReportDraft
from tests.conftest import PASSWORD
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


def jpeg(name="photo.jpg", colour="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def token_of(page):
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def errors_of(page):
    return re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', page) + \
        re.findall(r'<div class="alert alert-danger" data-testid="place-errors">(.*?)</div>', page, re.S)


def filled(cw, token, **extra):
    data = {"form_token": token, "category": cw.category.pk, "title": "路灯不亮", "description": "南门路灯不亮",
            "lat": "35.01", "lng": "116.005", "contact_phone": "13800001111"}
    data.update(extra)
    return data


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_every_missing_field_the_place_and_the_phone_are_reported_at_once(client, cw):
    token = token_of(client.get(reverse("cases:report")).content.decode())
    page = client.post(reverse("cases:report"), {"form_token": token}).content.decode()
    errors = " ".join(errors_of(page))
    for expected in ("这个字段是必填项", "在地图上标出", "联系电话"):
        assert expected in errors, (expected, errors)
    assert len(errors_of(page)) >= 5  # category, title, description, place, phone
    assert not Case.objects.exists()


def test_a_place_outside_every_grid_is_reported_together_with_the_other_errors(client, cw):
    token = token_of(client.get(reverse("cases:report")).content.decode())
    page = client.post(reverse("cases:report"), filled(cw, token, title="", lat="36.9", lng="117.9")).content.decode()
    errors = " ".join(errors_of(page))
    assert "不在任何网格内" in errors and "这个字段是必填项" in errors
    assert not Case.objects.exists()


def test_a_bad_phone_is_reported_together_with_the_other_errors(client, cw):
    token = token_of(client.get(reverse("cases:report")).content.decode())
    page = client.post(reverse("cases:report"), filled(cw, token, title="", contact_phone="123")).content.decode()
    errors = " ".join(errors_of(page))
    assert "电话号码" in errors and "这个字段是必填项" in errors


def test_photos_are_kept_across_a_failed_submit_and_filed_with_the_case(client, cw, media, django_capture_on_commit_callbacks):
    token = token_of(client.get(reverse("cases:report")).content.decode())
    page = client.post(reverse("cases:report"), filled(cw, token, title="", photos=[jpeg("a.jpg"), jpeg("b.jpg", "blue")])).content.decode()
    assert page.count('data-testid="kept-photo"') == 2
    assert token_of(page) == token
    assert DraftPhoto.objects.count() == 2 and not Case.objects.exists()
    stored = [p.image.path for p in DraftPhoto.objects.all()]

    # The second try sends no file again: the kept ones go with the case.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:report"), filled(cw, token))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.photos.count() == 2
    assert not DraftPhoto.objects.exists()
    assert not any(os.path.exists(path) for path in stored)  # the stash is emptied


def test_kept_photos_add_up_with_new_ones_to_at_most_nine(client, cw, media):
    token = token_of(client.get(reverse("cases:report")).content.decode())
    client.post(reverse("cases:report"), filled(cw, token, title="", photos=[jpeg(f"{i}.jpg") for i in range(5)]))
    page = client.post(reverse("cases:report"), filled(cw, token, title="", photos=[jpeg(f"n{i}.jpg") for i in range(5)])).content.decode()
    assert "最多" in " ".join(errors_of(page))
    assert DraftPhoto.objects.count() == 5  # the five kept stay; the five too many are not added
    assert client.post(reverse("cases:report"), filled(cw, token, photos=[jpeg("last.jpg")])).status_code == 302
    assert Case.objects.get().photos.count() == 6


def test_a_bad_photo_is_refused_by_name_and_the_good_one_kept(client, cw, media):
    token = token_of(client.get(reverse("cases:report")).content.decode())
    php = SimpleUploadedFile("evil.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    page = client.post(reverse("cases:report"), filled(cw, token, photos=[jpeg("good.jpg"), php])).content.decode()
    assert "evil.jpg" in " ".join(errors_of(page))
    assert page.count('data-testid="kept-photo"') == 1
    assert not Case.objects.exists() and not CasePhoto.objects.exists()


def test_a_kept_photo_can_be_taken_out_before_sending_again(client, cw, media):
    token = token_of(client.get(reverse("cases:report")).content.decode())
    client.post(reverse("cases:report"), filled(cw, token, title="", photos=[jpeg("a.jpg"), jpeg("b.jpg")]))
    drop = DraftPhoto.objects.order_by("pk").first()
    assert client.post(reverse("cases:report"), filled(cw, token, drop_photo=[drop.pk])).status_code == 302
    assert Case.objects.get().photos.count() == 1


def test_kept_photos_stay_with_the_browser_that_sent_them(client, cw, media):
    token = token_of(client.get(reverse("cases:report")).content.decode())
    client.post(reverse("cases:report"), filled(cw, token, title="", photos=[jpeg("private.jpg")]))
    stranger = Client()
    page = stranger.post(reverse("cases:report"), filled(cw, token, title="")).content.decode()
    assert 'data-testid="kept-photo"' not in page
    assert stranger.post(reverse("cases:report"), filled(cw, token)).status_code == 302
    assert Case.objects.get().photos.count() == 0


def test_a_double_submit_files_one_case_and_the_second_answers_with_the_first(client, cw):
    assert client.login(username=cw.reporter.username, password=PASSWORD)
    token = token_of(client.get(reverse("cases:report")).content.decode())
    first = client.post(reverse("cases:report"), filled(cw, token))
    second = client.post(reverse("cases:report"), filled(cw, token))
    case = Case.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("cases:detail", args=[case.number])
    # A new form gets a new token, and files a new case.
    token = token_of(client.get(reverse("cases:report")).content.decode())
    client.post(reverse("cases:report"), filled(cw, token))
    assert Case.objects.count() == 2


def test_an_anonymous_double_submit_shows_the_same_number_twice(client, cw):
    token = token_of(client.get(reverse("cases:report")).content.decode())
    client.post(reverse("cases:report"), filled(cw, token))
    response = client.post(reverse("cases:report"), filled(cw, token), follow=True)
    case = Case.objects.get()
    assert case.number in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_identical_posts_at_the_same_moment_file_one_case(cw):
    browser = Client()
    token = token_of(browser.get(reverse("cases:report")).content.decode())
    start = threading.Barrier(2)
    answers = []

    def send():
        tab = Client()
        tab.cookies = browser.cookies  # two tabs, or two taps, of the same browser
        try:
            start.wait()
            answers.append(tab.post(reverse("cases:report"), filled(cw, token)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert answers == [302, 302]
    assert Case.objects.count() == 1


def test_a_made_up_token_is_ignored_and_a_fresh_one_given(client, cw):
    page = client.post(reverse("cases:report"), filled(cw, "../../etc/passwd", title="")).content.decode()
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token_of(page))
    assert not ReportDraft.objects.exists()


def test_stale_drafts_and_their_photos_are_forgotten_after_a_day(client, cw, media, django_capture_on_commit_callbacks):
    token = token_of(client.get(reverse("cases:report")).content.decode())
    client.post(reverse("cases:report"), filled(cw, token, title="", photos=[jpeg("a.jpg")]))
    path = DraftPhoto.objects.get().image.path
    assert drafts.forget_stale(timezone.now()) == {"drafts_forgotten": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert drafts.forget_stale(timezone.now() + datetime.timedelta(hours=25)) == {"drafts_forgotten": 1}
    assert not ReportDraft.objects.exists() and not DraftPhoto.objects.exists()
    assert not os.path.exists(path)
