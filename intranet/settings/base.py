"""Settings shared by every environment. One django-environ reader; environments override below.

Everything an operator may need to change is read from the environment (see README "Configuration").
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django_guid.integrations import CeleryIntegration

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A .env file is optional and only read when present (developer convenience, never in CI).
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
# Where staff reach the intranet, for the links in emails (a mail has no host to be relative to).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

COUNCIL_NAME = env("COUNCIL_NAME", default="Demo Borough Council")
SERVICE_NAME = env("SERVICE_NAME", default="Staff intranet")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "mptt",
    "axes",
    "django_celery_beat",
    "django_guid",
    "django_prometheus",
    # ours, bottom floor first: core (ground) < people < feature apps < reporting (top); intranet is
    # the project package, installed only for its templates, template context and health task.
    "core",
    "people",
    "intranet",
    "ldap_sync",
    "self_service",
    "skills_matrix",
    "skills_matrix.recruitment",
    "lrs",
    "training",
    "news",
    "reporting",
]

MIDDLEWARE = [
    # first: a request id (django-guid) for every log line of the request and the tasks it queues
    "django_guid.middleware.guid_middleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "intranet.middleware.RequestLogMiddleware",
    "intranet.middleware.ApiQueryNulMiddleware",  # /api/...?q=%00 is a 400 naming q, not a database error
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "intranet.middleware.LoginRequiredMiddleware",
    # axes last: it needs the authenticated user and turns lockouts into a page
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "intranet.urls"
WSGI_APPLICATION = "intranet.wsgi.application"
ASGI_APPLICATION = "intranet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "intranet" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "intranet.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/intranet")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # axes first so a locked-out account is refused before any password check
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
if env("LDAP_AUTH_URI", default=""):
    AUTHENTICATION_BACKENDS.insert(1, "ldap_sync.auth.EmployeeLDAPBackend")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Pages reachable without signing in (everything else needs a session: deny by default).
PUBLIC_URL_PREFIXES = [
    "/sign-in/",
    "/accessibility/",
    "/healthz",
    "/metrics",  # its own guard: a bearer token or an allowed address (METRICS_TOKEN / METRICS_ALLOWED_IPS)
    "/static/",
    "/api/",  # the API has its own authentication and a deny-by-default permission
    "/xapi/",  # the Learning Record Store: HTTP Basic per request (lrs.credentials)
    "/applicant/",  # recruitment test links: single-use tokens, no account
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "static_build")))
STATICFILES_DIRS = [BASE_DIR / "intranet" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Files that must never be served directly (self-service attachments); only permission-checked
# views read them. Keep it outside MEDIA_ROOT and out of the reverse proxy's reach.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))
# Uploaded files go through two storage aliases: "default" (profile photos, news images, directory
# photos) and "private" (self-service attachments, read only through permission-checked views).
# FILE_STORAGE=local keeps them on disk (one server, or a shared volume); FILE_STORAGE=s3 puts them
# in an S3-compatible object store (django-storages), so every web replica and worker sees the same
# files. See README "Storage".
FILE_STORAGE = env("FILE_STORAGE", default="local")
if FILE_STORAGE == "s3":
    # (env(...) or None: compose passes unset variables as empty strings)
    _s3 = {
        "bucket_name": env("S3_BUCKET"),
        "endpoint_url": (env("S3_ENDPOINT_URL", default="") or None),  # MinIO, Ceph, a UK-region provider...
        "region_name": (env("S3_REGION", default="") or None),
        "access_key": (env("S3_ACCESS_KEY_ID", default="") or None),  # else the usual AWS credential chain
        "secret_key": (env("S3_SECRET_ACCESS_KEY", default="") or None),
        "addressing_style": (env("S3_ADDRESSING_STYLE", default="") or None),  # "path" for most self-hosted stores
        "signature_version": env("S3_SIGNATURE_VERSION", default="s3v4"),
        "file_overwrite": False,
        "default_acl": None,  # the bucket's policy decides; objects are never made public one by one
    }
    STORAGES = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            **_s3, "location": env("S3_MEDIA_PREFIX", default="media"),
            "custom_domain": (env("S3_MEDIA_CUSTOM_DOMAIN", default="") or None),  # a CDN / public host, else signed URLs
            "querystring_auth": env.bool("S3_MEDIA_SIGNED_URLS", default=True),
        }},
        "private": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            **_s3, "bucket_name": env("S3_PRIVATE_BUCKET", default="") or _s3["bucket_name"],
            "location": env("S3_PRIVATE_PREFIX", default="private"),
            "custom_domain": None, "querystring_auth": True,  # never a plain public link
        }},
    }
elif FILE_STORAGE == "local":
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        # No location here: the storage reads PRIVATE_MEDIA_ROOT itself (and follows changes to it).
        "private": {"BACKEND": "self_service.storage.PrivateFileSystemStorage"},
    }
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"FILE_STORAGE must be 'local' or 's3', not {FILE_STORAGE!r}.")
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Sessions and cookies: secure defaults; production turns on the Secure flag.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Failed sign-in lockout (django-axes): per username and IP, cool-off rather than permanent lock.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
RATELIMIT_USE_CACHE = "default"
# Sessions stay in the database (Django's default), not read through the cache: with cached_db a
# Redis restart would turn every signed-in page into an error for as long as it lasts, to save one
# indexed read a request (about half a millisecond).

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# django-celery-beat's database scheduler, except that a restart keeps a time an admin changed
# (intranet/beat.py); the stock one puts every entry back to the default below at each start.
CELERY_BEAT_SCHEDULER = "intranet.beat:DefaultsKeepingScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The default beat schedule, every app's entries in this one file (apps never change settings in
# ready()); django-celery-beat stores them so admins can change times in the admin without a deploy.
# Daily jobs run at a clock time (crontab, Europe/London), not "every 24 hours from whenever beat
# last started" (tests/intranet/test_beat_schedule.py).
CELERY_BEAT_SCHEDULE: dict = {}

REST_FRAMEWORK = {
    # Token first: DRF takes the first class's WWW-Authenticate header, so a call without
    # credentials gets a 401 that tells the client how to authenticate (session calls still work).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "core.api.throttling.AnonymousRateLimit",  # last: counts calls nobody signed in, before the 401
    ],
    # Deny by default: every API view states who may use it.
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.DenyAll"],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",  # nullable fields and error answers (core/api/schema.py)
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_PARSER_CLASSES": [  # DRF's defaults, with a JSON parser that refuses absurd nesting with a 400
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Per signed-in user and per anonymous IP (core/api/throttling.py): over the rate is a 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.AnonRateThrottle", "core.api.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env("API_RATE_USER", default="2000/hour"),
                               "anon": env("API_RATE_ANON", default="100/hour")},
    # The client IP for the anonymous rate: REMOTE_ADDR, or the address this many proxies back in
    # X-Forwarded-For (1 behind the TLS proxy). Never the header as the client wrote it.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Staff intranet API",
    "DESCRIPTION": "People, self-service, skills, training, news and reporting.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # One stable name per choice set that appears under a field name used by other choice sets too
    # (kind, status) or under several field names (level, self_level, validated_level, baseline_level).
    # <id:pk> (core.ids.IdConverter): an integer from 1 to 2**63-1.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}},
    "ENUM_NAME_OVERRIDES": {
        "SkillLevelEnum": "skills_matrix.models.Level",
        "OrgUnitKindEnum": "people.models.OrgUnit.Kind",
        "SyncRunKindEnum": "ldap_sync.models.SyncRun.Kind",
        "SyncRunStatusEnum": "ldap_sync.models.SyncRun.Status",
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="intranet@council.example")
# UK GDPR: job applicants' personal data (recruitment tests) is removed this many days after the invitation.
RECRUITMENT_RETENTION_DAYS = env.int("RECRUITMENT_RETENTION_DAYS", default=180)

# Encryption key for sensitive fields at rest (bank details). Fernet key, urlsafe base64, 32 bytes.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")

# HR and payroll self-service (self_service). Working days exclude England bank holidays.
SELF_SERVICE_REMINDER_WORKING_DAYS = env.int("SELF_SERVICE_REMINDER_WORKING_DAYS", default=3)
SELF_SERVICE_ESCALATION_WORKING_DAYS = env.int("SELF_SERVICE_ESCALATION_WORKING_DAYS", default=5)
SELF_SERVICE_DEFAULT_LEAVE_DAYS = env.float("SELF_SERVICE_DEFAULT_LEAVE_DAYS", default=27)
SELF_SERVICE_ATTACHMENT_MAX_MB = env.int("SELF_SERVICE_ATTACHMENT_MAX_MB", default=5)
CELERY_BEAT_SCHEDULE["self-service-reminders-and-escalations"] = {
    "task": "self_service.tasks.approval_reminders_and_escalations",
    # working days at 07:00, before the working day; change the time in the admin (kept on restart)
    "schedule": crontab(minute=0, hour=7, day_of_week="mon-fri"),
}

# Directory sync (ldap_sync). See README "Directory sync".
LDAP_URI = env("LDAP_URI", default="")
LDAP_BIND_DN = env("LDAP_BIND_DN", default="")
LDAP_BIND_PASSWORD = env("LDAP_BIND_PASSWORD", default="")
LDAP_BASE_DN = env("LDAP_BASE_DN", default="")
LDAP_PROFILE = env("LDAP_PROFILE", default="openldap")
LDAP_USER_FILTER = env("LDAP_USER_FILTER", default="")
LDAP_CA_FILE = env("LDAP_CA_FILE", default="")
LDAP_PAGE_SIZE = env.int("LDAP_PAGE_SIZE", default=500)
LDAP_LDIF_PATH = env("LDAP_LDIF_PATH", default="")
LDAP_START_TLS = env.bool("LDAP_START_TLS", default=False)
# Where an entry's org unit comes from: auto (departmentNumber, else ou on the entry, else the OU path
# of the DN below LDAP_BASE_DN), attribute, or ou_path; empty: auto for openldap, attribute for ad.
# Attribute overrides: "department=businessCategory;...".
LDAP_DEPARTMENT_RULE = env("LDAP_DEPARTMENT_RULE", default="")
LDAP_ATTRIBUTES = env("LDAP_ATTRIBUTES", default="")
LDAP_INCREMENTAL_MARGIN_SECONDS = env.int("LDAP_INCREMENTAL_MARGIN_SECONDS", default=5)
# More sources: {"name": {"kind": "ldap"|"ldif", ...}} (see ldap_sync/config.py).
LDAP_SOURCES: dict = {}
# A run with more leavers than this (count or % of active staff) is held until an admin confirms.
LDAP_DEACTIVATION_MAX_COUNT = env.int("LDAP_DEACTIVATION_MAX_COUNT", default=50)
LDAP_DEACTIVATION_MAX_PERCENT = env.float("LDAP_DEACTIVATION_MAX_PERCENT", default=10)
LDAP_GROUP_ROLES = env("LDAP_GROUP_ROLES", default="")  # "group DN=role;group DN=role" (DNs hold commas)
# Sign-in through the directory (django-auth-ldap), only when LDAP_AUTH_URI is set.
AUTH_LDAP_SERVER_URI = env("LDAP_AUTH_URI", default="")
AUTH_LDAP_BIND_DN = LDAP_BIND_DN
AUTH_LDAP_BIND_PASSWORD = LDAP_BIND_PASSWORD
AUTH_LDAP_USER_SEARCH_FILTER = env("LDAP_AUTH_USER_FILTER", default="(uid=%(user)s)")  # AD: (sAMAccountName=%(user)s)
AUTH_LDAP_START_TLS = LDAP_START_TLS

# Nightly full at 02:30, incremental at quarter past each hour; the sync's lock skips an overlap.
CELERY_BEAT_SCHEDULE["ldap-sync-nightly-full"] = {
    "task": "ldap_sync.tasks.directory_sync_task", "schedule": crontab(hour=2, minute=30), "kwargs": {"full": True},
}
CELERY_BEAT_SCHEDULE["ldap-sync-hourly-incremental"] = {
    "task": "ldap_sync.tasks.directory_sync_task", "schedule": crontab(minute=15), "kwargs": {"full": False},
}

# Training (training): reminders, overdue escalation and automatic assignment from skills gaps.
TRAINING_XAPI_REALM = env("TRAINING_XAPI_REALM", default="xAPI statements")
# E-learning packages (SCORM 1.2 / 2004, cmi5) uploaded by the learning team: refused past these.
TRAINING_PACKAGE_MAX_UPLOAD_MB = env.int("TRAINING_PACKAGE_MAX_UPLOAD_MB", default=200)  # the zip itself
TRAINING_PACKAGE_MAX_TOTAL_MB = env.int("TRAINING_PACKAGE_MAX_TOTAL_MB", default=500)  # all files unpacked
TRAINING_PACKAGE_MAX_FILE_MB = env.int("TRAINING_PACKAGE_MAX_FILE_MB", default=100)  # any one file unpacked
TRAINING_PACKAGE_MAX_RATIO = env.int("TRAINING_PACKAGE_MAX_RATIO", default=100)  # unpacked / packed, per file
TRAINING_PACKAGE_MAX_FILES = env.int("TRAINING_PACKAGE_MAX_FILES", default=10000)
# The account homePage of the authority the LRS puts on statements a content provider sends.
LRS_AUTHORITY_HOMEPAGE = env("LRS_AUTHORITY_HOMEPAGE", default="https://intranet.council.example/xapi")
# The xAPI version the LRS names in `about` and on answers to requests that name none (1.0.3 or 2.0.0);
# a request naming 2.0.x is answered by 2.0 rules either way.
LRS_XAPI_VERSION = env("LRS_XAPI_VERSION", default="1.0.3")
CELERY_BEAT_SCHEDULE["training-session-reminders"] = {
    "task": "training.tasks.session_reminders", "schedule": 60 * 60,
}
CELERY_BEAT_SCHEDULE["training-pending-bookings-expire"] = {
    "task": "training.tasks.pending_bookings_expire", "schedule": 60 * 60,
}
CELERY_BEAT_SCHEDULE["training-assignment-reminders-and-escalations"] = {
    "task": "training.tasks.assignment_reminders_and_escalations", "schedule": crontab(minute=30, hour=7),
}
CELERY_BEAT_SCHEDULE["training-auto-assignment"] = {
    "task": "training.tasks.auto_assignment", "schedule": crontab(minute=0, hour=3),
}
# Mandatory/statutory courses: first assignments, and renewals before a completion runs out.
CELERY_BEAT_SCHEDULE["training-mandatory-assignments"] = {
    "task": "training.tasks.mandatory_assignments", "schedule": crontab(minute=45, hour=3),
}

# Skills (skills_matrix): remind people in open campaigns who have not sent their self-assessment.
CELERY_BEAT_SCHEDULE["skills-campaign-reminders"] = {
    "task": "skills_matrix.tasks.send_campaign_reminders", "schedule": crontab(minute=0, hour=8),
}

PROFILE_PHOTO_MAX_BYTES = 5 * 1024 * 1024
PROFILE_PHOTO_SIZE = 400  # px, longest side after resizing

# Logs: one JSON object a line (LOG_FORMAT=json, production's default) or plain text (demo, tests),
# from web and worker alike, each carrying the request id (django-guid's correlation_id) of the
# request that caused it; a task queued by a request logs under that request's id.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(correlation_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid",
                              "correlation_id": "request_id"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_guid": {"level": "WARNING"},  # it logs every id it sets at INFO
        "django.server": {"level": "WARNING"},
    },
}
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",  # taken from the proxy when it sends one (validated), else made
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True)],  # worker logs use LOGGING above
    "IGNORE_URLS": [],
}

# Operations: GET /metrics (Prometheus text) answers only a scraper holding METRICS_TOKEN (sent as
# "Authorization: Bearer ...") or calling from METRICS_ALLOWED_IPS (addresses or networks, e.g.
# 10.0.0.0/8). With neither set the endpoint is off (404). Never expose it through the public proxy.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
# Beat proves it is alive: the worker records each heartbeat (shown on /metrics); change the interval
# for checks only.
CELERY_BEAT_SCHEDULE["intranet-beat-heartbeat"] = {
    "task": "intranet.beat_heartbeat", "schedule": env.float("BEAT_HEARTBEAT_SECONDS", default=60),
}

# Recruitment tests: purge expired applicant data, close attempts past their time, hand hired applicants over.
CELERY_BEAT_SCHEDULE["recruitment-retention-purge"] = {
    "task": "recruitment.retention_purge", "schedule": crontab(minute=0, hour=4),
}
CELERY_BEAT_SCHEDULE["recruitment-close-overdue-attempts"] = {
    "task": "recruitment.close_overdue_attempts", "schedule": 5 * 60,
}
CELERY_BEAT_SCHEDULE["recruitment-hand-over-hired"] = {"task": "recruitment.hand_over_hired", "schedule": 60 * 60}

# Reporting: snapshot last month early on the 1st, refresh the current month nightly, then email the
# portfolio PDFs once the snapshot is in.
CELERY_BEAT_SCHEDULE["reporting-monthly-snapshot"] = {
    "task": "reporting.snapshot_take", "schedule": crontab(minute=0, hour=2, day_of_month=1),
}
CELERY_BEAT_SCHEDULE["reporting-nightly-current-month"] = {
    "task": "reporting.snapshot_current_month", "schedule": crontab(minute=30, hour=1),
}
# The prepared figures the dashboard and metrics API read (reporting/prepared.py): worked out again
# every few minutes, after each snapshot and when HR asks, so pages show figures this many minutes old at most.
REPORTING_PREPARED_REFRESH_MINUTES = env.int("REPORTING_PREPARED_REFRESH_MINUTES", default=15)
CELERY_BEAT_SCHEDULE["reporting-prepared-refresh"] = {
    "task": "reporting.prepared_refresh", "schedule": 60 * REPORTING_PREPARED_REFRESH_MINUTES,
}
CELERY_BEAT_SCHEDULE["reporting-monthly-portfolio-pdfs"] = {
    "task": "reporting.monthly_reports_send", "schedule": crontab(minute=0, hour=7, day_of_month=1),
}
