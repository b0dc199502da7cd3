"""ViCP settings: one file, every value read from the environment.

Safe defaults serve local use (`make run`); production secrets have no default,
so a missing one stops start-up. Each variable is documented in the README.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer may keep local settings in .env (never committed); the real
# environment wins over the file.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env(
        "DJANGO_SECRET_KEY", default="django-insecure-local-development-only-key-0123456789"
    )
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY")  # required: start-up fails without it

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the site, for links in emails sent by background tasks.
VICP_BASE_URL = env("VICP_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "guardian",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_filters",
    "simple_history",
    "vicp",
    "volunteers",
    "referrals",
    "families",
    "outcomes",
    "vicp.composition",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "vicp.middleware.CurrentRequest",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vicp.middleware.SlidingSessionExpiry",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Every view needs a signed-in user unless it is marked @login_not_required.
    "vicp.middleware.LoginRequired",
    "vicp.middleware.NoStoreForSignedInUsers",
    "vicp.middleware.RequireTwoFactor",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "vicp.middleware.PermissionsPolicy",
    # Last, as django-axes asks: turns a lockout into the "locked out" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vicp.urls"
WSGI_APPLICATION = "vicp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["vicp.templatetags.vicp_dates"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vicp.drafts.context",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users, passwords and permissions -----------------------------------------
AUTH_USER_MODEL = "vicp.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian "anonymous user" row: anonymous visitors never hold object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "vicp:home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password-reset and invitation links stop working after this many seconds.
PASSWORD_RESET_TIMEOUT = env.int(
    "VICP_SET_PASSWORD_LINK_SECONDS", default=int(timedelta(days=3).total_seconds())
)

# Sign-in lockout (django-axes): 5 failures for one username from one address
# lock that pair for 30 minutes, so a volunteer sharing a mobile carrier's
# address is not locked out by somebody else's mistakes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "vicp.audit.typed_username"
AXES_CLIENT_IP_CALLABLE = "vicp.audit.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False  # lockouts are written to the audit log instead
# How many reverse proxies (each adding to X-Forwarded-For) stand in front of
# ViCP; 0 means the client connects directly and REMOTE_ADDR is its address.
VICP_TRUSTED_PROXY_COUNT = env.int("VICP_TRUSTED_PROXY_COUNT", default=0)

# Two-step sign-in (TOTP, django-otp): required for these roles, optional for others.
VICP_TWO_FACTOR_ROLES = ["project_manager", "admin"]
OTP_TOTP_ISSUER = "ViCP"
OTP_TOTP_THROTTLE_FACTOR = 1

# --- Sessions and transport security ------------------------------------------
SESSION_COOKIE_AGE = 30 * 60  # ends after 30 minutes without a request
# Not saved on every request: vicp.middleware.SlidingSessionExpiry renews a session in use
# once a minute, so it ends 29 to 30 minutes after the last request.
SESSION_SAVE_EVERY_REQUEST = False
VICP_SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Content-Security-Policy: nothing inline, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],  # Bootstrap draws its icons as data: SVG
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Off only for plain-HTTP local use and tests; on by default whenever DEBUG is off.
HTTPS = env.bool("DJANGO_HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes call it over plain HTTP inside the network
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# The TLS-terminating proxy (nginx, a load balancer) sets this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y"]
# "1 Dec 2026" wherever Django writes a date itself (vicp/dates.py writes the rest).
FORMAT_MODULE_PATH = ["vicp.formats"]

# --- Static and uploaded files ------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("VICP_MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # files are served only through permission-checked views
STORAGES = {
    # Owner-only files: uploads and exports are read through Django, never the web server.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# S3-compatible storage (django-storages) instead of VICP_MEDIA_ROOT, when a bucket is named.
if env("VICP_S3_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("VICP_S3_BUCKET"),
            "endpoint_url": env("VICP_S3_ENDPOINT_URL", default=None),
            "region_name": env("VICP_S3_REGION", default=None),
            "access_key": env("VICP_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("VICP_S3_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }
# Documents: the largest file an upload may be, and ClamAV's daemon, when one scans them
# (a Unix socket's path, or tcp://host:port; unset, files are not scanned).
VICP_DOCUMENT_MAX_BYTES = int(env.float("VICP_DOCUMENT_MAX_MB", default=20) * 1024 * 1024)
VICP_CLAMAV_SOCKET = env("VICP_CLAMAV_SOCKET", default="")
VICP_CLAMAV_TIMEOUT = env.float("VICP_CLAMAV_TIMEOUT", default=30)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Inputs never cut what is typed: lengths are checked on the server (vicp/forms.py).
FORM_RENDERER = "vicp.forms.FormRenderer"

# --- Email --------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ViCP <no-reply@vicp.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Redis, cache and Celery --------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "vicp.cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions are read on every request and renewed once a minute: in Redis rather than
    # the database. Restarting Redis signs everyone out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker, tasks run in the web process as they are queued.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
# Acknowledge after the task ends, and give a task back to the queue when its
# worker dies: together, a worker killed mid-task loses nothing.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker child is replaced after a task leaves it above 500 MB (KiB): PDF rendering grows.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 512000
# Must outlast the longest task, or Redis hands a running task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "daily-reminders": {
        "task": "vicp.composition.tasks.send_daily_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "retention": {
        "task": "vicp.composition.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=30),
    },
    "weekly-digest": {
        "task": "vicp.composition.tasks.send_weekly_digest",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    "escalate-concerns": {
        "task": "families.tasks.escalate_unacknowledged_concerns",
        "schedule": crontab(minute="*/5"),
    },
    "stalled-reports": {
        "task": "outcomes.tasks.requeue_stalled_reports",
        "schedule": crontab(minute="*/15"),
    },
}

# --- Programme rules ----------------------------------------------------------
VICP_REQUIRED_TRAINING_HOURS = env.float("VICP_REQUIRED_TRAINING_HOURS", default=18)
VICP_REQUIRED_REFERENCES = env.int("VICP_REQUIRED_REFERENCES", default=2)
VICP_DBS_VALID_YEARS = env.int("VICP_DBS_VALID_YEARS", default=3)
VICP_MATCH_WEEKS = env.int("VICP_MATCH_WEEKS", default=26)
VICP_SUPERVISION_INTERVAL_DAYS = env.int("VICP_SUPERVISION_INTERVAL_DAYS", default=30)
VICP_NO_VISIT_ALERT_DAYS = env.int("VICP_NO_VISIT_ALERT_DAYS", default=14)
# A safeguarding concern not acknowledged within this time is escalated to the deputy
# safeguarding lead and every manager of the project.
VICP_CONCERN_ACK_MINUTES = env.int("VICP_CONCERN_ACK_MINUTES", default=60)
# Closed cases, and volunteers who left, are anonymised this many years later.
VICP_RETENTION_YEARS = env.int("VICP_RETENTION_YEARS", default=6)

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "vicp.log_privacy.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF at INFO; its warnings still show.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
DEFAULT_EXCEPTION_REPORTER_FILTER = "vicp.log_privacy.NoPersonalDataReporterFilter"
