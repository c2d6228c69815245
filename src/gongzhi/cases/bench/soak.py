"""The soak run: mixed traffic against a running `gongzhi serve` for a long while, with the
workers' memory and each kind of request's latency sampled every interval (issue 12).

What a day at a street office looks like, compressed: a hotline system files cases through the
API, grid workers and street admins page through their inboxes and open cases, the public reads
Open311 and the figures, district staff read the rates, and the minute job runs every minute as
cron would run it. The run passes when no request failed and memory is flat: the workers'
largest resident size in the last interval is within ``FLAT_TOLERANCE`` of what it was once
warmed up (after the first quarter of the run). Latency is reported, not judged: on a shared
machine it says more about the neighbours than about the product.
"""
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field

from django.db import connections

from gongzhi.api.services import create_token
from gongzhi.core import tick
from gongzhi.people.models import Role

from . import measures

# Memory is flat when the last interval's worker RSS is at most this much above the warmed-up one.
FLAT_TOLERANCE = 0.10
FLAT_SLACK_MB = 10


@dataclass
class Interval:
    """What happened in one sampling interval."""

    started_s: float
    requests: dict = field(default_factory=dict)     # kind -> count
    timings: dict = field(default_factory=dict)      # kind -> [ms]
    errors: list = field(default_factory=list)
    worker_rss_mb: float = 0.0
    tick_s: float = 0.0

    def add(self, kind, ms):
        self.requests[kind] = self.requests.get(kind, 0) + 1
        self.timings.setdefault(kind, []).append(ms)

    def summary(self):
        return {
            "at_s": round(self.started_s),
            "requests": sum(self.requests.values()),
            "errors": len(self.errors),
            "error_examples": self.errors[:3],
            "worker_rss_mb": self.worker_rss_mb,
            "tick_s": round(self.tick_s, 3),
            "p95_ms": {kind: measures.p95(samples) for kind, samples in sorted(self.timings.items())},
        }


