"""Shared setup for the micro-project tests: a grid branch, an in-service member who reported
(双报到) to the community with an account, and a retired member who did not."""
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.party.models import DualReport, OrganizationKind, PartyMember, PartyOrganization
from gongzhi.people.models import Role
from tests.conftest import make_user


def add_party(w):
    w.branch = PartyOrganization.objects.create(name="A网格党支部", kind=OrganizationKind.BRANCH, unit=w.grid_a)
    w.member_user = make_user("member-a", Role.RESIDENT, [w.grid_a])
    w.member = PartyMember.objects.create(name="王党员", gender="F", phone="13600001111", organization=w.branch,
                                          employment="in_service", work_unit="某局", account=w.member_user)
    DualReport.objects.create(member=w.member, community=w.community, grid=w.grid_a, registered_on=datetime.date(2026, 1, 5))
    w.retired = PartyMember.objects.create(name="赵退休", gender="M", organization=w.branch, employment="retired")
    return w


def jpeg(name="p.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 100, 50)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
