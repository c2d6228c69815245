"""Each measure of `gongzhi bench`: the product's way, and where the table asks, the machine's limit.

Latencies are p95 over ``samples`` timings (a few hundred by default). The slow baselines
(a plain GROUP BY over the whole case table) stop early at ``budget_s`` seconds, with at
least a few samples: the report's Markdown says how many each used.
"""
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection, connections, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Substr, TruncMonth
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import gongzhi
from gongzhi.api.services import create_token
from gongzhi.core import tick
from gongzhi.people.models import Role, RoleAssignment, User
from gongzhi.territory import geometry
from gongzhi.territory.models import Level, Unit

from .. import rates, routing, similarity
from ..models import Case, Category, Rating, Status, TimelineEntry
from ..textserve import case_words


def p95(samples):
    return round(float(np.percentile(samples, 95)), 2) if samples else None


@dataclass
class Timings:
    """Samples of one measure, in ms; ``note`` goes to the Markdown."""

    samples: list = field(default_factory=list)

    def time(self, fn):
        started = time.perf_counter()
        result = fn()
        self.samples.append((time.perf_counter() - started) * 1000)
        return result


def sample(fn, samples, budget_s=None, minimum=5):
    """Call ``fn`` up to ``samples`` times (fewer if ``budget_s`` runs out, never below ``minimum``)."""
    timings = Timings()
    started = time.perf_counter()
    for i in range(samples):
        timings.time(fn)
        if budget_s is not None and i + 1 >= minimum and time.perf_counter() - started > budget_s:
            break
    return timings.samples


# ---------------------------------------------------------------- people and sessions

def district():
    return Unit.objects.filter(level=Level.DISTRICT).order_by("code").first()


def machine_client():
    """A hotline system's account over the whole district (the API's intake client)."""
    user, _created = User.objects.get_or_create(username="bench-hotline", defaults={"display_name": "压测热线"})
    if not user.role_assignments.filter(role=Role.MACHINE_CLIENT).exists():
        RoleAssignment.objects.create(user=user, role=Role.MACHINE_CLIENT).units.set([district()])
    return user


def session_cookie(user):
    """A signed-in session for ``user``, as the sign-in page would make (no password needed)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # The backend that signs people in: the lockout backend listed before it only refuses
    # (it has no get_user, and a session naming it would be no session).
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def users_with(role, limit):
    ids = RoleAssignment.objects.filter(role=role).order_by("pk").values_list("user_id", flat=True)[:limit]
    return list(User.objects.filter(pk__in=list(ids)).order_by("pk"))


# ---------------------------------------------------------------- the server

def database_url():
    """The configured database as a URL, for the server process (the tests' database too)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = f"{s['USER']}:{s['PASSWORD']}@" if s.get("PASSWORD") else (f"{s['USER']}@" if s.get("USER") else "")
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`gongzhi serve` in a child process on loopback, against the same database."""

    def __init__(self, workers=2, env=None):
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        env = {**os.environ, "GONGZHI_DATABASE_URL": database_url(),
               # The intake limit protects production from a runaway client; the bench is that client.
               "GONGZHI_INTAKE_RATE_TOKEN": "100000000/hour", "GONGZHI_LOG_LEVEL": "WARNING", **(env or {})}
        # This checkout's code, whatever the virtualenv was installed from.
        source = str(Path(gongzhi.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join([source] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        env.setdefault("GONGZHI_ENV", "demo")
        if env["GONGZHI_ENV"] == "test":
            env["GONGZHI_ENV"] = "demo"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gongzhi.cli", "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--no-tick"],
            # Its log goes to a file: a pipe nobody reads would fill up and stop the server.
            env=env, stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True,
        )
        self._wait()

    def _wait(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"gongzhi serve stopped: {self.log.read().decode(errors='replace')[-2000:]}")
            try:
                status, _body = Client(self.port).get("/cases/report/grids.json")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gongzhi serve did not answer within a minute")

    def worker_rss_mb(self):
        """The largest resident memory among the server's worker processes (the master excluded)."""
        def children(pid):
            found = []
            for task in os.listdir(f"/proc/{pid}/task"):
                try:
                    with open(f"/proc/{pid}/task/{task}/children") as f:
                        found += [int(c) for c in f.read().split()]
                except OSError:
                    pass
            return found

        def rss(pid):
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
            return 0.0

        pids, todo = [], children(self.process.pid)
        while todo:
            pid = todo.pop()
            pids.append(pid)
            todo += children(pid)
        sizes = []
        for pid in pids:
            try:
                sizes.append(rss(pid))
            except OSError:
                pass
        return round(max(sizes), 1) if sizes else round(rss(self.process.pid), 1)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, port, cookie=None, token=None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Accept-Language": "zh-hans"}
        if cookie:
            self.headers["Cookie"] = cookie
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def request(self, method, path, body=None, headers=None):
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers={**self.headers, **(headers or {})})
                response = self.connection.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closes a keep-alive connection idle for a few seconds: connect again.
                self.connection.close()
                if attempt == 2:
                    raise

    def get(self, path):
        return self.request("GET", path)


