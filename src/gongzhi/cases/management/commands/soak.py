"""`gongzhi soak`: mixed traffic for a long while; memory and latency sampled at intervals (issue 12)."""
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from gongzhi.cases.bench import soak

from .bench import Command as BenchCommand


class Command(BenchCommand):
    help = ("Run mixed traffic against `gongzhi serve` for --minutes, sampling memory and latency every --every "
            "seconds; fails unless memory stays flat and no request fails (docs/performance.md). "
            "长时间混合负载：内存与延迟按间隔采样。")

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=float, default=30.0, help="how long the traffic runs (default 30)")
        parser.add_argument("--every", type=float, default=60.0, help="seconds between samples (default 60)")
        parser.add_argument("--threads", type=int, default=6, help="client threads (default 6)")
        parser.add_argument("--rate", type=float, default=None, help="requests a second from all threads together (default: as fast as answered)")
        parser.add_argument("--cases", type=int, default=20_000, help="cases in the data set when the database is empty")
        parser.add_argument("--out", default=None, help="the JSON report (default var/bench/soak.json)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reuse", action="store_true", help="run on the data set already in the database")

    def handle(self, *args, minutes, every, threads, rate, cases, out, seed, reuse, **options):
        if minutes <= 0 or every <= 0 or every > minutes * 60:
            raise CommandError("--minutes and --every must be positive, --every at most the run's length")
        if not 1 <= threads <= 16:
            raise CommandError("--threads must be between 1 and 16")
        if rate is not None and rate <= 0:
            raise CommandError("--rate must be positive")
        if cases < 1000:
            raise CommandError("--cases must be at least 1,000")
        out = Path(out) if out else Path(settings.VAR_DIR) / "bench" / "soak.json"
        notes = []
        self._migrate()
        self._prepare(cases, seed, reuse, False, notes)
        self.say(f"soak: {threads} threads for {minutes:g} min, a sample every {every:g} s"
                 + (f", {rate:g} requests/s" if rate else ", as fast as answered"))
        result = soak.run(seconds=minutes * 60, every_s=every, threads=threads, rate=rate, seed=seed, progress=self.say)
        from django.db import connection
        from gongzhi.cases.models import Case
        result.update(database=connection.vendor, cases=Case.objects.count(), notes=notes)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
        self.say(f"{result['requests']:,} requests, {result['errors']} errors; worker memory warmed "
                 f"{result['worker_rss_warm_mb']} MB, last {result['worker_rss_last_mb']} MB (limit {result['worker_rss_limit_mb']} MB)")
        self.say(f"report: {out}")
        if not result["passed"]:
            raise CommandError("the soak failed: " + ("requests failed; " if result["errors"] else "")
                               + ("memory grew" if not result["memory_flat"] else ""))
