"""Settings for gongzhi, read from the environment.

Every setting has a safe default for the demo, and production mode
(GONGZHI_ENV=production) refuses to start without the values that must not be
guessed. Names are prefixed GONGZHI_ so they never collide with the host's.
"""
import datetime
import importlib.util
import math
import os
import re
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
# The checkout root in development; var/ and node_modules/ live there.
BASE_DIR = Path(os.environ.get("GONGZHI_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("GONGZHI_VAR_DIR", BASE_DIR / "var")).resolve()


def env(name, default=None):
    return os.environ.get(f"GONGZHI_{name}", default)


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"GONGZHI_{name} must be true or false, not {value!r}")


def _bounds(minimum, maximum):
    if minimum is not None and maximum is not None:
        return f" from {minimum} to {maximum}"
    if minimum is not None:
        return f" of at least {minimum}"
    if maximum is not None:
        return f" of at most {maximum}"
    return ""


def _check_bounds(name, raw, value, minimum, maximum, kind):
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ImproperlyConfigured(f"GONGZHI_{name} must be {kind}{_bounds(minimum, maximum)}, not {raw!r}")
    return value


def env_int(name, default, *, minimum=None, maximum=None):
    """A whole number from GONGZHI_<name>; unset or empty gives ``default``.

    Anything else that is not a whole number within the bounds stops the start
    with the variable's name, instead of a bare ValueError deep in a traceback.
    """
    raw = env(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"GONGZHI_{name} must be a whole number{_bounds(minimum, maximum)}, not {raw!r}"
        ) from None
    return _check_bounds(name, raw, value, minimum, maximum, "a whole number")


def _float(name, raw, minimum=None, maximum=None):
    try:
        value = float(raw.strip())
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ImproperlyConfigured(f"GONGZHI_{name} must be a number{_bounds(minimum, maximum)}, not {raw!r}")
    return _check_bounds(name, raw, value, minimum, maximum, "a number")


def env_float(name, default, *, minimum=None, maximum=None):
    """A finite number from GONGZHI_<name>; unset or empty gives ``default``."""
    raw = env(name)
    if raw is None or not raw.strip():
        return default
    return _float(name, raw, minimum, maximum)


# The periods a rate may count over; core/ratelimit.py reads rates in this form.
RATE_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"\s*(\d+)\s*/\s*([a-z]+)\s*")


def env_rate(name, default):
    """A rate limit "N/period" from GONGZHI_<name>, checked at start and returned as "N/period"."""
    raw = env(name)
    if raw is None or not raw.strip():
        return default
    match = _RATE.fullmatch(raw)
    if not match or int(match[1]) < 1 or match[2] not in RATE_PERIODS:
        raise ImproperlyConfigured(
            f"GONGZHI_{name} must be a count and a period such as 20/hour "
            f"(count at least 1; period one of {', '.join(RATE_PERIODS)}), not {raw!r}"
        )
    return f"{int(match[1])}/{match[2]}"


ENVIRONMENT = env("ENV", "demo")
if ENVIRONMENT not in ("demo", "production", "test"):
    raise ImproperlyConfigured("GONGZHI_ENV must be one of demo, production, test")
PRODUCTION = ENVIRONMENT == "production"
# Demo mode opens a few read-only conveniences (public /figures.json, demo logins).
DEMO_MODE = ENVIRONMENT == "demo"

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "GONGZHI_SECRET_KEY is required when GONGZHI_ENV=production"
        )
    SECRET_KEY = "demo-only-insecure-key-never-use-in-production-0123456789"
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("GONGZHI_SECRET_KEY must be at least 50 characters")

# Off unless asked for, in the demo too: debug pages list the URL map and settings.
DEBUG = env_bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("GONGZHI_DEBUG cannot be on in production")

ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver").split(",") if h.strip()]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("GONGZHI_ALLOWED_HOSTS is required when GONGZHI_ENV=production")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "gongzhi.core.apps.GongzhiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "django_filters",
    "gongzhi.core",
    "gongzhi.people",
    "gongzhi.territory",
    "gongzhi.party",
    "gongzhi.cases",
    "gongzhi.deliberation",
    "gongzhi.sites",
    "gongzhi.industry",
    "gongzhi.api",
    "gongzhi.dashboard",
    "gongzhi.ledgers",
    "gongzhi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gongzhi.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "gongzhi.api.middleware.ApiErrorShapeMiddleware",
    "gongzhi.core.middleware.UnstorablePathMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a sign-in refused by the lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongzhi.urls"
