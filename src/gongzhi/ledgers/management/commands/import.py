"""`gongzhi import KIND FILE.xlsx`: import a ledger from Excel, all or nothing (decision 72)."""
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from gongzhi.core import plugins
from gongzhi.ledgers import report as row_report
from gongzhi.people.models import User


class Command(BaseCommand):
    help = ("Import a ledger from an Excel file (all rows or none), or write its empty template. "
            "从 Excel 导入台账（全部成功才写入），或生成空模板。")

    def add_arguments(self, parser):
        parser.add_argument("kind", help="what the file holds: " + ", ".join(sorted(plugins.importers())))
        parser.add_argument("file", nargs="?", help="the .xlsx file to import")
        parser.add_argument("--template", metavar="OUT.xlsx", help="write the empty template of KIND to OUT.xlsx")
        parser.add_argument("--dry-run", action="store_true", help="check every row and count, write nothing")
        parser.add_argument("--report", metavar="OUT", help="write the row report to OUT (.xlsx or .csv)")
        parser.add_argument("--as", dest="username", metavar="USERNAME",
                            help="whose scope the rows must lie in (default: a superuser)")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, kind, file, template, dry_run, report, username, no_progress, **options):
        importers = plugins.importers()
        if kind not in importers:
            raise CommandError(f"unknown kind {kind!r}; choose one of {', '.join(sorted(importers))}")
        importer_class = importers[kind]
        if template:
            importer_class.template(template)
            self.stdout.write(f"template: {template}")
            return
        if not file:
            raise CommandError("give the FILE.xlsx to import (or --template OUT.xlsx)")
        user = self._user(username)
        bar = None if no_progress else self._bar()
        try:
            result = importer_class(user).run(file, dry_run=dry_run, progress=bar)
        finally:
            if bar:
                bar.close()
        if report:
            row_report.write(result.report, report)
        if result.refused:
            self.stderr.write(f"{result.refused}\n{result.refused_en}")
            raise CommandError(f"{file}: refused, nothing was written")
        if result.report:
            self._print_report(result.report)
            raise CommandError(f"{file}: {len(result.report)} bad row(s) of {result.rows_total}; nothing was written"
                               + (f"; report: {report}" if report else ""))
        verb = "would be" if dry_run else "were"
        self.stdout.write(f"{kind}: {result.rows_total} rows; created {result.created}, updated {result.updated}, "
                          f"unchanged {result.unchanged} ({verb} written)")

    def _user(self, username):
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"no active account {username!r}")
            return user
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("no superuser: create one (gongzhi createsuperuser) or give --as USERNAME")
        return user

    def _bar(self):
        from tqdm import tqdm

        state = {"bar": None, "phase": None}

        class Bar:
            def __call__(_self, phase, done, total):
                if state["phase"] != phase:
                    if state["bar"]:
                        state["bar"].close()
                    state["bar"] = tqdm(total=total or None, desc=phase, unit="row", file=sys.stderr)
                    state["phase"] = phase
                state["bar"].n = done
                state["bar"].refresh()

            def close(_self):
                if state["bar"]:
                    state["bar"].close()

        return Bar()

    def _print_report(self, report):
        with translation.override("zh-hans"):
            self.stderr.write("行 row | 列 column | 值 value | 原因 reason")
            for problem in report:
                self.stderr.write(f"{problem['row']} | {problem['column']} ({problem['column_en']}) | {problem['value']} | "
                                  f"{problem['reason']} / {problem['reason_en']}")
