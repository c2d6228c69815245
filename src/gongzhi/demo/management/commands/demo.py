from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation
from tqdm import tqdm

from gongzhi.demo.builder import DISTRICT_CODE, DemoBuilder, demo_logins
from gongzhi.territory.models import Unit


class Command(BaseCommand):
    help = "Build the demo world (济宁高新区). 生成演示数据。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--rebuild", action="store_true", help="Empty the database and build again.")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, seed, rebuild, quiet, **options):
        exists = Unit.objects.filter(code=DISTRICT_CODE).exists()
        if exists and not rebuild:
            self.stdout.write("演示数据已存在，跳过生成（--rebuild 可重建）。 The demo world exists; use --rebuild to build it again.")
        else:
            if exists:
                call_command("flush", interactive=False, verbosity=0)
            bar = tqdm(total=len(DemoBuilder.STEPS), disable=quiet, desc="demo", unit="step")

            def progress(label):
                bar.set_postfix_str(label)
                bar.update(1)

            DemoBuilder(seed=seed, progress=progress).build()
            bar.close()
        self.stdout.write("\n演示账号 Demo logins (role · user · password):")
        with translation.override("zh-hans"):
            for label, username, password in demo_logins():
                with translation.override("en"):
                    english = str(label)
                self.stdout.write(f"  {username:<16} {password}  {label} / {english}")
