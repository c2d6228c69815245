"""Two people move the same case at the same moment: one wins, the other is told, nothing is lost."""
import threading

import pytest
from django.db import connection

from gongzhi.cases import workflow
from gongzhi.cases.models import Case, CaseAgency, Status, TimelineEntry
from tests.test_case_workflow import cw, report  # noqa: F401  (fixture)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_moves_on_one_case_one_wins_and_the_other_is_refused(cw):
    case = report(cw)
    start = threading.Barrier(2)
    outcomes = {}

    def act(name, user, move, **params):
        try:
            start.wait()
            workflow.perform(case.pk, move, user, expected_version=0, **params)
            outcomes[name] = "moved"
        except workflow.Conflict:
            outcomes[name] = "conflict"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=("worker", cw.worker_a, "solve_on_spot"), kwargs={"note": "我来处理"}),
        threading.Thread(target=act, args=("secretary", cw.secretary, "dispatch"), kwargs={"agency": cw.agencies[0]}),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes.values()) == ["conflict", "moved"], outcomes
    case.refresh_from_db()
    assert case.version == 1
    moves = list(TimelineEntry.objects.filter(case=case).values_list("move", flat=True))
    assert len(moves) == 2  # register + the one move that won
    if outcomes["worker"] == "moved":
        assert case.status == Status.CLOSED and not CaseAgency.objects.filter(case=case).exists()
    else:
        assert case.status == Status.DISPATCHED and CaseAgency.objects.filter(case=case).count() == 1
