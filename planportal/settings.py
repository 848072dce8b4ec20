"""Planportal settings, read from the environment.

With nothing set, Planportal runs on its embedded default: SQLite, eager Celery and
console e-mail, in DEBUG mode. Setting ``DATABASE_URL`` switches to PostgreSQL and to
production mode (DEBUG off, SECRET_KEY required). See README.md for every variable.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from planportal.env import (
    database_from_url,
    env_bool,
    env_fernet_keys,
    env_int,
    env_list,
    env_secret,
    env_str,
    env_url,
    mailers_from_url,
)
from planportal.schedule import BeatEntry, beat_schedule

BASE_DIR = Path(__file__).resolve().parent.parent

DATABASE_URL = env_url("DATABASE_URL", ("postgres", "postgresql"))
REDIS_URL = env_url("REDIS_URL", ("redis", "rediss"))
EMAIL_URL = env_url("EMAIL_URL", ("smtp", "smtps"))

# Embedded default = development; a real database means production unless told otherwise.
DEBUG = env_bool("DEBUG", default=DATABASE_URL is None)
# With DEBUG on, the site's own error pages are shown too (planportal.errors); this brings
# back Django's technical pages (tracebacks, the URL patterns tried) for a developer.
TECHNICAL_ERROR_PAGES = env_bool("TECHNICAL_ERROR_PAGES", default=False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set (or SECRET_KEY_FILE) when DEBUG is off."
        )
    SECRET_KEY = "django-insecure-embedded-default-only-for-local-development"  # noqa: S105

# Fernet keys for encrypted model fields (the kommune login providers' client secrets),
# newest first: the first encrypts, every one decrypts, so a new key goes in front and
# `manage.py rotate_field_encryption` re-encrypts. Unset: a key derived from SECRET_KEY
# (planportal.encryption), and `check --deploy` warns, because a new SECRET_KEY without
# SECRET_KEY_FALLBACKS would then make the stored secrets unreadable.
FIELD_ENCRYPTION_KEYS = env_fernet_keys("FIELD_ENCRYPTION_KEYS")

SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must be an absolute http(s) URL.")

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [_site.hostname],
)
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

INSTALLED_APPS = [
    "planportal",
    "planportal.audit",
    "strategies",
    "actions",
    "reports",
    # Before allauth, so its templates can be given the Planportal layout.
    "planportal.login",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
]

MIDDLEWARE = [
    # First: every response, even an error page, carries the request id of its audit events.
    "planportal.audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # API answers vary by token and by session (Vary: Authorization, Cookie).
    "planportal.api.caching.ApiVaryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "planportal.login.middleware.SessionLifetimeMiddleware",
    "planportal.login.middleware.RequireTotpMiddleware",
    # After authentication: the user's own language preference counts.
    "planportal.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, around the view alone: the site's error pages in DEBUG too (planportal.errors).
    "planportal.errors.ErrorPagesMiddleware",
]

ROOT_URLCONF = "planportal.urls"
WSGI_APPLICATION = "planportal.wsgi.application"
AUTH_USER_MODEL = "planportal.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "planportal.context_processors.web",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------

def _postgres(name: str, url: str) -> dict:
    """A PostgreSQL alias from its URL, with the pool and statement settings."""
    db = database_from_url(name, url)
    pool_size = env_int("DB_POOL_SIZE", 0, minimum=0)
    if pool_size:
        db["CONN_MAX_AGE"] = 0  # persistent connections and a pool exclude each other
        db["OPTIONS"]["pool"] = {"min_size": 1, "max_size": pool_size}
    # Server-side binding lets PostgreSQL keep each statement's plan (a prepared statement
    # after DB_PREPARE_THRESHOLD runs on a connection): planning the action list's joins
    # costs four times more than running them. Turn it off behind a transaction-mode
    # PgBouncer without max_prepared_statements (DB_PREPARED_STATEMENTS=false).
    if env_bool("DB_PREPARED_STATEMENTS", True):
        db["OPTIONS"]["server_side_binding"] = True
        db["OPTIONS"]["prepare_threshold"] = env_int("DB_PREPARE_THRESHOLD", 5, minimum=0)
    return db


DATABASE_REPLICA_URL = env_url("DATABASE_REPLICA_URL", ("postgres", "postgresql"))
if DATABASE_REPLICA_URL and not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL (the primary).")
# After a write, the client's reads stay on the primary this long: longer than the
# replica's usual lag, so a saved change is on the next page (planportal.replica).
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10, minimum=0)

if DATABASE_URL:
    _default_db = _postgres("DATABASE_URL", DATABASE_URL)
else:
    _default_db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers wait
            # (busy_timeout) instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
DATABASES = {"default": _default_db}
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    # In tests the replica is the primary itself (no replication to wait for).
    DATABASES["replica"] = {**_postgres("DATABASE_REPLICA_URL", DATABASE_REPLICA_URL),
                            "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["planportal.db_routers.PrimaryReplicaRouter"]
    # Early, so that everything after it, the view included, reads as it decides.
    MIDDLEWARE.insert(1, "planportal.replica.ReplicaMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "planportal",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Eager tasks take no producer from a pool (planportal.celery.PlanportalTask), so without
# REDIS_URL nothing connects; anything else that asks for a connection (a worker started
# by hand) gets the in-process transport, named with a host so kombu has none to guess.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without a broker, tasks run in-process so the embedded default needs no worker.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=REDIS_URL is None)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "Europe/Oslo"
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 1800, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60 if CELERY_TASK_TIME_LIMIT > 120 else None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers an unacknowledged message after the visibility timeout; Celery reads it
# from three places and the shortest wins, so all three are set (Celery redis.rst).
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# acks_late tasks (the reminder sender) take one message at a time, and a message whose
# child process died is not requeued in a loop: the database-driven sweep re-fans it.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Workers keep their database connection between tasks, as the web does between requests:
# Celery's Django fixup would otherwise open a new PostgreSQL backend, with cold caches,
# for every task (the per-kommune sweep parts paid that 40 times an hour). The age limit
# and the health check stay Django's: planportal.celery runs close_old_connections()
# around each task. 0 turns reuse off.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000, minimum=0) or None
CELERY_TASK_REJECT_ON_WORKER_LOST = False
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 10.0
CELERY_BEAT_SCHEDULE: dict[str, dict] = beat_schedule([
    # Hourly and idempotent: the database decides what is due, so a missed, doubled or
    # DST-shifted tick changes nothing. expires < interval keeps a backlog from piling up.
    BeatEntry("deadline-reminders", "actions.tasks.sweep_deadline_reminders",
              "REMINDERS_DEADLINE_CRON", "7 * * * *", expires=50 * 60),
    BeatEntry("sector-digests", "actions.tasks.sweep_sector_digests",
              "REMINDERS_SECTOR_DIGEST_CRON", "17 * * * *", expires=50 * 60),
    # Notices (given a tiltak, a return sent back): bundled per person per hour, so a
    # short interval only makes the first e-mail of the hour come sooner.
    BeatEntry("notices", "actions.tasks.sweep_notices",
              "REMINDERS_NOTICE_CRON", "*/10 * * * *", expires=9 * 60),
    # Nightly: audit events past AUDIT_RETENTION_DAYS, delivery logs past
    # DELIVERY_LOG_RETENTION_DAYS.
    BeatEntry("audit-retention", "planportal.audit.tasks.prune_audit_events",
              "AUDIT_PRUNE_CRON", "43 3 * * *", expires=23 * 3600),
    BeatEntry("delivery-log-retention", "planportal.audit.tasks.prune_delivery_logs",
              "DELIVERY_LOG_PRUNE_CRON", "53 3 * * *", expires=23 * 3600),
    # Subscribed progress reports: each period's report once per recipient (reports.services).
    BeatEntry("report-subscriptions", "reports.tasks.send_due_reports",
              "REPORTS_SUBSCRIPTION_CRON", "37 * * * *", expires=50 * 60),
    # Frozen reports whose render message was lost (Redis down at the freeze) are queued
    # again; a render in progress or already done is never doubled (reports.services).
    BeatEntry("report-renders", "reports.tasks.requeue_pending_renders",
              "REPORTS_RENDER_SWEEP_CRON", "*/5 * * * *", expires=4 * 60),
    # Monthly: indicators with a stored query fetch their figures from SSB's statistics
    # bank; importing the same answer again changes nothing (strategies.statistics).
    BeatEntry("statistics-fetch", "strategies.tasks.fetch_statistics",
              "STATISTICS_FETCH_CRON", "23 4 2 * *", expires=23 * 3600),
])
# Report e-mails attach the PDF up to this size; larger reports are linked instead.
REPORT_EMAIL_ATTACHMENT_MAX_BYTES = env_int(
    "REPORT_EMAIL_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=0
)
# Attempts per report e-mail before it is marked failed; retries wait base × 2ⁿ s (≤ 600).
REPORT_EMAIL_MAX_ATTEMPTS = env_int("REPORT_EMAIL_MAX_ATTEMPTS", 6, minimum=1)
REPORT_EMAIL_RETRY_BASE_DELAY = env_int("REPORT_EMAIL_RETRY_BASE_DELAY", 30, minimum=1)
# A frozen report's PDF still pending after this many seconds is queued again by the sweep.
REPORT_RENDER_RETRY_AFTER = env_int("REPORT_RENDER_RETRY_AFTER", 5 * 60, minimum=30)

# --- Audit trail (planportal.audit) ---------------------------------------------------
# Events older than this are pruned nightly. Five years by default: long enough for a
# planning period and its evaluation; set what the kommune's archive plan says.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 5 * 365, minimum=1)
# Sent reminder and report e-mails are logged (that is what stops doubles) and pruned after
# this long; at least 400 days, so the last yearly report period is always covered.
DELIVERY_LOG_RETENTION_DAYS = env_int("DELIVERY_LOG_RETENTION_DAYS", 400, minimum=400)

# --- Plan import (actions.importing) -----------------------------------------------
# Largest file accepted and most table rows read; a bigger upload is refused before parsing.
PLAN_IMPORT_MAX_BYTES = env_int("PLAN_IMPORT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
PLAN_IMPORT_MAX_ROWS = env_int("PLAN_IMPORT_MAX_ROWS", 5000, minimum=10)

# --- Statistics from SSB's statistics bank (strategies.statistics) -------------------
# The scheduled fetch POSTs an indicator's stored query to <STATISTICS_API_URL>/<table>
# (PxWebApi v0) and imports the JSON-stat 2.0 answer.
STATISTICS_API_URL = (env_url("STATISTICS_API_URL", ("https", "http"))
                      or "https://data.ssb.no/api/v0/no/table").rstrip("/")
# Seconds to wait for the statistics bank, and between two queries: SSB answers at most
# 30 queries a minute per address.
STATISTICS_API_TIMEOUT = env_int("STATISTICS_API_TIMEOUT", 30, minimum=1)
STATISTICS_FETCH_PAUSE = env_int("STATISTICS_FETCH_PAUSE", 3, minimum=0)
# Largest JSON-stat file (an upload, or the API's answer) that is read.
STATISTICS_IMPORT_MAX_BYTES = env_int("STATISTICS_IMPORT_MAX_BYTES", 5 * 1024 * 1024,
                                      minimum=1024)

# --- Reminders (actions.reminders) ----------------------------------------------------

# Days before the deadline at which a reminder goes out; 0 is the day itself.
_windows = env_list("REMINDER_WINDOWS", ["30", "14", "3", "0"])
if not _windows or not all(day.isdigit() for day in _windows):
    raise ImproperlyConfigured(
        f"REMINDER_WINDOWS={','.join(_windows)!r} must be whole numbers of days, e.g. 30,14,3,0."
    )
REMINDER_WINDOWS = sorted({int(day) for day in _windows}, reverse=True)
REMINDER_STALE_DAYS = env_int("REMINDER_STALE_DAYS", 60, minimum=1)
# The hourly sweep as one task per kommune, so several workers share it (actions.tasks).
REMINDER_SWEEP_PER_KOMMUNE = env_bool("REMINDER_SWEEP_PER_KOMMUNE", True)
# ISO weekday (1 = Monday) from which the weekly sector digest goes out; a missed day is
# caught up later in the same week.
REMINDER_SECTOR_DIGEST_WEEKDAY = env_int("REMINDER_SECTOR_DIGEST_WEEKDAY", 1, minimum=1)
if REMINDER_SECTOR_DIGEST_WEEKDAY > 7:
    raise ImproperlyConfigured("REMINDER_SECTOR_DIGEST_WEEKDAY must be 1 (Monday) to 7.")
# Scheduled sweeps publish e-mails only from the first hour up to (not including) the
# second, Europe/Oslo; outside them they only record what is due.
REMINDER_SENDING_HOURS = tuple(
    env_int(name, default, minimum=0)
    for name, default in (("REMINDER_SENDING_FROM_HOUR", 7), ("REMINDER_SENDING_TO_HOUR", 22))
)
REMINDER_MAX_RETRIES = env_int("REMINDER_MAX_RETRIES", 6, minimum=0)
# Retry n waits min(REMINDER_RETRY_MAX_DELAY, base × 2ⁿ) seconds plus jitter; the maximum
# stays below the visibility timeout so no long ETA is ever redelivered twice.
REMINDER_RETRY_BASE_DELAY = env_int("REMINDER_RETRY_BASE_DELAY", 30, minimum=1)
REMINDER_RETRY_MAX_DELAY = min(
    env_int("REMINDER_RETRY_MAX_DELAY", 600, minimum=1), CELERY_VISIBILITY_TIMEOUT // 2
)
# A claim older than this is a worker that died mid-send: the e-mail becomes "uncertain".
REMINDER_CLAIM_LEASE_SECONDS = env_int("REMINDER_CLAIM_LEASE_SECONDS", 15 * 60, minimum=1)

# --- E-mail ---------------------------------------------------------------------------

MAILERS = mailers_from_url("EMAIL_URL", EMAIL_URL)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Planportal <planportal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Authentication -------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The lockout sits in the backend, so the login page, allauth and the API token
# endpoint all pass through it (planportal.login.lockout).
AUTHENTICATION_BACKENDS = ["planportal.login.backends.LockoutModelBackend"]
# Failed password logins that lock an account name, or a client address, within the
# window (seconds); the lock then lasts LOGIN_LOCKOUT_DURATION seconds.
LOGIN_LOCKOUT_ACCOUNT_FAILURES = env_int("LOGIN_LOCKOUT_ACCOUNT_FAILURES", 5, minimum=1)
LOGIN_LOCKOUT_ADDRESS_FAILURES = env_int("LOGIN_LOCKOUT_ADDRESS_FAILURES", 30, minimum=1)
LOGIN_LOCKOUT_WINDOW = env_int("LOGIN_LOCKOUT_WINDOW", 15 * 60, minimum=1)
LOGIN_LOCKOUT_DURATION = env_int("LOGIN_LOCKOUT_DURATION", 15 * 60, minimum=1)
# Reverse proxies in front of Planportal that append to X-Forwarded-For. 0 (the default)
# ignores the header, which any client can forge; N uses the N-th entry from the right
# for the login lockout and the log (planportal.login.lockout.client_address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
# Keep the X-Request-ID header as the request's id (the audit events' reference) only when
# the proxy in front sets or overwrites it; by default any client could choose it, so a
# fresh id is made for every request (planportal.audit.middleware).
TRUST_X_REQUEST_ID = env_bool("TRUST_X_REQUEST_ID", default=False)
# Days an invitation link (set your password, planportal.invitations) stays valid;
# setting the password or signing in ends it sooner.
INVITATION_TIMEOUT = env_int("INVITATION_TIMEOUT", 7, minimum=1)
# Staff and kommune administrators must set up a TOTP app before using Planportal.
LOGIN_REQUIRE_TOTP_FOR_ADMINS = env_bool("LOGIN_REQUIRE_TOTP_FOR_ADMINS", default=False)

# allauth: kommune OIDC providers (planportal.login.models.OrganizationLoginProvider,
# set up in the admin) and TOTP. Nobody signs themself up; accounts are never linked
# by e-mail, only by the provider's subject.
ACCOUNT_ADAPTER = "planportal.login.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "planportal.login.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("OIDC_REQUESTS_TIMEOUT", 10, minimum=1)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Planportal"
# The code step refuses even the right code while the login lockout holds.
MFA_FORMS = {
    "authenticate": "planportal.login.forms.LockoutMfaAuthenticateForm",
    "reauthenticate": "planportal.login.forms.LockoutMfaReauthenticateForm",
    "activate_totp": "planportal.login.forms.AccessibleActivateTOTPForm",
}
ACCOUNT_FORMS = {"reauthenticate": "planportal.login.forms.AccessibleReauthenticateForm"}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# (label, url) pairs offered on the login page beside the password form, e.g. an OIDC
# provider's start URL once one is installed; the pages themselves do not change.
LOGIN_PROVIDERS: list[tuple[str, str]] = []
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation -------------------------------------------------------------

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("nn", _("Norwegian Nynorsk")), ("en", _("English"))]
# Our own strings first, then planportal/admin_locale: Bokmål and Nynorsk for the third-party
# strings (admin, DRF, django-filter, allauth) the apps' own catalogues leave untranslated.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "planportal" / "admin_locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
# Dates and numbers per language (planportal/formats/<lang>/formats.py): "30.06.2027" in
# tables and "30. juni 2027" in text, a decimal comma in nb and nn. Thousands are grouped
# only where planportal.formatting asks for it: USE_THOUSAND_SEPARATOR stays False, or
# every id and year in a template ("2 027", value="1 234") would be grouped too.
FORMAT_MODULE_PATH = ["planportal.formats"]

# --- Static files ---------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
# Front-end packages come from npm (package.json, installed by ./dev.sh and the Dockerfile)
# and are served from their own dist folders, so collectstatic and WhiteNoise see them.
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/designsystemet-css", _NODE / "@digdir" / "designsystemet-css" / "dist"),
    ("vendor/designsystemet-web", _NODE / "@digdir" / "designsystemet-web" / "dist" / "umd"),
    ("vendor/htmx", _NODE / "htmx.org" / "dist"),
    ("vendor/inter", _NODE / "@fontsource" / "inter"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Web interface --------------------------------------------------------------------

# The kommune's accessibility statement (tilgjengelighetserklæring), linked from every page.
# Norwegian public bodies publish it on uustatus.no; set the kommune's own address.
ACCESSIBILITY_STATEMENT_URL = (
    env_url("ACCESSIBILITY_STATEMENT_URL", ("http", "https")) or "https://uustatus.no/"
)

# --- REST framework -------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first: DRF takes the 401 challenge (WWW-Authenticate) from the first class,
    # and session authentication has none, which would turn "not signed in" into a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "planportal.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "planportal.api.pagination.StandardPagination",
    "DEFAULT_RENDERER_CLASSES": ["planportal.api.renderers.FastJSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "planportal.api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Planportal API",
    "DESCRIPTION": "Plans, focus areas, goals, actions and their follow-up.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the sidecar package: no CDN, so it works under a strict CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "planportal.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ActionStatusEnum": "actions.models.Action.Status",
        "ReportableStatusEnum": "actions.api.serializers.REPORTABLE_STATUS_CHOICES",
        "PlanStatusEnum": "strategies.models.Plan.Status",
        "PlanKindEnum": "strategies.models.Plan.Kind",
        "PlanLevelEnum": "strategies.models.Plan.Level",
        "UnitKindEnum": "planportal.models.Unit.Kind",
        "IndicatorFrequencyEnum": "strategies.models.Indicator.Frequency",
    },
}

# --- Security -------------------------------------------------------------------------

X_FRAME_OPTIONS = "DENY"
# Content Security Policy (Django's own middleware). Scripts only from our origin or with
# the request's nonce: no inline script runs, so injected markup cannot execute. Inline
# *styles* are allowed, because the admin and Designsystemet set style attributes.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60, minimum=60)
# A session ends after this long without a request, and in any case this long after the
# login (planportal.login.middleware.SessionLifetimeMiddleware; ASVS 7.3.1, 7.3.2).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 2 * 60 * 60, minimum=60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60, minimum=60)
# The language switch's cookie (/i18n/setlang/): no script reads it, and it is sent on
# top-level navigation only, like the session cookie.
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # The __Host- prefix makes browsers refuse these cookies unless they are Secure, for
    # the whole host (Path=/) and without a Domain: no subdomain can plant or read them.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    # Path=/ and no Domain are Django's defaults for the language cookie too.
    LANGUAGE_COOKIE_NAME = "__Host-django_language"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
        # Only behind a proxy that overwrites the header; otherwise clients could spoof it.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Putting a kommune's whole domain on the browsers' HSTS preload list is the kommune's
# decision, not ours; SECURE_HSTS_PRELOAD=true opts in and re-enables the check.
SILENCED_SYSTEM_CHECKS = [] if globals().get("SECURE_HSTS_PRELOAD") else ["security.W021"]

# --- Logging --------------------------------------------------------------------------

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(
        f"LOG_LEVEL={LOG_LEVEL!r} must be DEBUG, INFO, WARNING, ERROR or CRITICAL."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}
