"""Duplicate suggestions while a case is registered (查重).

A new report is often the tenth report of the same broken lamp. Before it is
dispatched, the grid worker sees the open cases that are near it (within
``CASE_DUPLICATE_DISTANCE_M`` metres, or in the same building) or worded
alike (cosine similarity of TF-IDF over jieba words and character 2–3-grams),
and may merge it into one of them.

Candidates are bounded so that this stays fast in a city with millions of
cases, and read by index: the open cases reported in the last 90 days (a) in
the grids within the duplicate distance of the point, and (b) of the same
小类 anywhere in the street; at most 2,000 of the most recent of each. Scope
filters are code equalities and ranges (decision 2), never LIKE.

The wording is compared with the vectoriser the minute job fitted
(``textmodel``, trained with the routing model): a page only transforms the
candidates' texts, it never fits. Before the first model exists, only
nearness and the 小类 count.
"""
import datetime
import threading
from collections import OrderedDict, namedtuple
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.utils import timezone

from gongzhi.core.scoping import minimal_codes, under_codes_q
from gongzhi.territory.geometry import micro_grids_near
from gongzhi.territory.models import CODE_LENGTH, Level

from . import textmodel, vectors
from .models import CASE_SCOPE_ROLES, OPEN_STATUSES, Case
from .textserve import case_text, dot_rows, tokens  # noqa: F401 - tokens: the words other parts search by

EARTH_RADIUS_M = 6_371_008.8
STREET_CODE_LENGTH = CODE_LENGTH[Level.STREET]
CANDIDATE_DAYS = settings.CASE_SIMILAR_DAYS  # GONGZHI_CASE_SIMILAR_DAYS
MAX_CANDIDATES = settings.CASE_SIMILAR_MAX_CANDIDATES  # GONGZHI_CASE_SIMILAR_MAX_CANDIDATES
DEFAULT_DISTANCE_M = settings.CASE_DUPLICATE_DISTANCE_M  # GONGZHI_CASE_DUPLICATE_DISTANCE_M

def haversine_m(lat1, lng1, lat2, lng2):
    """Great-circle distance in metres; numbers give a float, numpy arrays broadcast."""
    lat1, lng1, lat2, lng2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lng1, lat2, lng2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lng2 - lng1) / 2) ** 2
    d = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return float(d) if d.ndim == 0 else d


@dataclass
class SimilarCase:
    case: Case
    distance_m: float | None  # None when either case has no coordinates
    text_score: float  # cosine similarity of the wording, 0..1
    reasons: list = field(default_factory=list)  # "near" and/or "text"
    score: float = 0.0  # what the list is sorted by: wording plus closeness


def _street_ranges(street, user):
    """The code ranges of ``street`` that ``user`` may see (None: no limit)."""
    if user is None or user.is_superuser:
        return [street]
    scope = minimal_codes(user.scope_codes(CASE_SCOPE_ROLES))
    if any(street.startswith(code) for code in scope):
        return [street]
    return [code for code in scope if code.startswith(street)]


# What a candidate is compared by, read as plain rows: thousands of them are read per search,
# and building a model instance (with its category and grid) for each was most of a search's
# time at 10 million cases. The few shown are read in full afterwards. The texts are not read
# with them: an open case's stored vector (decision 82) is what is compared, and the texts were
# most of the bytes read; the few without a current vector have theirs read apart (_texts_of).
Candidate = namedtuple("Candidate", "pk created_at lat lng building_id category_id vector_model vector_data")
CANDIDATE_COLUMNS = ("pk", "created_at", "lat", "lng", "building_id", "category_id", "vector__model", "vector__data")


def candidates(case, *, user=None, now=None, within_m=None):
    """The bounded set of open cases a duplicate of ``case`` is looked for in, newest first, as
    ``Candidate`` rows.

    Two indexed queries: the grids near the case (``case_scope_status_time``) and the
    same 小类 in the street (``case_open_category``). With ``user``, only what they may
    see in their territory: a suggestion must not leak another grid's case.
    """
    code = case.grid_code or (case.grid.code if case.grid_id else "")
    if len(code) < STREET_CODE_LENGTH or (user is not None and not (user.is_authenticated and user.is_active)):
        return []
    street = code[:STREET_CODE_LENGTH]
    ranges = _street_ranges(street, user)
    if not ranges:
        return []
    grids = {code}
    if case.lat is not None and case.lng is not None:
        if within_m is None:
            within_m = getattr(settings, "CASE_DUPLICATE_DISTANCE_M", DEFAULT_DISTANCE_M)
        grids |= {p.grid_code for p in micro_grids_near(case.lat, case.lng, within_m)}
    # Same street only, and within the ranges the person sees.
    grids = sorted(g for g in grids if g.startswith(street) and any(g.startswith(r) for r in ranges))
    since = (now or timezone.now()) - datetime.timedelta(days=CANDIDATE_DAYS)
    open_recent = Case.objects.filter(status__in=OPEN_STATUSES, main_case__isnull=True, created_at__gte=since)
    if case.pk is not None:
        open_recent = open_recent.exclude(pk=case.pk)
    open_recent = open_recent.order_by("-created_at", "-id")
    found = {}
    if grids:
        found.update((c.pk, c) for c in _rows(open_recent.filter(grid_code__in=grids)))
    if case.category_id is not None:
        found.update((c.pk, c) for c in _rows(open_recent.filter(under_codes_q("grid_code", ranges),
                                                                  category_id=case.category_id)))
    return sorted(found.values(), key=lambda c: (c.created_at, c.pk), reverse=True)


def _rows(queryset):
    return [Candidate._make(row) for row in queryset.values_list(*CANDIDATE_COLUMNS)[:MAX_CANDIDATES]]


