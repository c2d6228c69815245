"""Routing suggestions (智能分拨) learnt from the instance's own closed cases.

A text classifier (TF-IDF of jieba words and character 2–3-grams, logistic
regression) learns the category from the wording of closed and rated cases;
the agency suggested is the one that most often handled closed cases of that
category.

The model is fitted by the minute job (``train_step``), never inside a page
request: when enough cases have closed since the last model (or it is an hour
old and anything changed), it learns from the latest closed cases (at most
CASE_ROUTING_MAX_TRAINING_CASES) and is stored for every process
(``textmodel``, decision 28). The same fitting gives the vectoriser of the
similar-case search. A page only reads the stored model; it never counts cases.

With too little history nothing is suggested: the category's default agency
(``default_agency``) applies.
"""
import math
from collections import Counter
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from gongzhi.people.models import Agency, AgencyKind, UtilityType
from gongzhi.territory.models import CODE_LENGTH, Level

from . import textmodel, vectors
from .models import Case, CaseAgency, Category, Status
from .similarity import case_text
from .textserve import Model

CLOSED_STATUSES = (Status.CLOSED, Status.RATED)
DEFAULT_MIN_CASES = settings.CASE_ROUTING_MIN_CASES  # GONGZHI_CASE_ROUTING_MIN_CASES
# The most recent closed cases learnt from: enough for the wording of a city, bounded in memory and time.
MAX_TRAINING_CASES = 50_000
# The most recent cases of any status whose wording the vectoriser also learns (the open ones
# are what the similar-case search compares).
VOCABULARY_CASES = 20_000
DISTRICT_CODE_LENGTH = CODE_LENGTH[Level.DISTRICT]
# Fitting costs seconds on a big history, so a model is kept until this share more cases have
# closed, or it is this old and something changed. A small history is refitted at every change.
RETRAIN_GROWTH = 0.02
RETRAIN_AFTER_SECONDS = 3600
SMALL_HISTORY = 1000


def _setting(name, default):
    # Read at call time, so tests and GONGZHI_* settings (settings.py) can change them.
    return getattr(settings, name, default)


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


def _closed_cases():
    return Case.objects.filter(status__in=CLOSED_STATUSES, category__active=True)


def _fit(closed, recent):
    """Fit the vectoriser on all the texts and the classifier on the closed ones."""
    texts = {pk: case_text(title, description) for pk, title, description, *_rest in closed}
    for pk, title, description in recent:
        texts.setdefault(pk, case_text(title, description))
    if not texts:
        return None
    # scikit-learn only here, in the minute job: pages read the stored plain form (decision 76).
    from . import training

    features = training.TextFeatures()
    try:
        matrix = features.fit_transform(list(texts.values()))
    except ValueError:  # not a single word in any of them
        return None
    labels = np.array([row[3] for row in closed])
    categories = np.unique(labels)
    if len(categories) < 2:
        return Model(features.served(), None, len(closed), len(categories), {})
    position = {pk: i for i, pk in enumerate(texts)}
    classifier = training.fit_classifier(matrix[[position[row[0]] for row in closed]], labels)
    # Who handled the closed cases of each category within the same window
    # (links returned as a wrong dispatch do not count).
    window = _closed_cases()
    if closed[-1][4] is not None:
        window = window.filter(closed_at__gte=closed[-1][4])
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
    return Model(features.served(), training.served_classifier(classifier), len(closed), len(categories), agencies)


def train(now=None):
    """Fit the model on the latest cases and store it for every process; returns its row, or None
    when there is no text to learn from. Reads in autocommit and writes one short transaction."""
    now = now or timezone.now()
    closed = list(_closed_cases().order_by("-closed_at", "-id")
                  .values_list("id", "title", "description", "category_id", "closed_at")
                  [:_setting("CASE_ROUTING_MAX_TRAINING_CASES", MAX_TRAINING_CASES)])
    recent = list(Case.objects.order_by("-id").values_list("id", "title", "description")
                  [:_setting("CASE_TEXT_MODEL_VOCABULARY_CASES", VOCABULARY_CASES)])
    model = _fit(closed, recent)
    if model is None:
        return None
    return textmodel.store(
        model, trained_at=now, closed_cases=len(closed), newest_closed_at=closed[0][4] if closed else None,
        newest_case_id=max([row[0] for row in closed] + [row[0] for row in recent]),
    )


