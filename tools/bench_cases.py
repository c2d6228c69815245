"""Grow the demo world to many cases and time the pages that must stay flat (issue 7, §3).

Not a test (timings depend on the machine). Against the configured database
(GONGZHI_DATABASE_URL or the demo's SQLite file), after `gongzhi demo`:

    python tools/bench_cases.py grow 1000000      # add synthetic cases in bulk (10% open, last 90 days)
    python tools/bench_cases.py measure           # p50 of each measurement, in ms
    python tools/bench_cases.py first-view        # the first case page of a fresh process

``measure`` fits the text model first, as the minute job would have done.
The synthetic cases use the demo's wording with varied places and sentences,
in the demo's grids, with positions inside their micro-grids.
"""
import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from gongzhi.cases import routing, similarity  # noqa: E402
from gongzhi.cases.demo import WORDING  # noqa: E402
from gongzhi.cases.models import Case, Category, Channel, Rating, Status, TimelineEntry  # noqa: E402
from gongzhi.people.models import Role, RoleAssignment, User  # noqa: E402
from gongzhi.territory.models import Level, Unit  # noqa: E402

OPEN = [Status.REGISTERED, Status.DISPATCHED, Status.HANDLING, Status.WHISTLED, Status.FED_BACK]
PLACES = ["南门", "北门", "东区", "西区", "3号楼", "5单元", "地下车库", "广场", "小区门口", "菜市场旁", "幼儿园门口", "公交站"]
SENTENCES = ["已经好几天了", "希望尽快处理", "居民反映强烈", "晚上尤其严重", "老人孩子出行不便", "多次反映没有结果",
             "存在安全隐患", "影响正常生活", "物业说不归他们管", "请相关部门来看看"]


def grow(n, seed=7, batch=5000):
    rng = random.Random(seed)
    now = timezone.now()
    categories = list(Category.objects.filter(parent__isnull=False, active=True))
    micro = list(Unit.objects.filter(level=Level.MICRO_GRID).exclude(boundary=None).select_related("parent"))
    has_supervised = any(f.name == "supervised_at" for f in Case._meta.fields)
    start = Case.objects.filter(number__startswith="2019-").count()
    made = 0
    while made < n:
        rows, urged = [], []
        for i in range(start + made, start + made + min(batch, n - made)):
            category = rng.choice(categories)
            m = rng.choice(micro)
            (west, south), (east, _s), (_e, north) = m.boundary["coordinates"][0][:3]
            title, description = rng.choice(WORDING.get(category.code, WORDING["9901"]))
            place = rng.choice(PLACES)
            is_open = rng.random() < 0.10
            created = now - datetime.timedelta(minutes=rng.randint(30, (90 if is_open else 730) * 24 * 60))
            case = Case(
                number=f"2019-{i:09d}", title=f"{place}{title}"[:100],
                description=f"{place}{description}{rng.choice(SENTENCES)}，{rng.choice(SENTENCES)}。",
                category=category, channel=Channel.PATROL, grid_id=m.parent_id, micro_grid_id=m.pk, grid_code=m.parent.code,
                lat=south + (north - south) * rng.random(), lng=west + (east - west) * rng.random(),
                created_at=created, respond_by=created + datetime.timedelta(hours=category.response_hours),
                resolve_by=created + datetime.timedelta(hours=category.resolve_hours),
                status=rng.choice(OPEN) if is_open else rng.choice([Status.CLOSED, Status.RATED, Status.RATED]),
            )
            if not is_open:
                case.responded_at = created + datetime.timedelta(hours=1)
                case.closed_at = created + datetime.timedelta(hours=rng.randint(2, 100))
                if case.status == Status.RATED:
                    case.rating = rng.choice(Rating.values)
                    case.rating_solved = case.rating != Rating.UNSATISFIED
                    case.rated_at = case.closed_at + datetime.timedelta(hours=3)
            elif rng.random() < 0.02:
                urged.append(case)
                if has_supervised:
                    case.supervised_at = created + datetime.timedelta(hours=1)
            rows.append(case)
        with transaction.atomic():
            Case.objects.bulk_create(rows, batch_size=1000)
            TimelineEntry.objects.bulk_create([
                TimelineEntry(case=c, move="urge", at=c.created_at + datetime.timedelta(hours=1), note="请尽快",
                              status_before=c.status, status_after=c.status) for c in urged
            ])
        made += len(rows)
        print(f"{made:,} / {n:,}", end="\r", flush=True)
    print()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def p50(fn, times):
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _grid_worker_and_case():
    """A grid worker of a busy grid and a registered case there (the page with every suggestion)."""
    assignment = RoleAssignment.objects.filter(role=Role.GRID_WORKER).order_by("pk").first()
    codes = sorted(u.code for u in assignment.units.all())
    case = Case.objects.filter(grid_code=codes[0], status=Status.REGISTERED).order_by("-created_at").first()
    return assignment.user, case


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def measure(times):
    if hasattr(routing, "train"):
        started = time.perf_counter()
        routing.train()
        print(f"fit the text model (the minute job's step): {time.perf_counter() - started:.1f} s")
    print(f"cases: {Case.objects.count():,}; open: {Case.objects.filter(status__in=OPEN).count():,}")
    worker, case = _grid_worker_and_case()
    district = User.objects.get(username="demo-district")
    page = _client(worker)
    detail = reverse("cases:detail", args=[case.number])
    assert page.get(detail).status_code == 200
    print(f"case page (grid worker, registered case: suggestion + similar): {p50(lambda: page.get(detail), times):8.1f} ms")
    registered = list(Case.objects.filter(grid_code=case.grid_code, status=Status.REGISTERED)[:times])
    it = iter(registered * 2)
    print(f"similar-case search:                                           {p50(lambda: similarity.similar_open_cases(next(it), user=worker), times):8.1f} ms")
    admin = _client(district)
    inbox = reverse("cases:inbox")
    for tab in ("supervised", "new", "open", "overdue"):
        print(f"inbox {tab:10} (district admin):                          {p50(lambda: admin.get(inbox, {'tab': tab}), times):8.1f} ms")
    for tab in ("new", "open"):
        print(f"inbox {tab:10} (grid worker):                             {p50(lambda: page.get(inbox, {'tab': tab}), times):8.1f} ms")


def first_view():
    """Time the first case page of a fresh process (model load, locator build), in a child process."""
    code = (
        "import sys, time; sys.argv=['x']; sys.path.insert(0, 'tools');"
        "started = time.perf_counter(); import bench_cases as b;"
        "worker, case = b._grid_worker_and_case(); c = b._client(worker);"
        "t = time.perf_counter(); r = c.get(b.reverse('cases:detail', args=[case.number]));"
        "print(f'first case page of a fresh process: {(time.perf_counter() - t) * 1000:.0f} ms (status {r.status_code})')"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    grow_parser = sub.add_parser("grow")
    grow_parser.add_argument("n", type=int)
    measure_parser = sub.add_parser("measure")
    measure_parser.add_argument("--times", type=int, default=21)
    sub.add_parser("first-view")
    args = parser.parse_args()
    if args.command == "grow":
        grow(args.n)
    elif args.command == "measure":
        measure(args.times)
    else:
        first_view()


if __name__ == "__main__" and len(sys.argv) > 1:
    main()
