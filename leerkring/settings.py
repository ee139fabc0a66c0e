"""Leerkring settings: one file, every knob an environment variable (see README, "Configuratie")."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("LEERKRING_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    """In production the key must come from the environment; in development one is made
    once and kept under var/ so sessions survive a restart."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leerkring.core",
    "leerkring.outbox",
    "leerkring.accounts",
    "leerkring.communities",
    "leerkring.meetings",
    "leerkring.signalling",
    "leerkring.surveys",
    "leerkring.evaluation",
    "leerkring.dissemination",
    "leerkring.publishing",
    "leerkring.events",
    "leerkring.network",
    "leerkring.search",
    "leerkring.api",
    # After our apps, so our templates override allauth's.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.usersessions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "leerkring.accounts.middleware.SessionLimitsMiddleware",
    "leerkring.accounts.middleware.SecondFactorMiddleware",
]

ROOT_URLCONF = "leerkring.urls"
WSGI_APPLICATION = "leerkring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "leerkring" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "leerkring.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'leerkring.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation. Pages ask for a few hundred rows by index, but the planner estimates
    # rare words and wide filters at a share of the table, so a query's estimated cost grows
    # with the network until it passes `jit_above_cost`; PostgreSQL then spent 40-200 ms
    # compiling a query that runs in about 1 ms (the similar-signal look at five times
    # national scale). The worker's long counts gain little from it either.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    # Without Redis the database is the one place every process shares.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "leerkring_cache",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Accounts -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
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
        "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "12"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "14"))

# django-allauth: its login stages (the second factor), its mfa app (authenticator apps,
# recovery codes, WebAuthn keys) and its list of sessions. Sign-in itself, password reset and
# invitations stay ours; allauth's sign-up is closed (accounts.adapters).
ACCOUNT_ADAPTER = "leerkring.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_FORMS = {"reauthenticate": "leerkring.accounts.forms_second_factor.ReauthenticateForm"}
MFA_ADAPTER = "leerkring.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Leerkring"
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TRUST_ENABLED = False
MFA_RECOVERY_CODE_COUNT = 10
MFA_FORMS = {
    "authenticate": "leerkring.accounts.forms_second_factor.AuthenticateForm",
    "reauthenticate": "leerkring.accounts.forms_second_factor.MFAReauthenticateForm",
    "activate_totp": "leerkring.accounts.forms_second_factor.ActivateTOTPForm",
    "deactivate_totp": "leerkring.accounts.forms_second_factor.DeactivateTOTPForm",
    "generate_recovery_codes": "leerkring.accounts.forms_second_factor.GenerateRecoveryCodesForm",
    "add_webauthn": "leerkring.accounts.forms_second_factor.AddWebAuthnForm",
    "edit_webauthn": "leerkring.accounts.forms_second_factor.EditWebAuthnForm",
}
# Authenticator-app secrets and recovery codes are stored encrypted with this key (by default
# derived from SECRET_KEY: set it separately to be able to rotate SECRET_KEY).
MFA_ENCRYPTION_KEY = os.environ.get("MFA_ENCRYPTION_KEY", "")
USERSESSIONS_TRACK_ACTIVITY = False


def oidc_providers(environ=os.environ) -> list[dict]:
    """Sign-in with an organisation's account (OpenID Connect), one provider per id in
    OIDC_PROVIDERS (comma-separated); for each id, upper-cased: OIDC_<ID>_LABEL (the button),
    OIDC_<ID>_SERVER_URL (the issuer), OIDC_<ID>_CLIENT_ID and OIDC_<ID>_CLIENT_SECRET, and
    optionally OIDC_<ID>_SIGNUP_PROGRAMME (slug: unknown people with a verified address get an
    account), OIDC_<ID>_MFA_AMR (default `mfa`) and OIDC_<ID>_MFA_ACR (values that count as a
    second factor done at the provider). See accounts/oidc.py."""
    apps = []
    for provider_id in [p.strip() for p in environ.get("OIDC_PROVIDERS", "").split(",")]:
        if not provider_id:
            continue
        prefix = f"OIDC_{provider_id.upper().replace('-', '_')}_"

        def value(name: str, default: str | None = None, prefix: str = prefix) -> str:
            found = environ.get(prefix + name, default)
            if found is None:
                raise ImproperlyConfigured(f"{prefix}{name} is required (OIDC_PROVIDERS).")
            return found

        def values(name: str, default: str, prefix: str = prefix) -> list[str]:
            return [v.strip() for v in environ.get(prefix + name, default).split(",") if v.strip()]

        apps.append(
            {
                "provider_id": provider_id,
                "name": value("LABEL"),
                "client_id": value("CLIENT_ID"),
                "secret": value("CLIENT_SECRET"),
                "settings": {
                    "server_url": value("SERVER_URL"),
                    "signup_programme": value("SIGNUP_PROGRAMME", ""),
                    "mfa_amr": values("MFA_AMR", "mfa"),
                    "mfa_acr": values("MFA_ACR", ""),
                },
            }
        )
    return apps


