from django.core.management.base import BaseCommand

from gongzhi.cases import deadlines


class Command(BaseCommand):
    help = "Run the minute's background work: deadline reminders and escalation. 每分钟运行：期限提醒与逐级上报。"

    def handle(self, *args, **options):
        sent = deadlines.run()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in sent.items()))
