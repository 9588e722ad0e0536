"""Archipel settings: one file, configured from environment variables only.

Variables are read through environs, strictly: a value that does not parse
(`HTTPS=ture`, `TRUSTED_PROXY_COUNT=one`) stops the start with an error naming the
variable, rather than quietly meaning "off". README.md lists every variable.
"""

import os
import secrets
from email.utils import getaddresses
from pathlib import Path

import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _
from environs import Env, ValidationError, validate

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()


@env.parser_for("email_url")
def _email_url(value: str) -> dict:
    """EMAIL_URL as dj-email-url reads it, with the README's schemes: `smtp+tls://`
    (STARTTLS) and `smtps://` (TLS from the first byte), which dj-email-url spells
    `smtp://…?tls=1` and `smtp://…?ssl=1` (its own `smtps` means STARTTLS)."""
    value = value or "console://"  # empty: as if unset
    scheme, separator, rest = value.partition("://")
    query = {"smtp+tls": "tls=1", "smtps": "ssl=1"}.get(scheme)
    if query:
        value = f"smtp://{rest}{'&' if '?' in rest else '?'}{query}"
    try:
        config = dj_email_url.parse(value)
    except ValueError as error:
        raise ValidationError(f"Not a valid e-mail URL: {error}") from error
    if not separator or "EMAIL_BACKEND" not in config:
        raise ValidationError("Not a valid e-mail URL: use smtp://, smtp+tls://, smtps:// or console://.")
    return config


