"""`gongzhi rollups --rebuild`: recount the cockpit's roll-ups (Tally) from the records."""
import datetime

from django.core.management.base import BaseCommand

from gongzhi.dashboard import tallies


class Command(BaseCommand):
    help = "Recount the cockpit's roll-ups from the records (--rebuild: every month; default: this month and the last)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recount every month that has records")
        parser.add_argument("--since", type=datetime.date.fromisoformat, help="first month to recount (YYYY-MM-DD)")

    def handle(self, *args, rebuild=False, since=None, verbosity=1, **options):
        if rebuild or since:
            def progress(month, written):
                if verbosity > 1:
                    self.stdout.write(f"{month:%Y-%m}: {written} rows")
            written = tallies.rebuild(first=since, progress=progress)
        else:
            written = tallies.refresh_recent()["tallies"]
        self.stdout.write(self.style.SUCCESS(f"roll-ups: {written} rows written"))
