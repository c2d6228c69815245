"""Where the fitted text model lives: one database row, loaded once per process.

The minute job fits it (``routing.train``: the routing classifier and the
vectoriser the similar-case search uses) and stores it with ``store``; pages
read it with ``current``, which loads the newest row once and looks for a
newer one at most every ``CASE_TEXT_MODEL_CHECK_SECONDS`` (one small indexed
query), so a page never fits, counts or waits for a model. Why a row and not a
file: decision 28 in docs/decisions.md.
"""
import logging
import pickle
import threading
import time
import uuid
from importlib import metadata

from django.conf import settings
from django.db import transaction

from gongzhi.core.memory import give_back_freed_memory

from .models import TextModel

log = logging.getLogger(__name__)

# Bumped when the pickled object's shape changes (textserve.Model): the tick then retrains
# instead of every process failing to read the old one. 2: plain arrays, no scikit-learn objects
# (decision 76).
FORMAT = 2
DEFAULT_CHECK_SECONDS = 60

_lock = threading.Lock()
_state = {"version": None, "model": None, "due": 0.0}


def library():
    """What the stored model must have been made with to be read by this code."""
    # The installed version, read without importing the library (pages never import it).
    return f"scikit-learn {metadata.version('scikit-learn')}; format {FORMAT}"


def _check_seconds():
    return getattr(settings, "CASE_TEXT_MODEL_CHECK_SECONDS", DEFAULT_CHECK_SECONDS)


def latest():
    """The newest stored model's row without its blob, or None."""
    return TextModel.objects.defer("blob").first()


def _load(pk):
    row = TextModel.objects.filter(pk=pk).values_list("blob", "library").first()
    if row is None:  # pruned since we looked: keep what we have until the next check
        return _state["model"]
    blob, made_with = row
    if made_with != library():  # another format: the tick retrains (retrain_due compares it)
        return None
    try:
        # Our own rows, written by store() below from textserve.Model: plain numpy arrays and dicts.
        model = pickle.loads(bytes(blob))
    except Exception:  # noqa: BLE001 - made by another version: the tick retrains (library() differs)
        log.exception("the stored text model %s cannot be read", pk)
        return None
    # Which row it is: stored case vectors name the model they were made with (cases/vectors.py).
    model.row_id = pk
    return model


def current():
    """The newest trained model (textserve.Model), or None before the first training."""
    if time.monotonic() < _state["due"]:
        return _state["model"]
    with _lock:
        if time.monotonic() < _state["due"]:
            return _state["model"]
        row = TextModel.objects.values("pk", "version").first()
        if row is None:
            _state.update(version=None, model=None)
        elif row["version"] != _state["version"]:
            _state.update(version=row["version"], model=_load(row["pk"]))
            give_back_freed_memory()  # the unpickled blob and its copies
        _state["due"] = time.monotonic() + _check_seconds()
        return _state["model"]


def store(model, *, trained_at, closed_cases, newest_closed_at, newest_case_id):
    """Save a freshly fitted model as the newest row, drop the older rows, and use it in this process."""
    blob = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    # A short write: the fitting was done before, outside any transaction.
    with transaction.atomic():
        row = TextModel.objects.create(
            version=uuid.uuid4().hex, trained_at=trained_at, closed_cases=closed_cases,
            newest_closed_at=newest_closed_at, newest_case_id=newest_case_id, library=library(),
            blob=blob,
        )
        TextModel.objects.filter(pk__lt=row.pk).delete()
    model.row_id = row.pk
    with _lock:
        _state.update(version=row.version, model=model, due=time.monotonic() + _check_seconds())
    return row


def reset_cache():
    """Forget this process's model; the next use reads the newest row again."""
    with _lock:
        _state.update(version=None, model=None, due=0.0)