def retrain_due(now=None):
    """Has enough changed since the stored model to fit a new one? A few bounded, indexed queries."""
    now = now or timezone.now()
    last = textmodel.latest()
    if last is None:
        return Case.objects.exists()
    if last.library != textmodel.library():
        return True
    # closed_at is set exactly while a case is closed or rated (the workflow sets it when closing and
    # clears it when reopening), so the range alone finds the newly closed cases, by its index. With
    # a status term too, and the model's default order, the database walked every closed case (by
    # status) or the whole table (by reported-at) for them: 0.6 s of every minute's tick at 200,000
    # cases, growing with the history (`gongzhi bench`, docs/performance.md).
    newly_closed = Case.objects.filter(category__active=True).order_by("closed_at")
    if last.newest_closed_at is not None:
        newly_closed = newly_closed.filter(closed_at__gt=last.newest_closed_at)
    else:
        newly_closed = newly_closed.filter(closed_at__isnull=False)
    if last.closed_cases < SMALL_HISTORY:
        return newly_closed.exists() or Case.objects.filter(pk__gt=last.newest_case_id).exists()
    enough = max(1, math.ceil(last.closed_cases * _setting("CASE_ROUTING_RETRAIN_GROWTH", RETRAIN_GROWTH)))
    if newly_closed[:enough].count() >= enough:  # counts at most ``enough`` rows, by the closed_at index
        return True
    old = (now - last.trained_at).total_seconds() >= _setting("CASE_ROUTING_RETRAIN_SECONDS", RETRAIN_AFTER_SECONDS)
    return old and (newly_closed.exists() or Case.objects.filter(pk__gt=last.newest_case_id).exists())


def train_step(now):
    """The minute job's step (cases/apps.py): refit the text model when it is due."""
    if not retrain_due(now):
        return {"trained": False}
    row = train(now)
    if row is None:
        return {"trained": False, "closed_cases": 0}
    # Every open case's stored text row belongs to the model just replaced, and until it is stored
    # anew each search computes it: at 10 M cases a search's p95 went from 33 to 93 ms. Stored in
    # this minute (about 20 s for 100,000 open cases), not 5,000 a minute over twenty (decision 82).
    stored = vectors.refresh_all(now)
    return {"trained": True, "closed_cases": row.closed_cases, "rows_stored": stored}


def _too_little(n):
    message = _lazy_interpolate(
        _("Too little history to learn from (%(n)d closed cases); use the category's default."), {"n": n}
    )
    return Suggestion(category=None, agency=None, confidence=0.0, enough_history=False, message=message)


def suggest(text, *, min_cases=None, district=None):
    """The category and agency that cases worded like ``text`` went to.

    ``district`` (any unit) limits the agency to agencies of its district;
    when history names none there, the category's default agency is given.
    Reads the stored model (textmodel.current): no counting, no fitting here.
    """
    if min_cases is None:
        min_cases = _setting("CASE_ROUTING_MIN_CASES", DEFAULT_MIN_CASES)
    model = textmodel.current()
    if model is None:  # the minute job has not fitted one yet
        return Suggestion(category=None, agency=None, confidence=0.0, enough_history=False,
                          message=_("No routing model has been trained yet; use the category's default."))
    if model.n_cases < min_cases or model.classifier is None:  # nothing worth suggesting from
        return _too_little(model.n_cases)
    x = model.features.row(text or "")
    if len(x[0]) == 0:  # no word of it was ever seen: no basis for a guess
        return Suggestion(category=None, agency=None, confidence=0.0, enough_history=True,
                          message=_("Nothing like this text was seen before; use the category's default."))
    probabilities = model.classifier.probabilities(x)
    best = int(np.argmax(probabilities))
    category_id, confidence = int(model.classifier.classes[best]), float(probabilities[best])
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
