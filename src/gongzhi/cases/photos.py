"""Photos of a case: the content decides what is accepted, and nothing personal is kept.

An upload is read by Pillow, never trusted by its name or declared type. Only
JPEG, PNG and WebP are taken; the picture is turned upright by its EXIF
orientation and then encoded anew with no metadata at all (no EXIF, so no GPS,
no XMP, no ICC profile, no comments), with a small JPEG thumbnail beside it.
File names are ours (``photo_path``/``thumbnail_path``): a random token.

All photos of one upload are checked and encoded first (``prepare_photos``),
before any transaction or lock: callers do it before they lock the case or the
case-number counter, so no intake waits behind another's image work. Then the
encoded bytes are written in one transaction; if anything fails, the files
already written are deleted again.
"""
import io
import secrets
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from gongzhi.cases.models import Case, CasePhoto, PhotoKind
from gongzhi.core.errors import DomainError

# Limits from the environment (GONGZHI_CASE_PHOTO_MAX_COUNT, _MAX_BYTES, _MAX_PIXELS in settings.py).
MAX_PHOTOS_PER_CASE = settings.CASE_PHOTO_MAX_COUNT
DEFAULT_MAX_BYTES = settings.CASE_PHOTO_MAX_BYTES
DEFAULT_MAX_PIXELS = settings.CASE_PHOTO_MAX_PIXELS
THUMBNAIL_SIZE = (320, 320)
JPEG_QUALITY = 85

# Pillow's format name -> (how we save it, our extension). MPO is the
# multi-picture JPEG some phones write; by content it is a JPEG, and only its
# first (main) picture is kept.
FORMATS = {
    "JPEG": ("JPEG", ".jpg"),
    "MPO": ("JPEG", ".jpg"),
    "PNG": ("PNG", ".png"),
    "WEBP": ("WEBP", ".webp"),
}
PNG_MODES = frozenset({"1", "L", "LA", "I", "I;16", "I;16B", "P", "RGB", "RGBA"})


