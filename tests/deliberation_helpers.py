"""Small builders the proposal tests share (meetings are made directly: the meetings part's
scheduling is not what these tests are about)."""
import datetime
import importlib
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from gongzhi.deliberation.models import Meeting, MeetingFormat
from gongzhi.people.models import Role

from tests.conftest import make_user


def default_formats():
    """The formats the data migration loads: a transactional test (live_server, threads) before
    this one flushed them with every other row."""
    if not MeetingFormat.objects.exists():
        from django.apps import apps

        importlib.import_module("gongzhi.deliberation.migrations.0002_default_formats").load(apps, None)


def meeting(unit, *, days=7, code="shuo-qi-shuo-ba", threshold=None, title="说七说八"):
    default_formats()
    fmt = MeetingFormat.objects.get(code=code)
    if threshold is not None:
        fmt.support_threshold = threshold
        fmt.save(update_fields=["support_threshold"])
    starts = timezone.now() + datetime.timedelta(days=days)
    return Meeting.objects.create(format=fmt, unit=unit, title=title, starts_at=starts,
                                  ends_at=starts + datetime.timedelta(minutes=fmt.duration_minutes))


def residents(world, n, grid=None, prefix="r"):
    grid = grid or world.grid_a
    return [make_user(f"{prefix}{i}-{grid.pk}", Role.RESIDENT, [grid]) for i in range(n)]


def jpeg(name="p.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
