"""The tracker's only settings module: every value comes from the environment.

Nothing set gives the embedded defaults (PostgreSQL from a pip wheel with its data and socket
under var/postgres, a Celery broker on the file system, e-mail to the console), so `make run`
works on a machine with only Python.
"""

import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tracker.embedded_postgres import database_settings as embedded_database_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

_TRUE_WORDS = {"true", "1", "yes", "on"}
_FALSE_WORDS = {"false", "0", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """A boolean variable; a value that is neither true nor false is a startup error, not False."""
    raw = env.str(name, default="")
    if raw == "":
        return default
    if raw.lower() in _TRUE_WORDS:
        return True
    if raw.lower() in _FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected true or false")


def env_secret(name: str, default: str | None = None) -> str | None:
    """A secret from NAME, or from the file NAME_FILE names (Docker and Kubernetes secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


_THROTTLE_RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")


def env_throttle_rate(name: str, default: str) -> str:
    """A request rate such as 120/min; anything else is a startup error, not a silent default."""
    raw = env.str(name, default="") or default
    if not _THROTTLE_RATE.match(raw):
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a rate such as 120/min or 10/s")
    return raw


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-development-only"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS: on by default whenever DEBUG is off. TLS ends at the proxy in front (see the README's
# deployment section), which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Health checks come from inside the network over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Django's admin, its index the editors' desk (tracker/admin_site.py).
    "tracker.apps.TrackerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "simple_history",
    "django_celery_beat",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "recommendations",
    "campaigns",
    "watchlists",
    "website",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the switcher's cookie, else Accept-Language; then, once the user is
    # known, their preferred language overrides both (recommendations/languages.py).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "recommendations.languages.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Anonymous reads to a replica, the rest to the primary (tracker/db_router.py): after
    # authentication, which it asks who the user is.
    "tracker.db_router.ReplicaReadMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Logins: after AXES_FAILURE_LIMIT failures for one user name from one address, that pair is
# locked out for AXES_COOLOFF_HOURS.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The admin's base_site.html with the language switcher: before the apps' templates.
        "DIRS": [BASE_DIR / "tracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

# PostgreSQL is the only database. Unset, DATABASE_URL means the embedded server that
# `make run` and `make test` start (tracker/embedded_postgres.py), reached on its socket.
DATABASE_URL = env.str("DATABASE_URL", default="")
DATABASES = {
    "default": (env.db_url_config(DATABASE_URL) if DATABASE_URL else embedded_database_settings())
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database (postgres://...)")
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A connection dropped by the server (restart, pg_terminate_backend) is noticed before use
# instead of failing the request that picks it up.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiles a plan whose estimated cost is high, such as a page of targets
# with their latest response in correlated subqueries: 250 ms of compiling for a query that
# runs in 5 ms. The tracker's queries are short, so it never pays.
# A parallel plan is priced as if its workers started for free beside a LIMIT: a page of the
# newest recommendations of a state and a theme was planned in parallel, and its workers
# walked far past the page before it was done (120 ms, against 30 ms alone). Four times the
# default setup cost keeps parallel workers for the counts of a hundred thousand matches.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
    "options", "-c jit=off -c parallel_setup_cost=4000"
)


def replica_databases(raw: str, default: dict) -> dict[str, dict]:
    """DATABASE_REPLICA_URLS: comma-separated postgres:// URLs of streaming replicas, each an
    alias replica_0, replica_1, ... with the primary's options. An entry that is not a
    PostgreSQL URL stops startup; the message names the entry by position, never its
    password."""
    replicas = {}
    for index, url in enumerate(part.strip() for part in raw.split(",") if part.strip()):
        try:
            config = env.db_url_config(url)
        except (ValueError, KeyError, ImproperlyConfigured) as error:
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS: entry {index + 1} is not a database URL ({error})"
            ) from error
        if config.get("ENGINE") != "django.db.backends.postgresql" or not config.get("NAME"):
            raise ImproperlyConfigured(
                f"DATABASE_REPLICA_URLS: entry {index + 1} must be a postgres://host/name URL"
            )
        options = {**default.get("OPTIONS", {}), **config.get("OPTIONS", {})}
        # A replica that does not answer is given up quickly: the read goes to the primary
        # (tracker/db_router.py) instead of waiting on a host that is gone.
        options.setdefault("connect_timeout", TRACKER_REPLICA_CONNECT_TIMEOUT)
        replicas[f"replica_{index}"] = {
            **config,
            "CONN_MAX_AGE": default["CONN_MAX_AGE"],
            "CONN_HEALTH_CHECKS": default["CONN_HEALTH_CHECKS"],
            "OPTIONS": options,
            # Tests read a replica alias from the test database itself.
            "TEST": {"MIRROR": "default"},
        }
    return replicas


# Read replicas (tracker/db_router.py, docs/operations.md "Read replicas"): anonymous reads go
# to them; editors' reads, every write, tasks and commands stay on the primary, and so does a
# client for TRACKER_REPLICA_PIN_SECONDS after it wrote, for a replica lags. A replica that
# fails is left alone for TRACKER_REPLICA_RETRY_SECONDS, then tried again.
TRACKER_REPLICA_CONNECT_TIMEOUT = env.int("TRACKER_REPLICA_CONNECT_TIMEOUT", default=2)
TRACKER_REPLICA_PIN_SECONDS = env.int("TRACKER_REPLICA_PIN_SECONDS", default=30)
TRACKER_REPLICA_RETRY_SECONDS = env.int("TRACKER_REPLICA_RETRY_SECONDS", default=5)
DATABASES.update(
    replica_databases(env.str("DATABASE_REPLICA_URLS", default=""), DATABASES["default"])
)
TRACKER_REPLICA_DATABASES = [alias for alias in DATABASES if alias.startswith("replica_")]
DATABASE_ROUTERS = ["tracker.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
FORMS_URLFIELD_ASSUME_HTTPS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English, Korean and Simplified Chinese: the languages of the campaigners in Seoul, of Geneva
# and of Beijing. English is the default and the language of addresses with no user.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ko", _("Korean")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates as the UN writes them ("7 December 2026", not "Dec. 7, 2026"); Korean and
# Chinese keep Django's formats ("2026년 12월 7일", "2026年12月7日").
FORMAT_MODULE_PATH = ["tracker.formats"]
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# E-mail: SMTP as soon as a server is named, else the console, so nothing needs a mail server.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if EMAIL_HOST
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set; otherwise kombu's file-system transport, which needs no
# server and lets `make run` start a worker and beat beside the web process.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_DIR = VAR_DIR / "celery-broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR),
        "data_folder_out": str(CELERY_BROKER_DIR),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        # Exchange tables; kombu's default is ./control, beside whatever the current directory is.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
    }
    CELERY_BROKER_DIR.mkdir(parents=True, exist_ok=True)
# A task is acknowledged when it has finished, not when it starts, and a task whose worker
# died is handed back to the broker: a killed worker loses no delivery (reminders.py makes
# running one twice harmless). One task at a time per process, so none waits behind another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Beat's schedule lives in the database (django-celery-beat), editable in the admin.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Reminders (recommendations/reminders.py). A delivery that fails is retried
# REMINDER_MAX_RETRIES times, waiting about REMINDER_RETRY_BACKOFF seconds, then twice that,
# and so on up to ten minutes; then its reminders are marked failed. A claim older than
# REMINDER_CLAIM_TIMEOUT seconds belongs to a delivery that died: the next sweep takes it
# back. It must outlast the longest wait between two tries (ten minutes).
REMINDER_MAX_RETRIES = env.int("REMINDER_MAX_RETRIES", default=5)
REMINDER_RETRY_BACKOFF = env.int("REMINDER_RETRY_BACKOFF", default=60)
REMINDER_CLAIM_TIMEOUT = env.int("REMINDER_CLAIM_TIMEOUT", default=900)

# Webhooks (watchlists/webhooks.py). Outbound requests go to public addresses only, unless
# TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS is true (the tests' receivers listen on loopback),
# which also allows plain http. A delivery waits WEBHOOK_TIMEOUT seconds for each read of
# the answer; a failed one is tried again after WEBHOOK_RETRY_BACKOFF seconds, then twice
# that, and so on up to WEBHOOK_RETRY_BACKOFF_MAX, WEBHOOK_MAX_ATTEMPTS times in all. An
# endpoint failing WEBHOOK_DISABLE_AFTER_FAILURES times in a row, or for
# WEBHOOK_DISABLE_AFTER_HOURS, is disabled and its owner told. A claim older than
# WEBHOOK_CLAIM_TIMEOUT seconds belongs to a delivery that died and is taken back: it must
# outlast a request (connect and read timeouts).
TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)
WEBHOOK_TIMEOUT = env.int("WEBHOOK_TIMEOUT", default=10)
WEBHOOK_RETRY_BACKOFF = env.int("WEBHOOK_RETRY_BACKOFF", default=60)
WEBHOOK_RETRY_BACKOFF_MAX = env.int("WEBHOOK_RETRY_BACKOFF_MAX", default=6 * 3600)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=12)
WEBHOOK_DISABLE_AFTER_FAILURES = env.int("WEBHOOK_DISABLE_AFTER_FAILURES", default=20)
WEBHOOK_DISABLE_AFTER_HOURS = env.int("WEBHOOK_DISABLE_AFTER_HOURS", default=24)
WEBHOOK_CLAIM_TIMEOUT = env.int("WEBHOOK_CLAIM_TIMEOUT", default=120)
WEBHOOK_BATCH = env.int("WEBHOOK_BATCH", default=100)

# The anonymous throttle counts requests in the cache: in Redis when REDIS_URL is set, so
# every gunicorn process shares one count per client.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tracker",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Signed-in readers' sessions from the shared cache, saving each request a query
# (tracker/sessions.py); a cache of each process's own would serve a session ended elsewhere.
SESSION_ENGINE = "tracker.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"

# The dashboard's counts are cached until the next write (recommendations/data_version.py);
# the timeout only bounds how long an unread entry takes up room.
TRACKER_CACHED_READ_SECONDS = env.int("TRACKER_CACHED_READ_SECONDS", default=24 * 3600)

# After a write, a search's counts (its facets and total) and the charts' are the last ones
# until a worker counts them again (recommendations/data_version.py lasting_read), never older
# than TRACKER_LASTING_COUNTS_MAX_SECONDS. On where the worker shares the web's cache (Redis);
# without it, every read after a write counts at once.
TRACKER_LASTING_COUNTS = env_bool("TRACKER_LASTING_COUNTS", bool(REDIS_URL))
TRACKER_LASTING_COUNTS_MAX_SECONDS = env.int("TRACKER_LASTING_COUNTS_MAX_SECONDS", default=600)

# The REST API. These are public UN records: reading needs no login unless TRACKER_PUBLIC_READ
# is false. Writing needs a token or a session of a user with the model permission.
TRACKER_PUBLIC_READ = env_bool("TRACKER_PUBLIC_READ", True)
TRACKER_ANON_THROTTLE = env_throttle_rate("TRACKER_ANON_THROTTLE", "120/min")
# Reads that cost a full aggregate or a full-text search (stats not in the cache, any `q`)
# are counted a second time, at this lower rate (recommendations/api/throttles.py).
TRACKER_ANON_EXPENSIVE_THROTTLE = env_throttle_rate("TRACKER_ANON_EXPENSIVE_THROTTLE", "20/min")
# Request bodies: JSON nested deeper than this is refused before it is parsed (nothing the API
# takes nests deeper than 3); a body over DATA_UPLOAD_MAX_MEMORY_SIZE bytes is a 413.
TRACKER_JSON_MAX_DEPTH = env.int("TRACKER_JSON_MAX_DEPTH", default=32)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header is what turns an anonymous write into a 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["recommendations.api.permissions.TrackerModelPermissions"],
    # Expensive reads are counted again, at the lower rate, by the views that make them
    # (ExpensiveReadMixin in recommendations/api/views.py).
    "DEFAULT_THROTTLE_CLASSES": ["recommendations.api.throttles.AnonymousThrottle"],
    # Clients are told apart by address. Behind N reverse proxies, the Nth address from the
    # right of X-Forwarded-For is the client's; with none, the header is the client's to forge.
    "NUM_PROXIES": env.int("TRACKER_NUM_PROXIES", default=0),
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "recommendations.api.pagination.PageOrCursorPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["recommendations.api.parsers.DepthLimitedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "recommendations.api.schema.TrackerAutoSchema",
    "VIEW_DESCRIPTION_FUNCTION": "recommendations.api.schema.view_description",
    "EXCEPTION_HANDLER": "recommendations.api.exception_handlers.tracker_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": _("UN recommendations tracker API"),
    "DESCRIPTION": _(
        "UN recommendations, who they are addressed to, what each addressee answered and how "
        "far it was implemented. Reading is public unless the server sets "
        "TRACKER_PUBLIC_READ=false; writing needs a token (`Authorization: Token <key>`) "
        "of an editor."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs pages are read like the records: public unless
    # TRACKER_PUBLIC_READ is false.
    "SERVE_PERMISSIONS": ["recommendations.api.permissions.TrackerReadPermission"],
    # Separate request and response components: read-only fields stay out of request bodies.
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc from the sidecar package's static files: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Status shares its values with positions and implementations: name each enum once.
    "ENUM_NAME_OVERRIDES": {
        "TargetStatusEnum": "recommendations.choices.TargetStatus",
        "PositionEnum": "recommendations.choices.Position",
        "ImplementationEnum": "recommendations.choices.Implementation",
        "BodyKindEnum": "recommendations.choices.BodyKind",
        "DocumentKindEnum": "recommendations.choices.DocumentKind",
        "DeadlineRuleEnum": "recommendations.choices.DeadlineRule",
        "GradeScaleEnum": "recommendations.choices.GradeScale",
    },
}

# One JSON object per line on stdout: what log collectors read. LOG_FORMAT=text for humans.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")

# The longest text a recommendation, response or assessment summary may have, for the API,
# the admin and imports alike. The search vector indexes the first SEARCH_VECTOR_MAX_CHARS
# characters (recommendations.models), which always fit PostgreSQL's 1 MB tsvector limit.
TRACKER_TEXT_MAX_CHARS = env.int("TRACKER_TEXT_MAX_CHARS", default=200_000)

# Imports: every file is read within these limits, checked before the memory is spent
# (recommendations/importers/limits.py); an error names the limit it hit. The defaults keep
# a worker under 512 MB with the worst file each allows, and are far above real files: the
# OHCHR matrix of a review is 2 MB of XML and 65,000 elements (ratio 32); UPR Info's export
# of 13 sessions is 23,484 rows.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 2**20)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=64 * 2**20)
# Apache POI's default minimum inflate ratio is 0.01: the same 100.
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
IMPORT_MAX_ARCHIVE_MEMBERS = env.int("IMPORT_MAX_ARCHIVE_MEMBERS", default=1_000)
# python-docx holds about 400 bytes per element: 1.2 million took a process to 600 MB.
IMPORT_MAX_XML_ELEMENTS = env.int("IMPORT_MAX_XML_ELEMENTS", default=500_000)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=100)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=TRACKER_TEXT_MAX_CHARS)
# A job's task is delivered again when its worker died (acks_late); the next delivery past
# this count marks the job failed instead of parsing the file that may have killed it.
IMPORT_JOB_MAX_ATTEMPTS = env.int("IMPORT_JOB_MAX_ATTEMPTS", default=1)
# Seconds a check or an import may run: the soft limit fails the job with its reason.
IMPORT_TASK_TIME_LIMIT = env.int("IMPORT_TASK_TIME_LIMIT", default=1_800)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["stdout"], "level": env.str("LOG_LEVEL", default="INFO")},
}
