"""Crash test: cases filed with Idempotency-Keys survive a kill -9 of the server (and a database crash).

    GONGZHI_DATABASE_URL=... python benchmarks/crash.py --requests 200 --clients 4 \
        [--restart-db-command "pg_ctl -D ... -m immediate restart"] [--out report.json]

The database named by GONGZHI_DATABASE_URL (or the SQLite default) is migrated and given a small
territory, a hotline account and its API token. Then a real `gongzhi serve` is started, and
``--clients`` threads file ``--requests`` cases through ``POST /api/v1/cases``, each with its own
Idempotency-Key. When about ``--kill-at`` of them have been answered, the server's whole process
group is killed with SIGKILL (no shutdown of any kind); with ``--restart-db-command`` the database
is then brought down and up by that command (for PostgreSQL: ``pg_ctl -m immediate restart``, a
crash and its recovery). The server is started again. Every client retries each request it had no
answer for, with the same key and body, until it gets one.

Afterwards, read from the database: every acknowledged case is there exactly once, under the
number its answer gave; no request made two cases; every case has its complete timeline (the one
registration entry) and its idempotency record is finished. The counts are printed as JSON (and
written to ``--out``); the exit status is 1 if anything is wrong. Every loop is bounded in time.
All traffic goes to 127.0.0.1.
"""
import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src"
sys.path.insert(0, str(SOURCE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")

MARKER = "crash-run"


def gongzhi_command(*args):
    return [sys.executable, "-m", "gongzhi.cli", *args]


def server_environment():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SOURCE), env.get("PYTHONPATH")]))
    env["GONGZHI_INTAKE_RATE_TOKEN"] = "1000000/hour"  # the test measures crashes, not the intake limit
    return env


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare():
    """Migrate, and make the territory, the hotline account and its token; returns the token."""
    subprocess.run(gongzhi_command("migrate", "--noinput", "-v", "0"), env=server_environment(), check=True)
    import django

    django.setup()
    from gongzhi.api.services import create_token
    from gongzhi.cases.defaults import install
    from gongzhi.cases.models import Category
    from gongzhi.people.models import Role, RoleAssignment, User
    from gongzhi.territory import services as territory
    from gongzhi.territory.models import Level, Unit

    install(Category)

    def square(west, south, size):
        return {"type": "Polygon", "coordinates": [[[west, south], [west + size, south], [west + size, south + size],
                                                    [west, south + size], [west, south]]]}

    grid = Unit.objects.filter(name="崩溃测试网格").first()
    if grid is None:
        district = territory.create_unit(name="崩溃测试区", level=Level.DISTRICT, code="370899")
        street = territory.create_unit(name="崩溃测试街道", level=Level.STREET, parent=district)
        community = territory.create_unit(name="崩溃测试社区", level=Level.COMMUNITY, parent=street)
        grid = territory.create_unit(name="崩溃测试网格", level=Level.GRID, parent=community, boundary=square(117.0, 36.0, 0.02))
        territory.create_unit(name="崩溃测试微网格", level=Level.MICRO_GRID, parent=grid, boundary=square(117.0, 36.0, 0.02))
    user = User.objects.filter(username="crash-hotline").first()
    if user is None:
        user = User.objects.create_user(username="crash-hotline", password=uuid.uuid4().hex, display_name="12345 hotline")
        RoleAssignment.objects.create(user=user, role=Role.GRID_WORKER).units.set([grid])
    category = Category.objects.filter(parent__isnull=False, active=True).order_by("code").first()
    token = create_token(user, name=f"crash {uuid.uuid4().hex[:8]}")[1]
    from django.db import connections

    connections.close_all()
    return token, category.code, user.pk


