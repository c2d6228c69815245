"""The text model as pages use it: plain dictionaries and numpy arrays, no scikit-learn.

The minute job fits the vectoriser and the routing classifier with scikit-learn
(``cases/training.py``) and stores them in this form (decision 76). A server worker only
transforms texts and scores them, which needs the vocabularies, the idf weights and the
classifier's coefficients, not the library: importing scikit-learn and SciPy cost every worker
about 90 MB (docs/performance.md, ``worker_rss_mb``). ``tests/test_case_text_serving.py`` checks
that these transforms give scikit-learn's numbers.
"""
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import sys

import numpy as np


def _import_jieba():
    """jieba without pkg_resources: its ``_compat`` imports setuptools' pkg_resources (14 MB in
    every server worker) only to find its own dictionary file, and opens it by path when that
    import fails. Only the import inside jieba is kept from it; anything later imports it freely."""
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # makes `import pkg_resources` raise ImportError
    try:
        import jieba
    finally:
        if blocked and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    return jieba


jieba = _import_jieba()
jieba.setLogLevel(logging.WARNING)  # its start-up chatter is not ours to log

_NOT_WORD = re.compile(r"[\W_]+")  # whitespace, punctuation and symbols (CJK characters are \w)
_HAS_WORD = re.compile(r"[^\W_]")
_WHITE_SPACES = re.compile(r"\s\s+")
CHAR_NGRAMS = (2, 3)


def tokens(text):
    """jieba's words of ``text``, lower-cased, without whitespace or punctuation."""
    return [t for t in (w.strip().lower() for w in jieba.lcut(text or "")) if t and _HAS_WORD.search(t)]


# Enough of a description to recognise it; keeps tokenising 2,000 candidates cheap.
TEXT_LIMIT = 1000


def case_text(title, description):
    return f"{title or ''}\n{description or ''}"[:TEXT_LIMIT]


def case_words(title, description):
    """What Case.words keeps: the words of the case's text, joined by spaces (words never hold one)."""
    return " ".join(tokens(case_text(title, description)))


def clean(text):
    return _NOT_WORD.sub(" ", (text or "").lower()).strip()


def char_ngrams(text):
    """Character 2–3-grams inside each word padded with a space, as scikit-learn's ``char_wb``
    analyser makes them from ``clean(text)`` (a word shorter than n gives itself once)."""
    low, high = CHAR_NGRAMS
    grams = []
    for word in _WHITE_SPACES.sub(" ", clean(text)).split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, high + 1):
            offset = 0
            grams.append(padded[offset:offset + n])
            while offset + n < length:
                offset += 1
                grams.append(padded[offset:offset + n])
            if offset == 0:
                break
    return grams


ANALYSERS = {"words": tokens, "chars": char_ngrams}


@dataclass
class Vectoriser:
    """TF-IDF with sublinear term frequency and unit-length rows, over a fixed vocabulary."""

    analyser: str                 # a key of ANALYSERS (a name, so the stored form needs no code)
    vocabulary: dict              # term -> column
    idf: np.ndarray

    def row(self, text, terms=None):
        """``terms``: the analyser's output if already known (a case's stored words)."""
        if terms is None:
            terms = ANALYSERS[self.analyser](text)
        counts = Counter(t for t in terms if t in self.vocabulary)
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        columns = np.fromiter((self.vocabulary[t] for t in counts), dtype=np.int64, count=len(counts))
        tf = np.fromiter((1.0 + math.log(n) for n in counts.values()), dtype=np.float64, count=len(counts))
        order = np.argsort(columns)
        columns, values = columns[order], tf[order] * self.idf[columns[order]]
        norm = math.sqrt(float(values @ values))
        return columns, (values / norm if norm > 0 else values)


@dataclass
class Features:
    """Words beside character n-grams, each half unit length, the whole row unit length again."""

    words: Vectoriser
    chars: Vectoriser

    @property
    def width(self):
        return len(self.words.vocabulary) + len(self.chars.vocabulary)

    def row(self, text, words=None):
        """One text as a sparse row: (column indices, values). ``words``: its stored words
        (Case.words), to spare cutting them again; None or empty cuts them."""
        word_columns, word_values = self.words.row(text, words.split() if words else None)
        char_columns, char_values = self.chars.row(text)
        columns = np.concatenate([word_columns, char_columns + len(self.words.vocabulary)])
        values = np.concatenate([word_values, char_values])
        norm = math.sqrt(float(values @ values))
        return columns, (values / norm if norm > 0 else values)

    def transform(self, texts, words=None):
        return [self.row(text, w) for text, w in zip(texts, words or [None] * len(texts))]


def dot_rows(query, rows, width):
    """The dot product of one sparse row with each of ``rows`` (all sparse), as an array."""
    dense = np.zeros(width)
    dense[query[0]] = query[1]
    if not rows:
        return np.zeros(0)
    lengths = np.fromiter((len(columns) for columns, _values in rows), dtype=np.int64, count=len(rows))
    if not lengths.sum():
        return np.zeros(len(rows))
    columns = np.concatenate([c for c, _v in rows])
    values = np.concatenate([v for _c, v in rows])
    owner = np.repeat(np.arange(len(rows)), lengths)
    return np.bincount(owner, weights=values * dense[columns], minlength=len(rows))


@dataclass
class Classifier:
    """Logistic regression's probabilities from its coefficients: the logistic function for two
    classes, softmax over the classes for more (what scikit-learn's lbfgs fit gives)."""

    coef: np.ndarray        # (1 or k) × width
    intercept: np.ndarray
    classes: np.ndarray

    def probabilities(self, row):
        columns, values = row
        scores = self.coef[:, columns] @ values + self.intercept
        if self.coef.shape[0] == 1:
            p = 1.0 / (1.0 + math.exp(-float(scores[0])))
            return np.array([1.0 - p, p])
        scores = scores - scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()


@dataclass
class Model:
    """What the minute job stores and every page reads (``textmodel.current()``)."""

    features: Features
    classifier: Classifier | None
    n_cases: int
    n_categories: int
    agencies: dict = field(default_factory=dict)  # category id -> agency ids, most used first
