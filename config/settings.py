"""Settings for the output tracker, read from the environment.

Development needs nothing: SQLite under ``build/`` and a throwaway secret key. Production
(``DJANGO_ENV=production``) refuses to start while a required variable is missing.
"""

import os
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
_Default = TypeVar("_Default", bound=str | None)  # env_str gives it when the variable is empty


def env_str(name: str, default: _Default, *, required: bool = False,
            because: str = "in production (DJANGO_ENV=production)") -> str | _Default:
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if required:
        raise ImproperlyConfigured(f"The environment variable {name} is required {because}.")
    return default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value in {"1", "true", "yes", "on"} or not value and default:
        return True
    if value in {"0", "false", "no", "off"} or not value:
        return False
    raise ImproperlyConfigured(f"The environment variable {name} must be true or false (1/0, yes/no, on/off), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"The environment variable {name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: Iterable[str] = ()) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or list(default)


PRODUCTION = env_str("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)

SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY",
    "development-only-key-not-for-production-use-0123456789",
    required=PRODUCTION,
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("The environment variable ALLOWED_HOSTS is required in production.")
# Origins (scheme://host[:port]) whose forms may post here, e.g. https://tracker.example.org
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "core",
    "programme",
    "outputs",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After static files; reads who the request was for once the answer is made.
    "core.middleware.PrivateNoStoreMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.languages.UserLanguageMiddleware",
    # Before anything reads the body (CSRF reads the form): refuses an oversized upload unread.
    "core.middleware.UploadSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.SessionExpiryMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
    "core.errors.BadQueryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.navigation.navigation",
            ],
        },
    },
]

BUILD_DIR = Path(env_str("BUILD_DIR", str(BASE_DIR / "build")))
DATABASE_URL = env_str("DATABASE_URL", None, required=PRODUCTION)
if not DATABASE_URL:
    BUILD_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite database lives here
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{BUILD_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        # A kept connection that died meanwhile (the database restarted) is replaced before use.
        conn_health_checks=True,
    )
}
# Every request in one transaction: a write that fails half-way leaves nothing behind.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# SQLite has one writer: a deferred transaction that reads, then writes, fails at once when another
# wrote meanwhile. Each takes the lock as it begins (IMMEDIATE), waiting for it; WAL lets reads go on.
SQLITE_BUSY_TIMEOUT_SECONDS = env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
        "init_command": "PRAGMA journal_mode=WAL",
    }
# While the database is away pages answer 503 with this Retry-After. A connection that broke
# meanwhile is replaced at the next request (CONN_HEALTH_CHECKS), so service resumes by itself.
DATABASE_RETRY_AFTER_SECONDS = env_int("DATABASE_RETRY_AFTER_SECONDS", 30)

# The counts behind limits and claims, which must hold across processes and servers: CACHE_URL=
# redis://host:port/db (rediss:// for TLS); without it the database (DatabaseCache, table tracker_cache,
# made by migrate); with DEBUG on, the memory of the one development process (runserver, the tests).
CACHE_URL = env_str("CACHE_URL", "")
CACHE_MAX_ENTRIES = env_int("CACHE_MAX_ENTRIES", 300)  # a country page's body is about 100-200 kB
if not CACHE_URL and (PRODUCTION or not DEBUG):
    default_cache = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tracker_cache",
                     "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES}}
elif not CACHE_URL:
    default_cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tracker-pages",
                     "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES}}
elif CACHE_URL.startswith(("redis://", "rediss://")):
    # Django's RedisCache, for which a Redis that does not answer holds nothing: pages come from the
    # database (core.cache_backend). One that stops answering costs a request its 2-second timeouts.
    default_cache = {"BACKEND": "core.cache_backend.TolerantRedisCache", "LOCATION": CACHE_URL,
                     "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}
else:
    # The scheme only: the rest of the address may hold a password.
    raise ImproperlyConfigured(
        f"CACHE_URL starts with {CACHE_URL.split(':')[0]!r}: use redis://host:port/db (or rediss://), or leave it empty."
    )
CACHES = {"default": {**default_cache, "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", ""), "TIMEOUT": 3600}}
# Rendered report fragments, keyed by their programmes' data versions (never stale): in Redis when there
# is one, else in each process's memory; a 200 kB page body read back from the database cost a third of
# the page's time.
CACHES["fragments"] = CACHES["default"] if CACHE_URL else {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tracker-fragments",
    "OPTIONS": {"MAX_ENTRIES": CACHE_MAX_ENTRIES}, "TIMEOUT": 3600}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks every sign-in before the password: 5 failures of one username from one address lock