# ---------------------------------------------------------------- intake

def _points(n, rng):
    boxes = []
    for boundary in Unit.objects.filter(level=Level.MICRO_GRID).exclude(boundary=None).values_list("boundary", flat=True):
        ring = boundary["coordinates"][0]
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        boxes.append((min(xs), max(xs), min(ys), max(ys)))
    out = []
    for _ in range(n):
        west, east, south, north = rng.choice(boxes)
        # Inside, off the border: a point on a shared edge is placed too, but keep it plain.
        out.append((south + (north - south) * rng.uniform(0.1, 0.9), west + (east - west) * rng.uniform(0.1, 0.9)))
    return out


def _bodies(n, rng):
    categories = list(Category.objects.filter(parent__isnull=False, active=True).values_list("code", flat=True))
    from .data import PLACES, SENTENCES, WORDING
    bodies = []
    for lat, lng in _points(n, rng):
        code = rng.choice(categories)
        title, description = rng.choice(WORDING.get(code, WORDING["9901"]))
        place = rng.choice(PLACES)
        bodies.append({"title": f"{place}{title}", "description": f"{place}{description}{rng.choice(SENTENCES)}。",
                       "category_code": code, "lat": lat, "lng": lng, "contact_phone": f"139{rng.randrange(10**8):08d}"})
    return bodies


def _run_threads(threads, seconds, work):
    """``work(i, stop)`` in ``threads`` threads for ``seconds``; returns (done, errors, elapsed)."""
    counts, errors = [0] * threads, []
    stop = threading.Event()
    barrier = threading.Barrier(threads + 1)

    def run(i):
        barrier.wait()
        try:
            while not stop.is_set():
                work(i)
                counts[i] += 1
        except Exception as error:  # reported, never hidden
            errors.append(repr(error))
        finally:
            connections.close_all()

    pool = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(threads)]
    for t in pool:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in pool:
        t.join()
    return sum(counts), errors, time.perf_counter() - started


