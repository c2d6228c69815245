"""The text model as pages use it (cases/textserve.py) gives scikit-learn's numbers without
scikit-learn: the same TF-IDF rows and the same category probabilities, and a server process
that loads every URL never imports scikit-learn or SciPy (decision 76)."""
import subprocess
import sys
from pathlib import Path

import numpy as np

from gongzhi.cases import textserve, training

TEXTS = [
    "小区路灯不亮了，晚上出行很不方便",
    "三号楼下水道堵塞，污水外溢",
    "楼道里堆放杂物，存在消防隐患",
    "广场舞噪音扰民，晚上十点以后还在跳",
    "路灯坏了好几天 没人修",
    "下水道堵了 味道很大",
    "电动车在楼道充电，很危险",
    "Street lamp broken near gate 3!!",
    "健身器材损坏，老人锻炼不安全",
    "垃圾桶满了没人清运，夏天有异味",
]
UNSEEN = ["", "路灯", "完全没见过的词语组合 xyz", "  下水道   堵塞  ", "健身器材 路灯 垃圾桶 噪音"]


def fitted():
    features = training.TextFeatures()
    matrix = features.fit_transform(TEXTS)
    return features, matrix


def test_served_rows_equal_scikit_learns_rows_for_seen_and_unseen_texts():
    features, _matrix = fitted()
    served = features.served()
    expected = features.transform(TEXTS + UNSEEN)
    assert served.width == expected.shape[1]
    for i, (columns, values) in enumerate(served.transform(TEXTS + UNSEEN)):
        row = expected[i]
        assert list(columns) == sorted(row.indices.tolist()), TEXTS[i] if i < len(TEXTS) else UNSEEN[i - len(TEXTS)]
        order = np.argsort(row.indices)
        np.testing.assert_allclose(values, row.data[order], rtol=0, atol=1e-12)


def test_served_cosines_equal_the_sparse_matrix_product():
    features, matrix = fitted()
    served = features.served()
    query = served.row("路灯不亮，晚上很黑")
    expected = np.asarray((matrix @ features.transform(["路灯不亮，晚上很黑"]).T).todense()).ravel()
    np.testing.assert_allclose(textserve.dot_rows(query, served.transform(TEXTS), served.width), expected, atol=1e-12)
    assert textserve.dot_rows(query, [], served.width).shape == (0,)
    assert list(textserve.dot_rows(served.row(""), served.transform(["", "路灯"]), served.width)) == [0.0, 0.0]


def test_served_probabilities_equal_scikit_learns_for_many_classes_and_for_two():
    features, matrix = fitted()
    served = features.served()
    for labels in ([1, 2, 3, 4, 1, 2, 5, 1, 6, 7], [1, 2, 1, 2, 1, 2, 2, 1, 1, 2]):
        classifier = training.fit_classifier(matrix, np.array(labels))
        mine = training.served_classifier(classifier)
        for text in ["路灯坏了", "下水道又堵了", "楼道杂物", "xyz 噪音"]:
            row = served.row(text)
            np.testing.assert_allclose(mine.probabilities(row), classifier.predict_proba(features.transform([text]))[0], atol=1e-9)
        assert list(mine.classes) == sorted(set(labels))


def test_a_server_process_never_imports_scikit_learn_or_scipy():
    script = (
        "import sys, django; django.setup()\n"
        "from django.urls import get_resolver; get_resolver().url_patterns\n"
        "import gongzhi.wsgi\n"
        "from gongzhi.cases import similarity, routing, textmodel, views\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy', 'joblib')))\n"
    )
    source = str(Path(__file__).resolve().parent.parent / "src")
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            env={**__import__("os").environ, "PYTHONPATH": source, "DJANGO_SETTINGS_MODULE": "gongzhi.settings"})
    assert answer.returncode == 0, answer.stderr[-2000:]
    assert answer.stdout.strip() == "[]"
