"""The bench's data set: the demo's world without its year of cases, then N cases in bulk.

The territory (231 grids, 1,226 micro-grids), the agencies and the accounts come from the
demo's own steps (every step ordered before the cases', run by ``core.demo.DemoBuilder``).
The cases are planned here with a seeded generator and written straight into the tables,
in batches (executemany on SQLite, COPY on PostgreSQL): going through ``create_case`` and
``perform`` costs about 35 queries a case, hours at a million.

The mix, over two years (created times uniform, numbered in time order per year):
- open: min(100,000, N/10) cases, 95 % of them reported in the last 90 days, the rest stuck
  (overdue); registered 25 %, dispatched 20 %, handling 30 %, whistled 5 %, fed back 20 %;
  3 % of them urged (timeline entry and ``supervised_at``);
- closed: solved on the spot 55 %, dispatched to one agency 37 %, whistled to two or three 8 %;
  80 % of closed cases rated (by the reporter's account, or by the grid worker on a return
  visit for reporters without one): satisfied 75 %, basically 18 %, unsatisfied 7 %;
- each case has its timeline (register, then every move), its agency links and its rating,
  as the workflow would have written them; responses within the time limit 90 % of the time.
Merges and reopened rounds are left out (under 2 % of real cases; they add no query shape
the measures read).
"""
import datetime
import functools
import json
import random
import time
from types import SimpleNamespace

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from gongzhi.core.demo import DemoBuilder
from gongzhi.dashboard import tallies
from gongzhi.people.models import Agency, Role, RoleAssignment, User
from gongzhi.territory.models import Level, Unit

from .. import rates
from ..demo import WORDING
from ..defaults import install as install_categories
from ..models import Case, CaseAgency, CaseCounter, CaseRating, Category, TimelineEntry
from ..models import Channel as ChannelChoices
from ..textserve import case_words
from ..models import Rating as RatingChoices
from ..models import Status as StatusChoices

# Plain strings: the database drivers are given values, not Django's choice enums.
Status, Channel, Rating = (SimpleNamespace(**{c.name: c.value for c in choices})
                           for choices in (StatusChoices, ChannelChoices, RatingChoices))

CASES_STEP_ORDER = 60  # the cases app's demo step: the bench writes its own cases instead
BATCH = 10_000
YEARS = 2
OPEN_MAX = 100_000
RECENT_DAYS = 90
PLACES = ["南门", "北门", "东区", "西区", "3号楼", "5单元", "地下车库", "广场", "小区门口", "菜市场旁", "幼儿园门口", "公交站"]
SENTENCES = ["已经好几天了", "希望尽快处理", "居民反映强烈", "晚上尤其严重", "老人孩子出行不便", "多次反映没有结果",
             "存在安全隐患", "影响正常生活", "物业说不归他们管", "请相关部门来看看"]
OPEN_MIX = [(Status.REGISTERED, 25), (Status.DISPATCHED, 20), (Status.HANDLING, 30), (Status.WHISTLED, 5), (Status.FED_BACK, 20)]
RATING_MIX = [(Rating.SATISFIED, 75), (Rating.BASICALLY, 18), (Rating.UNSATISFIED, 7)]
H = datetime.timedelta(hours=1)


class TerritoryBuilder(DemoBuilder):
    """The demo's world up to (not including) its cases: territory, agencies, accounts, party."""

    @staticmethod
    def steps():
        return [step for step in DemoBuilder.steps() if step[0] < CASES_STEP_ORDER]


def has_world():
    return Unit.objects.filter(level=Level.DISTRICT).exists()


def build_world(seed, progress=print):
    install_categories(Category)  # idempotent; a flushed database lost the migration's categories
    started = time.perf_counter()
    TerritoryBuilder(seed=seed, progress=lambda label: progress(f"  demo step {label}")).build()
    return time.perf_counter() - started


class Writer:
    """Rows into a table, fast: COPY on PostgreSQL, executemany of one INSERT on SQLite."""

    def __init__(self, model, columns):
        self.table = model._meta.db_table
        self.columns = columns
        self.postgres = connection.vendor == "postgresql"

    def write(self, rows):
        if not rows:
            return
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {qn(self.table)} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {qn(self.table)} ({cols}) VALUES ({marks})", rows)


def _stamp(postgres):
    """How a datetime goes into the database: aware for COPY, naive UTC text for SQLite (as Django stores it)."""
    if postgres:
        return lambda d: d
    return lambda d: None if d is None else d.astimezone(datetime.timezone.utc).replace(tzinfo=None).isoformat(" ")


