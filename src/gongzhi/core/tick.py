"""The minute's background work: every app's tick steps (core.plugins), one after the other.

`gongzhi tick` (cron, every minute, in production) and the loop inside
`gongzhi serve` (demo mode) both call ``run_once``. Steps are idempotent, so
two overlapping runs do no harm (docs/decisions.md 13); one failing step does
not stop the others.
"""
import datetime
import logging
import time

from django.conf import settings
from django.utils import timezone

from gongzhi.core import plugins

log = logging.getLogger("gongzhi.tick")


def run_once(now=None, timings=None):
    """Run every step; returns {step name: its result, or "failed"}. ``timings``, a dict if given,
    receives each step's seconds (the bench reports them)."""
    now = now or timezone.now()
    results = {}
    from . import outbox

    # Core's own steps last: what the apps' steps enqueued goes out in the same minute.
    steps = list(plugins.tick_steps()) + [("core.outbox", outbox.drain), ("core.outbox_purge", outbox.purge)]
    for name, step in steps:
        started = time.perf_counter()
        try:
            results[name] = step(now)
        except Exception:  # one app's failure must not starve the others; the next minute retries
            log.exception("tick step %s failed", name)
            results[name] = "failed"
        if timings is not None:
            timings[name] = round(time.perf_counter() - started, 3)
    return results


# ------------------------------------------------------------------ marks: what a step did last

def last_mark(name):
    from .models import TickMark

    return TickMark.objects.filter(name=name).values_list("at", flat=True).first()


def mark(name, at):
    from .models import TickMark

    TickMark.objects.update_or_create(name=name, defaults={"at": at})


def full_pass_due(name, now):
    """Is the once-a-day full pass of step ``name`` due? At the first tick ever, and then at the
    first tick from settings.ROLLUP_FULL_HOUR (local time) each day: a quiet hour in production."""
    last = last_mark(name)
    if last is None:
        return True
    local = timezone.localtime(now)
    today_at = local.replace(hour=settings.ROLLUP_FULL_HOUR, minute=0, second=0, microsecond=0)
    latest_due = today_at if local >= today_at else today_at - datetime.timedelta(days=1)
    return last < latest_due
