"""Settings, read from environment variables with strict parsing.

Every variable is documented in ``.env.example``. ``MELAYANI_ENV`` picks the environment:
``production`` (the default: nothing unsafe happens unless asked for), ``development`` or ``test``.
A bad value stops start-up with a message naming the variable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from environs import Env, EnvError

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

env = Env(expand_vars=True)
# A local ``.env`` in the working directory is read when present (``dev.py`` writes one).
env.read_env(".env", recurse=False, override=False)

# An empty variable means "not set" (so a copied .env.example with blanks keeps the defaults).
for _name in [k for k, v in os.environ.items() if v == ""]:
    del os.environ[_name]


def _fail(message: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"Melayani configuration error: {message}")


try:
    MELAYANI_ENV = env.str(
        "MELAYANI_ENV", "production", validate=lambda v: v in {"production", "development", "test"}
    )
except EnvError as exc:
    raise _fail("MELAYANI_ENV must be one of production, development, test") from exc

IS_PRODUCTION = MELAYANI_ENV == "production"
IS_TEST = MELAYANI_ENV == "test"

try:
    DATA_DIR = env.path("MELAYANI_DATA_DIR", PROJECT_DIR / "var")
    DEBUG = env.bool("DEBUG", MELAYANI_ENV == "development")
    ALLOWED_HOSTS: list[str] = env.list(
        "ALLOWED_HOSTS", [] if IS_PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
    )
    CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", [])
except EnvError as exc:
    raise _fail(str(exc)) from exc

if IS_PRODUCTION and DEBUG:
    raise _fail("DEBUG must be off in production")
if IS_PRODUCTION and not ALLOWED_HOSTS:
    raise _fail("ALLOWED_HOSTS is required in production (comma-separated host names)")

DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    value = env.str("SECRET_KEY", "")
    if value:
        if len(value) < 50 or len(set(value)) < 5:
            raise _fail("SECRET_KEY must be at least 50 characters with at least 5 distinct ones")
        return value
    if IS_PRODUCTION:
        raise _fail("SECRET_KEY is required in production")
    # Development and tests: make one once and keep it in the data directory.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

# Personal-data encryption keys (NIK at rest). Comma-separated Fernet keys, newest first, so keys
# can be rotated. Development derives one from SECRET_KEY; production must set its own.
try:
    FIELD_ENCRYPTION_KEYS: list[str] = env.list("FIELD_ENCRYPTION_KEYS", [])
except EnvError as exc:
    raise _fail(str(exc)) from exc
if IS_PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise _fail("FIELD_ENCRYPTION_KEYS is required in production (generate with `melayani genkey`)")

INSTALLED_APPS = [
    "melayani.core.admin_site.MelayaniAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "melayani.regions",
    "melayani.core",
    "melayani.audit",
    "melayani.workcalendar",
    "melayani.privacy",
    "melayani.catalog",
    "melayani.applications",
    "melayani.surveys",
    "melayani.complaints",
    "melayani.evaluation",
    "melayani.monitoring",
    "ninja",
    "melayani.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "melayani.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "melayani.core.middleware.TwoFactorRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "melayani.urls"
WSGI_APPLICATION = "melayani.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "melayani.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
try:
    _default_sqlite = f"sqlite:///{DATA_DIR / 'melayani.sqlite3'}"
    DATABASES = {
        "default": env.dj_db_url(
            "DATABASE_URL",
            default=_default_sqlite,
            conn_max_age=env.int("DATABASE_CONN_MAX_AGE", 600 if IS_PRODUCTION else 0),
            conn_health_checks=True,
        )
    }
except (EnvError, ValueError) as exc:
    raise _fail(f"DATABASE_URL is not a valid database URL ({exc})") from exc

_engine = DATABASES["default"]["ENGINE"]
if _engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
    raise _fail("DATABASE_URL must point to SQLite or PostgreSQL")
if _engine == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock upgrades that fail.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# The busiest fixed reads run as server-side prepared statements on PostgreSQL
# (melayani.core.prepared); turn off behind a pooler that cannot keep them.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", True)
if _engine == "django.db.backends.postgresql" and DATABASE_PREPARED_STATEMENTS:
    # Django's own cursors bind on the client and are never prepared; only those cursors do.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "melayani.core.backends.PlatformAdminBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if IS_TEST:
    # Argon2 is deliberately slow; tests sign in hundreds of personas.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:public-home"

# Login throttling (django-axes): lock a username+address pair after repeated failures.
AXES_ENABLED = env.bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env.float("LOGIN_COOLOFF_HOURS", 0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)

OTP_TOTP_ISSUER = "Melayani"

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True  # stored in UTC; shown in each Pemda's own zone

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Outside production WhiteNoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = not IS_PRODUCTION
MEDIA_URL = "/media/"
try:
    FILE_STORAGE = env.str("FILE_STORAGE", "local", validate=lambda v: v in {"local", "s3"})
except EnvError as exc:
    raise _fail("FILE_STORAGE must be 'local' or 's3'") from exc
MEDIA_ROOT = env.path("MEDIA_ROOT", DATA_DIR / "media")
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if FILE_STORAGE == "s3":
    try:
        STORAGES["default"] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env.str("S3_BUCKET"),
                "endpoint_url": env.str("S3_ENDPOINT_URL", None),
                "region_name": env.str("S3_REGION", None),
                "access_key": env.str("S3_ACCESS_KEY_ID"),
                "secret_key": env.str("S3_SECRET_ACCESS_KEY"),
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
    except EnvError as exc:
        raise _fail(f"FILE_STORAGE=s3 needs {exc}") from exc
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- E-mail -----------------------------------------------------------------------------------
try:
    if env.str("EMAIL_URL", ""):
        vars().update(env.dj_email_url("EMAIL_URL"))
    else:
        EMAIL_BACKEND = (
            "django.core.mail.backends.locmem.EmailBackend"
            if IS_TEST
            else "django.core.mail.backends.console.EmailBackend"
        )
    DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Melayani <noreply@localhost>")
    SERVER_EMAIL = env.str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
except (EnvError, ValueError) as exc:
    raise _fail(f"EMAIL_URL is not a valid e-mail URL ({exc})") from exc
# Mail goes out after commit, still inside the request: a mail server that hangs must not hold a
# web worker's thread. Give up after this many seconds (the failure is logged).
try:
    EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", vars().get("EMAIL_TIMEOUT") or 10)
except EnvError as exc:
    raise _fail("EMAIL_TIMEOUT must be a whole number of seconds") from exc
if not 1 <= EMAIL_TIMEOUT <= 300:
    raise _fail("EMAIL_TIMEOUT must be between 1 and 300 seconds")

# --- Background tasks -------------------------------------------------------------------------
try:
    REDIS_URL = env.str("REDIS_URL", "")
    TASKS_BACKEND = env.str(
        "TASKS_BACKEND",
        "rq" if REDIS_URL else "database",
        validate=lambda v: v in {"database", "rq", "immediate"},
    )
except EnvError as exc:
    raise _fail("TASKS_BACKEND must be one of database, rq, immediate") from exc
if IS_TEST:
    TASKS_BACKEND = "immediate"
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        raise _fail("TASKS_BACKEND=rq needs REDIS_URL")
    INSTALLED_APPS += ["django_tasks_rq", "django_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL and not IS_TEST
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8  # one working day
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", True)
    if env.bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env.log_level("LOG_LEVEL", 20)  # INFO
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "melayani.core.logging.MaskPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}

# Absolute address of the site, for links in e-mail and SMS (e.g. https://layanan.merauke.go.id).
try:
    SITE_URL = env.str("SITE_URL", "" if IS_PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
except EnvError as exc:
    raise _fail(str(exc)) from exc
if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
    raise _fail("SITE_URL must start with http:// or https://")

# Seal the audit chain in a background thread of each web worker rather than after each request
# (``melayani serve`` turns it on; commands and tests seal inline). See docs/decisions/0005.
try:
    AUDIT_SEAL_IN_BACKGROUND = env.bool("AUDIT_SEAL_IN_BACKGROUND", False)
    # Seconds the background sealer gathers committed events before one pass seals them all.
    AUDIT_SEAL_DELAY = env.float("AUDIT_SEAL_DELAY", 0.25)
except EnvError as exc:
    raise _fail(str(exc)) from exc
if not 0 <= AUDIT_SEAL_DELAY <= 60:
    raise _fail("AUDIT_SEAL_DELAY must be between 0 and 60 seconds")

# --- Rate limits of public input, per client address ("N/s", "N/m", "N/h", "N/d"): the JSON API
# and the web pages share them (tracking look-ups, submissions, kiosk answers) ---------------
try:
    API_TRACK_RATE = env.str("API_TRACK_RATE", "20/m")
    API_SUBMIT_RATE = env.str("API_SUBMIT_RATE", "30/m")
    # A kiosk at a service counter sends one form a minute or so; the limit stops scripted floods.
    KIOSK_RATE = env.str("KIOSK_RATE", "30/m")
except EnvError as exc:
    raise _fail(str(exc)) from exc

# --- Platform policy that is technical capability, not per-Pemda data --------------------------
MELAYANI_REGIONS_DATA_DIR = BASE_DIR / "regions" / "data"

env.seal()