# that pair, 30 from one address whatever the usernames lock the address (password spraying; at most 50).
# A lock lasts 15 minutes from the last failure counted; tries while locked are not counted (core.lockout).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
LOGIN_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 30)
if not LOGIN_FAILURE_LIMIT < LOGIN_IP_FAILURE_LIMIT <= 50:
    raise ImproperlyConfigured("AXES_IP_FAILURE_LIMIT must lie above AXES_FAILURE_LIMIT and be at most 50.")
AXES_FAILURE_LIMIT = "core.lockout.failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A sign-in clears its username's failures at its address only (core.lockout), not the address's.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "core.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Behind a reverse proxy set TRUSTED_PROXY_COUNT to the number of proxies in front of the app: the
# client is then the address the outermost proxy appended to X-Forwarded-For. Left at 0,
# REMOTE_ADDR is the client and a client-sent X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "core.audit.client_ip"

# Password reset by e-mail (core.passwords): a link works this many hours, and once; at most
# this many requests per e-mail address and per client address within the window, then 429.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 1) * 3600
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 3)
PASSWORD_RESET_LIMIT_PER_IP = env_int("PASSWORD_RESET_LIMIT_PER_IP", 20)
PASSWORD_RESET_WINDOW_SECONDS = 3600

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("pt", "Português"),
    ("vi", "Tiếng Việt"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The switcher's choice is remembered for a year (Django's default cookie ends with the browser).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)  # as the session cookie
LANGUAGE_COOKIE_HTTPONLY = True  # no script reads it
# English dates as the programme writes them (31 Dec 2025), not the US order; others are Django's.
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BUILD_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Outside production whitenoise serves the source folders (no collectstatic), rescanning them at every
# request (about ten milliseconds) only with DEBUG on, its own default.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BUILD_DIR / "media")))
MEDIA_URL = "media/"
# Evidence files and background exports: MEDIA_ROOT on this server ("filesystem"), or an
# S3-compatible bucket that every app server shares ("s3", django-storages). Objects stay private:
# every download goes through the app's access checks. Credentials: AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the server's own role, as boto3 finds them.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME", None, required=True, because="with MEDIA_STORAGE=s3"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", None),  # MinIO, Ceph, Scaleway...; empty: Amazon S3
            "region_name": env_str("AWS_S3_REGION_NAME", None),
            "location": env_str("AWS_LOCATION", ""),  # a folder inside the bucket
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"MEDIA_STORAGE is {MEDIA_STORAGE!r}: use filesystem or s3.")

