from django.core.management.base import BaseCommand, CommandError

from gongzhi.core import backup


class Command(BaseCommand):
    help = ("Back up the whole database to FILE (SQLite: the online backup API; PostgreSQL: pg_dump custom format). "
            "备份整个数据库。")

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup (replaced once the new copy is complete)")

    def handle(self, *args, file, **options):
        try:
            written = backup.backup(file)
        except backup.BackupError as error:
            raise CommandError(backup.bilingual(error)) from None
        self.stdout.write(f"{written} ({written.stat().st_size} bytes)")
