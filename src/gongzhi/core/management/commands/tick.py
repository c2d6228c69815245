from django.core.management.base import BaseCommand, CommandError

from gongzhi.core.tick import run_once


class Command(BaseCommand):
    help = ("Run the minute's background work of every app (deadline reminders, escalation, roll-ups, the outbox). "
            "每分钟运行一次的后台任务。")

    def handle(self, *args, **options):
        results = run_once()
        for name, result in results.items():
            self.stdout.write(f"{name}: {result}")
        if "failed" in results.values():
            raise CommandError("a tick step failed (see the log)")
