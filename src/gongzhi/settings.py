"""Settings for gongzhi, read from the environment.

Every setting has a safe default for the demo, and production mode
(GONGZHI_ENV=production) refuses to start without the values that must not be
guessed. Names are prefixed GONGZHI_ so they never collide with the host's.
"""
import os
from pathlib import Path

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
    "gongzhi.core",
    "gongzhi.people",
    "gongzhi.territory",
    "gongzhi.party",
    "gongzhi.cases",
    "gongzhi.api",
    "gongzhi.dashboard",
    "gongzhi.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
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
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# How often a resident may reopen a case rated unsatisfied (重办).
CASE_MAX_REOPENS = int(env("CASE_MAX_REOPENS", "1"))

# Weights of the composite score: response, solution, satisfaction (Beijing 接诉即办: 0.1, 0.5, 0.4).
CASE_RATE_WEIGHTS = tuple(float(w) for w in env("CASE_RATE_WEIGHTS", "0.1,0.5,0.4").split(","))
if len(CASE_RATE_WEIGHTS) != 3 or abs(sum(CASE_RATE_WEIGHTS) - 1) > 1e-9:
    raise ImproperlyConfigured("GONGZHI_CASE_RATE_WEIGHTS must be three weights adding up to 1, e.g. 0.1,0.5,0.4")
# Intake rate limits ("count/second|minute|hour|day"): anonymous by address, signed-in by account.
INTAKE_RATE_ANONYMOUS = env("INTAKE_RATE_ANONYMOUS", "20/hour")
INTAKE_RATE_TOKEN = env("INTAKE_RATE_TOKEN", "600/hour")
# How long an Idempotency-Key is remembered (hours); older records are deleted by the tick.
IDEMPOTENCY_HOURS = int(env("IDEMPOTENCY_HOURS", "24")) if env("IDEMPOTENCY_HOURS", "24").strip().isdecimal() else 0
if not 1 <= IDEMPOTENCY_HOURS <= 24 * 365:
    raise ImproperlyConfigured("GONGZHI_IDEMPOTENCY_HOURS must be a whole number of hours from 1 to 8760")
# Duplicate suggestions: open cases within this many metres.
CASE_DUPLICATE_DISTANCE_M = int(env("CASE_DUPLICATE_DISTANCE_M", "200"))

from django.contrib.messages import constants as message_constants  # noqa: E402

MESSAGE_TAGS = {message_constants.ERROR: "danger"}  # Bootstrap's name for it
# A tile server for the maps (e.g. https://tiles.example.cn/{z}/{x}/{y}.png); none by default,
# so maps draw the grids on a blank base and work without any outside service.
MAP_TILE_URL = env("MAP_TILE_URL", "")

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Personal data never goes to logs: log lines carry ids, not values.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Headline figures (/figures.json, the figures page) are counted at most this often (seconds):
# counting is whole-table work, so views read the cached result (docs/decisions.md 20).
FIGURES_CACHE_SECONDS = int(env("FIGURES_CACHE_SECONDS", "60"))