WSGI_APPLICATION = "gongzhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gongzhi.core.context_processors.site",
            ],
        },
    },
]

DEFAULT_SQLITE = VAR_DIR / "demo" / "gongzhi.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue instead of deadlocking.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too (not Django's shared in-memory database, whose connections are not
    # isolated from each other), so that concurrent transactions behave as in real use.
    # GONGZHI_TEST_DATABASE_NAME lets two test runs on one machine keep apart.
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", str(VAR_DIR / "test" / "gongzhi-test.sqlite3"))}
    for _folder in (Path(DATABASES["default"]["NAME"]).parent, Path(DATABASES["default"]["TEST"]["NAME"]).parent):
        _folder.mkdir(parents=True, exist_ok=True)

# A PostgreSQL streaming replica for the read-only pages (core/replica.py, decision 63). In tests it
# mirrors the default database, so a suite run with the variable set still sees its own rows.
if env("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(env("REPLICA_DATABASE_URL"), conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("GONGZHI_REPLICA_DATABASE_URL must be a replica of GONGZHI_DATABASE_URL (same engine).")
DATABASE_ROUTERS = ["gongzhi.core.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes first: it refuses authenticate() for a locked-out account or address (core/lockout.py).
AUTHENTICATION_BACKENDS = ["gongzhi.core.lockout.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["gongzhi.core.formats"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = Path(env("NODE_MODULES", BASE_DIR / "node_modules"))
# Third-party assets come from npm (package.json + lock) and are served from
# node_modules by WhiteNoise; nothing vendored by hand.
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000, minimum=0)  # parsed in every mode, so a typo shows at once
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = HSTS_SECONDS
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# How often a resident may reopen a case rated unsatisfied (重办).
CASE_MAX_REOPENS = env_int("CASE_MAX_REOPENS", 1, minimum=0)
# The roll-ups' full recount of this month and the last runs once a day, at the first minute
# job from this local hour on (decision 81); the other minutes count only what changed.
ROLLUP_FULL_HOUR = env_int("ROLLUP_FULL_HOUR", 3, minimum=0, maximum=23)
# How many proposals one person may support per calendar month (deliberation, like CONSUL's limit).
DELIBERATION_SUPPORTS_PER_MONTH = env_int("DELIBERATION_SUPPORTS_PER_MONTH", 10, minimum=1)


def _weights(name, default):
    raw = env(name)
    if raw is None or not raw.strip():
        return default
    weights = tuple(_float(name, w, minimum=0) for w in raw.split(","))
    if len(weights) != 3 or abs(sum(weights) - 1) > 1e-9:
        raise ImproperlyConfigured(f"GONGZHI_{name} must be three weights adding up to 1, e.g. 0.1,0.5,0.4")
    return weights


# Weights of the composite score: response, solution, satisfaction (Beijing 接诉即办: 0.1, 0.5, 0.4).
CASE_RATE_WEIGHTS = _weights("CASE_RATE_WEIGHTS", (0.1, 0.5, 0.4))
# Intake rate limits ("count/second|minute|hour|day"): anonymous by address, signed-in by account.
INTAKE_RATE_ANONYMOUS = env_rate("INTAKE_RATE_ANONYMOUS", "20/hour")
INTAKE_RATE_TOKEN = env_rate("INTAKE_RATE_TOKEN", "600/hour")
# Duplicate suggestions: open cases within this many metres (0: only the same building).
CASE_DUPLICATE_DISTANCE_M = env_int("CASE_DUPLICATE_DISTANCE_M", 200, minimum=0)
# ... among the open cases reported in the last CASE_SIMILAR_DAYS days, the newest
# CASE_SIMILAR_MAX_CANDIDATES of them (bounds the work of one search).
CASE_SIMILAR_DAYS = env_int("CASE_SIMILAR_DAYS", 90, minimum=1)
CASE_SIMILAR_MAX_CANDIDATES = env_int("CASE_SIMILAR_MAX_CANDIDATES", 2000, minimum=1)

# Photos of a case (cases/photos.py). Pillow itself warns about pictures over
# 89,478,485 pixels and photos.py treats that warning as a refusal, so a higher
# limit could not be honoured: it is refused here instead of misleading later.
CASE_PHOTO_MAX_COUNT = env_int("CASE_PHOTO_MAX_COUNT", 9, minimum=1)
CASE_PHOTO_MAX_BYTES = env_int("CASE_PHOTO_MAX_BYTES", 8 * 1024 * 1024, minimum=1)
CASE_PHOTO_MAX_PIXELS = env_int("CASE_PHOTO_MAX_PIXELS", 40_000_000, minimum=1, maximum=89_478_485)

# Routing suggestions (cases/routing.py): nothing is suggested below CASE_ROUTING_MIN_CASES
# closed cases; the newest CASE_ROUTING_MAX_TRAINING_CASES are learnt from; a model is kept
# until the history grew by CASE_ROUTING_RETRAIN_GROWTH (a share) or is
# CASE_ROUTING_RETRAIN_SECONDS old.
CASE_ROUTING_MIN_CASES = env_int("CASE_ROUTING_MIN_CASES", 30, minimum=1)
CASE_ROUTING_MAX_TRAINING_CASES = env_int("CASE_ROUTING_MAX_TRAINING_CASES", 50_000, minimum=1)
if CASE_ROUTING_MAX_TRAINING_CASES < CASE_ROUTING_MIN_CASES:
    raise ImproperlyConfigured(
        "GONGZHI_CASE_ROUTING_MAX_TRAINING_CASES must be at least GONGZHI_CASE_ROUTING_MIN_CASES "
        f"({CASE_ROUTING_MIN_CASES}), not {CASE_ROUTING_MAX_TRAINING_CASES}"
    )
CASE_ROUTING_RETRAIN_GROWTH = env_float("CASE_ROUTING_RETRAIN_GROWTH", 0.02, minimum=0)
CASE_ROUTING_RETRAIN_SECONDS = env_int("CASE_ROUTING_RETRAIN_SECONDS", 3600, minimum=0)


def cache_from_url(url, name="CACHE_URL"):
    """Django's cache settings for GONGZHI_<name>: locmem://, db://TABLE or redis://host:port/db.

    Only the scheme is ever echoed in an error: a Redis URL may carry a password.
    """
    variable = f"GONGZHI_{name}"
    scheme, sep, rest = url.strip().partition("://")
    scheme = scheme.lower()
    # Local memory and the database cache keep at most MAX_ENTRIES keys and then drop a third
    # of them; Django's 300 would let a burst of new addresses push out live rate-limit counts.
    options = {"MAX_ENTRIES": 10_000}
    if sep and scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": rest or "gongzhi", "OPTIONS": options}
    if sep and scheme == "db":
        table = rest or "gongzhi_cache"
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", table):
            raise ImproperlyConfigured(f"{variable}: db://TABLE needs a plain table name (letters, digits, _), not {table!r}")
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table, "OPTIONS": options}
    if sep and scheme in ("redis", "rediss"):
        try:
            parts = urlsplit(url.strip())
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
        except ValueError:
            raise ImproperlyConfigured(f"{variable}: the Redis address is not a valid {scheme}://host:port/db URL") from None
        if not parts.hostname or not re.fullmatch(r"/?\d*", parts.path):
            raise ImproperlyConfigured(f"{variable}: a Redis cache is given as {scheme}://host:port/db, e.g. redis://127.0.0.1:6379/0")
        if importlib.util.find_spec("redis") is None:
            raise ImproperlyConfigured(f"{variable} names a Redis cache, but the redis package is not installed: pip install redis")
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url.strip()}
    given = f"the unknown scheme {scheme}://" if sep else "a value without a scheme"
    raise ImproperlyConfigured(f"{variable} must be locmem://, db://TABLE or redis://host:port/db, not {given}")