# Transformed texts of candidates, kept per process: a case's wording does not change, and
# tokenising (jieba) is most of a search's cost. Keyed by case and text, for one model only.
VECTOR_CACHE_SIZE = 5_000  # only rows not stored with the current model (decision 82)
_vectors = OrderedDict()
_vectors_lock = threading.Lock()
_vectors_model = {"model": None}


def _vectors_of(model, cases):
    """The TF-IDF rows of ``cases``' texts (unit length, sparse: columns and values): the stored
    ones made with this model (cases/vectors.py), the others from the cache or computed."""
    row_id = getattr(model, "row_id", None)
    stored = {c.pk: vectors.unpack(c.vector_data) for c in cases
              if row_id is not None and getattr(c, "vector_model", None) == row_id and c.vector_data is not None}
    if len(stored) == len(cases):
        return [stored[c.pk] for c in cases]
    stored.update(_computed_vectors(model, [c for c in cases if c.pk not in stored]))
    return [stored.get(c.pk, EMPTY_ROW) for c in cases]  # EMPTY_ROW: gone since it was read


EMPTY_ROW = (np.zeros(0, dtype=np.int64), np.zeros(0))


def _texts_of(cases):
    """(title, description, words) of each candidate, by pk: one query for those to vectorise."""
    rows = Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("pk", "title", "description", "words")
    return {pk: (title, description, words) for pk, title, description, words in rows}


def _computed_vectors(model, cases):
    """The rows of ``cases`` without a stored one, by pk: from the cache or transformed now."""
    texts = _texts_of(cases) if cases else {}
    cases = [c for c in cases if c.pk in texts]  # gone since it was read: nothing to compare
    keys = [(c.pk, case_text(texts[c.pk][0], texts[c.pk][1])) for c in cases]
    words = {c.pk: texts[c.pk][2] for c in cases}
    with _vectors_lock:
        if _vectors_model["model"] is not model:  # a new model: rows of the old one mean nothing
            _vectors.clear()
            _vectors_model["model"] = model
        rows = {k: _vectors.get(k) for k in keys}
    missing = [k for k, row in rows.items() if row is None]
    if missing:
        texts = [text for _pk, text in missing]
        for k, row in zip(missing, model.features.transform(texts, words=[words[pk] for pk, _text in missing])):
            rows[k] = row
    with _vectors_lock:
        if _vectors_model["model"] is model:
            for k in keys:
                _vectors[k] = rows[k]
                _vectors.move_to_end(k)
            while len(_vectors) > VECTOR_CACHE_SIZE:
                _vectors.popitem(last=False)
    return {pk: rows[(pk, text)] for pk, text in keys}


def _text_scores(case, others):
    """Cosine similarity of each candidate's wording to the case's, with the stored vectoriser."""
    model = textmodel.current()
    if model is None or model.features is None:
        return np.zeros(len(others))
    mine = model.features.transform([case_text(case.title, case.description)])[0]
    return np.clip(dot_rows(mine, _vectors_of(model, others), model.features.width), 0.0, 1.0)


NEAR_MIN_TEXT_SCORE = 0.15


def similar_open_cases(case, *, user=None, within_m=None, limit=5, min_text_score=0.35, now=None):
    """Open cases that may be the same problem as ``case``, best first (at most ``limit``)."""
    if within_m is None:
        within_m = getattr(settings, "CASE_DUPLICATE_DISTANCE_M", DEFAULT_DISTANCE_M)
    others = candidates(case, user=user, now=now, within_m=within_m)
    if not others:
        return []
    n = len(others)

    # Distance: NaN where either side has no coordinates.
    distances = np.full(n, np.nan)
    if case.lat is not None and case.lng is not None:
        lats = np.array([np.nan if c.lat is None else c.lat for c in others], dtype=float)
        lngs = np.array([np.nan if c.lng is None else c.lng for c in others], dtype=float)
        distances = haversine_m(case.lat, case.lng, lats, lngs)
    has_distance = ~np.isnan(distances)
    near = np.zeros(n, dtype=bool)
    near[has_distance] = distances[has_distance] <= within_m
    closeness = np.zeros(n)
    if within_m > 0:
        closeness[near] = 1.0 - distances[near] / within_m
    if case.building_id is not None:
        same_building = np.array([c.building_id == case.building_id for c in others], dtype=bool)
        near |= same_building
        closeness[same_building] = 1.0

    # Wording: the stored vectoriser's TF-IDF, cosine against the case.
    text_scores = _text_scores(case, others)
    alike = text_scores >= min_text_score

    # Being near is not enough on its own (a street has many problems): a near
    # case must also be of the same 小类 or share some wording.
    same_category = np.array([c.category_id == case.category_id for c in others], dtype=bool)
    related = same_category | (text_scores >= NEAR_MIN_TEXT_SCORE)
    picked = np.flatnonzero((near & related) | alike)
    scores = text_scores + np.where(near, closeness, 0.0)
    # Best first; ties keep the candidates' order (most recent first).
    picked = picked[np.argsort(-scores[picked], kind="stable")][:limit]
    shown = Case.objects.select_related("category__parent", "grid").in_bulk([others[i].pk for i in picked])
    results = []
    for i in picked:
        if others[i].pk not in shown:  # gone since it was read (merged away and deleted): skip it
            continue
        reasons = (["near"] if near[i] else []) + (["text"] if alike[i] else [])
        results.append(SimilarCase(
            case=shown[others[i].pk], distance_m=float(distances[i]) if has_distance[i] else None,
            text_score=round(float(text_scores[i]), 4), reasons=reasons, score=round(float(scores[i]), 4),
        ))
    return results
