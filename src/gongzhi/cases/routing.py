"""Routing suggestions (智能分拨) learnt from the instance's own closed cases.

A text classifier (TF-IDF of jieba words and character 2–3-grams, logistic
regression) learns the category from the wording of closed and rated cases;
the agency suggested is the one that most often handled closed cases of that
category. The model is trained once per process and retrained when the number
of closed cases or the latest closing time changes.

With too little history nothing is suggested: the category's default agency
(``default_agency``) applies.
"""
import threading
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Count, Max
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from sklearn.linear_model import LogisticRegression

from gongzhi.people.models import Agency, AgencyKind, UtilityType
from gongzhi.territory.models import CODE_LENGTH, Level

from .models import Case, CaseAgency, Category, Status
from .similarity import TextFeatures, case_text

CLOSED_STATUSES = (Status.CLOSED, Status.RATED)
DEFAULT_MIN_CASES = settings.CASE_ROUTING_MIN_CASES  # GONGZHI_CASE_ROUTING_MIN_CASES
# The most recent closed cases learnt from: enough for the wording of a city, bounded in memory and time.
MAX_TRAINING_CASES = settings.CASE_ROUTING_MAX_TRAINING_CASES  # GONGZHI_CASE_ROUTING_MAX_TRAINING_CASES
DISTRICT_CODE_LENGTH = CODE_LENGTH[Level.DISTRICT]


def _interpolate(message, params):
    return str(message) % params


# Keeps the message lazy (it follows the language active when it is shown).
_lazy_interpolate = lazy(_interpolate, str)


@dataclass(frozen=True)
class Suggestion:
    category: Category | None
    agency: Agency | None
    confidence: float  # the classifier's probability of the category, 0..1
    enough_history: bool
    message: str


@dataclass
class _Model:
    features: TextFeatures | None
    classifier: LogisticRegression | None
    n_cases: int
    n_categories: int
    # category id -> [agency id], most frequent first
    agencies: dict


_lock = threading.Lock()
_cache = {"key": None, "model": None, "trained_at": 0.0}


def _closed_cases():
    return Case.objects.filter(status__in=CLOSED_STATUSES, category__active=True)


def _train(n_cases):
    rows = list(_closed_cases().order_by("-closed_at", "-id")
                .values_list("title", "description", "category_id", "closed_at")[:MAX_TRAINING_CASES])
    labels = np.array([r[2] for r in rows])
    categories = np.unique(labels)
    if len(categories) < 2:
        return _Model(None, None, n_cases, len(categories), {})
    features = TextFeatures()
    x = features.fit_transform([case_text(t, d) for t, d, _c, _at in rows])
    classifier = LogisticRegression(C=10.0, max_iter=2000)
    classifier.fit(x, labels)
    # Who handled the closed cases of each category within the same window
    # (links returned as a wrong dispatch do not count).
    window = _closed_cases()
    if rows[-1][3] is not None:
        window = window.filter(closed_at__gte=rows[-1][3])
    links = (
        CaseAgency.objects.filter(case__in=window, returned_at__isnull=True)
        .values_list("case__category_id", "agency_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {}
    for category_id, agency_id, n in links:
        counts.setdefault(category_id, Counter())[agency_id] += n
    agencies = {c: [a for a, _n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))] for c, counter in counts.items()}
    return _Model(features, classifier, n_cases, len(categories), agencies)


# Retraining costs seconds on a big history, so a model is kept until the
# history has grown by this share, or is this old, whichever comes first.
RETRAIN_GROWTH = settings.CASE_ROUTING_RETRAIN_GROWTH  # GONGZHI_CASE_ROUTING_RETRAIN_GROWTH
RETRAIN_AFTER_SECONDS = settings.CASE_ROUTING_RETRAIN_SECONDS  # GONGZHI_CASE_ROUTING_RETRAIN_SECONDS


def _stale(stamp):
    if _cache["model"] is None:
        return True
    n_then, trained_at = _cache["key"][0], _cache["trained_at"]
    if n_then < MAX_TRAINING_CASES and n_then < 1000:
        return _cache["key"] != (stamp["n"], stamp["last"], stamp["top"])  # small history: always fresh
    grown = stamp["n"] - n_then >= max(1, n_then * RETRAIN_GROWTH)
    return grown or time.monotonic() - trained_at > RETRAIN_AFTER_SECONDS


def _model(stamp):
    with _lock:
        if _stale(stamp):
            _cache["model"] = _train(stamp["n"])
            _cache["key"] = (stamp["n"], stamp["last"], stamp["top"])
            _cache["trained_at"] = time.monotonic()
        return _cache["model"]


def _too_little(n):
    message = _lazy_interpolate(
        _("Too little history to learn from (%(n)d closed cases); use the category's default."), {"n": n}
    )
    return Suggestion(category=None, agency=None, confidence=0.0, enough_history=False, message=message)


def suggest(text, *, min_cases=None, district=None):
    """The category and agency that cases worded like ``text`` went to.

    ``district`` (any unit) limits the agency to agencies of its district;
    when history names none there, the category's default agency is given.
    """
    if min_cases is None:
        min_cases = getattr(settings, "CASE_ROUTING_MIN_CASES", DEFAULT_MIN_CASES)
    stamp = _closed_cases().aggregate(n=Count("id"), last=Max("closed_at"), top=Max("id"))
    if stamp["n"] < min_cases:  # nothing worth training
        return _too_little(stamp["n"])
    model = _model(stamp)
    if model.classifier is None:
        return _too_little(model.n_cases)
    try:
        x = model.features.transform([text or ""])
    except ValueError:
        x = None
    if x is None or x.nnz == 0:  # no word of it was ever seen: no basis for a guess
        return Suggestion(category=None, agency=None, confidence=0.0, enough_history=True,
                          message=_("Nothing like this text was seen before; use the category's default."))
    probabilities = model.classifier.predict_proba(x)[0]
    best = int(np.argmax(probabilities))
    category_id, confidence = int(model.classifier.classes_[best]), float(probabilities[best])
    category = Category.objects.select_related("parent").filter(pk=category_id).first()
    if category is None:  # deleted since training
        return _too_little(model.n_cases)
    agency = None
    ranked = model.agencies.get(category_id, [])
    if ranked:
        agencies = Agency.objects.select_related("district").filter(pk__in=ranked)
        if district is not None:
            agencies = agencies.filter(district__code=district.code[:DISTRICT_CODE_LENGTH])
        found = agencies.in_bulk()
        agency = next((found[a] for a in ranked if a in found), None)
    if agency is None and district is not None:
        agency = default_agency(category, district)
    message = _lazy_interpolate(
        _("Suggested from %(n)d closed cases (%(p)d%% sure)."), {"n": model.n_cases, "p": round(confidence * 100)}
    )
    return Suggestion(category=category, agency=agency, confidence=confidence, enough_history=True, message=message)


def default_agency(category, district):
    """The agency a category goes to by default in ``district`` (any unit in it), or None.

    ``category.default_agency_kind`` is a utility type (the district's utility
    of that type) or a department name (the first agency whose name contains it).
    """
    kind = (getattr(category, "default_agency_kind", "") or "").strip()
    if not kind:
        return None
    agencies = Agency.objects.select_related("district").order_by("name", "pk")
    if district is not None:
        agencies = agencies.filter(district__code=district.code[:DISTRICT_CODE_LENGTH])
    if kind in UtilityType.values:
        return agencies.filter(kind=AgencyKind.UTILITY, utility_type=kind).first()
    return agencies.filter(name__contains=kind).first()
