"""The case pages: report, record, inbox, case page, moves, photos, rates."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from gongzhi.cases import workflow
from gongzhi.cases.models import Case, CasePhoto, Status
from gongzhi.party.models import PartyMember, PartyOrganization
from tests.conftest import PASSWORD
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def jpeg(name="photo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def report_form(cw, **extra):
    data = {"category": cw.category.pk, "title": "路灯不亮", "description": "南门路灯不亮", "lat": "35.01", "lng": "116.005", "contact_phone": "13800001111"}
    data.update(extra)
    return data


def test_an_anonymous_resident_reports_with_a_phone_and_gets_a_number(client, cw, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.post(reverse("cases:report"), report_form(cw, photos=[jpeg()]))
    assert response.status_code == 302 and response["Location"] == reverse("cases:reported")
    case = Case.objects.get()
    assert case.number in client.get(reverse("cases:reported")).content.decode()
    client.get(reverse("cases:reported"))  # reloading the thank-you page reports nothing again
    assert Case.objects.count() == 1
    assert case.reporter is None and case.contact_phone == "13800001111" and case.photos.count() == 1


def test_an_anonymous_report_without_a_phone_is_refused_and_nothing_saved(client, cw):
    response = client.post(reverse("cases:report"), report_form(cw, contact_phone=""))
    assert "留下联系电话" in response.content.decode() or "contact phone" in response.content.decode()
    assert not Case.objects.exists()


def test_a_php_file_renamed_jpg_is_refused_and_no_case_is_written(client, cw, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    php = SimpleUploadedFile("photo.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    response = client.post(reverse("cases:report"), report_form(cw, photos=[php]))
    assert response.status_code == 200
    assert not Case.objects.exists() and not CasePhoto.objects.exists()


def test_a_report_outside_every_grid_is_refused_with_a_clear_message(client, cw):
    response = client.post(reverse("cases:report"), report_form(cw, lat="36.9", lng="117.9"))
    assert "不在任何网格内" in response.content.decode()
    assert not Case.objects.exists()


def test_a_grid_worker_records_a_meeting_problem_at_a_building(client, cw):
    login(client, cw.worker_a)
    building = cw.household_a.building
    response = client.post(reverse("cases:record"), report_form(cw, lat="", lng="", contact_phone="", channel="meeting",
                                                                  source_detail="说七说八", building=building.pk))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.number}/")
    assert (case.channel, case.source_detail, case.grid, case.recorded_by) == ("meeting", "说七说八", cw.grid_a, cw.worker_a)


def test_a_grid_worker_cannot_record_outside_their_grids(client, cw):
    login(client, cw.worker_a)
    response = client.post(reverse("cases:record"), report_form(cw, lng="116.03", channel="patrol"))
    assert "outside your grids" in response.content.decode() or "不在您负责的网格内" in response.content.decode()
    assert not Case.objects.exists()


def test_another_grids_worker_gets_404_on_the_case_and_its_photos(client, cw, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = report(cw, photos=[jpeg()])
    token = case.photos.get().token
    login(client, cw.worker_b)
    assert client.get(reverse("cases:detail", args=[case.number])).status_code == 404
    assert client.get(reverse("cases:photo", args=[case.number, token, "thumb"])).status_code == 404
    assert client.post(reverse("cases:move", args=[case.number, "solve_on_spot"]), {"note": "x"}).status_code == 404
    client.logout()
    login(client, cw.worker_a)
    response = client.get(reverse("cases:photo", args=[case.number, token, "thumb"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_a_move_made_on_a_stale_page_is_refused_with_a_conflict_message(client, cw):
    case = report(cw)
    login(client, cw.worker_a)
    stale = case.version
    workflow.perform(case.pk, "urge", cw.secretary, note="请尽快")  # someone else moved first
    response = client.post(reverse("cases:move", args=[case.number, "solve_on_spot"]), {"note": "已处理", "version": stale}, follow=True)
    assert "刚被他人修改" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.REGISTERED


def test_the_case_page_offers_only_the_moves_the_person_may_make(client, cw):
    case = report(cw)
    login(client, cw.worker_a)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    for move in ("solve_on_spot", "dispatch", "whistle", "merge"):
        assert f'data-move="{move}"' in page
    assert 'data-move="rate"' not in page and 'data-move="urge"' not in page


@pytest.mark.parametrize("persona, tab", [("worker_a", "new"), ("worker_a", "open"), ("secretary", "overdue"), ("clerk", "agency")])
def test_inbox_queries_stay_flat_as_cases_grow(client, cw, persona, tab):
    user = cw.clerks[0] if persona == "clerk" else getattr(cw, persona)
    login(client, user)

    def add(n):
        for _ in range(n):
            case = report(cw)
            workflow.perform(case.pk, "dispatch", cw.worker_a, agency=cw.agencies[0]) if tab == "agency" else None

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("cases:inbox"), {"tab": tab}).status_code == 200
        return len(captured)

    add(1)
    before = queries()
    add(15)
    assert queries() == before


def test_the_rates_page_shows_the_ranking(client, cw):
    login(client, cw.secretary)
    response = client.get(reverse("cases:rates"), {"by": "community"})
    assert response.status_code == 200 and 'data-testid="ranking"' in response.content.decode()


def test_the_back_office_never_shows_a_party_members_full_phone(client, world):
    branch = PartyOrganization.objects.create(name="A支部", kind="branch", unit=world.grid_a)
    member = PartyMember.objects.create(name="赵六", gender="M", organization=branch, employment="retired", phone="13911112222")
    login(client, world.secretary)
    page = client.get(reverse("admin:party_partymember_change", args=[member.pk])).content.decode()
    assert "13911112222" not in page and "139****2222" in page


def test_home_hides_cards_a_person_cannot_see_into(client, world):
    login(client, world.outsider)
    page = client.get(reverse("home")).content.decode()
    assert 'data-figure="residents"' not in page and 'data-figure="members"' not in page
    client.logout()
    login(client, world.worker_a)
    assert 'data-figure="residents"' in client.get(reverse("home")).content.decode()


def test_notifications_are_listed_and_marked_read(client, cw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = report(cw)
    login(client, cw.worker_a)
    page = client.get(reverse("notices:list")).content.decode()
    assert case.number in page
    assert 'class="badge text-bg-danger">1<' in client.get(reverse("home")).content.decode()
    client.post(reverse("notices:list"))
    assert 'class="badge text-bg-danger">' not in client.get(reverse("home")).content.decode()


def test_a_case_number_finds_the_case_in_scope_and_only_there(client, cw):
    case = report(cw)
    login(client, cw.worker_a)
    response = client.get(reverse("cases:inbox"), {"q": case.number})
    assert response.status_code == 302 and response["Location"].endswith(f"/cases/{case.number}/")
    client.logout()
    login(client, cw.worker_b)
    response = client.get(reverse("cases:inbox"), {"q": case.number})
    assert response.status_code == 200


def test_only_a_superuser_edits_the_shared_category_tree(client, cw):
    from gongzhi.cases.models import Category
    from gongzhi.people.models import Role
    from tests.conftest import make_user

    category = Category.objects.get(code="0201")
    login(client, cw.secretary)
    response = client.post(reverse("admin:cases_category_change", args=[category.pk]),
                           {"code": "0201", "name": "改名", "parent": category.parent_id, "default_agency_kind": "",
                            "response_hours": 24, "resolve_hours": 72, "active": "on"})
    assert response.status_code == 403
    client.logout()
    district_admin = make_user("district-admin", Role.DISTRICT_ADMIN, [cw.district])
    login(client, district_admin)  # the tree is shared by every district: not theirs to change
    assert client.post(reverse("admin:cases_category_change", args=[category.pk]), {"name": "改名"}).status_code == 403
    client.logout()
    admin = make_user("admin")
    admin.is_superuser = True
    admin.save()
    login(client, admin)
    response = client.post(reverse("admin:cases_category_change", args=[category.pk]),
                           {"code": "0201", "name": "健身器材损坏", "parent": category.parent_id, "default_agency_kind": "住房和城乡建设局",
                            "response_hours": 12, "resolve_hours": 72, "active": "on",
                            "attributes-TOTAL_FORMS": "0", "attributes-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:500]
    category.refresh_from_db()
    assert category.resolve_hours == 72


def test_similar_cases_never_show_another_grids_case(client, cw):
    mine = report(cw, lng=116.0199)                    # grid A, at the border
    theirs = report(cw, lng=116.0201)                  # grid B, a few metres away, same problem
    login(client, cw.worker_a)
    page = client.get(reverse("cases:detail", args=[mine.number])).content.decode()
    assert theirs.number not in page


def test_the_rates_page_ranks_only_what_the_person_may_see(client, cw):
    from gongzhi.cases.models import RateRollup

    RateRollup.objects.create(month="2026-03-01", dimension="grid", key=cw.grid_a.code, total=5, responded=5, resolved=5, satisfied=5)
    RateRollup.objects.create(month="2026-03-01", dimension="grid", key=cw.grid_b.code, total=5, responded=5, resolved=5, satisfied=5)
    login(client, cw.worker_a)
    page = client.get(reverse("cases:rates"), {"by": "grid"}).content.decode()
    assert f'data-key="{cw.grid_a.code}"' in page and f'data-key="{cw.grid_b.code}"' not in page