OIDC_APPS = oidc_providers()
SOCIALACCOUNT_ADAPTER = "leerkring.accounts.oidc.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": OIDC_APPS}}
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = "oidc"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False

# Throttle failed sign-ins per e-mail address and client (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "leerkring.accounts.throttle.username_from_credentials"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind a proxy every request comes from the proxy's address; count the client's own.
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("BEHIND_PROXY", False) else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if env_bool("BEHIND_PROXY", False) else ["REMOTE_ADDR"]
)
# Beyond axes (one address from one client): failed sign-ins counted per client over all
# addresses (password spraying, credential stuffing from one source) and per address over all
# clients (one account attacked from many). Each limit is "failures/seconds"; past it, password
# sign-in is refused for the rest of that window with the same page as axes' lock-out.
SIGNIN_LIMITS_PER_CLIENT = env_list("SIGNIN_LIMITS_PER_CLIENT", "10/300,50/86400")
SIGNIN_LIMITS_PER_ACCOUNT = env_list("SIGNIN_LIMITS_PER_ACCOUNT", "20/3600")

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "leerkring" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "leerkring" / "static", BASE_DIR / "var" / "frontend"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Files a browser asks for at the site's root without being told (/favicon.ico), served by
# WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "leerkring" / "root"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# --- E-mail ---------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Leerkring <noreply@leerkring.local>")
# Seconds to wait for the SMTP server; a hung server must not hold a worker (or its lease).
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))

# --- Outbox: every e-mail is queued and delivered by the task worker ----------------------
# How long a worker holds a claimed e-mail before another may take it over (renewed per try).
OUTBOX_LEASE_SECONDS = float(os.environ.get("OUTBOX_LEASE_SECONDS", "30"))
# Every worker looks for due e-mail (retries, sends cut off by a crash) this often.
OUTBOX_POLL_SECONDS = float(os.environ.get("OUTBOX_POLL_SECONDS", "5"))
OUTBOX_BATCH = int(os.environ.get("OUTBOX_BATCH", "10"))
# Temporary failures are retried this long after queueing, waiting base, 2×base, … up to max.
OUTBOX_RETRY_HOURS = float(os.environ.get("OUTBOX_RETRY_HOURS", "48"))
OUTBOX_RETRY_BASE_SECONDS = float(os.environ.get("OUTBOX_RETRY_BASE_SECONDS", "60"))
OUTBOX_RETRY_MAX_SECONDS = float(os.environ.get("OUTBOX_RETRY_MAX_SECONDS", "1800"))
# When the mail server cannot be reached, the worker pauses the whole outbox this long (growing).
OUTBOX_PAUSE_BASE_SECONDS = float(os.environ.get("OUTBOX_PAUSE_BASE_SECONDS", "5"))
OUTBOX_PAUSE_MAX_SECONDS = float(os.environ.get("OUTBOX_PAUSE_MAX_SECONDS", "300"))
# Content of sent e-mail is cleared after this many days; rows are removed after the second.
OUTBOX_BODY_DAYS = int(os.environ.get("OUTBOX_BODY_DAYS", "7"))
OUTBOX_KEEP_DAYS = int(os.environ.get("OUTBOX_KEEP_DAYS", "90"))
# /healthz/queue reports the queue stuck when mail is overdue by this many minutes.
OUTBOX_STUCK_MINUTES = int(os.environ.get("OUTBOX_STUCK_MINUTES", "15"))
OUTBOX_MESSAGE_ID_DOMAIN = os.environ.get("OUTBOX_MESSAGE_ID_DOMAIN", "")

# --- Background tasks (django-tasks with its database backend) ------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# The worker (manage.py run_worker) beats every few seconds; a worker silent for longer than the
# lease is taken for dead and its running task is put back (at most WORKER_TASK_MAX_RUNS runs).
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "5"))
WORKER_LEASE_SECONDS = float(os.environ.get("WORKER_LEASE_SECONDS", "30"))
WORKER_TASK_MAX_RUNS = int(os.environ.get("WORKER_TASK_MAX_RUNS", "3"))
WORKER_RECONNECT_MAX_SECONDS = float(os.environ.get("WORKER_RECONNECT_MAX_SECONDS", "30"))

# Subscribers a newsletter issue's send task queues per transaction (the issue row is locked
# that long; a send cut off halfway keeps every batch it committed).
NEWSLETTER_QUEUE_BATCH = int(os.environ.get("NEWSLETTER_QUEUE_BATCH", "500"))

