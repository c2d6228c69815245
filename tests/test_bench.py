"""`gongzhi bench` at a tiny size: it builds its data set, runs every measure against a real
`gongzhi serve`, and writes a report with exactly the table's keys, each a number (the import
measure imports a small generated residents workbook and leaves no resident behind)."""
import json

import pytest
from django.core.management import CommandError, call_command

from gongzhi.cases.bench import report
from gongzhi.cases.models import Case, CaseAgency, CaseRating, RateRollup, Status, TimelineEntry
from gongzhi.dashboard.models import Tally

from gongzhi.territory.models import Resident


@pytest.mark.django_db(transaction=True)
def test_the_bench_writes_every_key_of_the_table_as_a_number(tmp_path):
    out = tmp_path / "report.json"
    call_command("bench", "--cases", "2000", "--samples", "20", "--seconds", "2", "--threads", "4",
                 "--budget", "5", "--import-rows", "500", "--out", str(out))

    written = json.loads(out.read_text())
    assert list(written) == ["database", "cases", "measured_at", *report.MEASURE_KEYS]
    assert written["cases"] >= 2000 and written["database"] in ("sqlite", "postgresql")
    for key in report.MEASURE_KEYS:
        assert isinstance(written[key], (int, float)) and written[key] > 0, key
    assert not Resident.objects.filter(id_number__startswith="990000").exists()
    table = out.with_suffix(".md").read_text()
    assert all(f"`{key}`" in table for key in report.MEASURE_KEYS)
    assert "times a second from the same threads" in table  # intake is read beside the stack's floor

    # The data set is what the workflow would have left: every case has its timeline, the
    # mix has open and rated cases, agency links and roll-ups; the raw yardstick's rows are gone.
    assert not Case.objects.filter(number__startswith="R-").exists()
    assert not Case.objects.filter(timeline__isnull=True).exists()
    assert Case.objects.filter(status=Status.RATED).count() == CaseRating.objects.count() > 0
    assert Case.objects.open().exists() and CaseAgency.objects.exists() and RateRollup.objects.exists()
    assert Tally.objects.filter(measure="cases.received").exists()  # the cockpit's roll-ups, which its measure reads
    assert TimelineEntry.objects.filter(move="register").count() == Case.objects.count()


@pytest.mark.django_db(transaction=True)
def test_the_bench_refuses_a_database_that_already_holds_a_world(world, tmp_path):
    with pytest.raises(CommandError, match="--reuse"):
        call_command("bench", "--cases", "1000", "--out", str(tmp_path / "r.json"))


def test_the_bench_refuses_an_unknown_measure():
    with pytest.raises(CommandError, match="unknown measure"):
        call_command("bench", "--only", "locate,speed")
