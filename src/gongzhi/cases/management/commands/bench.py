"""`gongzhi bench`: build a data set of N cases, measure issue 12's table, write the report."""
import random
import traceback
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from gongzhi.cases import textmodel, vectors
from gongzhi.cases.bench import data, measures, report, residents_import
from gongzhi.cases.models import Case
from gongzhi.people.models import Role

MEASURES = ["locate", "similar", "cockpit", "intake", "inbox", "detail", "rss", "tick", "import"]
NEEDS_SERVER = {"intake", "inbox", "detail", "rss"}


def names(text):
    chosen = [n.strip() for n in text.split(",") if n.strip()]
    unknown = sorted(set(chosen) - set(MEASURES))
    if unknown:
        raise CommandError(f"--only: unknown measure(s) {', '.join(unknown)}; choose from {', '.join(MEASURES)}")
    return chosen


class Command(BaseCommand):
    help = ("Build N cases in the configured database and measure the product against the machine's limits "
            "(docs/performance.md). 压测：生成 N 个案件并测量。")

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the data set (default 1,000,000)")
        parser.add_argument("--only", type=names, default=None, help=f"comma list of measures: {', '.join(MEASURES)}")
        parser.add_argument("--out", default=None, help="the JSON report (default var/bench/report.json); the Markdown table goes next to it")
        parser.add_argument("--samples", type=int, default=300, help="timings per latency measure (p95 over them)")
        parser.add_argument("--seconds", type=float, default=20.0, help="how long each intake run lasts")
        parser.add_argument("--threads", type=int, default=8, help="client threads for the intake runs (4 to 8)")
        parser.add_argument("--budget", type=float, default=120.0, help="seconds at most for a slow baseline's samples")
        parser.add_argument("--import-rows", type=int, default=100_000, help="residents in the import measure's workbook")
        parser.add_argument("--seed", type=int, default=2026)
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--reuse", action="store_true", help="measure the data set already in the database")
        group.add_argument("--rebuild", action="store_true", help="empty the database first (everything in it is lost)")
        group.add_argument("--resume", action="store_true",
                           help="go on with an interrupted build up to --cases, then roll up and measure")

    def say(self, text):
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args, cases, only, out, samples, seconds, threads, budget, seed, reuse, rebuild, resume=False, import_rows=100_000,
               **options):
        if cases < 1000:
            raise CommandError("--cases must be at least 1,000")
        if not 4 <= threads <= 8:
            raise CommandError("--threads must be between 4 and 8")
        if samples < 10:
            raise CommandError("--samples must be at least 10")
        chosen = only or MEASURES
        out = Path(out) if out else Path(settings.VAR_DIR) / "bench" / "report.json"
        rng = random.Random(seed)
        notes = []
        self._migrate()
        self._prepare(cases, seed, reuse, rebuild, notes, resume)
        n = Case.objects.count()
        result = report.empty(connection.vendor, n, timezone.now().isoformat(timespec="seconds"))
        self.failed = []

        def locate():
            self.say("locate: locate() vs a loop over every polygon")
            fast, naive = measures.locate_rates(max(samples * 300, 20_000), max(samples * 3, 500), rng)
            result.update(locate_per_s=round(fast), locate_naive_per_s=round(naive), locate_ratio=round(fast / naive, 1))

        def similar():
            self.say("similar: similar-case search for new cases")
            open_cases = Case.objects.open().count()
            result["similar_p95_ms"] = measures.p95(measures.similar_samples(samples, rng))
            notes.append(f"similar: {samples} searches among {open_cases:,} open cases (100,000 from 1 M cases up).")

        def cockpit():
            self.say("cockpit: the district cockpit from the roll-ups vs a GROUP BY")
            viewer = self._district_admin()
            product = measures.sample(lambda: measures.cockpit_product(viewer), samples)
            groupby = measures.sample(measures.cockpit_groupby, samples, budget_s=budget)
            result["cockpit_p95_ms"], result["cockpit_groupby_p95_ms"] = measures.p95(product), measures.p95(groupby)
            result["cockpit_speedup"] = round(result["cockpit_groupby_p95_ms"] / result["cockpit_p95_ms"], 1)
            figures_ms = measures.figures_once()
            notes.append(f"cockpit: measured is the cockpit's own read path (dashboard.cockpit.build and map_data over "
                         f"the stored sums (TallySum, decision 86): a district admin's district, this month with "
                         f"twelve months of trend, its streets' rates, "
                         f"overdue by agency, the grid map), {len(product)} samples, against a GROUP BY street × month "
                         f"over the case table ({len(groupby)} samples). "
                         f"The cases' headline figures are sums of the same roll-ups (decision 84): "
                         f"{figures_ms:,.0f} ms uncached, all seven.")

        def tick():
            self.say("tick: one minute job at N cases")
            first_steps, steps = {}, {}
            # The first after the load sends the backlog's reminders and makes the day's full recount.
            first, _q = measures.one_tick(first_steps)
            seconds_taken, queries = measures.one_tick(steps)
            result["tick_s"], result["tick_queries"] = round(seconds_taken, 3), queries

            def slowest(timings):
                return ", ".join(f"{name} {s:.2f} s" for name, s in sorted(timings.items(), key=lambda kv: -kv[1])[:4])

            notes.append(f"tick: the first tick after loading took {first:.1f} s ({slowest(first_steps)}): it sends "
                         f"the reminders of every overdue case once and makes the day's full recount of the roll-ups "
                         f"(decision 81); the measured one is the next, a steady minute ({slowest(steps)}).")

        for name, measure in (("locate", locate), ("similar", similar), ("cockpit", cockpit)):
            if name in chosen:
                self._run(name, measure, notes)
        if NEEDS_SERVER & set(chosen):
            self._run("server", lambda: self._with_server(chosen, result, samples, seconds, threads, rng, notes), notes)
        if "tick" in chosen:
            self._run("tick", tick, notes)
        def import_():
            self.say(f"import: {import_rows:,} residents from Excel vs a raw bulk insert")
            product, raw, rows, note = residents_import.measure(import_rows, out.parent, seed, progress=self.say)
            result.update(import_rows_per_s=round(product), import_raw_rows_per_s=round(raw), import_ratio=round(product / raw, 3))
            notes.append(note)

        if "import" in chosen:
            self._run("import", import_, notes)
        json_path, md_path = report.write(result, out, notes)
        self.say(report.markdown(result, notes))
        self.say(f"report: {json_path}\ntable:  {md_path}")
        if self.failed:
            raise CommandError(f"measures failed: {', '.join(self.failed)} (their keys are null; see the notes)")

    def _run(self, name, measure, notes):
        """Run one measure; a failure leaves its keys null, is noted, and fails the command at the end."""
        try:
            measure()
        except Exception as error:  # the other measures still run: a long run is not thrown away
            self.failed.append(name)
            notes.append(f"{name} FAILED: {error!r}")
            self.stderr.write(traceback.format_exc())

    def _migrate(self):
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.say("migrate")
            call_command("migrate", verbosity=0)

    def _prepare(self, cases, seed, reuse, rebuild, notes, resume=False):
        if resume and data.has_world():
            have = Case.objects.count()
            self.say(f"resuming the build: {have:,} of {cases:,} cases written")
            started = time.perf_counter()
            cases_s = data.build_cases(cases, seed=seed, progress=self.say, resume=True)
            self.say("rates roll-ups of every month")
            rollup_s = data.roll_up()
            data.analyze()
            notes.append(f"data set: resumed at {have:,} cases; the remaining {cases - have:,} in {cases_s:.0f} s "
                         f"({(cases - have) / max(cases_s, 1e-9):,.0f} cases/s), roll-ups {rollup_s:.0f} s, "
                         f"in all {time.perf_counter() - started:.0f} s this run.")
        elif data.has_world() and not (reuse or rebuild):
            raise CommandError("The database already holds a world. Use --reuse to measure it as it is, --rebuild to "
                               "empty it and build the bench's data set, or point GONGZHI_DATABASE_URL at an empty database.")
        elif reuse and data.has_world():
            self.say(f"reusing the data set: {Case.objects.count():,} cases")
        else:
            if rebuild and data.has_world():
                self.say("emptying the database")
                call_command("flush", interactive=False, verbosity=0)
            started = time.perf_counter()
            self.say("building the demo's territory, agencies and accounts")
            world_s = data.build_world(seed, progress=self.say)
            self.say(f"writing {cases:,} cases")
            cases_s = data.build_cases(cases, seed=seed, progress=self.say)
            self.say("rates roll-ups of every month")
            rollup_s = data.roll_up()
            data.analyze()
            notes.append(f"data set: world {world_s:.0f} s, {cases:,} cases {cases_s:.0f} s "
                         f"({cases / cases_s:,.0f} cases/s with their timelines, links and ratings), "
                         f"roll-ups {rollup_s:.0f} s, in all {time.perf_counter() - started:.0f} s.")
        stored = textmodel.latest()
        if stored is None or stored.library != textmodel.library():  # none yet, or of an older format
            self.say("fitting the text model (the minute job's step)")
            notes.append(f"text model fitted in {measures.train_text_model():.0f} s.")
        # What the minute job keeps for the similar-case search: the open cases' stored rows.
        started = time.perf_counter()
        stored = vectors.refresh_all(progress=lambda n: self.say(f"  {n:,} open cases' text rows stored"))
        if stored:
            notes.append(f"text rows of {stored:,} open cases stored in {time.perf_counter() - started:.0f} s "
                         f"(the minute job's step after a refit, decision 82).")

    @staticmethod
    def _district_admin():
        return measures.users_with(Role.DISTRICT_ADMIN, 1)[0]

    def _with_server(self, chosen, result, samples, seconds, threads, rng, notes):
        workers = 1 if connection.vendor == "sqlite" else 2
        self.say(f"starting gongzhi serve ({workers} worker(s) × 4 threads)")
        server = measures.Server(workers=workers)
        try:
            if "intake" in chosen:
                self.say(f"intake: {threads} threads for {seconds:.0f} s over HTTP, then raw")
                http = measures.intake_http(server, threads, seconds, rng)
                raw = measures.intake_raw(threads, seconds, rng)
                result.update(intake_http_per_s=round(http, 1), intake_raw_per_s=round(raw, 1), intake_ratio=round(http / raw, 3))
                floor_seconds = max(5.0, seconds / 4)
                floor = measures.api_floor(server, threads, floor_seconds)
                notes.append(f"intake: {threads} client threads, {seconds:.0f} s each, an Idempotency-Key per request; "
                             f"the server's intake limit raised for the run (GONGZHI_INTAKE_RATE_TOKEN). "
                             f"The same server answered the cheapest authenticated API read (GET /api/v1/categories/{{code}}: "
                             f"the token, one row) {floor:,.0f} times a second from the same threads ({floor_seconds:.0f} s): "
                             f"the stack's own ceiling on this machine, before any of intake's work.")
            if "inbox" in chosen:
                self.say("inbox: pages over HTTP")
                result["inbox_p95_ms"] = measures.p95(measures.inbox_samples(server, samples))
            if "detail" in chosen:
                self.say("detail: case pages over HTTP")
                result["detail_p95_ms"] = measures.p95(measures.detail_samples(server, samples))
            if "rss" in chosen:
                result["worker_rss_mb"] = server.worker_rss_mb()
        finally:
            server.stop()
