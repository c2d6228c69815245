from django.core.management.base import BaseCommand

from gongzhi.cases import deadlines, rates


class Command(BaseCommand):
    help = "Run the minute's background work: deadline reminders, escalation and the rates roll-up. 每分钟运行：期限提醒、逐级上报与“三率”统计。"

    def handle(self, *args, **options):
        sent = deadlines.run()
        rates.refresh_recent()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in sent.items()))
