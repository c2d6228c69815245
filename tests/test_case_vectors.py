"""Open cases' stored TF-IDF rows (cases/vectors.py, decision 82): the similar-case search reads
them instead of computing every candidate's row."""
import numpy as np
import pytest
from django.utils import timezone

from gongzhi.cases import routing, similarity, textmodel, textserve, vectors, workflow
from gongzhi.cases.models import Case, CaseVector
from gongzhi.cases.similarity import similar_open_cases
from tests.test_case_similarity import FITNESS, LAMP, UNRELATED, cw, report  # noqa: F401  (fixture)


@pytest.fixture
def trained(cw):
    for text in [FITNESS, LAMP] + UNRELATED:
        report(cw, text)
    routing.train()
    return cw


def computed(model, case):
    return model.features.row(textserve.case_text(case.title, case.description), case.words or None)


def test_a_case_reported_once_a_model_exists_has_its_row_stored_at_intake(trained):
    model = textmodel.current()
    case = report(trained, LAMP)
    stored = CaseVector.objects.get(case=case)
    assert stored.model == model.row_id
    columns, values = vectors.unpack(stored.data)
    want_columns, want_values = computed(model, case)
    assert columns.tolist() == want_columns.tolist()
    assert np.allclose(values, want_values, atol=1e-6)


def test_the_minute_job_stores_the_rows_of_open_cases_after_a_refit_then_rests(trained):
    latest = textmodel.latest()
    assert not CaseVector.objects.exists()  # reported before the first model: none at intake
    assert vectors.refresh_step(timezone.now()) == {"stored": 6, "done": True}
    assert set(CaseVector.objects.values_list("model", flat=True)) == {latest.pk}
    assert vectors.refresh_step(timezone.now()) == {"stored": 0, "done": True}  # nothing more until a refit
    routing.train()
    assert vectors.refresh_step(timezone.now())["stored"] == 6  # a new model: every row anew
    assert set(CaseVector.objects.values_list("model", flat=True)) == {textmodel.latest().pk}


def test_the_minute_that_refits_the_model_stores_every_open_cases_row_anew_at_once(cw):
    for text in [FITNESS, LAMP] + UNRELATED:
        report(cw, text)
    assert routing.train_step(timezone.now()) == {"trained": True, "closed_cases": 0, "rows_stored": 6}
    assert set(CaseVector.objects.values_list("model", flat=True)) == {textmodel.latest().pk}
    assert vectors.refresh_step(timezone.now()) == {"stored": 0, "done": True}  # nothing left for later minutes


def test_the_minute_job_works_in_bounded_batches_newest_first(trained, monkeypatch):
    monkeypatch.setattr(vectors, "BATCH", 4)
    assert vectors.refresh_step(timezone.now()) == {"stored": 4, "done": False}
    newest = list(Case.objects.order_by("-created_at", "-id").values_list("pk", flat=True)[:4])
    assert set(CaseVector.objects.values_list("case_id", flat=True)) == set(newest)
    assert vectors.refresh_step(timezone.now()) == {"stored": 2, "done": True}


def test_a_closed_case_loses_its_stored_row(trained):
    case = report(trained, LAMP)
    assert CaseVector.objects.filter(case=case).exists()
    workflow.perform(case.pk, "solve_on_spot", trained.worker_a, note="已处理")
    assert not CaseVector.objects.filter(case=case).exists()


def test_the_search_reads_stored_rows_and_computes_only_the_new_cases_own(trained, monkeypatch):
    vectors.refresh_step(timezone.now())
    new = report(trained)
    expected = [(r.case.pk, round(r.text_score, 4)) for r in similar_open_cases(new, limit=10)]
    assert expected
    rows_computed = []
    real_row = textserve.Features.row
    monkeypatch.setattr(textserve.Features, "row", lambda self, *a, **k: rows_computed.append(a) or real_row(self, *a, **k))
    similarity._vectors.clear()
    assert [(r.case.pk, round(r.text_score, 4)) for r in similar_open_cases(new, limit=10)] == expected
    assert len(rows_computed) == 1  # the new case's own text


def test_a_row_made_with_another_model_is_not_used(trained, monkeypatch):
    vectors.refresh_step(timezone.now())
    new = report(trained)
    expected = [(r.case.pk, round(r.text_score, 4)) for r in similar_open_cases(new, limit=10)]
    # Rows of a model that is no longer the current one, and nonsense inside.
    CaseVector.objects.exclude(case=new).update(model=-1, data=vectors.pack((np.array([0]), np.array([1.0]))))
    similarity._vectors.clear()
    assert [(r.case.pk, round(r.text_score, 4)) for r in similar_open_cases(new, limit=10)] == expected
