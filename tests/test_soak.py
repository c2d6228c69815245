"""`gongzhi soak` at a tiny size: mixed traffic against a real `gongzhi serve`, sampled at
intervals; it passes only when no request failed and the workers' memory stayed flat."""
import json

import pytest
from django.core.management import CommandError, call_command

from gongzhi.cases.bench import soak


@pytest.mark.django_db(transaction=True)
def test_a_short_soak_samples_every_interval_and_passes(tmp_path):
    out = tmp_path / "soak.json"
    call_command("soak", "--cases", "1000", "--minutes", "0.5", "--every", "10", "--threads", "3", "--rate", "15", "--out", str(out))

    written = json.loads(out.read_text())
    assert written["passed"] and written["errors"] == 0 and written["memory_flat"]
    assert len(written["intervals"]) == 3
    assert all(i["worker_rss_mb"] > 0 and i["requests"] > 0 for i in written["intervals"])
    kinds = set().union(*(i["p95_ms"] for i in written["intervals"]))
    assert {"intake", "inbox", "detail", "api_list", "open311", "figures", "rates"} <= kinds
    assert written["requests"] == sum(i["requests"] for i in written["intervals"])
    # Paced at 15 requests a second: about 450 in 30 s, never a flood.
    assert written["requests"] <= 15 * 30 * 1.2


def interval(rss, errors=0):
    return {"at_s": 0, "requests": 10, "errors": errors, "error_examples": [], "worker_rss_mb": rss, "tick_s": 0.1, "p95_ms": {}}


def test_memory_that_keeps_growing_fails_the_soak():
    grown = soak.verdict([interval(100), interval(120), interval(140), interval(160)], 240, 60, 4)
    assert not grown["memory_flat"] and not grown["passed"]


def test_memory_that_settles_after_warming_up_passes():
    settled = soak.verdict([interval(90), interval(150), interval(155), interval(152)], 240, 60, 4)
    assert settled["memory_flat"] and settled["passed"]


def test_one_failed_request_fails_the_soak():
    assert not soak.verdict([interval(100), interval(100, errors=1)], 120, 60, 4)["passed"]


def test_the_soak_refuses_an_interval_longer_than_the_run():
    with pytest.raises(CommandError, match="--every"):
        call_command("soak", "--minutes", "1", "--every", "120")