# --- Meetings -------------------------------------------------------------------------
# Days before a published meeting that members get a reminder (sent by the task worker).
MEETING_REMINDER_DAYS = int(os.environ.get("MEETING_REMINDER_DAYS", "3"))
# How long the access log (who read or exported personal data) keeps its records.
ACCESS_LOG_RETENTION_DAYS = int(os.environ.get("ACCESS_LOG_RETENTION_DAYS", "365"))

# --- Programme events -----------------------------------------------------------------
# Days before an event that registrants get a reminder (sent by the task worker).
EVENT_REMINDER_DAYS = int(os.environ.get("EVENT_REMINDER_DAYS", "2"))
# Hours a public registrant has to confirm their address (double opt-in).
EVENT_CONFIRM_HOURS = int(os.environ.get("EVENT_CONFIRM_HOURS", "48"))
# Days after an event that the names and addresses of public registrants are removed
# (`manage.py apply_retention`, run daily; core.retention).
EVENT_REGISTRATION_RETENTION_DAYS = int(os.environ.get("EVENT_REGISTRATION_RETENTION_DAYS", "30"))

# --- API and webhooks (docs/api.md) ---------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: its `WWW-Authenticate: Bearer` answers an anonymous call (401).
        "leerkring.api.authentication.BearerTokenAuthentication",
        "leerkring.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["leerkring.api.permissions.TokenScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "leerkring.api.pagination.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "leerkring.api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "leerkring.api.problems.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("API_RATE_LIMIT", "1200/hour")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Leerkring API",
    "DESCRIPTION": (
        "Leerkring's JSON API: the same data and the same rules as the pages. Messages in "
        "responses are Dutch (English with `Accept-Language: en`). See docs/api.md for tokens, "
        "pagination, errors, idempotency and webhooks."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets used by several resources get one name each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "SignalStateEnum": "leerkring.signalling.models.Signal.State",
        "MembershipRoleEnum": "leerkring.communities.models.Membership.Role",
        "CommunityStatusEnum": "leerkring.communities.models.Community.Status",
        "MeetingStatusEnum": "leerkring.meetings.models.Meeting.Status",
        "AgreementStatusEnum": "leerkring.meetings.models.Agreement.Status",
        "ProductStatusEnum": "leerkring.dissemination.models.Product.Status",
    },
    "SORT_OPERATION_PARAMETERS": False,
}
#: Days an API token lives at most; a person picks a shorter period when creating one.
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "365"))
#: How often a failed webhook delivery is tried, and the first wait (doubled each time).
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "8"))
WEBHOOK_RETRY_SECONDS = int(os.environ.get("WEBHOOK_RETRY_SECONDS", "60"))
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
#: Receivers on private or loopback addresses are refused unless this is on (tests, intranets).
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", DEBUG)

# --- Retention (core.retention, `manage.py apply_retention` daily) ----------------------
# Days after which personal data that is no longer needed goes; 0 switches a rule off.
RETENTION_INVITATION_DAYS = int(os.environ.get("RETENTION_INVITATION_DAYS", "90"))
RETENTION_SURVEY_INVITATION_DAYS = int(os.environ.get("RETENTION_SURVEY_INVITATION_DAYS", "30"))
RETENTION_AUDIT_DAYS = int(os.environ.get("RETENTION_AUDIT_DAYS", "730"))
RETENTION_SIGNAL_DAYS = int(os.environ.get("RETENTION_SIGNAL_DAYS", "730"))
RETENTION_SIGN_IN_DAYS = int(os.environ.get("RETENTION_SIGN_IN_DAYS", "90"))

# --- Security (docs/security.md) -------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: htmx sends the token from the page (base.html).
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HSTS on every HTTPS answer when DEBUG is off; 0 switches it off (e.g. while trying HTTPS out).
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)

# A session ends SESSION_MAX_AGE_HOURS after sign-in whatever happens, and for people with a
# programme role or staff rights also after SESSION_IDLE_MINUTES without a request; 0 turns
# the idle limit off (SessionLimitsMiddleware). SESSION_IDLE_MINUTES_MEMBERS does the same for
# everyone else (default off: only the absolute limit).
SESSION_MAX_AGE_HOURS = float(os.environ.get("SESSION_MAX_AGE_HOURS", "12"))
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE_HOURS * 3600)
SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_IDLE_MINUTES_MEMBERS = float(os.environ.get("SESSION_IDLE_MINUTES_MEMBERS", "0"))

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no
# inline script or style, no framing.
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
        "frame-ancestors": ["'none'"],
        # The sign-in button's form is answered with a redirect to the provider.
        "form-action": [
            "'self'",
            *sorted(
                {
                    "{0.scheme}://{0.netloc}".format(urlsplit(app["settings"]["server_url"]))
                    for app in OIDC_APPS
                }
            ),
        ],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