def _weighted(rng, mix):
    pick = rng.random() * sum(w for _v, w in mix)
    for value, weight in mix:
        pick -= weight
        if pick < 0:
            return value
    return mix[-1][0]


class People:
    """Who makes each move: a grid's worker, an agency's clerks, a street's admin, the intake clients."""

    def __init__(self):
        self.worker_of_grid = {}
        for assignment in RoleAssignment.objects.filter(role=Role.GRID_WORKER).prefetch_related("units").order_by("pk"):
            for unit in assignment.units.all():
                self.worker_of_grid.setdefault(unit.pk, assignment.user_id)
        self.clerks = {}
        for user_id, agency_id in RoleAssignment.objects.filter(role=Role.PROFESSIONAL_GRID_WORKER).values_list("user_id", "agency_id"):
            self.clerks.setdefault(agency_id, []).append(user_id)
        self.agencies = [a for a in Agency.objects.order_by("pk").values_list("pk", flat=True) if a in self.clerks]
        self.residents = list(User.objects.filter(role_assignments__role=Role.RESIDENT).values_list("pk", flat=True)) or [None]


def plan_times(n, rng_np):
    """Sorted creation times (seconds before ``now``) and which cases are open."""
    span = YEARS * 365 * 86400
    ages = np.sort(rng_np.uniform(600, span, n))[::-1]  # oldest first: numbers follow time
    open_target = min(OPEN_MAX, n // 10)
    recent = np.flatnonzero(ages <= RECENT_DAYS * 86400)
    older = np.flatnonzero(ages > RECENT_DAYS * 86400)
    n_recent = min(len(recent), int(open_target * 0.95))
    n_older = min(len(older), open_target - n_recent)
    is_open = np.zeros(n, dtype=bool)
    if n_recent:
        is_open[rng_np.choice(recent, n_recent, replace=False)] = True
    if n_older:
        is_open[rng_np.choice(older, n_older, replace=False)] = True
    return ages, is_open


def build_cases(n, *, seed=2026, now=None, progress=print, resume=False):
    """Write ``n`` cases with their timelines, agency links and ratings; returns seconds taken.

    ``resume`` continues an interrupted build (each batch of 10,000 is its own transaction):
    the plan of times is the same (same seed), the cases already written are skipped, the
    numbering goes on from the last number of each year. Only the per-case choices differ
    from an uninterrupted build (their generator is reseeded at the resume point).
    """
    started = time.perf_counter()
    now = now or timezone.now()
    skip = Case.objects.count() if resume else 0
    rng, rng_np = random.Random(seed + skip), np.random.default_rng(seed)
    postgres = connection.vendor == "postgresql"
    stamp = _stamp(postgres)
    people = People()
    categories = list(Category.objects.filter(parent__isnull=False, active=True).order_by("code"))
    micros = list(Unit.objects.filter(level=Level.MICRO_GRID).exclude(boundary=None).select_related("parent").order_by("code"))
    boxes = []
    for m in micros:
        xs = [p[0] for p in m.boundary["coordinates"][0]]
        ys = [p[1] for p in m.boundary["coordinates"][0]]
        boxes.append((m.pk, m.parent_id, m.parent.code, min(xs), max(xs), min(ys), max(ys)))
    # Most cases of a 小类 go to one agency (what the routing model learns), some elsewhere.
    usual_agency = {c.pk: people.agencies[i % len(people.agencies)] for i, c in enumerate(categories)}
    wording = {c.pk: WORDING.get(c.code, WORDING["9901"]) for c in categories}
    # Case.words as intake cuts them; the set's texts repeat, so each is cut once.
    cut = functools.lru_cache(maxsize=200_000)(case_words)

    case_cols = [f.column for f in Case._meta.concrete_fields]
    link_cols = [f.column for f in CaseAgency._meta.concrete_fields]
    rating_cols = [f.column for f in CaseRating._meta.concrete_fields]
    entry_cols = [f.column for f in TimelineEntry._meta.concrete_fields]
    writers = [Writer(Case, case_cols), Writer(TimelineEntry, entry_cols), Writer(CaseAgency, link_cols), Writer(CaseRating, rating_cols)]
    next_id = {m: (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
               for m in (Case, TimelineEntry, CaseAgency, CaseRating)}
    counters = dict(CaseCounter.objects.values_list("year", "last"))
    if skip:  # the counters are saved at the end: an interrupted build left them behind its cases
        for year in range(now.year - YEARS - 1, now.year + 1):
            last = Case.objects.filter(number__startswith=f"{year}-").order_by("-number").values_list("number", flat=True).first()
            if last:
                counters[year] = max(counters.get(year, 0), int(last.split("-")[1]))
        progress(f"  resuming after {skip:,} cases")

    ages, is_open = plan_times(n, rng_np)
    for start in range(skip, n, BATCH):
        rows = {Case: [], TimelineEntry: [], CaseAgency: [], CaseRating: []}

        def entry(case_id, move, actor, at, before, after, note="", details=None):
            rows[TimelineEntry].append({"id": next_id[TimelineEntry], "case_id": case_id, "move": move, "actor_id": actor,
                                        "at": stamp(at), "note": note, "status_before": before, "status_after": after,
                                        "details": json.dumps(details or {})})
            next_id[TimelineEntry] += 1

        def link(case_id, agency, at, whistled, round_done):
            accepted, fed_back = round_done
            rows[CaseAgency].append({"id": next_id[CaseAgency], "case_id": case_id, "agency_id": agency, "whistled": whistled,
                                     "summoned_at": stamp(at), "report_by": stamp(at + datetime.timedelta(minutes=30)) if whistled else None,
                                     "reported_at": stamp(accepted) if whistled and accepted else None,
                                     "accepted_at": stamp(accepted) if accepted and not whistled else None,
                                     "fed_back_at": stamp(fed_back), "returned_at": None, "round": 0})
            next_id[CaseAgency] += 1

        for i in range(start, min(n, start + BATCH)):
            created = now - datetime.timedelta(seconds=float(ages[i]))
            year = timezone.localtime(created).year
            counters[year] = counters.get(year, 0) + 1
            case_id = next_id[Case]
            next_id[Case] += 1
            category = categories[rng.randrange(len(categories))]
            micro_id, grid_id, grid_code, west, east, south, north = boxes[rng.randrange(len(boxes))]
            worker = people.worker_of_grid.get(grid_id)
            place = rng.choice(PLACES)
            title, description = rng.choice(wording[category.pk])
            channel = _weighted(rng, [(Channel.PATROL, 50), (Channel.RESIDENT, 40), (Channel.MACHINE, 10)])
            reporter = rng.choice(people.residents) if channel == Channel.RESIDENT and rng.random() < 0.3 else None
            recorded_by = worker if channel == Channel.PATROL else None
            respond_by = created + category.response_hours * H
            resolve_by = created + category.resolve_hours * H
            age_h = ages[i] / 3600
            full_title = f"{place}{title}"[:100]
            full_description = f"{place}{description}{rng.choice(SENTENCES)}，{rng.choice(SENTENCES)}。"
            case = {
                "id": case_id, "number": f"{year}-{counters[year]:06d}", "title": full_title,
                "description": full_description, "words": cut(full_title, full_description),
                "category_id": category.pk, "channel": channel, "source_detail": "", "status": Status.REGISTERED,
                "grid_id": grid_id, "micro_grid_id": micro_id, "grid_code": grid_code, "building_id": None,
                "lat": south + (north - south) * rng.random(), "lng": west + (east - west) * rng.random(), "address": "",
                "reporter_id": reporter, "contact_phone": "" if reporter else f"139{rng.randrange(10**8):08d}",
                "recorded_by_id": recorded_by, "main_case_id": None, "reopen_count": 0, "created_at": created,
                "respond_by": respond_by, "resolve_by": resolve_by, "responded_at": None, "closed_at": None, "rating": "",
                "rating_solved": None, "rated_at": None, "version": 0, "supervised_at": None, "attributes": "{}",
            }
            entry(case_id, "register", recorded_by or reporter, created, "", Status.REGISTERED, details={"channel": channel})
            # The first response: within the limit nine times out of ten (but never in the future).
            limit_h = min(category.response_hours, max(age_h - 0.02, 0.01))
            respond_h = rng.uniform(0.05, limit_h) if rng.random() < 0.9 else rng.uniform(limit_h, max(limit_h * 2, age_h - 0.01))
            respond_h = min(respond_h, age_h - 0.01)
            t = created + respond_h * H
            remaining_h = max(age_h - respond_h, 0.02)

            def later(fraction):
                return t + remaining_h * fraction * H

            status = _weighted(rng, OPEN_MIX) if is_open[i] else None
            agency = usual_agency[category.pk] if rng.random() < 0.8 else rng.choice(people.agencies)
            path = "spot" if (status is None and rng.random() < 0.55) else ("whistle" if rng.random() < 0.09 else "dispatch")
            if status == Status.REGISTERED:
                pass
            elif path == "spot":
                case["responded_at"], case["closed_at"], case["status"] = t, t, Status.CLOSED
                entry(case_id, "solve_on_spot", worker, t, Status.REGISTERED, Status.CLOSED, note="现场处理完毕，已答复居民。")
            else:
                whistled = path == "whistle" or status == Status.WHISTLED
                agencies = [agency] + (rng.sample([a for a in people.agencies if a != agency], rng.randint(1, 2)) if whistled else [])
                case["responded_at"] = t
                move = "whistle" if whistled else "dispatch"
                after = Status.WHISTLED if whistled else Status.DISPATCHED
                entry(case_id, move, worker, t, Status.REGISTERED, after,
                      details={"agencies": agencies} if whistled else {"agency": agency})
                case["status"] = after
                if status in (Status.DISPATCHED, Status.WHISTLED):
                    for a in agencies:
                        link(case_id, a, t, whistled, (None, None))
                else:
                    accepted, fed_back = later(0.1), later(0.6 if status is None else 0.5)
                    handling_only = status == Status.HANDLING
                    for a in agencies:
                        clerk = rng.choice(people.clerks[a])
                        entry(case_id, "report" if whistled else "accept", clerk, accepted, after,
                              Status.WHISTLED if whistled else Status.HANDLING)
                        link(case_id, a, t, whistled, (accepted, None if handling_only else fed_back))
                    case["status"] = Status.WHISTLED if whistled else Status.HANDLING
                    if not handling_only:
                        for k, a in enumerate(agencies):
                            last = k == len(agencies) - 1
                            entry(case_id, "feed_back", rng.choice(people.clerks[a]), fed_back, case["status"],
                                  Status.FED_BACK if last else Status.WHISTLED, note="已处理完毕。")
                        case["status"] = Status.FED_BACK
                        if status is None:
                            closed = later(0.7)
                            entry(case_id, "verify", worker, closed, Status.FED_BACK, Status.CLOSED)
                            case["status"], case["closed_at"] = Status.CLOSED, closed
            if status is not None and rng.random() < 0.03:
                urged = later(0.3)
                case["supervised_at"] = urged
                entry(case_id, "urge", None, urged, case["status"], case["status"], note="请尽快办理。")
            if status is None and rng.random() < 0.8:
                rated_at = case["closed_at"] + min(remaining_h * 0.2, 48) * H
                rating = _weighted(rng, RATING_MIX)
                solved = rng.random() < (0.97 if rating != Rating.UNSATISFIED else 0.3)
                on_behalf = case["reporter_id"] is None
                rated_by = worker if on_behalf else case["reporter_id"]
                rows[CaseRating].append({"id": next_id[CaseRating], "case_id": case_id, "rating": rating, "solved": solved,
                                         "comment": "", "rated_by_id": rated_by, "rated_at": stamp(rated_at), "on_behalf": on_behalf})
                next_id[CaseRating] += 1
                entry(case_id, "return_visit" if on_behalf else "rate", rated_by, rated_at, Status.CLOSED, Status.RATED,
                      details={"rating": rating, "solved": solved})
                case.update(status=Status.RATED, rating=rating, rating_solved=solved, rated_at=rated_at)
            for key in ("created_at", "respond_by", "resolve_by", "responded_at", "closed_at", "rated_at", "supervised_at"):
                case[key] = stamp(case[key])
            rows[Case].append(case)
        with transaction.atomic():
            for writer, model in zip(writers, (Case, TimelineEntry, CaseAgency, CaseRating)):
                writer.write([tuple(r[c] for c in writer.columns) for r in rows[model]])
        done = min(n, start + BATCH)
        if done % (BATCH * 10) == 0 or done == n:
            progress(f"  {done:,} / {n:,} cases ({time.perf_counter() - started:.0f} s)")
    for year, last in counters.items():
        CaseCounter.objects.update_or_create(year=year, defaults={"last": last})
    if postgres:
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [Case, TimelineEntry, CaseAgency, CaseRating]):
                cursor.execute(statement)
    return time.perf_counter() - started


def no_style():
    from django.core.management.color import no_style as plain

    return plain()


def roll_up(now=None, progress=print):
    """The rates roll-ups of every month with cases, as the tick would have kept them."""
    started = time.perf_counter()
    first = Case.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if first is None:
        return 0.0
    month = timezone.localtime(first).date().replace(day=1)
    last = timezone.localtime(now or timezone.now()).date().replace(day=1)
    while month <= last:
        rates.refresh_month(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    tallies.rebuild(first=timezone.localtime(first).date(), last=last)  # the cockpit's roll-ups
    return time.perf_counter() - started


def analyze():
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
