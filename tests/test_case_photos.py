"""Case photos: the content decides, metadata (GPS above all) never survives, all or nothing."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongzhi.cases import photos, services
from gongzhi.cases.defaults import install
from gongzhi.cases.models import CasePhoto, Category, Channel, PhotoKind
from gongzhi.people.models import Role
from tests.conftest import make_user, refused

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def case(world, media):
    install(Category)
    reporter = make_user("resident-1", Role.RESIDENT, [world.grid_a])
    return services.create_case(title="健身器材坏了", description="小区健身器材的扶手断了",
                                category=Category.objects.get(code="0201"), channel=Channel.RESIDENT,
                                reporter=reporter, lat=35.01, lng=116.005)


def image_bytes(fmt="JPEG", size=(800, 600), mode="RGB", color=(200, 30, 30), **save):
    img = Image.new(mode, size, color)
    out = io.BytesIO()
    img.save(out, fmt, **save)
    return out.getvalue()


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def files_in(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


def nothing_saved(case, media):
    return not CasePhoto.objects.filter(case=case).exists() and files_in(media) == []


def test_a_jpeg_is_stored_with_a_thumbnail(case, media, world):
    photo = photos.store_photo(case, upload(image_bytes(size=(1600, 1200)), name="我家门口 IMG_0001.JPG"),
                               uploaded_by=world.worker_a)
    photo.refresh_from_db()
    assert (photo.width, photo.height, photo.extension, photo.kind) == (1600, 1200, ".jpg", PhotoKind.REPORT)
    assert photo.uploaded_by == world.worker_a and len(photo.token) == 32
    # Our names, not the uploader's: cases/<yyyy>/<mm>/<case id>/<token>.jpg
    expected_dir = f"cases/{case.created_at:%Y/%m}/{case.pk}/"
    assert photo.image.name == f"{expected_dir}{photo.token}.jpg"
    assert photo.thumbnail.name == f"{expected_dir}{photo.token}.thumb.jpg"
    with Image.open(photo.image.path) as stored:
        assert stored.format == "JPEG" and stored.size == (1600, 1200)
    with Image.open(photo.thumbnail.path) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (320, 240)
    assert len(files_in(media)) == 2


def test_a_php_file_renamed_jpg_is_refused_and_nothing_is_saved(case, media):
    with refused("Only JPEG, PNG or WebP"):
        photos.store_photo(case, upload(b"<?php system($_GET['c']); ?>", name="photo.jpg", content_type="image/jpeg"))
    assert nothing_saved(case, media)


def test_a_php_script_hidden_behind_a_jpeg_header_is_refused(case, media):
    # A real JPEG start, then a script instead of the rest of the picture.
    data = image_bytes()[:200] + b"<?php system($_GET['c']); ?>"
    with refused("Only JPEG, PNG or WebP"):
        photos.store_photo(case, upload(data, name="photo.php.jpg"))
    assert nothing_saved(case, media)


def test_a_truncated_image_is_refused(case, media):
    data = image_bytes(fmt="PNG", size=(400, 300))
    with refused("Only JPEG, PNG or WebP"):
        photos.store_photo(case, upload(data[: len(data) // 2], name="half.png", content_type="image/png"))
    assert nothing_saved(case, media)


def test_exif_gps_is_gone_after_upload(case, media):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"    # Model
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (35.0, 24.0, 0.0), 3: "E", 4: (116.0, 30.0, 0.0)})
    data = image_bytes(exif=exif, comment=b"shot at home")
    with Image.open(io.BytesIO(data)) as original:  # the upload really carries GPS
        assert original.getexif().get_ifd(GPS_IFD)[2] == (35.0, 24.0, 0.0)

    photo = photos.store_photo(case, upload(data))

    for path in (photo.image.path, photo.thumbnail.path):
        with Image.open(path) as stored:
            exif_after = stored.getexif()
            assert len(exif_after) == 0 and GPS_IFD not in exif_after
            assert not exif_after.get_ifd(GPS_IFD)
            assert "exif" not in stored.info and "comment" not in stored.info
        raw = open(path, "rb").read()
        assert b"Exif" not in raw and b"PhoneMaker" not in raw and b"shot at home" not in raw


def test_an_oversized_photo_is_refused(case, media, settings):
    settings.CASE_PHOTO_MAX_BYTES = 2 * 1024 * 1024
    data = image_bytes(fmt="PNG", size=(1200, 1200), mode="RGB", color=(0, 0, 0))  # black, tiny
    big = upload(data + b"\0" * (2 * 1024 * 1024))  # the padding pushes it over the limit
    with refused("larger than 2 MB"):
        photos.store_photo(case, big)
    assert nothing_saved(case, media)


def test_a_file_that_lies_about_its_size_is_still_refused(case, media, settings):
    settings.CASE_PHOTO_MAX_BYTES = 1024 * 1024
    big = upload(image_bytes() + b"\0" * (1024 * 1024))
    big.size = 10  # a declared size is not trusted: the reading stops at the limit
    with refused("larger than 1 MB"):
        photos.store_photo(case, big)
    assert nothing_saved(case, media)


def test_a_picture_with_too_many_pixels_is_refused_before_it_is_decoded(case, media, settings):
    settings.CASE_PHOTO_MAX_PIXELS = 1_000_000
    data = image_bytes(fmt="PNG", size=(2000, 1000), mode="L", color=0)  # 2 MP, a few KB compressed
    with refused("too many pixels"):
        photos.store_photo(case, upload(data, name="bomb.png", content_type="image/png"))
    assert nothing_saved(case, media)


def test_a_gif_is_refused(case, media):
    data = image_bytes(fmt="GIF", size=(100, 100), mode="P", color=1)
    with refused("Only JPEG, PNG or WebP"):
        photos.store_photo(case, upload(data, name="funny.jpg", content_type="image/jpeg"))
    assert nothing_saved(case, media)


def test_more_than_nine_photos_are_refused_and_none_saved(case, media):
    ten = [upload(image_bytes(size=(64, 48)), name=f"{i}.jpg") for i in range(10)]
    with refused("at most 9 photos"):
        photos.store_photos(case, ten)
    assert nothing_saved(case, media)

    assert len(photos.store_photos(case, ten[:5])) == 5
    with refused("at most 9 photos"):
        photos.store_photos(case, [upload(image_bytes(size=(64, 48))) for _ in range(5)])
    assert CasePhoto.objects.filter(case=case).count() == 5 and len(files_in(media)) == 10
    photos.store_photos(case, [upload(image_bytes(size=(64, 48))) for _ in range(4)])
    with refused("at most 9 photos"):
        photos.store_photo(case, upload(image_bytes(size=(64, 48))))
    assert CasePhoto.objects.filter(case=case).count() == 9


def test_one_bad_photo_among_good_ones_saves_none(case, media):
    batch = [upload(image_bytes(size=(64, 48))), upload(image_bytes(size=(64, 48))), upload(b"GIF89a not really")]
    with refused("Only JPEG, PNG or WebP"):
        photos.store_photos(case, batch)
    assert nothing_saved(case, media)


def test_files_already_written_are_deleted_when_saving_fails(case, media, monkeypatch):
    calls = []
    real_save = CasePhoto.save

    def failing_save(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise RuntimeError("database gone")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(CasePhoto, "save", failing_save)
    with pytest.raises(RuntimeError):
        photos.store_photos(case, [upload(image_bytes(size=(64, 48))) for _ in range(3)])
    assert nothing_saved(case, media)


def test_the_orientation_is_applied_before_the_exif_is_dropped(case, media):
    # Stored sideways as the sensor saw it: red on the left, blue on the right, 200 x 100,
    # with "rotate 90° clockwise to view" (orientation 6) in the EXIF.
    img = Image.new("RGB", (200, 100), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, 100, 100))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, quality=95)

    photo = photos.store_photo(case, upload(out.getvalue()))

    assert (photo.width, photo.height) == (100, 200)
    with Image.open(photo.image.path) as stored:
        assert stored.size == (100, 200)
        assert ORIENTATION not in stored.getexif()  # nothing left to rotate it a second time
        top, bottom = stored.getpixel((50, 20)), stored.getpixel((50, 180))
    assert top[0] > 200 and top[2] < 60       # red on top
    assert bottom[2] > 200 and bottom[0] < 60  # blue below
    with Image.open(photo.thumbnail.path) as thumb:
        assert thumb.size == (100, 200)


def test_a_png_keeps_its_format(case, media):
    data = image_bytes(fmt="PNG", size=(640, 480), mode="RGBA", color=(10, 120, 10, 128))
    photo = photos.store_photo(case, upload(data, name="screenshot.jpg", content_type="image/jpeg"),
                               kind=PhotoKind.RESULT)
    assert photo.extension == ".png" and photo.image.name.endswith(".png") and photo.kind == PhotoKind.RESULT
    with Image.open(photo.image.path) as stored:
        assert stored.format == "PNG" and stored.mode == "RGBA" and stored.size == (640, 480)
        assert stored.getpixel((0, 0)) == (10, 120, 10, 128)
    with Image.open(photo.thumbnail.path) as thumb:
        assert thumb.format == "JPEG" and thumb.mode == "RGB" and thumb.size == (320, 240)


def test_a_webp_keeps_its_format(case, media):
    photo = photos.store_photo(case, upload(image_bytes(fmt="WEBP", size=(300, 200)), name="x.webp",
                                            content_type="image/webp"))
    assert photo.extension == ".webp"
    with Image.open(photo.image.path) as stored:
        assert stored.format == "WEBP" and stored.size == (300, 200)


def test_a_palette_png_with_transparency_keeps_it(case, media):
    img = Image.new("P", (60, 40), 0)
    img.putpalette([255, 255, 255, 200, 0, 0])
    img.paste(1, (0, 0, 30, 40))
    out = io.BytesIO()
    img.save(out, "PNG", transparency=0)
    photo = photos.store_photo(case, upload(out.getvalue(), name="logo.png", content_type="image/png"))
    with Image.open(photo.image.path) as stored:
        assert stored.mode == "P" and stored.info.get("transparency") == 0
    with Image.open(photo.thumbnail.path) as thumb:
        assert thumb.getpixel((50, 20)) == (255, 255, 255)  # transparent parts turn white, not black