# The shared cache (rate-limit counts and short-lived figures). Local memory is per process:
# enough for the demo's one gunicorn process; several processes need db:// or redis://.
# db:// tables are made by `gongzhi migrate` (core's post_migrate handler runs createcachetable).
CACHE_URL = env("CACHE_URL", "locmem://")
CACHES = {"default": {**cache_from_url(CACHE_URL), "KEY_PREFIX": "gongzhi"}}

# How many proxies in front of the server append to X-Forwarded-For (nginx's
# $proxy_add_x_forwarded_for, a load balancer...). 0: the client is REMOTE_ADDR and the
# header is ignored; N: the client is the Nth address from the right of the header.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0, minimum=0)
# Open311 reads without an api_key, per client address (case numbers are sequential: no walking them).
PUBLIC_READ_RATE = env_rate("PUBLIC_READ_RATE", "600/hour")
# How long an Idempotency-Key is remembered (hours); older records are deleted by the tick.
IDEMPOTENCY_HOURS = env_int("IDEMPOTENCY_HOURS", 24, minimum=1, maximum=24 * 365)

from django.contrib.messages import constants as message_constants  # noqa: E402

MESSAGE_TAGS = {message_constants.ERROR: "danger"}  # Bootstrap's name for it
# A tile server for the maps (e.g. https://tiles.example.cn/{z}/{x}/{y}.png); none by default,
# so maps draw the grids on a blank base and work without any outside service.
MAP_TILE_URL = env("MAP_TILE_URL", "")