def intake_http(server, threads, seconds, rng):
    """Cases per second through POST /api/v1/cases (machine client, an Idempotency-Key each)."""
    client_user = machine_client()
    _token, plaintext = create_token(client_user, name="bench")
    bodies = _bodies(2000, rng)
    clients = [Client(server.port, token=plaintext) for _ in range(threads)]
    refused = []

    def work(i):
        body = json.dumps(bodies[random.randrange(len(bodies))])
        status, answer = clients[i].request("POST", "/api/v1/cases", body=body,
                                            headers={"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex})
        if status != 201:
            refused.append((status, answer[:300]))
            raise RuntimeError(f"POST /api/v1/cases answered {status}: {answer[:300]!r}")

    done, errors, elapsed = _run_threads(threads, seconds, work)
    if errors:
        raise RuntimeError(f"intake over HTTP failed: {errors[0]}")
    return done / elapsed


def api_floor(server, threads, seconds):
    """Requests per second the same server answers for the cheapest authenticated API read
    (``GET /api/v1/categories/{code}``: the token checked, one row, a small JSON answer) from
    the same client threads: what the stack alone (gunicorn, Django's middleware, django-ninja,
    the token) allows on this machine, beside which intake's rate is read."""
    client_user = machine_client()
    _token, plaintext = create_token(client_user, name="bench-floor")
    code = Category.objects.filter(parent__isnull=False).order_by("code").values_list("code", flat=True).first()
    clients = [Client(server.port, token=plaintext) for _ in range(threads)]

    def work(i):
        status, answer = clients[i].request("GET", f"/api/v1/categories/{code}")
        if status != 200:
            raise RuntimeError(f"GET /api/v1/categories/{code} answered {status}: {answer[:300]!r}")

    done, errors, elapsed = _run_threads(threads, seconds, work)
    if errors:
        raise RuntimeError(f"the API floor run failed: {errors[0]}")
    return done / elapsed


def intake_raw(threads, seconds, rng):
    """The durability limit: the same rows (a case and its timeline entry), one case per
    transaction, by plain INSERTs from ``threads`` threads, each on its own connection."""
    bodies = _bodies(2000, rng)
    category = {c: pk for c, pk in Category.objects.values_list("code", "pk")}
    placed = []
    for body in bodies:
        spot = geometry.locate(body["lat"], body["lng"])
        placed.append((body, category[body["category_code"]], spot.grid_id, spot.micro_grid_id, spot.grid_code,
                       case_words(body["title"], body["description"])))
    qn = connection.ops.quote_name
    case_cols = [f.column for f in Case._meta.concrete_fields if f.column != "id"]
    entry_cols = [f.column for f in TimelineEntry._meta.concrete_fields if f.column != "id"]
    returning = connection.vendor in ("postgresql", "sqlite")
    insert_case = (f"INSERT INTO {qn(Case._meta.db_table)} ({', '.join(qn(c) for c in case_cols)}) "
                   f"VALUES ({', '.join(['%s'] * len(case_cols))})" + (" RETURNING id" if returning else ""))
    insert_entry = (f"INSERT INTO {qn(TimelineEntry._meta.db_table)} ({', '.join(qn(c) for c in entry_cols)}) "
                    f"VALUES ({', '.join(['%s'] * len(entry_cols))})")
    sequence = iter(range(10**9))
    lock = threading.Lock()
    prep = connection.ops.adapt_datetimefield_value

    def work(i):
        with lock:
            k = next(sequence)
        body, category_id, grid_id, micro_id, grid_code, words = placed[k % len(placed)]
        now = timezone.now()
        values = {
            "number": f"R-{os.getpid()}-{k}", "title": body["title"], "description": body["description"],
            "category_id": category_id, "channel": "machine", "source_detail": "", "status": "registered",
            "grid_id": grid_id, "micro_grid_id": micro_id, "grid_code": grid_code, "building_id": None,
            "lat": body["lat"], "lng": body["lng"], "address": "", "reporter_id": None, "contact_phone": body["contact_phone"],
            "recorded_by_id": None, "main_case_id": None, "reopen_count": 0, "created_at": prep(now),
            "respond_by": prep(now), "resolve_by": prep(now), "responded_at": None, "closed_at": None, "rating": "",
            "rating_solved": None, "rated_at": None, "version": 0, "supervised_at": None, "attributes": "{}",
            "words": words,
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(insert_case, [values[c] for c in case_cols])
            case_id = cursor.fetchone()[0]
            entry = {"case_id": case_id, "move": "register", "actor_id": None, "at": prep(now), "note": "",
                     "status_before": "", "status_after": "registered", "details": '{"channel": "machine"}'}
            cursor.execute(insert_entry, [entry[c] for c in entry_cols])

    done, errors, elapsed = _run_threads(threads, seconds, work)
    if errors:
        raise RuntimeError(f"raw intake failed: {errors[0]}")
    # The raw rows were only a yardstick: they leave the data set as it was.
    with connection.cursor() as cursor:
        ids = f"SELECT id FROM {qn(Case._meta.db_table)} WHERE number LIKE 'R-%%'"
        cursor.execute(f"DELETE FROM {qn(TimelineEntry._meta.db_table)} WHERE case_id IN ({ids})")
        cursor.execute(f"DELETE FROM {qn(Case._meta.db_table)} WHERE number LIKE 'R-%%'")
    return done / elapsed


# ---------------------------------------------------------------- cockpit

def cockpit_product(viewer, month=None):
    """What the cockpit page reads for the viewer's scope root (a district): its figures with
    their trends over thirteen months, its panels (rates by street, overdue by agency...) and the
    grid map's measures, all from the roll-ups (dashboard.cockpit), as the page's view does."""
    from gongzhi.dashboard import cockpit, cockpit_views

    unit = cockpit_views.scope_roots(viewer)[0]
    month = month or timezone.localdate()
    return cockpit.build(unit, month), cockpit.map_data(unit, month, viewer)


def cockpit_groupby():
    """The same table from the case table itself: one plain GROUP BY street, month."""
    rated = Q(rating__gt="")
    rows = (Case.objects.filter(rated)
            .annotate(street=Substr("grid_code", 1, 9), month=TruncMonth("created_at"))
            .values("street", "month")
            .annotate(total=Count("id"),
                      responded=Count("id", filter=Q(responded_at__lte=F("respond_by"))),
                      resolved=Count("id", filter=Q(rating_solved=True)),
                      satisfied=Count("id", filter=Q(rating=Rating.SATISFIED)),
                      basically=Count("id", filter=Q(rating=Rating.BASICALLY)))
            .order_by())
    return {(r["street"], r["month"]): rates.Rates.of(r).composite for r in rows}


def figures_once():
    """The cases' headline figures counted as the product counts them (uncached), in ms."""
    from ..figures import FIGURES

    started = time.perf_counter()
    for figure in FIGURES:
        figure.count()
    return (time.perf_counter() - started) * 1000


# ---------------------------------------------------------------- pages over HTTP

NEXT = re.compile(rb'href="\?(?:tab=[a-z_]+&(?:amp;)?)?after=([A-Za-z0-9_\-]+)"')


def inbox_samples(server, samples):
    """A grid worker's and a street admin's inbox tabs: first pages, then their cursor pages."""
    people = [(u, ("new", "verify", "overdue", "open")) for u in users_with(Role.GRID_WORKER, 20)]
    people += [(u, ("overdue", "supervised", "new", "open")) for u in users_with(Role.STREET_ADMIN, 5)]
    clients = [(Client(server.port, cookie=session_cookie(u)), tabs) for u, tabs in people]
    timings, k = Timings(), 0
    while len(timings.samples) < samples:
        client, tabs = clients[k % len(clients)]
        tab = tabs[(k // len(clients)) % len(tabs)]
        k += 1
        status, body = timings.time(lambda: client.get(f"/cases/inbox/?tab={tab}"))
        if status != 200:
            raise RuntimeError(f"inbox answered {status}")
        found = NEXT.search(body)
        if found and len(timings.samples) < samples:
            status, _body = timings.time(lambda: client.get(f"/cases/inbox/?tab={tab}&after={found[1].decode()}"))
            if status != 200:
                raise RuntimeError(f"inbox cursor page answered {status}")
    return timings.samples


def registered_cases_of_workers(limit_workers=20, per_worker=30):
    """(grid worker, numbers of registered cases in their grids) for a few workers."""
    found = []
    for assignment in RoleAssignment.objects.filter(role=Role.GRID_WORKER).select_related("user").prefetch_related("units").order_by("pk")[:limit_workers]:
        codes = [u.code for u in assignment.units.all()]
        numbers = list(Case.objects.filter(grid_code__in=codes, status=Status.REGISTERED)
                       .order_by("-created_at").values_list("number", flat=True)[:per_worker])
        if numbers:
            found.append((assignment.user, numbers))
    return found


def detail_samples(server, samples):
    """A registered case's page as its grid worker sees it: similar cases and the routing suggestion."""
    pairs = [(Client(server.port, cookie=session_cookie(user)), numbers) for user, numbers in registered_cases_of_workers()]
    if not pairs:
        raise RuntimeError("no registered case to open")
    timings, k = Timings(), 0
    while len(timings.samples) < samples:
        client, numbers = pairs[k % len(pairs)]
        number = numbers[(k // len(pairs)) % len(numbers)]
        k += 1
        status, body = timings.time(lambda: client.get(f"/cases/{number}/"))
        if status != 200:
            raise RuntimeError(f"case page answered {status}")
    return timings.samples


# ---------------------------------------------------------------- in-process

def locate_rates(points, naive_points, rng):
    """(locate() points per second, naive loop points per second) on random points in the district."""
    import shapely
    from shapely.geometry import Point

    built = geometry.locator()
    rows = built._rows
    shapes = [shapely.geometry.shape(r[4]) for r in rows]
    west, south, east, north = shapely.total_bounds(shapes)
    pts = [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(points)]

    def answer(lat, lng):
        try:
            return geometry.locate(lat, lng).micro_grid_code
        except geometry.OutsideAllGrids:
            return None

    started = time.perf_counter()
    fast = [answer(lat, lng) for lat, lng in pts]
    fast_rate = len(pts) / (time.perf_counter() - started)

    def naive(lat, lng):
        point = Point(lng, lat)
        for row, shape in zip(rows, shapes):  # code order: the first hit is the answer
            if shape.intersects(point):
                return row[1]
        return None

    few = pts[:naive_points]
    started = time.perf_counter()
    slow = [naive(lat, lng) for lat, lng in few]
    naive_rate = len(few) / (time.perf_counter() - started)
    differ = sum(a != b for a, b in zip(fast, slow))
    if differ:
        raise RuntimeError(f"locate() and the naive loop disagree on {differ} points")
    return fast_rate, naive_rate


def similar_samples(samples, rng):
    """Similar-case search for a new (unsaved) case, as the grid worker of its grid would see it."""
    workers = {}
    for assignment in RoleAssignment.objects.filter(role=Role.GRID_WORKER).select_related("user").prefetch_related("units"):
        for unit in assignment.units.all():
            workers.setdefault(unit.code, assignment.user)
    bodies = _bodies(samples + 20, rng)
    categories = {c.code: c for c in Category.objects.all()}
    new_cases = []
    for body in bodies:
        spot = geometry.locate(body["lat"], body["lng"])
        new_cases.append((Case(title=body["title"], description=body["description"], category=categories[body["category_code"]],
                               grid_id=spot.grid_id, grid_code=spot.grid_code, lat=body["lat"], lng=body["lng"]),
                          workers.get(spot.grid_code)))
    for case, worker in new_cases[:20]:  # a running server has its caches warm
        similarity.similar_open_cases(case, user=worker)
    timings = Timings()
    for case, worker in new_cases[20:]:
        timings.time(lambda: similarity.similar_open_cases(case, user=worker))
    return timings.samples


def one_tick(timings=None):
    """One minute job at N cases: (seconds, queries); ``timings`` receives each step's seconds."""
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        results = tick.run_once(timings=timings)
        seconds = time.perf_counter() - started
    failed = [name for name, result in results.items() if result == "failed"]
    if failed:
        raise RuntimeError(f"tick steps failed: {failed}")
    return seconds, len(queries.captured_queries)


def train_text_model():
    started = time.perf_counter()
    routing.train()
    return time.perf_counter() - started
