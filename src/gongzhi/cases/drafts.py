"""A report form's one-time token, and the photos it keeps across a failed submit.

Why the photos are kept on the server: no browser lets a page fill a file input again, so
after a failed submit the photos can only come back from where they were already sent. This
works on any phone, old ones included, with or without JavaScript, and it also covers what
only the server can check (the grid a point lies in, an image's content). What is kept are the
photos already checked and encoded anew (no EXIF, so no GPS), bound to the browser session
that sent them (a token alone does not open them), shown back as small inline thumbnails (no
URL carries the token), and forgotten after a day by the minute job.

The token is also the double-submit guard: the submit that files the case claims it in the
same transaction (INSERT ... ON CONFLICT DO NOTHING, then a row lock, so no error is part of
the normal path), and a second submit of the same form waits for the first and answers with
its case.
"""
import base64
import datetime
import re
import secrets

from django.core.files.base import ContentFile
from django.db import transaction

from .models import Case, DraftPhoto, ReportDraft
from .photos import PreparedPhoto

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32}")
SESSION_KEY = "report_drafts"
MAX_SESSION_DRAFTS = 20
KEEP_FOR = datetime.timedelta(days=1)


def new_token():
    return secrets.token_urlsafe(24)  # 32 characters


def clean_token(value):
    """The token sent with a form, or None if it is not one of ours (never used as a path)."""
    return value if isinstance(value, str) and TOKEN_RE.fullmatch(value) else None


def _owned(request, token):
    return token in request.session.get(SESSION_KEY, [])


def _own(request, token):
    tokens = [t for t in request.session.get(SESSION_KEY, []) if t != token] + [token]
    request.session[SESSION_KEY] = tokens[-MAX_SESSION_DRAFTS:]


def filed_by(token):
    """The case this token has already filed, or None."""
    if token is None:
        return None
    return Case.objects.filter(pk__in=ReportDraft.objects.filter(token=token, case__isnull=False).values("case")).first()


def kept_photos(request, token):
    """The photos kept for this form, if this browser session sent them."""
    if token is None or not _owned(request, token):
        return []
    return list(DraftPhoto.objects.filter(draft__token=token, draft__case__isnull=True))


def with_thumbnails(photos):
    """Each kept photo with ``data_uri``: its thumbnail inline, so that no URL names the token."""
    for photo in photos:
        with photo.thumbnail.open("rb") as f:
            photo.data_uri = "data:image/jpeg;base64," + base64.b64encode(f.read()).decode()
    return photos


def prepared(photo):
    """A kept photo as the photos module takes it: checked and encoded already, not decoded again."""
    with photo.image.open("rb") as f:
        data = f.read()
    with photo.thumbnail.open("rb") as f:
        thumbnail = f.read()
    return PreparedPhoto(data, photo.extension, thumbnail, photo.width, photo.height)


def keep(request, token, photos, now):
    """Keep checked photos (``PreparedPhoto``) for the next try of this form."""
    if token is None or not photos:
        return
    ReportDraft.objects.bulk_create([ReportDraft(token=token, created_at=now)], ignore_conflicts=True)
    draft = ReportDraft.objects.get(token=token)
    if draft.case_id or (not _owned(request, token) and draft.photos.exists()):
        return  # filed already, or another browser's photos: nothing of theirs is touched
    written = []
    try:
        with transaction.atomic():
            for p in photos:
                photo = DraftPhoto(draft=draft, token=secrets.token_hex(16), extension=p.extension,
                                   width=p.width, height=p.height, created_at=now)
                photo.image.save("photo", ContentFile(p.data), save=False)
                written.append((photo.image.storage, photo.image.name))
                photo.thumbnail.save("thumb", ContentFile(p.thumbnail), save=False)
                written.append((photo.thumbnail.storage, photo.thumbnail.name))
                photo.save()
    except BaseException:
        _delete_files(written)
        raise
    _own(request, token)


def drop(request, token, ids):
    """Take kept photos out of the form (the resident unticked them)."""
    ids = [int(i) for i in ids if str(i).isdigit() and len(str(i)) < 19]
    if token is None or not ids or not _owned(request, token):
        return
    _delete(DraftPhoto.objects.filter(draft__token=token, draft__case__isnull=True, pk__in=ids))


def claim(token, now):
    """Claim the token for the submit that files a case; call inside its transaction.

    The draft row stays locked until that transaction ends, so a second submit of the same
    form waits here and then finds ``case`` set: it must answer with that case.
    """
    ReportDraft.objects.bulk_create([ReportDraft(token=token, created_at=now)], ignore_conflicts=True)
    return ReportDraft.objects.select_for_update().get(token=token)


def consume(draft, case):
    """The token has filed ``case``; its kept photos went with it and leave the stash."""
    draft.case = case
    draft.save(update_fields=["case"])
    _delete(draft.photos.all())


def forget_stale(now):
    """Minute-job step: forget drafts (tokens and kept photos) older than a day."""
    old = ReportDraft.objects.filter(created_at__lt=now - KEEP_FOR)
    _delete(DraftPhoto.objects.filter(draft__in=old))
    count, _by_model = old.delete()
    return {"drafts_forgotten": count}


def _delete(photos):
    files = [(f.storage, f.name) for p in photos for f in (p.image, p.thumbnail)]
    photos.delete()
    # The files go once the rows are surely gone (a rollback keeps both).
    transaction.on_commit(lambda: _delete_files(files))


def _delete_files(files):
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            pass  # best effort: a leftover file is named by a random token and never served
