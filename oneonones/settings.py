"""Settings for oneonones, all from environment variables.

Defaults are safe for a developer's machine: a local PostgreSQL database called
``oneonones``, Redis on its default port, and ``DEBUG`` off unless asked for. With
``DEBUG`` off it refuses to start without a ``SECRET_KEY`` of its own (fail safe).
A ``.env`` file beside ``manage.py`` (not committed) may set the same variables.
See README.md for the production values.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# This default is in the public repository: anyone could forge sessions, password-reset
# links and signed values with it. It is only good for a developer's machine (DEBUG=1).
DEVELOPMENT_SECRET_KEY = "django-insecure-local-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "With DEBUG off, SECRET_KEY must be set to a long random value of your own: the "
        "built-in development key is public. Make one with "
        "python -c 'import secrets; print(secrets.token_urlsafe(64))', "
        "or set DEBUG=1 on a developer's machine."
    )
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# By default where `make run` serves (PORT), so that links in emails lead there.
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "recurrence",
    "people",
    "meetings",
    "notifications",
    "objectives",
    "wellbeing",
    "mentoring",
    "officehours",
    "reports",
    "home",
    # The JSON API (api/): Django REST framework, its OpenAPI schema, and the reference
    # page's Swagger UI files, vendored by the sidecar package and served by WhiteNoise.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    # Last: it reads every app above and re-registers the people admin with its page.
    "privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "oneonones.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Above CommonMiddleware, so its redirects to signed-in people are covered too.
    "oneonones.middleware.PrivateCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "people.middleware.UserTimeZoneMiddleware",
    # Turns a service's refusal that a view let through into a 404 or a message.
    "oneonones.middleware.ServiceErrorMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "oneonones.urls"
WSGI_APPLICATION = "oneonones.wsgi.application"

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
                "people.context_processors.navigation",
            ],
            # Django's ``date`` filter, the same output at a fraction of the cost
            # (see the module): loaded after Django's builtins, so it replaces it.
            "builtins": ["oneonones.dates"],
        },
    },
]

# Database: one PostgreSQL; persistent connections with health checks so that a
# restarted database does not break the first request after it.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/oneonones")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day

# Brute-force protection: lock a username from one address after repeated failures.
# The address is the client's, read from X-Forwarded-For only behind our own proxies
# (BEHIND_PROXY, below): see oneonones/proxy.py.
AXES_CLIENT_IP_CALLABLE = "oneonones.proxy.client_address"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# --- Sign-in: single sign-on (OpenID Connect) and passwords -------------------------------
# Everything about how people sign in, in one block (README: "Single sign-on").
# Single sign-on is on when SSO_ISSUER and SSO_CLIENT_ID are both set; the provider's
# endpoints come from its discovery document when someone first signs in, never at start-up.
PASSWORD_LOGIN = env.bool("PASSWORD_LOGIN", default=True)
SSO_ISSUER = env("SSO_ISSUER", default="")
SSO_CLIENT_ID = env("SSO_CLIENT_ID", default="")
SSO_CLIENT_SECRET = env("SSO_CLIENT_SECRET", default="")
SSO_PROVIDER_NAME = env("SSO_PROVIDER_NAME", default="single sign-on")
SSO_ALLOWED_EMAIL_DOMAINS = [
    domain.strip().lstrip("@").lower()
    for domain in env.list("SSO_ALLOWED_EMAIL_DOMAINS", default=[])
    if domain.strip()
]
# Off by default: HR and admins set people up (reporting line, team, start date) and only
# they come in. On, a verified address of an allowed domain with no person creates one.
SSO_CREATE_PEOPLE = env.bool("SSO_CREATE_PEOPLE", default=False)
SSO_SCOPES = env("SSO_SCOPES", default="openid email profile")
# Microsoft Entra ID sends no email_verified for work accounts: there it is `xms_edov`.
SSO_EMAIL_VERIFIED_CLAIM = env("SSO_EMAIL_VERIFIED_CLAIM", default="email_verified")
SSO_TIMEOUT_SECONDS = env.int("SSO_TIMEOUT_SECONDS", default=10)
# First, before django-axes: its lock-out is for guessed passwords, and a single sign-on
# callback carries none. This backend's signature takes no username or password, so Django
# never asks it about a password sign-in, which still goes through axes.
AUTHENTICATION_BACKENDS = ["people.sso.SingleSignOnBackend", *AUTHENTICATION_BACKENDS]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "oneonones.storage.StaticStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email through Django's mail framework. Locally the console backend prints messages.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL are both on: set only one (TLS for port 587, SSL for 465)."
    )
EMAIL_SSL_CERTFILE = env("EMAIL_SSL_CERTFILE", default=None)
EMAIL_SSL_KEYFILE = env("EMAIL_SSL_KEYFILE", default=None)
# Where the file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend)
# writes each message, e.g. on a staging server that must never email anyone.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="oneonones <noreply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Redis: the Celery broker. The web app treats it as a speed-up, never a dependency.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")

CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than any task may run, so an unacknowledged task is not handed out twice.
    "visibility_timeout": 60 * 60,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# With late acks, a task cut off by a lost broker connection is redelivered (tasks are
# idempotent) rather than left running unacknowledged: the Celery 6 default, now.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")

# Reminders (meetings.Reminder): sent by a sweep every minute. One due longer ago than
# this is dropped, not sent late; a failing one is retried on each sweep up to the cap.
REMINDER_STALE_AFTER_MINUTES = env.int("REMINDER_STALE_AFTER_MINUTES", default=60)
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=5)
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=50)
# A series' meetings are invited (.ics by email) this many days before they happen.
REMINDER_INVITATION_LEAD_DAYS = env.int("REMINDER_INVITATION_LEAD_DAYS", default=14)

# Chat notifications (README: "Chat notifications"). A person's webhook must be https on
# Slack's or Teams' own hosts, or on one of these origins (scheme://host[:port]) that
# the operator trusts, e.g. a chat server of your own. Never list an internal address
# you would not let any signed-in person post to.
CHAT_WEBHOOK_EXTRA_ORIGINS = env.list("CHAT_WEBHOOK_EXTRA_ORIGINS", default=[])
# How long one POST to a webhook may take before it counts as failed (retried later).
CHAT_WEBHOOK_TIMEOUT_SECONDS = env.float("CHAT_WEBHOOK_TIMEOUT_SECONDS", default=5.0)

# Wellbeing check-ins older than this many months are deleted by a daily job.
WELLBEING_RETENTION_MONTHS = env.int("WELLBEING_RETENTION_MONTHS", default=24)

# --- The JSON API (README: "JSON API") ----------------------------------------------------
# Personal access tokens (Authorization: Bearer …) or the session of a signed-in browser,
# which DRF checks for CSRF on every change. JSON only: no browsable HTML API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.PersonThrottle",
        "api.throttling.AnonymousThrottle",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "oneonones API",
    "DESCRIPTION": (
        "Your 1:1s, actions, objectives and check-ins, and for HR the cadence figures. "
        "Send a personal access token (My profile → API tokens) as "
        "`Authorization: Bearer <token>`. Times are UTC (ISO 8601)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Requests a minute per person (token or session), and per address for requests without
# a valid token. Counted in Redis (the `api` cache), so all web nodes share the count.
API_RATE_LIMIT = env("API_RATE_LIMIT", default="120/minute")
API_ANONYMOUS_RATE_LIMIT = env("API_ANONYMOUS_RATE_LIMIT", default="30/minute")
for _name, _rate in [
    ("API_RATE_LIMIT", API_RATE_LIMIT),
    ("API_ANONYMOUS_RATE_LIMIT", API_ANONYMOUS_RATE_LIMIT),
]:
    if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", _rate):
        raise ImproperlyConfigured(
            f"{_name} is a number of requests per second, minute, hour or day, "
            f"e.g. 120/minute; not {_rate!r}."
        )
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # The API's rate limits. Short timeouts: when Redis does not answer, the API still
    # does (unthrottled for the moment, see api/throttling.py), like the rest of the app.
    "api": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "api",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
    # Other limits per person that must hold across every web process and node (one
    # download of one's data a minute). The same short timeouts and the same rule when
    # Redis does not answer: let the person through.
    "limits": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "limits",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
}

# `make bench` only: serves /_rows, the bare page every page is measured against
# (bench/endpoints.py). Off, it answers 404 like any unknown address.
BENCH_ENDPOINTS = env.bool("BENCH_ENDPOINTS", default=False)

# Security. HTTPS=1 turns on everything `manage.py check --deploy` asks for.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind a load balancer (or other reverse proxies) that we run: trust what they say about
# the scheme (X-Forwarded-Proto) and the client's address (the PROXY_COUNT-th address from
# the right of X-Forwarded-For, the one our outermost proxy saw). Without it both headers
# are ignored, since any client can send them.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=HTTPS)
PROXY_COUNT = env.int("PROXY_COUNT", default=1)
if PROXY_COUNT < 1:
    raise ImproperlyConfigured(
        "PROXY_COUNT is the number of proxies in front of the app, at least 1; "
        "to trust none, set BEHIND_PROXY=0."
    )
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
