"""Tase settings, read from environment variables.

TASE_ENV chooses the profile: ``development`` (the default: DEBUG on, console
email, demo data allowed) or ``production`` (DEBUG off, SECRET_KEY required,
HTTPS-only cookies, vendor staff must use two-factor authentication, demo
users refused). docs/deployment.md lists every variable.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("TASE_VAR_DIR", PROJECT_DIR / "var"))

ENVIRONMENT = os.environ.get("TASE_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("TASE_ENV must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
# With DEBUG on, the app still shows its own 404 and 500 pages (tase.core.middleware.
# AppErrorPagesMiddleware); TASE_TECHNICAL_ERRORS=1 brings back Django's technical pages.
TASE_TECHNICAL_ERRORS = env_bool("TASE_TECHNICAL_ERRORS", default=False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789"

# Field-level encryption of personal data (tase.core.fieldcrypt): Fernet keys, newest first;
# every key decrypts, the first encrypts (`tase keys generate`, `tase keys rotate`).
TASE_FIELD_KEYS = env_list("TASE_FIELD_KEYS")
if PRODUCTION and not TASE_FIELD_KEYS:
    raise ImproperlyConfigured(
        "TASE_FIELD_KEYS must be set in production: identity codes and bank accounts are "
        "encrypted with it (`tase keys generate` prints a key; docs/deployment.md)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
# Links in emails: this address when set (production: the public https address); unset, the
# host and port of the request being served (tase.core.notifications.base_url).
TASE_BASE_URL = os.environ.get("TASE_BASE_URL", "")
# Field 014 of the VAT return file: the producing software's id (the maker's Y-tunnus,
# "_" and a suffix). Empty: the filing company's own Y-tunnus with "_TASE".
TASE_VAT_FILE_SOFTWARE_ID = os.environ.get("TASE_VAT_FILE_SOFTWARE_ID", "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "tase.core",  # first, so its templates (registration/…) win over the admin's
    "django.contrib.admin",
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
    "ninja",
    "django_tasks_db",
    "tase.ledger",
    "tase.sales",
    "tase.purchases",
    "tase.bank",
    "tase.payroll",
    "tase.delivery",
    "tase.support",
]

MIDDLEWARE = [
    "tase.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tase.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tase.core.middleware.SessionTouchMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tase.core.middleware.LoginRequiredMiddleware",
    "tase.core.middleware.UserLanguageMiddleware",
    "tase.core.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "tase.core.middleware.AppErrorPagesMiddleware",
]

ROOT_URLCONF = "tase.urls"
WSGI_APPLICATION = "tase.wsgi.application"
ASGI_APPLICATION = "tase.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tase.core.context_processors.shell",
            ],
            "builtins": ["django.templatetags.i18n", "tase.core.templatetags.tase"],
        },
    }
]

# Database: the embedded SQLite file under var/ unless DATABASE_URL names another.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'tase.sqlite3'}",
        # Persistent connections in production: opening one per request (and on SQLite
        # running the PRAGMAs below each time) is a cost every page paid. Not in development,
        # where runserver starts a thread per request and would leave one behind each.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
    # the start of a transaction, so two writers queue instead of failing midway. A 64 MiB
    # page cache a connection (SQLite's default is 2 MiB) keeps the ledger's indexes in
    # memory as they grow: a 300,000-voucher import ran 8 % faster.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# PostgreSQL with two roles (docs/deployment.md, tase.core.dbroles): DATABASE_URL names the
# application's role, which owns nothing; MIGRATION_DATABASE_URL the role that owns the schema,
# which `tase migrate` connects as (the same database; only its credentials are used).
MIGRATION_DATABASE = (
    dj_database_url.parse(os.environ["MIGRATION_DATABASE_URL"])
    if os.environ.get("MIGRATION_DATABASE_URL")
    else None
)
if os.environ.get("DATABASE_REPLICA_URL"):
    # A read replica for reports (tase.db.reporting_alias); never written to.
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A cache every app process shares (Redis): what one process writes, the others read. Only then
# may a page's shell come from the cache (tase.core.shared_cache): the session (read from the
# cache, written through to the database), the unread count, the service-break check. With the
# per-process memory cache a sign-out or a new notification in one process would not reach the
# other, so without REDIS_URL they are read from the database every time.
TASE_SHARED_CACHE = bool(os.environ.get("REDIS_URL"))
if TASE_SHARED_CACHE:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        "KEY_PREFIX": os.environ.get("TASE_CACHE_PREFIX", "tase"),
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background work: Django's tasks framework; run at once in development and tests,
# queued in the database and run by `tase db_worker` in production.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend"
            if PRODUCTION
            else "django.tasks.backends.immediate.ImmediateBackend",
        )
    }
}

# API lists: at most 500 rows a page, offsets bounded (tase.apiutil.Pagination).
NINJA_PAGINATION_CLASS = "tase.apiutil.Pagination"
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
# The OpenAPI schema and the docs at /api/v1/docs: public in development; in production
# only for signed-in users unless TASE_API_DOCS_PUBLIC=1.
TASE_API_DOCS_PUBLIC = env_bool("TASE_API_DOCS_PUBLIC", default=not PRODUCTION)

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset or invitation link lives one day

# Sign-in throttling (django-axes; tase.core.throttle explains the three limits). Wrong
# passwords lock for 15 minutes: 5 for one account from anywhere, 30 from one address,
# 300 in the whole installation (then every account and address that mistyped is locked).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
TASE_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("TASE_LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
TASE_LOGIN_TOTAL_FAILURE_LIMIT = int(os.environ.get("TASE_LOGIN_TOTAL_FAILURE_LIMIT", "300"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # in this order: ThrottleHandler reads it
AXES_HANDLER = "tase.core.throttle.ThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "tase.core.throttle.client_ip"
# The client's address behind a reverse proxy: how many proxies in front of Tase append to
# the header (nginx: proxy_add_x_forwarded_for; Caddy does by default). 0: no proxy.
TASE_TRUSTED_PROXIES = int(os.environ.get("TASE_TRUSTED_PROXIES", "0"))
TASE_CLIENT_IP_HEADER = "HTTP_" + os.environ.get(
    "TASE_CLIENT_IP_HEADER", "X-Forwarded-For"
).upper().replace("-", "_")
# ... and only when the connection comes from one of these networks (the proxies' addresses as
# the app server sees them): loopback and the private networks unless set.
TASE_TRUSTED_PROXY_NETWORKS = env_list("TASE_TRUSTED_PROXY_NETWORKS") or [
    "127.0.0.0/8",
    "::1/128",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "fc00::/7",
]
try:
    for _network in TASE_TRUSTED_PROXY_NETWORKS:
        ipaddress.ip_network(_network, strict=False)
except ValueError as _error:
    raise ImproperlyConfigured(f"TASE_TRUSTED_PROXY_NETWORKS: {_error}") from None
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Two-factor authentication (TOTP, django-otp).
OTP_TOTP_ISSUER = "Tase"
TASE_REQUIRE_STAFF_2FA = env_bool("TASE_REQUIRE_STAFF_2FA", default=PRODUCTION)
# API tokens expire; this many days unless made with another expiry (`tase token create`).
TASE_TOKEN_DAYS = int(os.environ.get("TASE_TOKEN_DAYS", "365"))
# Making a token, turning two-factor authentication off and renewing recovery codes need a
# code entered within this many seconds (tase.core.two_factor).
TASE_2FA_FRESH_SECONDS = int(os.environ.get("TASE_2FA_FRESH_SECONDS", "300"))

# Sessions end after two hours without a request (to within a minute: SessionTouchMiddleware
# slides the expiry at most once a minute rather than writing the session on every request),
# and when the browser closes.
SESSION_COOKIE_AGE = 60 * 60 * 2
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("en", _("English"))]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True
# Off: Django would group every integer a template prints, ids included, so a company with id
# 1170 got links, form values and test ids with "1 170" in them once a database had that many
# rows. Amounts and quantities are grouped where they are shown, by the money and number filters.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["tase.formats_locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even before collectstatic
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The largest file of each kind of upload, in MB (tase.core.limits has the kinds and their
# defaults): TASE_UPLOAD_LIMITS_MB="voucher_csv=50,attachment=20".
TASE_UPLOAD_LIMITS_MB = {
    kind: float(mb)
    for kind, _sep, mb in (item.partition("=") for item in env_list("TASE_UPLOAD_LIMITS_MB"))
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Email (Django 6.1's MAILERS): SMTP in production, the console in development.
if PRODUCTION or os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tase <noreply@localhost>")
# Replying to support by email: each organization gets support+<token>@<domain> of this
# address; the mail server hands what arrives to `tase support_inbound` or the API.
TASE_SUPPORT_INBOUND_EMAIL = os.environ.get("TASE_SUPPORT_INBOUND_EMAIL", "support@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. A strict Content Security Policy: only our own origin, scripts
# with the per-request nonce, no inline styles, no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
TASE_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), browsing-topics=()"
)
CSRF_COOKIE_HTTPONLY = False
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health$", r"^ready$"]  # probes from inside may use plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Logs: one JSON object a line in production (TASE_LOG_FORMAT=json), with the request's id
# (tase.core.logs); readable text in development.
TASE_LOG_FORMAT = os.environ.get("TASE_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tase.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "tase.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if TASE_LOG_FORMAT == "json" else "text",
        }
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("LOG_LEVEL", "INFO" if PRODUCTION else "WARNING"),
    },
}

# Go-live: overriding more than this share of the readiness checklist's items needs the account
# manager's approval (a vendor's policy, not a statutory figure; 0.25 = a quarter).
TASE_GO_LIVE_OVERRIDE_SHARE = float(os.environ.get("TASE_GO_LIVE_OVERRIDE_SHARE", "0.25"))
