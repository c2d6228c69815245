"""The minute's background work: every app's tick steps (core.plugins), one after the other.

`gongzhi tick` (cron, every minute, in production) and the loop inside
`gongzhi serve` (demo mode) both call ``run_once``. Steps are idempotent, so
two overlapping runs do no harm (docs/decisions.md 13); one failing step does
not stop the others.
"""
import logging

from django.utils import timezone

from gongzhi.core import plugins

log = logging.getLogger("gongzhi.tick")


def run_once(now=None):
    """Run every step; returns {step name: its result, or "failed"}."""
    now = now or timezone.now()
    results = {}
    from . import outbox

    # Core's own steps last: what the apps' steps enqueued goes out in the same minute.
    steps = list(plugins.tick_steps()) + [("core.outbox", outbox.drain), ("core.outbox_purge", outbox.purge)]
    for name, step in steps:
        try:
            results[name] = step(now)
        except Exception:  # one app's failure must not starve the others; the next minute retries
            log.exception("tick step %s failed", name)
            results[name] = "failed"
    return results
