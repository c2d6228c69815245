from django.core.management.base import BaseCommand, CommandError

from gongzhi.core import backup


class Command(BaseCommand):
    help = ("Replace the database's contents with a backup made by `gongzhi backup`; refused for a database "
            "that has tables unless --force. 从备份恢复数据库；数据库非空时须加 --force。")

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup made by `gongzhi backup`")
        parser.add_argument("--force", action="store_true", help="overwrite a database that already has tables")

    def handle(self, *args, file, force, **options):
        try:
            backup.restore(file, force=force)
        except backup.BackupError as error:
            raise CommandError(backup.bilingual(error)) from None
        self.stdout.write(f"restored {file}")