def _origin(url):
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}", "*").replace("{z}", "0").replace("{x}", "0").replace("{y}", "0"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# Content-Security-Policy (core.middleware.ContentSecurityPolicyMiddleware): scripts from our own
# files only — no inline script, no on…= handler, nothing from elsewhere (tests/test_security_headers.py
# scans the templates). Styles may be inline (style="…" attributes; charts and maps style their
# elements), images also from data:/blob: (photo previews) and the tile server, when there is one.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    " ".join(["img-src 'self' data: blob:", _origin(MAP_TILE_URL)]).strip(),
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# Mail: with GONGZHI_EMAIL_HOST set, mail goes out by SMTP; without it, it is printed (demo).
EMAIL_HOST = env("EMAIL_HOST", "") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # TLS from the first byte, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("GONGZHI_EMAIL_USE_TLS and GONGZHI_EMAIL_USE_SSL cannot both be on: choose one")
# Without a timeout a mail server that stops answering would hold the minute job forever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "") or "webmaster@localhost"
if "@" not in parseaddr(DEFAULT_FROM_EMAIL)[1]:
    raise ImproperlyConfigured(
        f"GONGZHI_DEFAULT_FROM_EMAIL must be an address such as noreply@example.cn or 共治 <noreply@example.cn>, not {DEFAULT_FROM_EMAIL!r}"
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL  # the sender of Django's own error mails too
EMAIL_BACKEND = env("EMAIL_BACKEND", "") or (
    "django.core.mail.backends.smtp.EmailBackend" if env("EMAIL_HOST") else "django.core.mail.backends.console.EmailBackend"
)

# Personal data never goes to logs: log lines carry ids, not values.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Sign-in lockout (django-axes, core/lockout.py, decision 50): after LOGIN_FAILURE_LIMIT failed
# sign-ins of one account, or LOGIN_ADDRESS_FAILURE_LIMIT from one address (IPv4, or IPv6 /64,
# over all accounts: an office may share one address), sign-in is refused for
# LOGIN_COOLOFF_MINUTES after the last failure. Counted in the database, for every process.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=1000)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1, maximum=100_000)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=7 * 24 * 60))
AXES_LOCKOUT_PARAMETERS = ["username"]  # axes locks the account; LockoutBackend the address
# axes.W006 asks for "ip_address" among axes's parameters, where axes would apply the account's
# limit to an address too; the address is counted by core.lockout.LockoutBackend with its own limit.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True  # a right password clears the account's failures
AXES_CLIENT_IP_CALLABLE = "gongzhi.core.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "gongzhi.core.lockout.locked_out"
AXES_CLIENT_STR_CALLABLE = "gongzhi.core.lockout.client_str"  # no user name or address in log lines
AXES_DISABLE_ACCESS_LOG = True  # no row per successful sign-in (it would grow without bound)
AXES_ENABLE_ADMIN = False  # the scoped back office shows only what we register ourselves
AXES_VERBOSE = False

# Headline figures (/figures.json, the figures page) are counted at most this often (seconds):
# counting is whole-table work, so views read the cached result (docs/decisions.md 20).
FIGURES_CACHE_SECONDS = env_int("FIGURES_CACHE_SECONDS", 60, minimum=0)
# How often the cockpit's big screen (大屏) fetches its figures again.
COCKPIT_REFRESH_SECONDS = env_int("COCKPIT_REFRESH_SECONDS", 60, minimum=5)
# Anonymous reporters following their case (number + last four phone digits): tries per address and per case.
CASE_FOLLOW_RATE = env_rate("CASE_FOLLOW_RATE", "10/hour")