class Server:
    def __init__(self, port):
        self.port, self.process = port, None

    def start(self, timeout=60):
        self.process = subprocess.Popen(
            gongzhi_command("serve", "--bind", f"127.0.0.1:{self.port}", "--no-tick"), env=server_environment(),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/api/v1/openapi.json")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"the server did not answer within {timeout} s")

    def kill(self):
        """SIGKILL to the whole group: the gunicorn master and its workers die mid-request."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def post_case(port, token, key, body, timeout):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("POST", "/api/v1/cases", body=json.dumps(body), headers={
            "Authorization": f"Bearer {token}", "Idempotency-Key": key, "Content-Type": "application/json",
        })
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def run(args):
    started = time.monotonic()
    token, category_code, user_id = prepare()
    run_id = uuid.uuid4().hex[:12]
    server = Server(free_port())
    server.start()

    keys = [f"{run_id}-{i:06d}" for i in range(args.requests)]
    answers, unanswered_attempts, retried_keys, refusals, server_errors = {}, Counter(), set(), [], Counter()
    lock = threading.Lock()
    deadline = started + args.time_limit

    def body(key):
        return {"title": "路灯不亮", "description": f"{MARKER} {key}: 南门路灯不亮，请尽快处理",
                "category_code": category_code, "lat": 36.01, "lng": 117.01}

    def client(my_keys):
        for key in my_keys:
            while time.monotonic() < deadline:
                try:
                    status, raw = post_case(server.port, token, key, body(key), args.request_timeout)
                except (OSError, http.client.HTTPException):
                    status, raw = None, b""
                if status in (200, 201):
                    with lock:
                        answers[key] = json.loads(raw)["number"]
                    break
                if status is not None and status < 500:
                    with lock:
                        refusals.append((key, status, raw[:200].decode(errors="replace")))
                    break
                with lock:  # no answer (connection refused or cut) or a 5xx: the same request again
                    unanswered_attempts[key] += 1
                    if status is not None:
                        server_errors[status] += 1
                    retried_keys.add(key)
                time.sleep(0.1)

    threads = [threading.Thread(target=client, args=(keys[i::args.clients],), daemon=True) for i in range(args.clients)]
    for thread in threads:
        thread.start()
    while len(answers) < args.kill_at and time.monotonic() < deadline and any(t.is_alive() for t in threads):
        time.sleep(0.01)
    answered_before_kill = len(answers)
    server.kill()
    killed_at = time.monotonic()
    db_restarts = 0
    if args.restart_db_command:
        subprocess.run(args.restart_db_command, shell=True, check=True, timeout=120)
        db_restarts = 1
    server.start()
    down_seconds = time.monotonic() - killed_at
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 1)
    server.stop()

    report = verify(user_id, run_id, keys, answers, refusals)
    report.update({
        "database": os.environ.get("GONGZHI_DATABASE_URL", "sqlite").split(":", 1)[0],
        "requests": len(keys), "clients": args.clients, "acknowledged": len(answers),
        "acknowledged_before_kill": answered_before_kill, "requests_retried": len(retried_keys),
        "unanswered_attempts": sum(unanswered_attempts.values()),
        "server_error_answers": {str(status): count for status, count in sorted(server_errors.items())}, "server_kills": 1, "database_restarts": db_restarts,
        "seconds_down": round(down_seconds, 2), "seconds": round(time.monotonic() - started, 2),
    })
    report["ok"] = (report["acknowledged"] == len(keys) and not report["refused"] and not report["missing"]
                    and not report["duplicated"] and not report["wrong_number"] and not report["incomplete_timelines"]
                    and not report["unfinished_keys"] and report["cases"] == len(keys))
    return report


def verify(user_id, run_id, keys, answers, refusals):
    from django.db import connections

    from gongzhi.api.models import IdempotencyRecord
    from gongzhi.cases.models import Case, TimelineEntry

    connections.close_all()  # the database may have restarted under the old connection
    found = {}
    for number, description in Case.objects.filter(description__startswith=f"{MARKER} {run_id}-").values_list("number", "description"):
        key = description[len(MARKER) + 1:].split(":", 1)[0]
        found.setdefault(key, []).append(number)
    timelines = Counter()
    for case_number, move in TimelineEntry.objects.filter(case__description__startswith=f"{MARKER} {run_id}-").values_list(
            "case__number", "move"):
        timelines[(case_number, move)] += 1
    numbers = [n for ns in found.values() for n in ns]
    incomplete = [n for n in numbers if timelines[(n, "register")] != 1 or sum(
        count for (case, _move), count in timelines.items() if case == n) != 1]
    records = dict(IdempotencyRecord.objects.filter(user_id=user_id, key__startswith=f"{run_id}-").values_list("key", "status"))
    return {
        "cases": len(numbers),
        "missing": sorted(key for key in answers if key not in found),
        "duplicated": sorted(key for key, ns in found.items() if len(ns) > 1),
        "wrong_number": sorted(key for key, number in answers.items() if key in found and found[key] != [number]),
        "unacknowledged_with_case": sorted(key for key in found if key not in answers),
        "incomplete_timelines": sorted(incomplete),
        "unfinished_keys": sorted(key for key in keys if records.get(key) in (None, 0) and key in found),
        "refused": refusals,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--kill-at", type=int, default=None, help="answered requests before the kill (default: a third)")
    parser.add_argument("--restart-db-command", default="", help="a shell command that restarts the database after the kill")
    parser.add_argument("--request-timeout", type=float, default=10.0)
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds after which clients give up")
    parser.add_argument("--out", default="")
    args = parser.parse_args(argv)
    args.kill_at = args.kill_at if args.kill_at is not None else max(1, args.requests // 3)
    report = run(args)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
