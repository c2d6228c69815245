"""Fitting the text model: scikit-learn, used by the minute job only.

Pages never import this module (``tests/test_case_text_serving.py`` checks a server's imports):
the fitted vectoriser and classifier are stored as ``textserve.Model``, plain arrays
(decision 76).
"""
import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

from . import textserve


class TextFeatures:
    """TF-IDF of jieba words beside TF-IDF of character 2–3-grams; every row has unit length.

    Words catch the same terms, character n-grams catch the same wording when
    jieba cuts it differently (and typos). Each half is normalised by its
    vectoriser, so both weigh the same in the cosine.
    """

    def __init__(self):
        self.words = TfidfVectorizer(analyzer=textserve.tokens, sublinear_tf=True)
        self.chars = TfidfVectorizer(analyzer="char_wb", preprocessor=textserve.clean,
                                     ngram_range=textserve.CHAR_NGRAMS, sublinear_tf=True)

    def fit_transform(self, docs):
        return normalize(hstack([self.words.fit_transform(docs), self.chars.fit_transform(docs)]).tocsr())

    def transform(self, docs):
        return normalize(hstack([self.words.transform(docs), self.chars.transform(docs)]).tocsr())

    def served(self):
        def vectoriser(name, fitted):
            vocabulary = {term: int(column) for term, column in fitted.vocabulary_.items()}
            return textserve.Vectoriser(name, vocabulary, np.asarray(fitted.idf_, dtype=np.float64))

        return textserve.Features(vectoriser("words", self.words), vectoriser("chars", self.chars))


def fit_classifier(matrix, labels):
    classifier = LogisticRegression(C=10.0, max_iter=2000)
    classifier.fit(matrix, labels)
    return classifier


def served_classifier(classifier):
    return textserve.Classifier(np.asarray(classifier.coef_, dtype=np.float64),
                                np.asarray(classifier.intercept_, dtype=np.float64),
                                np.asarray(classifier.classes_))