DEBUG = env.bool("DEBUG", False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"], subcast=str.strip)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [], subcast=str.strip)

# SECRET_KEY signs sessions, e-mail confirmations and password resets: anyone who knows
# it can forge them. A local checkout (DEBUG on, or the embedded database) gets a random
# key made once and kept in .data/; anything else must be given one, or does not start.
INSECURE_DEVELOPMENT_KEY = "archipel-insecure-development-key"  # once public, never again
SECRET_KEY_FILE = BASE_DIR / ".data" / "secret_key"


def _local_secret_key(path: Path) -> str:
    """The key in `path`, made on first use (readable by its owner only). Written to a
    temporary file and linked into place, so that processes starting together (gunicorn
    workers) all read the one key that won, whole."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(get_random_secret_key())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", "")
if SECRET_KEY:
    if not DEBUG and (SECRET_KEY == INSECURE_DEVELOPMENT_KEY or len(SECRET_KEY) < 50):
        raise ImproperlyConfigured(
            "SECRET_KEY is the old public development key or shorter than 50 characters: "
            "set a long random one (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
elif DEBUG or not env.str("DATABASE_URL", ""):
    SECRET_KEY = _local_secret_key(SECRET_KEY_FILE)
else:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: production (DEBUG off, DATABASE_URL set) needs its own key."
    )
# Key rotation: the new key in SECRET_KEY, the old ones here until their signatures expire.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", [], subcast=str.strip)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django_filters",
    "taggit",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "procrastinate.contrib.django",
    "core",
    "archipel",
    "mailing",
    "cooperation",
    "evaluation",
    "networks",
    "proposals",
    "newsletter",
    "api",
    "opendata",
    "corrections",
    "meetings",
]

MIDDLEWARE = [
    "archipel.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "archipel.middleware.LanguageFromPathMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: each change to the catalogue records who made it.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After allauth's: staff without two-factor authentication are sent to set it up.
    "archipel.mfa.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "archipel.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "archipel.urls"
WSGI_APPLICATION = "archipel.wsgi.application"

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
            ],
        },
    },
]

# Database: DATABASE_URL when set (CI, production); otherwise the embedded PostgreSQL.
if env.str("DATABASE_URL", ""):
    DATABASES = {"default": env.dj_db_url("DATABASE_URL")}
else:
    import dj_database_url

    from archipel.embedded_postgres import database_url

    DATABASES = {"default": dj_database_url.parse(database_url(BASE_DIR))}
# Persistent connections: without them a database page serves half as many requests.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Lets two test runs share a server without sharing a test database.
if env.str("TEST_DATABASE_NAME", ""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "archipel.User"

# The shared caches: every process counts and stores together. "default" holds the rate
# limits and the API's throttle; "pages" the anonymous pages (core.pagecache). Redis with
# REDIS_URL, short timeouts and a database cache while it does not answer
# (archipel.cache); otherwise database caches (their tables are made by `migrate`).
DATABASE_CACHE = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "archipel_cache"}
PAGES_DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "archipel_pages",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}
CACHES = {
    "default": DATABASE_CACHE,
    "database": DATABASE_CACHE,
    "pages": PAGES_DATABASE_CACHE,
    "pages_database": PAGES_DATABASE_CACHE,
}
if env.str("REDIS_URL", ""):
    REDIS_CACHE = {
        "BACKEND": "archipel.cache.FallbackRedisCache",
        "LOCATION": env.str("REDIS_URL", validate=validate.Regexp(r"^(redis|rediss|unix)://")),
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    CACHES["default"] = {**REDIS_CACHE, "FALLBACK": "database"}
    # After an outage, the pages Redis kept may predate writes counted in the fallback:
    # forgetting their generation (core.pagecache.GENERATION_KEY) makes them out of date.
    CACHES["pages"] = {**REDIS_CACHE, "FALLBACK": "pages_database", "FORGET_ON_RETURN": ["pages:generation"]}

# The anonymous page cache (core.pagecache): a write to a table of these apps makes every
# stored page out of date; browsers and proxies may keep a page PAGE_CACHE_MAX_AGE
# seconds (and serve it while they check it again for as long), the "pages" cache keeps
# it at most PAGE_CACHE_TIMEOUT seconds (what a page shows that no write changes, such
# as "il y a 3 jours", is never older than that).
PAGE_CACHE_CONTENT_APPS = ["archipel", "cooperation", "evaluation", "meetings", "networks", "proposals"]
# Never looked up nor kept: the probes answer for this instance, now; the admin is staff's.
PAGE_CACHE_NEVER = ("/sante/", "/vie/", "/admin/")
PAGE_CACHE_MAX_AGE = env.int("PAGE_CACHE_MAX_AGE", 60, validate=validate.Range(min=0))
PAGE_CACHE_TIMEOUT = env.int("PAGE_CACHE_TIMEOUT", 300, validate=validate.Range(min=1))

# Answer deadlines: a préconisation that reaches ANSWER_THRESHOLD votes pour gets an
# official answer within ANSWER_DELAY_DAYS days; staff are reminded a week before.
ANSWER_THRESHOLD = env.int("ANSWER_THRESHOLD", 100, validate=validate.Range(min=1))
ANSWER_DELAY_DAYS = env.int("ANSWER_DELAY_DAYS", 60, validate=validate.Range(min=1))

# Behind a reverse proxy (or a load balancer), how many of them stand between the client
# and gunicorn. 0: X-Forwarded-For is ignored (the client could write anything there).
# N: the N-th address from its right is the client's. Our rate limits, allauth's and the
# API's throttle all read it; X-Forwarded-Proto tells which requests came in HTTPS.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0, validate=validate.Range(min=0))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Accounts (django-allauth): sign-in by e-mail, verification mandatory, rate limits on.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Archipel] "
ACCOUNT_USER_DISPLAY = "archipel.models.user_display"
ACCOUNT_ADAPTER = "archipel.adapters.AccountAdapter"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "proposals:proposal_list"
LOGOUT_REDIRECT_URL = "home"

# Two-factor authentication (allauth.mfa): an authenticator app (TOTP) and recovery codes,
# mandatory for staff (archipel.mfa), optional for citizens (/profil/). Security keys
# (WebAuthn) are left out for now: they need JavaScript and HTTPS, and could be tested
# only in a browser with a virtual authenticator.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Archipel"
# A code from the period before or after is accepted too: a phone's clock may drift.
MFA_TOTP_TOLERANCE = 1
MFA_ADAPTER = "archipel.mfa.MFAAdapter"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail: console in development; EMAIL_URL (smtp://user:pass@host:port) in production.
_email = env.email_url("EMAIL_URL", "console://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
# A mail server that accepts connections and never answers must not hold a worker.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", 10)
# The site's public address, for links in e-mails sent outside a request.
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Archipel <ne-pas-repondre@archipel.local>")


def _admins(value: str) -> list[tuple[str, str]]:
    """ADMINS="Nom <adresse>,Autre <adresse>" as Django's ADMINS: (name, address) pairs."""
    admins = getaddresses([value]) if value.strip() else []
    for name, address in admins:
        if "@" not in address:
            raise ImproperlyConfigured(f"ADMINS: {name or address!r} has no e-mail address.")
    return admins


# Staff told of every server error (500, and the 503 of a database outage) by e-mail,
# sent at once through EMAIL_URL rather than by the task queue (it lives in the
# database), at most one per kind of error every 5 minutes per process (LOGGING).
ADMINS = _admins(env.str("ADMINS", ""))
SERVER_EMAIL = env.str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# HTTPS=1 when the site is served over HTTPS (directly or through TRUSTED_PROXY_COUNT
# proxies): cookies only over HTTPS, plain HTTP redirected, and HSTS. Load balancers
# probe the health checks in plain HTTP, so those are not redirected.
HTTPS = env.bool("HTTPS", False)
SECURE_COOKIES = env.bool("SECURE_COOKIES", False)  # the older variable: cookies only
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS or SECURE_COOKIES
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^sante/$", r"^vie/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", HTTPS)

# Logs: one JSON object per line in production (archipel.logs), plain text in
# development; one line per request on "archipel.request" (archipel.middleware) and one
# per task event on "procrastinate" (the worker).
LOG_FORMAT = env.str("LOG_FORMAT", "text" if DEBUG else "json", validate=validate.OneOf(["json", "text"]))
LOG_LEVEL = env.str(
    "LOG_LEVEL", "INFO", validate=validate.OneOf(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "archipel.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "filters": {
        "request_id": {"()": "archipel.logs.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "mail_throttle": {"()": "archipel.logs.MailThrottleFilter", "seconds": 300},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
        # Server errors (django.request's 5xx, at ERROR) to ADMINS; nothing when it is empty.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "mail_throttle"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "archipel.request": {"level": "INFO"},
        "procrastinate": {"level": "INFO"},
        # Its start-up lines (a dozen "Registering task…" per process) say nothing new.
        "procrastinate.periodic": {"level": "WARNING"},
        "procrastinate.blueprints": {"level": "WARNING"},
    },
}

# Errors to Sentry when SENTRY_DSN is set; never personal data (no addresses, cookies,
# user e-mails: send_default_pii=False).
SENTRY_DSN = env.str("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        environment=env.str("SENTRY_ENVIRONMENT", "production"),
    )

# The local authority whose cooperation this site presents: its own memberships
# (or those of the grouping it belongs to) are "the city's participation" in a network.
ARCHIPEL_HOME_AUTHORITY = env.str("ARCHIPEL_HOME_AUTHORITY", "toulouse")
PAGE_SIZE = 20

# The read-only JSON API (/api/, app `api`): anonymous, JSON only, a rate per address.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "api.schema.ArchipelAutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_THROTTLE_RATE", "300/minute")},
    # The client's address behind TRUSTED_PROXY_COUNT proxies; 0 (not None, DRF's default)
    # ignores X-Forwarded-For, which a client could rotate to escape the throttle.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# Its OpenAPI schema (/api/schema/) and Swagger UI (/api/docs/), served from our own static files.
SPECTACULAR_SETTINGS = {
    "TITLE": _("API d’Archipel"),
    "DESCRIPTION": _(
        "Le catalogue de la coopération européenne et internationale de Toulouse (partenariats, "
        "collectivités, organisations, réseaux de villes et adhésions) et les préconisations avec "
        "leurs totaux de votes, en lecture seule et sans rien de personnel. Les listes se filtrent "
        "avec les paramètres des pages du site et se paginent avec page et page_size (100 au plus) ; "
        "une valeur inconnue est refusée (400) avec un message qui dit pourquoi. "
        "Données sous Licence Ouverte 2.0."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "supportedSubmitMethods": ["get"]},
    # One name per choice set (several models have a `kind`, several dates a precision).
    "ENUM_NAME_OVERRIDES": {
        "PartnershipKindEnum": "cooperation.models.PartnershipKind",
        "AuthorityKindEnum": "cooperation.models.AuthorityKind",
        "OrganisationKindEnum": "cooperation.models.OrganisationKind",
        "NetworkKindEnum": "networks.models.NetworkKind",
        "DatePrecisionEnum": "core.dates.DatePrecision",
    },
}

# The key of the newsletter's address hashes: keep it stable (changing it orphans the
# pending sign-ups). Empty: derived from SECRET_KEY.
NEWSLETTER_HASH_KEY = env.str("NEWSLETTER_HASH_KEY", "")

# The task queue (Procrastinate, on the same PostgreSQL): a job that succeeded is
# deleted (the e-mails keep their own record in mailing.Delivery); failed ones stay.
PROCRASTINATE_WORKER_DEFAULTS = {"delete_jobs": "successful"}
