"""The text model as pages use it (cases/textserve.py) gives scikit-learn's numbers without
scikit-learn: the same TF-IDF rows and the same category probabilities, and a server process
that loads every URL never imports scikit-learn or SciPy (decision 76)."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

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


# ---------------------------------------------------------------- jieba over the compact table

MORE_TEXTS = [
    "中华人民共和国城乡规划法规定，老旧小区改造要听取居民意见。",
    "网格员王建国上午九点到3号楼2单元走访，独居老人李桂英反映水压太低。",
    "2026年11月的说七说八议事会上，业委会、物业公司和网格党支部商量了加装电梯的分摊办法。",
    "wifi断了!!! 打12345也没人接，ＡＢＣ全角字母，😀 表情，还有繁體字與標點符號……",
    "南京市长江大桥上有人钓鱼",
    "",
    "     ",
]


def dictionary_words(every=400):
    """Every ``every``-th word of jieba's dictionary, ten to a sentence (long and rare words)."""
    path = Path(textserve.jieba.__file__).parent / textserve.jieba.DEFAULT_DICT_NAME
    words = [line.split(" ", 1)[0] for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()) if i % every == 0]
    return ["".join(words[i:i + 10]) for i in range(0, len(words), 10)]


def test_jieba_over_the_compact_table_cuts_exactly_as_over_its_own_dictionary():
    from gongzhi.cases.demo import WORDING
    texts = TEXTS + UNSEEN + MORE_TEXTS + [f"{title}\n{text}" for pairs in WORDING.values() for title, text in pairs]
    texts += dictionary_words()
    own = textserve.jieba.Tokenizer()
    compact = textserve.tokenizer()
    own.initialize()
    assert len(compact.FREQ) == len(own.FREQ)
    assert compact.total == own.total
    for text in texts:
        assert compact.lcut(text) == own.lcut(text), text
        assert compact.lcut(text, HMM=False) == own.lcut(text, HMM=False), text


def test_the_compact_table_reads_a_dictionary_as_jieba_does(tmp_path):
    """A later line of the same word wins, every start of a word is there with 0 unless it is a
    word itself, and the total counts every line."""
    path = tmp_path / "dict.txt"
    path.write_text("路灯 30 n\n路灯杆 5 n\n路 7 n\n路灯 40 n\n小区 12 n\n", encoding="utf-8")
    table, total = textserve.CompactFrequencies.from_dictionary(path)
    with open(path, "rb") as lines:
        expected, expected_total = textserve.jieba.Tokenizer.gen_pfdict(lines)
    assert total == expected_total == 94
    assert len(table) == len(expected)
    for word, count in expected.items():
        assert word in table and table[word] == count and table.get(word) == count
    assert "灯" not in table and table.get("灯") is None and table.get("灯", 1) == 1
    with pytest.raises(KeyError):
        table["灯"]
