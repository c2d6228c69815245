"""The text model as pages use it: plain dictionaries and numpy arrays, no scikit-learn.

The minute job fits the vectoriser and the routing classifier with scikit-learn
(``cases/training.py``) and stores them in this form (decision 76). A server worker only
transforms texts and scores them, which needs the vocabularies, the idf weights and the
classifier's coefficients, not the library: importing scikit-learn and SciPy cost every worker
about 90 MB (docs/performance.md, ``worker_rss_mb``). ``tests/test_case_text_serving.py`` checks
that these transforms give scikit-learn's numbers.
"""
import bisect
import functools
import hashlib
import logging
import math
import os
import re
import sys
import threading
from array import array
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from gongzhi.core.memory import give_back_freed_memory


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


def _word_key(word, _blake2b=hashlib.blake2b):
    return int.from_bytes(_blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


class CompactFrequencies:
    """jieba's word frequencies as two sorted arrays (a 64-bit hash of each word, its count)
    instead of its dictionary of 498,000 strings: 8 MB where jieba's own takes 62 MB in every
    server worker (decision 92). It answers the three questions jieba's tokenizer asks of its
    ``FREQ`` (``in``, ``[]``, ``get``), so jieba cuts exactly as with its own table; recent
    answers are kept, as texts repeat the same fragments."""

    LOOKUPS_KEPT = 20_000

    def __init__(self, keys, counts):
        size = len(keys)

        @functools.lru_cache(maxsize=self.LOOKUPS_KEPT)
        def count(word):  # -1: not in the dictionary (0: only the start of longer words)
            key = _word_key(word)
            i = bisect.bisect_left(keys, key)
            return counts[i] if i < size and keys[i] == key else -1

        self.count = count
        self.size = size

    def __len__(self):
        return self.size

    def __contains__(self, word):
        return self.count(word) >= 0

    def __getitem__(self, word):
        found = self.count(word)
        if found < 0:
            raise KeyError(word)
        return found

    def get(self, word, default=None):
        found = self.count(word)
        return default if found < 0 else found

    @classmethod
    def from_dictionary(cls, path):
        """Read jieba's ``dict.txt`` ("word count tag" per line) the way ``Tokenizer.gen_pfdict``
        does: every word with its count (a later line wins), every start of a word with 0 unless
        it is a word itself; the total is the sum of every line's count."""
        keys, counts, is_word, total = [], [], [], 0
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                word, count = line.split(" ", 2)[:2]
                count = int(count)
                total += count
                keys.append(_word_key(word))
                counts.append(count)
                is_word.append(1)
                for end in range(1, len(word)):
                    keys.append(_word_key(word[:end]))
                    counts.append(0)
                    is_word.append(0)
        keys = np.array(keys, dtype=np.uint64)
        counts = np.array(counts, dtype=np.int64)
        # For each key the last entry in (key, is a word, line) order: the latest line of the word.
        order = np.lexsort((np.arange(len(keys)), np.array(is_word, dtype=np.int8), keys))
        del is_word
        keys, counts = keys[order], counts[order]
        last = np.ones(len(keys), dtype=bool)
        last[:-1] = keys[1:] != keys[:-1]
        table = cls(array("Q", keys[last].tobytes()), array("q", counts[last].tobytes()))
        return table, total


_tokenizer = None
_tokenizer_lock = threading.Lock()


def tokenizer():
    """jieba's tokenizer over the compact table, built at the first cut in this process (1–2 s,
    as jieba's own loading)."""
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                cutter = jieba.Tokenizer()
                path = os.path.join(os.path.dirname(jieba.__file__), jieba.DEFAULT_DICT_NAME)
                cutter.FREQ, cutter.total = CompactFrequencies.from_dictionary(path)
                cutter.initialized = True
                give_back_freed_memory()  # the dictionary's million short-lived objects
                _tokenizer = cutter
    return _tokenizer


def tokens(text):
    """jieba's words of ``text``, lower-cased, without whitespace or punctuation."""
    return [t for t in (w.strip().lower() for w in tokenizer().lcut(text or "")) if t and _HAS_WORD.search(t)]


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
