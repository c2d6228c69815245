import argparse
import ctypes
import ctypes.util
import logging
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand


# glibc's M_ARENA_MAX (malloc.h): the most memory pools threads may allocate from.
M_ARENA_MAX = -8
WORKER_ARENAS = 2


def few_malloc_arenas(server=None, worker=None):
    """In a new worker, before its threads start: at most two malloc pools. By default glibc gives
    each of the worker's threads a pool of its own (up to eight per core) and keeps what each one
    held, which grows a threaded worker's memory by tens of megabytes under load for nothing;
    MALLOC_ARENA_MAX=2 is the usual cure, set here at run time (the environment variable would be
    read before the server starts). Only where glibc provides mallopt."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, WORKER_ARENAS))
    except (OSError, AttributeError):
        return False


class Command(BaseCommand):
    help = "Serve gongzhi with gunicorn (WSGI). 使用 gunicorn 启动服务。"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--tick", action=argparse.BooleanOptionalAction, default=None,
            help="Run `gongzhi tick` every minute inside the server (default: on in demo mode; "
                 "in production run the tick from cron instead).",
        )

    def handle(self, *args, bind, workers, tick, **options):
        from gunicorn.app.wsgiapp import WSGIApplication

        if tick if tick is not None else settings.DEMO_MODE:
            threading.Thread(target=self.tick_forever, name="gongzhi-tick", daemon=True).start()

        class App(WSGIApplication):
            def __init__(self, options):
                self._options = options
                super().__init__()

            def load_config(self):
                for key, value in self._options.items():
                    self.cfg.set(key, value)

            def load(self):
                from gongzhi.wsgi import application

                return application

        # SQLite allows one writer at a time; threads in one process share it better than processes.
        sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        App({
            "bind": bind,
            "workers": 1 if sqlite else workers,
            "threads": 4,
            "accesslog": "-",
            # Log the path without the query string: personal data must never reach logs.
            "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss',
            "post_fork": few_malloc_arenas,
        }).run()

    @staticmethod
    def tick_forever(sleep=time.sleep, rounds=None):
        """Every minute, the same work as `gongzhi tick` (core.tick.run_once); ``rounds`` stops it (tests)."""
        from django.db import close_old_connections

        from gongzhi.core import tick

        log = logging.getLogger("gongzhi.tick")
        done = 0
        while rounds is None or done < rounds:
            sleep(60)
            try:
                log.info("tick %s", tick.run_once())
            finally:
                close_old_connections()
            done += 1
