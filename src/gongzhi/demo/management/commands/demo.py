import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import translation
from tqdm import tqdm

from gongzhi.api.services import user_for_token
from gongzhi.demo.builder import (
    OPEN311_CLIENT, OPEN311_CLIENT_NAME, DemoBuilder, create_open311_key, demo_logins, open311_client,
)
from gongzhi.territory.demo import DISTRICT_CODE
from gongzhi.territory.models import Unit


def open311_key_file():
    return settings.VAR_DIR / "demo" / "open311_api_key"


def write_open311_key(key):
    """Write the key as one line, readable by its owner only (0600), replacing the file at once."""
    path = open311_key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    os.chmod(partial, 0o600)
    os.replace(partial, path)


def ensure_open311_key():
    """The demo Open311 client's api_key from the file; a fresh one (file rewritten) if it is missing or not valid.

    The file can be stale: written for another database (a rebuild, the test suite), or its token revoked.
    """
    path = open311_key_file()
    key = path.read_text().strip() if path.exists() else ""
    client = user_for_token(key) if key else None
    if client is None or client.username != OPEN311_CLIENT:
        key = create_open311_key(open311_client(Unit.objects.get(code=DISTRICT_CODE)))
        write_open311_key(key)
    return key


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
            open311_key = ensure_open311_key()
        else:
            if exists:
                call_command("flush", interactive=False, verbosity=0)
            bar = tqdm(total=len(DemoBuilder.steps()), disable=quiet, desc="demo", unit="step")

            def progress(label):
                bar.set_postfix_str(label)
                bar.update(1)

            builder = DemoBuilder(seed=seed, progress=progress)
            builder.build()
            bar.close()
            open311_key = builder.open311_key
            write_open311_key(open311_key)
        self.stdout.write("\n演示账号 Demo logins (role · user · password):")
        with translation.override("zh-hans"):
            for label, username, password in demo_logins():
                with translation.override("en"):
                    english = str(label)
                self.stdout.write(f"  {username:<16} {password}  {label} / {english}")
        self.stdout.write(f"\nOpen311 api_key（{OPEN311_CLIENT} · {OPEN311_CLIENT_NAME}，/open311/v2/）:\n  {open311_key}"
                          f"\n  (saved in {open311_key_file()})")