def max_bytes():
    return getattr(settings, "CASE_PHOTO_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_pixels():
    return getattr(settings, "CASE_PHOTO_MAX_PIXELS", DEFAULT_MAX_PIXELS)


class PreparedPhoto:
    """A checked photo, encoded and ready to be written."""

    def __init__(self, data, extension, thumbnail, width, height):
        self.data, self.extension, self.thumbnail = data, extension, thumbnail
        self.width, self.height = width, height


def _not_an_image():
    return DomainError(_("Only JPEG, PNG or WebP photos can be uploaded."), code="photo_format", field="photos")


def _read(uploaded_file):
    """The bytes of the upload, refusing a file over the limit before reading it all."""
    limit = max_bytes()
    too_large = DomainError(_("The photo is larger than %(mb)d MB."), code="photo_too_large", field="photos",
                            params={"mb": max(1, limit // (1024 * 1024))})
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise too_large
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)  # the declared size is not trusted either
    if len(data) > limit:
        raise too_large
    return data


def _decode(data):
    """Open, verify and load the picture; refuse anything that is not a sound JPEG, PNG or WebP.

    Returns Pillow's format name and the picture turned upright by its EXIF orientation.
    """
    too_many_pixels = DomainError(_("The photo has too many pixels (at most %(mp)d megapixels)."),
                                  code="photo_too_many_pixels", field="photos",
                                  params={"mp": max_pixels() // 1_000_000})
    with warnings.catch_warnings():
        # Pillow warns (rather than fails) between its two bomb limits: a warning is a refusal here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise _not_an_image()
                if probe.width * probe.height > max_pixels():  # from the header, before any pixel is decoded
                    raise too_many_pixels
                probe.verify()
            with Image.open(io.BytesIO(data)) as img:  # verify() leaves the image unusable: open it again
                if img.format not in FORMATS or img.width * img.height > max_pixels():
                    raise _not_an_image()
                img.load()  # a truncated or corrupt file fails here
                return img.format, ImageOps.exif_transpose(img)
        except DomainError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise too_many_pixels from exc
        except Exception as exc:  # noqa: BLE001 - untrusted bytes: any failure to decode is a refusal
            raise _not_an_image() from exc


def _encode(img, fmt):
    """The same pixels, encoded anew with no metadata at all (EXIF, XMP, ICC, comments, text chunks).

    Pillow's writers take some metadata from ``img.info`` (JPEG comments, PNG ICC
    profiles and transparency): the info is emptied, so ``img`` is changed.
    """
    transparency = img.info.get("transparency")
    img.info = {}
    out = io.BytesIO()
    if fmt == "JPEG":
        if img.mode not in ("RGB", "L"):
            img = img.convert("RGB")
        img.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif fmt == "PNG":
        if img.mode not in PNG_MODES:
            img = img.convert("RGBA")
        options = {"transparency": transparency} if transparency is not None and img.mode in ("1", "L", "P", "RGB") else {}
        img.save(out, "PNG", optimize=True, **options)
    else:
        if img.mode not in ("RGB", "RGBA"):
            img = img.convert("RGBA" if img.has_transparency_data else "RGB")
        img.save(out, "WEBP", quality=JPEG_QUALITY)
    return out.getvalue()


def _thumbnail(img):
    thumb = img.copy()  # keeps img.info, so palette transparency is seen below
    if thumb.has_transparency_data:
        rgba = thumb.convert("RGBA")
        thumb = Image.new("RGB", rgba.size, (255, 255, 255))
        thumb.paste(rgba, mask=rgba.getchannel("A"))
    elif thumb.mode not in ("RGB", "L"):
        if thumb.mode.startswith("I"):  # 16-bit greyscale: scale to 8 bits, not clip
            thumb = thumb.convert("I").point(lambda v: v * (1 / 256)).convert("L")
        else:
            thumb = thumb.convert("RGB")
    thumb.thumbnail(THUMBNAIL_SIZE)
    thumb.info = {}
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def prepare(uploaded_file):
    """Check one upload and encode it anew; nothing is written. Raises DomainError.

    A photo prepared already (checked by a form, or kept from a failed submit) is taken as it is.
    """
    if isinstance(uploaded_file, PreparedPhoto):
        return uploaded_file
    data = _read(uploaded_file)
    fmt, img = _decode(data)
    save_as, extension = FORMATS[fmt]
    try:
        thumbnail = _thumbnail(img)  # first: _encode empties img.info
        return PreparedPhoto(_encode(img, save_as), extension, thumbnail, img.width, img.height)
    finally:
        img.close()


def write_photo(photo, prepared, written):
    """Write a prepared photo's files and save ``photo`` (an unsaved photo row of any model with
    token, extension, width, height, image and thumbnail); each file written is added to
    ``written`` so the caller can delete them again (``delete_files``) if its transaction fails."""
    photo.token, photo.extension = secrets.token_hex(16), prepared.extension
    photo.width, photo.height = prepared.width, prepared.height
    # The storage names the files through the model's paths; the names given here are ignored.
    photo.image.save(f"photo{prepared.extension}", ContentFile(prepared.data), save=False)
    written.append((photo.image.storage, photo.image.name))
    photo.thumbnail.save("thumb.jpg", ContentFile(prepared.thumbnail), save=False)
    written.append((photo.thumbnail.storage, photo.thumbnail.name))
    photo.save()
    return photo


def delete_files(written):
    for storage, name in written:
        try:
            storage.delete(name)
        except OSError:
            pass  # best effort: the original error is the one to report


def _write(case, prepared, *, uploaded_by, kind, written):
    return write_photo(CasePhoto(case=case, kind=kind, uploaded_by=uploaded_by), prepared, written)


def prepare_photos(files):
    """Check and encode the uploads anew, nothing written: call it before taking any lock.

    Photos prepared already are passed through. Raises DomainError.
    """
    files = list(files or ())
    if len(files) > MAX_PHOTOS_PER_CASE:  # cheap refusal before any decoding
        raise _too_many()
    return [f if isinstance(f, PreparedPhoto) else prepare(f) for f in files]


def store_photos(case, files, *, uploaded_by=None, kind=PhotoKind.REPORT):
    """Store several photos of a case, all or none; a case holds at most MAX_PHOTOS_PER_CASE photos.

    ``files`` are best prepared (``prepare_photos``) before the caller's transaction; uploads
    not yet prepared are prepared here, before this function's own lock.
    """
    if kind not in PhotoKind.values:
        raise DomainError(_("Unknown photo kind."), code="photo_kind", field="photos")
    prepared = prepare_photos(files)  # every file is checked before any is written
    written = []
    try:
        with transaction.atomic():
            # Lock the case so that two uploads at once cannot together pass the limit
            # (FOR NO KEY UPDATE on PostgreSQL, as in workflow.perform: inserts that refer
            # to the case are not held up).
            locked = Case.objects.select_for_update(no_key=connection.features.has_select_for_no_key_update).get(pk=case.pk)
            if CasePhoto.objects.filter(case=locked).count() + len(prepared) > MAX_PHOTOS_PER_CASE:
                raise _too_many()
            return [_write(locked, p, uploaded_by=uploaded_by, kind=kind, written=written) for p in prepared]
    except BaseException:
        delete_files(written)
        raise


def store_photo(case, uploaded_file, *, uploaded_by=None, kind=PhotoKind.REPORT):
    """Check, clean and store one photo of a case; returns the CasePhoto. Raises DomainError."""
    return store_photos(case, [uploaded_file], uploaded_by=uploaded_by, kind=kind)[0]


def _too_many():
    return DomainError(_("A case can have at most %(n)d photos."), code="photo_too_many", field="photos",
                       params={"n": MAX_PHOTOS_PER_CASE})
