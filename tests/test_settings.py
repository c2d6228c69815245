"""Settings come from the environment and production mode fails fast."""
import base64
import json
import os
import socketserver
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.urls import reverse

import gongzhi

# The processes started here run this checkout's code, not whichever copy is installed.
SOURCE = str(Path(gongzhi.__file__).resolve().parent.parent)


def clean_environment(**env):
    # No GONGZHI_ variable leaks in, except where the front-end assets are (a checkout may borrow them).
    clean = {k: v for k, v in os.environ.items()
             if (not k.startswith("GONGZHI_") or k == "GONGZHI_NODE_MODULES") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return clean | {"PYTHONPATH": SOURCE} | env


def run_gongzhi(*args, **env):
    return subprocess.run([sys.executable, "-m", "gongzhi.cli", *args], env=clean_environment(**env), capture_output=True, text=True, timeout=120)


SHOW = """
import json, sys
{prelude}
import gongzhi.settings as s
print(json.dumps({{name: getattr(s, name) for name in sys.argv[1:]}}, default=str))
"""


def load_settings(*names, prelude="", **env):
    """Import the settings module alone in a fresh process (what every start does first)."""
    env.setdefault("GONGZHI_VAR_DIR", os.environ.get("GONGZHI_VAR_DIR", str(Path(SOURCE).parent / "var")))
    result = subprocess.run([sys.executable, "-c", SHOW.format(prelude=prelude), *names],
                            env=clean_environment(**env), capture_output=True, text=True, timeout=60)
    result.values = json.loads(result.stdout) if result.returncode == 0 else None
    return result


def refusal(result):
    """The one line a refused start ends with."""
    assert result.returncode != 0, result.stdout
    return result.stderr.strip().splitlines()[-1]


def test_production_refuses_to_start_without_a_secret_key():
    result = run_gongzhi("check", GONGZHI_ENV="production", GONGZHI_ALLOWED_HOSTS="gongzhi.example.cn")
    assert result.returncode != 0
    assert "GONGZHI_SECRET_KEY is required" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run_gongzhi("check", GONGZHI_ENV="production", GONGZHI_SECRET_KEY="short", GONGZHI_ALLOWED_HOSTS="x.cn")
    assert result.returncode != 0 and "at least 50 characters" in result.stderr


PRODUCTION = {
    "GONGZHI_ENV": "production", "GONGZHI_SECRET_KEY": "k" * 20 + "-Zq8#x1!pL0v@Rt6^bN3&mY9*cW4(eH7)" + "u" * 10,
    "GONGZHI_ALLOWED_HOSTS": "gongzhi.example.cn",
}


def test_the_deploy_check_is_clean_in_production_mode(tmp_path):
    result = run_gongzhi("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION,
                         GONGZHI_CACHE_URL="db://gongzhi_cache", GONGZHI_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_that_local_memory_counts_per_process_in_production(tmp_path):
    result = run_gongzhi("check", "--deploy", **PRODUCTION, GONGZHI_VAR_DIR=str(tmp_path))
    assert "gongzhi.W001" in result.stderr and "each server process counts rate limits on its own" in result.stderr


def test_an_unknown_environment_name_is_refused():
    result = run_gongzhi("check", GONGZHI_ENV="staging")
    assert result.returncode != 0 and "GONGZHI_ENV must be one of" in result.stderr


def test_figures_json_is_open_in_demo_mode(client, db):
    response = client.get(reverse("figures-json"))
    assert response.status_code == 200
    assert response.json()["grids"] == 0


def test_figures_json_needs_a_sign_in_outside_demo_mode(client, db, settings):
    settings.DEMO_MODE = False
    response = client.get(reverse("figures-json"))
    assert response.status_code == 401
    assert client.get(reverse("figures")).status_code == 302


# -- Numbers from the environment -------------------------------------------------------

def test_a_bad_number_stops_gongzhi_at_start_with_the_variables_name():
    result = run_gongzhi("check", GONGZHI_CASE_MAX_REOPENS="abc")
    assert refusal(result) == (
        "django.core.exceptions.ImproperlyConfigured: GONGZHI_CASE_MAX_REOPENS must be a whole number of at least 0, not 'abc'"
    )
    assert "ValueError" not in result.stderr


@pytest.mark.parametrize(("name", "value"), [
    ("CASE_MAX_REOPENS", "-1"),
    ("CASE_MAX_REOPENS", "1.5"),
    ("HSTS_SECONDS", "one year"),
    ("HSTS_SECONDS", "-3600"),
    ("CASE_DUPLICATE_DISTANCE_M", "-200"),
    ("CASE_SIMILAR_DAYS", "0"),
    ("CASE_SIMILAR_MAX_CANDIDATES", "2k"),
    ("CASE_PHOTO_MAX_COUNT", "0"),
    ("CASE_PHOTO_MAX_BYTES", "8MB"),
    ("CASE_PHOTO_MAX_PIXELS", "100000000"),  # over what Pillow decodes without a bomb warning
    ("CASE_ROUTING_MIN_CASES", "0"),
    ("CASE_ROUTING_MAX_TRAINING_CASES", "-5"),
    ("CASE_ROUTING_RETRAIN_GROWTH", "-0.1"),
    ("CASE_ROUTING_RETRAIN_GROWTH", "nan"),
    ("CASE_ROUTING_RETRAIN_SECONDS", "1h"),
    ("TRUSTED_PROXY_HOPS", "-1"),
    ("TRUSTED_PROXY_HOPS", "one"),
    ("EMAIL_PORT", "0"),
    ("EMAIL_PORT", "65536"),
    ("EMAIL_TIMEOUT", "0"),
    ("CASE_RATE_WEIGHTS", "0.1,0.5,x"),
    ("CASE_RATE_WEIGHTS", "-0.5,1.1,0.4"),
    ("CASE_RATE_WEIGHTS", "0.5,0.5"),
    ("INTAKE_RATE_ANONYMOUS", "20/week"),
    ("INTAKE_RATE_ANONYMOUS", "0/hour"),
    ("INTAKE_RATE_TOKEN", "600"),
    ("INTAKE_RATE_TOKEN", "many/hour"),
])
def test_a_bad_value_is_refused_naming_its_variable(name, value):
    line = refusal(load_settings(**{f"GONGZHI_{name}": value}))
    assert line.startswith(f"django.core.exceptions.ImproperlyConfigured: GONGZHI_{name} must be "), line


def test_fewer_training_cases_than_the_routing_minimum_is_refused():
    line = refusal(load_settings(GONGZHI_CASE_ROUTING_MIN_CASES="100", GONGZHI_CASE_ROUTING_MAX_TRAINING_CASES="50"))
    assert "GONGZHI_CASE_ROUTING_MAX_TRAINING_CASES must be at least GONGZHI_CASE_ROUTING_MIN_CASES (100)" in line


LIMITS = {
    "CASE_MAX_REOPENS": 1, "CASE_DUPLICATE_DISTANCE_M": 200, "CASE_SIMILAR_DAYS": 90,
    "CASE_SIMILAR_MAX_CANDIDATES": 2000, "CASE_PHOTO_MAX_COUNT": 9, "CASE_PHOTO_MAX_BYTES": 8 * 1024 * 1024,
    "CASE_PHOTO_MAX_PIXELS": 40_000_000, "CASE_ROUTING_MIN_CASES": 30, "CASE_ROUTING_MAX_TRAINING_CASES": 50_000,
    "CASE_ROUTING_RETRAIN_GROWTH": 0.02, "CASE_ROUTING_RETRAIN_SECONDS": 3600, "TRUSTED_PROXY_HOPS": 0,
    "INTAKE_RATE_ANONYMOUS": "20/hour", "INTAKE_RATE_TOKEN": "600/hour", "CASE_RATE_WEIGHTS": [0.1, 0.5, 0.4],
    "HSTS_SECONDS": 31536000,
}


def test_without_variables_the_limits_are_the_ones_the_code_always_had():
    assert load_settings(*LIMITS).values == LIMITS


def test_every_limit_is_read_from_its_variable():
    given = {
        "CASE_MAX_REOPENS": "0", "CASE_DUPLICATE_DISTANCE_M": "0", "CASE_SIMILAR_DAYS": "30",
        "CASE_SIMILAR_MAX_CANDIDATES": "500", "CASE_PHOTO_MAX_COUNT": "3", "CASE_PHOTO_MAX_BYTES": "1048576",
        "CASE_PHOTO_MAX_PIXELS": "12000000", "CASE_ROUTING_MIN_CASES": "50", "CASE_ROUTING_MAX_TRAINING_CASES": "1000",
        "CASE_ROUTING_RETRAIN_GROWTH": "0.1", "CASE_ROUTING_RETRAIN_SECONDS": " 600 ", "TRUSTED_PROXY_HOPS": "2",
        "INTAKE_RATE_ANONYMOUS": " 5 / minute ", "INTAKE_RATE_TOKEN": "1000/day", "CASE_RATE_WEIGHTS": "0.2, 0.4, 0.4",
        "HSTS_SECONDS": "0",
    }
    values = load_settings(*given, **{f"GONGZHI_{k}": v for k, v in given.items()}).values
    assert values == {
        "CASE_MAX_REOPENS": 0, "CASE_DUPLICATE_DISTANCE_M": 0, "CASE_SIMILAR_DAYS": 30,
        "CASE_SIMILAR_MAX_CANDIDATES": 500, "CASE_PHOTO_MAX_COUNT": 3, "CASE_PHOTO_MAX_BYTES": 1048576,
        "CASE_PHOTO_MAX_PIXELS": 12_000_000, "CASE_ROUTING_MIN_CASES": 50, "CASE_ROUTING_MAX_TRAINING_CASES": 1000,
        "CASE_ROUTING_RETRAIN_GROWTH": 0.1, "CASE_ROUTING_RETRAIN_SECONDS": 600, "TRUSTED_PROXY_HOPS": 2,
        "INTAKE_RATE_ANONYMOUS": "5/minute", "INTAKE_RATE_TOKEN": "1000/day", "CASE_RATE_WEIGHTS": [0.2, 0.4, 0.4],
        "HSTS_SECONDS": 0,
    }


def test_an_empty_variable_means_the_default():
    assert load_settings("CASE_MAX_REOPENS", GONGZHI_CASE_MAX_REOPENS="").values == {"CASE_MAX_REOPENS": 1}


def test_the_case_modules_read_their_limits_from_the_settings(settings):
    from gongzhi.cases import photos, routing, similarity

    assert photos.MAX_PHOTOS_PER_CASE == settings.CASE_PHOTO_MAX_COUNT
    assert (photos.max_bytes(), photos.max_pixels()) == (settings.CASE_PHOTO_MAX_BYTES, settings.CASE_PHOTO_MAX_PIXELS)
    assert (routing.DEFAULT_MIN_CASES, routing.MAX_TRAINING_CASES) == (settings.CASE_ROUTING_MIN_CASES, settings.CASE_ROUTING_MAX_TRAINING_CASES)
    assert (routing.RETRAIN_GROWTH, routing.RETRAIN_AFTER_SECONDS) == (settings.CASE_ROUTING_RETRAIN_GROWTH, settings.CASE_ROUTING_RETRAIN_SECONDS)
    assert (similarity.CANDIDATE_DAYS, similarity.MAX_CANDIDATES) == (settings.CASE_SIMILAR_DAYS, settings.CASE_SIMILAR_MAX_CANDIDATES)


# -- The shared cache ---------------------------------------------------------------------

def backend(result):
    assert result.returncode == 0, result.stderr
    return result.values["CACHES"]["default"]


def test_the_cache_is_local_memory_unless_told_otherwise():
    assert backend(load_settings("CACHES"))["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_a_db_cache_url_names_the_table_of_djangos_database_cache():
    cache = backend(load_settings("CACHES", GONGZHI_CACHE_URL="db://gongzhi_cache"))
    assert (cache["BACKEND"], cache["LOCATION"]) == ("django.core.cache.backends.db.DatabaseCache", "gongzhi_cache")


def test_a_redis_cache_url_is_djangos_redis_cache_when_the_redis_package_is_there(tmp_path):
    (tmp_path / "redis").mkdir()
    (tmp_path / "redis" / "__init__.py").write_text("")  # only its presence is checked at start
    result = load_settings("CACHES", prelude=f"sys.path.insert(0, {str(tmp_path)!r})", GONGZHI_CACHE_URL="redis://127.0.0.1:6379/1")
    cache = backend(result)
    assert (cache["BACKEND"], cache["LOCATION"]) == ("django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/1")


def test_a_redis_cache_url_without_the_redis_package_says_how_to_install_it():
    line = refusal(load_settings("CACHES", prelude="sys.modules['redis'] = None", GONGZHI_CACHE_URL="redis://127.0.0.1:6379/0"))
    assert "GONGZHI_CACHE_URL names a Redis cache, but the redis package is not installed: pip install redis" in line


@pytest.mark.parametrize("url", [
    "memcached://127.0.0.1:11211", "127.0.0.1:6379", "db://cache; DROP TABLE people_user", "redis://:s3cret@127.0.0.1:99999/0",
    "redis://:s3cret@/0", "redis://:s3cret@127.0.0.1:6379/zero",
])
def test_an_unknown_or_malformed_cache_url_is_refused_without_echoing_a_password(url):
    result = load_settings("CACHES", prelude="sys.modules['redis'] = None", GONGZHI_CACHE_URL=url)
    assert refusal(result).startswith("django.core.exceptions.ImproperlyConfigured: GONGZHI_CACHE_URL")
    assert "s3cret" not in result.stderr


def test_migrate_makes_the_table_of_a_db_cache(tmp_path):
    database = tmp_path / "gongzhi.sqlite3"
    result = run_gongzhi("migrate", "--noinput", GONGZHI_DATABASE_URL=f"sqlite:///{database}",
                         GONGZHI_CACHE_URL="db://gongzhi_cache", GONGZHI_VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(database) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"gongzhi_cache", "core_ratecounter"} <= tables


# -- Mail --------------------------------------------------------------------------------

def test_mail_is_printed_unless_a_mail_host_is_given():
    values = load_settings("EMAIL_BACKEND", "DEFAULT_FROM_EMAIL", "EMAIL_TIMEOUT").values
    assert values == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
                      "DEFAULT_FROM_EMAIL": "webmaster@localhost", "EMAIL_TIMEOUT": 30}


def test_tls_and_ssl_together_are_refused():
    line = refusal(load_settings(GONGZHI_EMAIL_USE_TLS="true", GONGZHI_EMAIL_USE_SSL="true"))
    assert "GONGZHI_EMAIL_USE_TLS and GONGZHI_EMAIL_USE_SSL cannot both be on" in line


def test_a_sender_that_is_not_an_address_is_refused():
    assert "GONGZHI_DEFAULT_FROM_EMAIL must be an address" in refusal(load_settings(GONGZHI_DEFAULT_FROM_EMAIL="共治平台"))


class SmtpRecorder(socketserver.StreamRequestHandler):
    """Just enough of an SMTP server (RFC 5321, AUTH PLAIN) to see what Django sends it."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        seen = self.server.seen
        self.reply("220 gongzhi-test ESMTP")
        while line := self.rfile.readline().decode().rstrip("\r\n"):
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-gongzhi-test\r\n250 AUTH PLAIN\r\n")
            elif verb == "AUTH":
                _zid, user, password = base64.b64decode(line.split()[2]).decode().split("\0")
                seen["auth"] = (user, password)
                self.reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                seen["from"] = line
                self.reply("250 OK")
            elif verb == "RCPT":
                seen.setdefault("to", []).append(line)
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


def test_mail_goes_to_the_configured_host_as_the_configured_sender(tmp_path):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpRecorder)
    server.seen = {}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = run_gongzhi(
            "sendtestemail", "resident@example.cn", GONGZHI_VAR_DIR=str(tmp_path),
            GONGZHI_EMAIL_HOST="127.0.0.1", GONGZHI_EMAIL_PORT=str(server.server_address[1]),
            GONGZHI_EMAIL_HOST_USER="gongzhi", GONGZHI_EMAIL_HOST_PASSWORD="mail-secret",
            GONGZHI_DEFAULT_FROM_EMAIL="共治 <noreply@gongzhi.example.cn>",
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr
    assert server.seen["auth"] == ("gongzhi", "mail-secret")
    assert server.seen["from"].upper().startswith("MAIL FROM:<NOREPLY@GONGZHI.EXAMPLE.CN>")
    assert [line.split(":", 1)[1] for line in server.seen["to"]] == ["<resident@example.cn>"]