class Traffic:
    """The request mix. Each thread owns its connections; one call makes one request."""

    def __init__(self, server, rng):
        client_user = measures.machine_client()
        _token, plaintext = create_token(client_user, name=f"soak-{uuid.uuid4().hex[:8]}")
        self.bodies = measures._bodies(500, rng)
        self.token = plaintext
        self.workers = [(measures.session_cookie(u), numbers) for u, numbers in measures.registered_cases_of_workers(10, 20)]
        self.street_admins = [measures.session_cookie(u) for u in measures.users_with(Role.STREET_ADMIN, 5)]
        self.district_admins = [measures.session_cookie(u) for u in measures.users_with(Role.DISTRICT_ADMIN, 1)]
        if not (self.workers and self.street_admins and self.district_admins):
            raise RuntimeError("the data set has no grid worker with registered cases, street admin or district admin")
        self.port = server.port
        # (weight, kind, callable(client_set, rng) -> (status, path))
        self.mix = [
            (10, "intake", self.intake),
            (30, "inbox", self.inbox),
            (20, "detail", self.detail),
            (10, "api_list", self.api_list),
            (10, "open311", self.open311),
            (10, "figures", self.figures),
            (10, "rates", self.rates),
        ]

    def clients(self, rng):
        """One thread's connections: a machine client, a worker, a street admin, a district admin, the public."""
        cookie, numbers = rng.choice(self.workers)
        return {
            "machine": measures.Client(self.port, token=self.token),
            "worker": (measures.Client(self.port, cookie=cookie), numbers),
            "street": measures.Client(self.port, cookie=rng.choice(self.street_admins)),
            "district": measures.Client(self.port, cookie=rng.choice(self.district_admins)),
            "public": measures.Client(self.port),
        }

    def intake(self, c, rng):
        body = json.dumps(rng.choice(self.bodies))
        status, _ = c["machine"].request("POST", "/api/v1/cases", body=body,
                                         headers={"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex})
        return status, 201

    def inbox(self, c, rng):
        if rng.random() < 0.5:
            client, _numbers = c["worker"]
            tab = rng.choice(("new", "verify", "overdue", "open"))
        else:
            client, tab = c["street"], rng.choice(("overdue", "supervised", "new", "open"))
        status, _ = client.get(f"/cases/inbox/?tab={tab}")
        return status, 200

    def detail(self, c, rng):
        client, numbers = c["worker"]
        status, _ = client.get(f"/cases/{rng.choice(numbers)}/")
        return status, 200

    def api_list(self, c, rng):
        status, _ = c["machine"].get("/api/v1/cases?status=registered")
        return status, 200

    def open311(self, c, rng):
        path = rng.choice(("/open311/v2/services.json", "/open311/v2/requests.json"))
        status, _ = c["public"].get(path)
        return status, 200

    def figures(self, c, rng):
        status, _ = c["public"].get("/figures.json")
        return status, 200

    def rates(self, c, rng):
        status, _ = c["district"].get("/cases/rates/")
        return status, 200


def run(*, seconds, every_s, threads, rate=None, seed=2026, progress=print):
    """Mixed traffic for ``seconds`` from ``threads`` threads against a fresh `gongzhi serve`,
    sampled every ``every_s``; with ``rate`` the threads together make at most that many requests
    a second (a steady day's load rather than a flood). Returns the report (a dict)."""
    rng = random.Random(seed)
    workers = 1 if connections["default"].vendor == "sqlite" else 2
    # All the soak's public readers come from one address: the per-address limit on public reads
    # (GONGZHI_PUBLIC_READ_RATE, 600 an hour) is meant for one person, not for a whole city's traffic.
    server = measures.Server(workers=workers, env={"GONGZHI_PUBLIC_READ_RATE": "100000000/hour"})
    intervals, lock, stop = [], threading.Lock(), threading.Event()
    try:
        traffic = Traffic(server, rng)
        weights = [w for w, _k, _f in traffic.mix]
        started = time.perf_counter()
        intervals.append(Interval(0.0))

        def client_thread(i):
            own = random.Random(seed * 100 + i)
            clients = traffic.clients(own)
            gap = threads / rate if rate else 0.0
            next_at = time.perf_counter() + own.uniform(0, gap)
            try:
                while not stop.is_set():
                    if gap:
                        # Paced: sleep until this thread's next slot (never bunching up after a slow answer).
                        wait = next_at - time.perf_counter()
                        if wait > 0 and stop.wait(wait):
                            break
                        next_at = max(next_at + gap, time.perf_counter())
                    _w, kind, call = own.choices(traffic.mix, weights)[0]
                    t0 = time.perf_counter()
                    try:
                        status, expected = call(clients, own)
                        problem = None if status == expected else f"{kind}: HTTP {status}"
                    except Exception as error:  # a dropped connection is an error of the run, never hidden
                        problem = f"{kind}: {error!r}"
                    ms = (time.perf_counter() - t0) * 1000
                    with lock:
                        current = intervals[-1]
                        current.add(kind, ms)
                        if problem:
                            current.errors.append(problem)
            finally:
                connections.close_all()

        pool = [threading.Thread(target=client_thread, args=(i,), daemon=True) for i in range(threads)]
        for t in pool:
            t.start()
        while time.perf_counter() - started < seconds:
            time.sleep(min(every_s, max(0.0, seconds - (time.perf_counter() - started))))
            # The minute job, as cron runs it beside the server.
            t0 = time.perf_counter()
            tick.run_once()
            tick_s = time.perf_counter() - t0
            with lock:
                done = intervals[-1]
                done.tick_s = tick_s
                done.worker_rss_mb = server.worker_rss_mb()
                elapsed = time.perf_counter() - started
                if elapsed < seconds:
                    intervals.append(Interval(elapsed))
            summary = done.summary()
            progress(f"  {summary['at_s']:>5} s  {summary['requests']:>6} requests  {summary['errors']} errors  "
                     f"worker {summary['worker_rss_mb']} MB  tick {summary['tick_s']} s  p95 {summary['p95_ms']}")
        stop.set()
        for t in pool:
            t.join(60)
        connections.close_all()
    finally:
        stop.set()
        server.stop()
    return verdict([i.summary() for i in intervals], seconds, every_s, threads, rate)


def verdict(samples, seconds, every_s, threads, rate=None):
    """The report: every interval, and whether memory stayed flat and nothing failed."""
    warm = samples[len(samples) // 4]["worker_rss_mb"] if samples else 0.0
    last = samples[-1]["worker_rss_mb"] if samples else 0.0
    limit = round(warm * (1 + FLAT_TOLERANCE) + FLAT_SLACK_MB, 1)
    errors = sum(s["errors"] for s in samples)
    return {
        "seconds": seconds, "every_s": every_s, "threads": threads, "rate_per_s": rate,
        "requests": sum(s["requests"] for s in samples),
        "errors": errors,
        "worker_rss_warm_mb": warm, "worker_rss_last_mb": last, "worker_rss_limit_mb": limit,
        "memory_flat": last <= limit,
        "passed": errors == 0 and last <= limit,
        "intervals": samples,
    }
