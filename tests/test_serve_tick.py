"""`gongzhi serve` in demo mode ticks every minute by calling the very code `gongzhi tick` runs."""
from gongzhi.core import tick
from gongzhi.core.management.commands.serve import Command


def test_the_servers_minute_loop_runs_the_same_steps_as_the_tick_command(db, monkeypatch):
    calls, naps = [], []
    monkeypatch.setattr(tick, "run_once", lambda now=None: calls.append(now) or {"ran": True})
    Command.tick_forever(sleep=naps.append, rounds=2)
    assert calls == [None, None] and naps == [60, 60]


def test_the_tick_command_runs_every_apps_steps_and_then_the_outbox(db, monkeypatch):
    from gongzhi.core import plugins

    names = [name for name, _step in plugins.tick_steps()]
    assert "cases.run" in names and "cases.refresh_recent" in names and "cases.train_step" in names
    results = tick.run_once()
    assert set(names) <= set(results) and "core.outbox" in results and "failed" not in results.values()
