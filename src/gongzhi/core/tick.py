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
    for name, step in plugins.tick_steps():
        try:
            results[name] = step(now)
        except Exception:  # one app's failure must not starve the others; the next minute retries
            log.exception("tick step %s failed", name)
            results[name] = "failed"
    return results
