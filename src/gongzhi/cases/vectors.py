"""Stored TF-IDF rows of open cases (CaseVector, decision 82).

The similar-case search compares a new case with up to a few thousand open cases. Computing
each candidate's row (its words and character n-grams through the vectoriser) was most of a
search's time at 10 million cases, and a per-process cache cannot hold every open case of a city
within the memory a worker may use. So each open case's row is stored, made with the model
named beside it: at intake, and by the minute job (``refresh_step``) for every open case of the
search window after a refit, a bounded batch a minute. A row made with another model is stale
and the search computes that one as before.

Packed as little-endian int32 columns then float32 values: about 500 bytes a case.
"""
import datetime

import numpy as np
from django.db import transaction
from django.utils import timezone

from gongzhi.core import tick

from . import textmodel
from .models import OPEN_STATUSES, Case, CaseVector
from .textserve import case_text

BATCH = 5000
MARK = "cases.vectors"


def pack(row):
    columns, values = row
    return np.asarray(columns, dtype="<i4").tobytes() + np.asarray(values, dtype="<f4").tobytes()


def unpack(data):
    data = bytes(data)
    n = len(data) // 8
    return (np.frombuffer(data, dtype="<i4", count=n).astype(np.int64),
            np.frombuffer(data, dtype="<f4", count=n, offset=4 * n).astype(np.float64))


def row_for(model, title, description, words):
    return model.features.row(case_text(title, description), words or None)


def store_new(case, model=None):
    """At intake: the new case's row with the current model, if there is one (one INSERT)."""
    model = model or textmodel.current()
    if model is None or model.features is None or getattr(model, "row_id", None) is None:
        return
    CaseVector.objects.create(case=case, model=model.row_id,
                              data=pack(row_for(model, case.title, case.description, case.words)))


def refresh_step(now):
    """The minute job's step: store the rows of up to BATCH open cases of the search window that
    have none or a stale one, newest first; once a pass finds none left, nothing until the next
    refit (the mark holds the model's training time)."""
    from .similarity import CANDIDATE_DAYS

    latest = textmodel.latest()
    model = textmodel.current()
    if latest is None or model is None or model.features is None or getattr(model, "row_id", None) != latest.pk:
        return {"stored": 0}
    if tick.last_mark(MARK) == latest.trained_at:
        return {"stored": 0, "done": True}
    since = (now or timezone.now()) - datetime.timedelta(days=CANDIDATE_DAYS)
    stale = (Case.objects.filter(status__in=OPEN_STATUSES, main_case__isnull=True, created_at__gte=since)
             .exclude(vector__model=latest.pk).order_by("-created_at", "-id")
             .values_list("pk", "title", "description", "words")[:BATCH])
    rows = [CaseVector(case_id=pk, model=latest.pk, data=pack(row_for(model, title, description, words)))
            for pk, title, description, words in stale]
    with transaction.atomic():
        CaseVector.objects.bulk_create(rows, batch_size=1000, update_conflicts=True, unique_fields=["case"],
                                       update_fields=["model", "data"])
    if len(rows) < BATCH:
        tick.mark(MARK, latest.trained_at)
    return {"stored": len(rows), "done": len(rows) < BATCH}


def refresh_all(now=None, progress=None):
    """Every stale row at once (the bench's preparation and `gongzhi` maintenance)."""
    total = 0
    while True:
        result = refresh_step(now)
        total += result["stored"]
        if progress and result["stored"]:
            progress(total)
        if result.get("done") or not result["stored"]:
            return total