# Production sends real mail (SMTP through EMAIL_HOST ...); development prints it on the console.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# Links in e-mails point here (no request to take the host from when cron sends them).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Coordinators' daily digest of updates submitted for review goes out at the first run of
# send_review_digests at or after this hour, local time (TIME_ZONE).
REVIEW_DIGEST_HOUR = env_int("REVIEW_DIGEST_HOUR", 7)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "output-tracker@localhost")
# Error reports to ADMINS come from this address.
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Security headers, cookies and sessions -----------------------------------------------------
# HTTPS is the production default. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1 (the
# proxy must set X-Forwarded-Proto and strip it from clients); SECURE_SSL_REDIRECT=0 when the proxy
# redirects to HTTPS itself, or to serve plain HTTP on loopback.
if env_bool("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # pages carry the token in their forms; no script reads the cookie
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"  # audited, in the site's layout
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions end 12 hours after sign-in (absolute) or after 1 hour without a request (idle),
# whichever comes first; core.middleware.SessionExpiryMiddleware enforces both.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 3600)
# Content-Security-Policy (django-csp): the app's own files only, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- Uploads ------------------------------------------------------------------------------------
# A request body above this is refused (413) from its Content-Length before it is read: room for
# a few 10 MB evidence files in one update.
UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_BYTES", 32 * 1024 * 1024)
# Form fields other than files (2.5 MB), and files kept in memory before spilling to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2621440
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Zip-based spreadsheets and documents are refused when their parts would unpack to more than
# this, or any part unpacks more than SPREADSHEET_MAX_RATIO times its compressed size (zip bombs).
SPREADSHEET_MAX_UNCOMPRESSED_BYTES = env_int("SPREADSHEET_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
SPREADSHEET_MAX_RATIO = 100

# Reporting history is never rewritten: no "revert to this version" in the admin.
SIMPLE_HISTORY_REVERT_DISABLED = True

# An open output counts as due soon this many days before its deadline: on every page and in the
# officers' reminders (whose first one goes out at this horizon).
DUE_SOON_DAYS = env_int("DUE_SOON_DAYS", 30)

# `manage.py setup_demo` (make run, make serve) gives the seed programme a year of made-up activity
# once, into a programme nobody has worked in; DEMO_ACTIVITY=0 starts from its published outputs alone.
DEMO_ACTIVITY = env_bool("DEMO_ACTIVITY", True)

# Spreadsheets of more outputs than this are built in the background and offered when ready.
EXPORT_BACKGROUND_ROWS = env_int("EXPORT_BACKGROUND_ROWS", 5000)
# PDF reports of more rows than this (a country's outputs, What changed's rows) too: WeasyPrint lays
# out a few rows a second on a busy core, and no request may outlast the proxy (docs/performance.md).
PDF_BACKGROUND_ROWS = env_int("PDF_BACKGROUND_ROWS", 60)

# Background work (large exports, deadline reminders) goes through the Django Tasks API to a queue
# kept in the database (django-tasks-db); `python manage.py db_worker` runs it, beside the web server
# (make run, make serve) or on any machine that reaches the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A background export no worker has taken this long after it was queued (none runs, or they are all
# busy) is shown to the reader as failed, with a way to ask again.
EXPORT_JOB_LIMIT_SECONDS = env_int("EXPORT_JOB_LIMIT_SECONDS", 15 * 60)
# One being built beats every third of this (reporting.models.ExportProgress); silent this long, its
# worker has died. Above the longest step without rows: storing a file, laying out a PDF (about 25 s).
EXPORT_WORKER_SILENT_SECONDS = env_int("EXPORT_WORKER_SILENT_SECONDS", 60)

# Spreadsheet cells starting with = + - @ are neutralised in admin exports.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Importing needs the dedicated "outputs.import_output" permission, not merely "add".
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# An import's file waits between its preview and its confirmation in the media storage (folder
# django-import-export/), which every app server shares, so the confirmation may reach any of them.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
# Larger imports are refused before they are read whole: the bytes uploaded, then the rows counted
# as the file is read. The preview and the confirmation each check every row against the database,
# in the request: at the row limit both end well inside gunicorn's timeout (docs/deployment.md).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 1000)
# A previewed upload waits this long for its confirmation, then the task worker removes it (hourly,
# outputs.previews); a person's newest WORKBOOK_PREVIEWS_PER_PERSON workbook previews are kept.
UPLOAD_PREVIEW_HOURS = env_int("UPLOAD_PREVIEW_HOURS", 24)
WORKBOOK_PREVIEWS_PER_PERSON = env_int("WORKBOOK_PREVIEWS_PER_PERSON", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "filters": {"refusals_in_audit_log": {"()": "core.log_filters.RefusalsInAuditLog"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Through the root's handler only: Django's own console handler (DEBUG) printed each line twice.
        "django": {"handlers": [], "level": "INFO"},
        # A 403 is one audit line (core.audit), not also Django's warning with the exception's traceback.
        "django.request": {"filters": ["refusals_in_audit_log"]},
        "django.security.csrf": {"filters": ["refusals_in_audit_log"]},
        # WeasyPrint logs every layout step at INFO; keep its warnings only.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Sign-ins, sign-outs, lockouts and refused accesses as key=value lines, through the
        # console handler (stderr) whatever LOG_LEVEL is.
        "audit": {"level": "INFO"},
        "axes": {"level": "WARNING"},  # sign-ins are in the audit log; keep axes' own warnings
    },
}

# IATI export: the publishing organisation (default: the ILO, IATI organisation identifier
# XM-DAC-41302, type 40 multilateral).
IATI_REPORTING_ORG_REF = env_str("IATI_REPORTING_ORG_REF", "XM-DAC-41302")
IATI_REPORTING_ORG_NAME = env_str("IATI_REPORTING_ORG_NAME", "International Labour Organization")
IATI_REPORTING_ORG_TYPE = env_str("IATI_REPORTING_ORG_TYPE", "40")

# API tokens work this many days from their creation (core.tokens).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)

REST_FRAMEWORK = {
    # Token first, so that a request without credentials gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Output tracker API",
    "DESCRIPTION": (
        "Programmes, their country components, outcomes and outputs, and the status updates "
        "officers report and coordinators review. The same access rules as the pages apply: "
        "authenticate with a session or with `Authorization: Token <key>`. Each person creates and revokes "
        "their own token on the page /accounts/token/; a token works for API_TOKEN_DAYS days (90 unless set), "
        "and ends when its owner's password changes or the account is deactivated. An expired token is "
        "answered 401.\n\n"
        "No blind writes: outputs and updates carry `revision`, the output's revision counter, and detail "
        "answers send it as a strong `ETag` (e.g. `\"7\"`). Reporting on an output, approving and returning "
        "an update require `If-Match` with the ETag you read: 428 without it (or with `*`), 412 when the "
        "output changed since, with nothing written; a write answers with the new ETag."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are for signed-in people (a session or a token), as the API is.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Request bodies are offered as JSON only, so that a client generated from the schema sends JSON.
    # The API still parses forms too: the browsable API's HTML forms post them.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "ENUM_NAME_OVERRIDES": {
        "ReviewStateEnum": "outputs.models.ReviewState",
        "StatusEnum": "outputs.models.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.document_error_responses",
    ],
}
