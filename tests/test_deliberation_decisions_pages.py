"""Decision pages: record, detail with progress and photos, verify, open a case, the list overdue first."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from gongzhi.cases.defaults import install
from gongzhi.cases.models import Category
from gongzhi.deliberation.models import Decision, DecisionPhoto, DecisionStatus, MeetingStatus, OwnerKind
from gongzhi.deliberation.services import decisions
from gongzhi.party.models import OrganizationKind, PartyOrganization

from .deliberation_rooms import build_room, make_meeting


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 20)).save(out, "JPEG")
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def room(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = build_room(world)
    r.property_org = PartyOrganization.objects.create(name="物业公司党支部", kind=OrganizationKind.PROPERTY_ORGANIZATION,
                                                      unit=world.grid_a)
    return r


def decide(world, room, days=7, meeting=None, what="修好单杠"):
    return decisions.record_decision(meeting=meeting or room.meeting, item=room.item, what=what,
                                     owner_kind=OwnerKind.VOLUNTEER_TEAM, owner_name="银发志愿队",
                                     due_on=timezone.localdate() + datetime.timedelta(days=days), by=world.worker_a)


def test_staff_record_a_decision_from_the_form(client, world, room):
    client.force_login(world.worker_a)
    url = reverse("deliberation:decision_new", args=[room.meeting.pk])
    page = client.get(url).content.decode()
    assert "物业公司党支部" in page
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client.post(url, {"item": room.item.pk, "what": "物业公司修好单杠", "owner_kind": "property",
                                 "organization": room.property_org.pk, "due_on": due})
    decision = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("deliberation:decision", args=[decision.pk])
    assert decision.organization == room.property_org and decision.item == room.item


def test_a_bad_form_answers_400_with_the_reason_and_records_nothing(client, world, room):
    client.force_login(world.worker_a)
    url = reverse("deliberation:decision_new", args=[room.meeting.pk])
    response = client.post(url, {"what": "修好单杠", "owner_kind": "volunteer_team", "due_on": "tomorrow"})
    assert response.status_code == 400 and "请填写完成时限（年-月-日）" in response.content.decode()
    response = client.post(url, {"what": "修好单杠", "owner_kind": "volunteer_team", "due_on": "2099-01-01"})
    assert response.status_code == 400 and not Decision.objects.exists()


def test_the_record_form_is_staff_only(client, world, room):
    client.force_login(room.members[0])
    assert client.get(reverse("deliberation:decision_new", args=[room.meeting.pk])).status_code == 404


def test_progress_with_a_photo_then_verify_from_the_decision_page(client, world, room):
    decision = decide(world, room)
    client.force_login(world.worker_a)
    page = reverse("deliberation:decision", args=[decision.pk])
    assert 'data-testid="progress-form"' in client.get(page).content.decode()
    client.post(reverse("deliberation:decision_progress", args=[decision.pk]),
                {"percent": "100", "note": "修好了", "photos": [jpeg()]})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DONE
    photo = DecisionPhoto.objects.get()
    html = client.get(page).content.decode()
    assert "修好了" in html and 'data-testid="verify"' in html and photo.token in html
    assert client.get(reverse("deliberation:decision_photo", args=[decision.pk, photo.token, "thumb"])).status_code == 200
    client.post(reverse("deliberation:decision_verify", args=[decision.pk]))
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CARRIED_OUT


def test_a_bad_percent_is_refused_with_a_message(client, world, room):
    decision = decide(world, room)
    client.force_login(world.worker_a)
    response = client.post(reverse("deliberation:decision_progress", args=[decision.pk]), {"percent": "abc"}, follow=True)
    assert "进度须为0到100之间的整数百分比" in response.content.decode()
    assert not decision.updates.exists()


def test_a_participant_sees_the_decision_but_no_forms(client, world, room):
    decision = decide(world, room)
    client.force_login(room.members[0])
    html = client.get(reverse("deliberation:decision", args=[decision.pk])).content.decode()
    assert "修好单杠" in html and "progress-form" not in html and "open-case-form" not in html
    client.post(reverse("deliberation:decision_progress", args=[decision.pk]), {"percent": "50"})
    assert not decision.updates.exists()


def test_a_decision_of_another_grid_is_not_found(client, world, room):
    decision = decide(world, room)
    client.force_login(world.worker_b)  # staff of grid B, not of A (the meeting is A's)
    # Grid B's worker does not cover grid A; the meeting is not visible to them.
    assert client.get(reverse("deliberation:decision", args=[decision.pk])).status_code == 404
    assert client.get(reverse("deliberation:decision", args=[999999])).status_code == 404


def test_staff_open_a_case_and_the_page_follows_its_status(client, world, room):
    install(Category)
    decision = decide(world, room)
    client.force_login(world.worker_a)
    category = Category.objects.filter(parent__isnull=False, active=True).order_by("code").first()
    client.post(reverse("deliberation:decision_open_case", args=[decision.pk]), {"category": category.code})
    decision.refresh_from_db()
    assert decision.case is not None
    html = client.get(reverse("deliberation:decision", args=[decision.pk])).content.decode()
    assert decision.case.number in html and decision.case.get_status_display() in html


def test_the_list_puts_overdue_decisions_first(client, world, room):
    later = decide(world, room, days=30, what="晚些的决定")
    held = make_meeting(room.council_format, world.grid_a, status=MeetingStatus.HELD,
                        starts_at=timezone.now() - datetime.timedelta(days=40))
    late = decisions.record_decision(meeting=held, what="过期的决定", owner_kind=OwnerKind.VOLUNTEER_TEAM, owner_name="队",
                                     due_on=timezone.localdate() - datetime.timedelta(days=5), by=world.worker_a)
    client.force_login(world.worker_a)
    html = client.get(reverse("deliberation:decisions")).content.decode()
    assert html.index("过期的决定") < html.index("晚些的决定")
    only_late = client.get(reverse("deliberation:decisions"), {"overdue": "1"}).content.decode()
    assert "过期的决定" in only_late and "晚些的决定" not in only_late
    assert later and late


def test_the_agency_in_charge_sees_its_decision_and_reports_progress(client, world, room):
    from gongzhi.people.models import Agency, AgencyKind, Role

    from .conftest import make_user

    agency = Agency.objects.create(name="测试住建局", kind=AgencyKind.DEPARTMENT, district=world.district)
    other = Agency.objects.create(name="测试城管局", kind=AgencyKind.DEPARTMENT, district=world.district)
    decision = decisions.record_decision(meeting=room.meeting, item=room.item, what="住建局检查器材",
                                         owner_kind=OwnerKind.AGENCY, agency=agency,
                                         due_on=timezone.localdate() + datetime.timedelta(days=7), by=world.worker_a)
    clerk = make_user("clerk", Role.PROFESSIONAL_GRID_WORKER, [world.grid_b], agency=agency)
    stranger = make_user("stranger", Role.PROFESSIONAL_GRID_WORKER, [world.grid_b], agency=other)
    client.force_login(stranger)
    assert client.get(reverse("deliberation:decision", args=[decision.pk])).status_code == 404
    client.force_login(clerk)
    assert 'data-testid="progress-form"' in client.get(reverse("deliberation:decision", args=[decision.pk])).content.decode()
    client.post(reverse("deliberation:decision_progress", args=[decision.pk]), {"percent": "60", "note": "已检查一半"})
    decision.refresh_from_db()
    assert decision.percent == 60
