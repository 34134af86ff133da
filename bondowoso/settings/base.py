"""Settings shared by every environment; everything that differs comes from the environment."""

import datetime
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    REDIS_URL=(str, ""),
    DEMO_PASSWORD=(str, "bondowoso-demo"),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="django-insecure-local-only-change-me")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_htmx",
    "rules",
    "axes",
    "masterdata",
    "planning",
    "budgeting",
    "reporting",
    "transparency",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policy too.
    "masterdata.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware, so that its redirects carry the CORS headers too (public API only).
    "corsheaders.middleware.CorsMiddleware",
    "masterdata.middleware.RequestContextMiddleware",
    "masterdata.middleware.DatabaseBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language is the address's: /en/… English, everything else Indonesian (no cookie, no Accept-Language).
    "masterdata.middleware.PathLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "transparency.routers.PublicReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "masterdata.middleware.NotFoundPageMiddleware",
    # Last, as django-axes requires, so it sees every failed login.
    "axes.middleware.AxesMiddleware",
]

# Pages use only the portal's own files and htmx, with no inline script or style; the favicon is a data: URI.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

ROOT_URLCONF = "bondowoso.urls"
WSGI_APPLICATION = "bondowoso.wsgi.application"

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
                "masterdata.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database of `make run`, shared by the threads of runserver. WAL lets readers (an export's
    # open cursor included) never block a writer; IMMEDIATE takes the write lock when a transaction begins,
    # so concurrent writers queue for up to the busy timeout instead of failing at once on a lock upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
        timeout=env.int("SQLITE_BUSY_TIMEOUT", default=10),
    )

# Public pages, open data and the public API read from a streaming replica of the database when
# DATABASE_REPLICA_URL names one (transparency/routers.py); every write, and everything else, uses default.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
PUBLIC_READS_ALIAS = "replica" if "replica" in DATABASES else None
DATABASE_ROUTERS = ["transparency.routers.PublicReplicaRouter"]

AUTH_USER_MODEL = "masterdata.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
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
LOGOUT_REDIRECT_URL = "public-home"

# Failed logins: five tries per user name and address, then a 15-minute cool-off; and, since one address
# may spray many user names, twenty per address across names (an office behind one address shares them).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "masterdata.views.locked_out"
LOGIN_FAILURES_PER_ADDRESS = 20
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "id"
# Indonesian first: every page, message and Django's own texts (admin, validation). The public pages (no
# login) also have an English version under /en/ (bondowoso/urls.py); staff pages are Indonesian only.
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TRACK_STARTED = True
# A task is acknowledged when it has finished: a worker that dies mid-task gives it back to the queue.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker process whose memory grew past this (KiB) is replaced after its task: a document section is
# bounded, so no process grows with the size of the whole document.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000)
CELERY_BEAT_SCHEDULE = {
    "recover-stale-jobs": {"task": "reporting.tasks.recover_stale_jobs", "schedule": 60.0},
}
# A running job whose worker has not reported for this long is taken as dead: requeued, or failed after
# JOB_MAX_ATTEMPTS runs.
JOB_STALE_AFTER_SECONDS = env.int("JOB_STALE_AFTER_SECONDS", default=300)
JOB_MAX_ATTEMPTS = 3
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Lines per section of a long document (the Penjabaran): about 30 pages, well under a worker's memory bound.
DOCUMENT_SECTION_LINES = env.int("DOCUMENT_SECTION_LINES", default=1200)

# The public API may be called from any web page (read-only, no credentials); nothing else answers CORS.
CORS_URLS_REGEX = r"^/api/v1/public/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_EXPOSE_HEADERS = ("Retry-After",)

REST_FRAMEWORK = {
    # Token first: an anonymous request then answers 401 with `WWW-Authenticate: Token`, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "masterdata.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only, as the schema documents; the imports name their own multipart parser (an upload).
    "DEFAULT_PARSER_CLASSES": ["masterdata.parsers.PortalJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "masterdata.api_base.PortalPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "masterdata.api_base.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # public_api: the public API, per client address (anonymous or not).
    "DEFAULT_THROTTLE_RATES": {"auth_token": "10/min", "public_api": env("PUBLIC_API_RATE", default="300/min")},
    # Gunicorn faces clients directly, so X-Forwarded-For is not trusted for throttling.
    "NUM_PROXIES": 0,
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Portal Perencanaan dan Penganggaran Kabupaten Bondowoso",
    "DESCRIPTION": (
        "API baca-tulis portal perencanaan dan penganggaran (v1). Autentikasi: header "
        "`Authorization: Token <token>` (token dari `POST /api/v1/auth/token/`) atau sesi login portal. "
        'Setiap galat berbentuk `{"errors": [{"code", "message", "field"}]}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No validator badge: it would send the schema's address to validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "masterdata.api_base.document_errors",
        "masterdata.api_base.require_union_bodies",
    ],
    "ENUM_NAME_OVERRIDES": {
        "NomenclatureLevelEnum": "masterdata.models.Nomenclature.Level",
        "AccountLevelEnum": "masterdata.models.Account.Level",
        "NomenclaturePemdaEnum": "masterdata.models.Nomenclature.Pemda",
        "OpdKindEnum": "masterdata.models.Opd.Kind",
        "StandardPriceKindEnum": "masterdata.models.StandardPriceItem.Kind",
        "RoleEnum": "masterdata.models.User.Role",
        "RenjaStageEnum": "planning.models.Renja.Stage",
        "RenjaStateEnum": "planning.models.Renja.State",
        "ProposalSourceEnum": "planning.models.Proposal.Source",
        "ProposalStageEnum": "planning.models.Proposal.Stage",
        "ProposalStatusEnum": "planning.models.Proposal.Status",
        "RkpdStateEnum": "planning.models.Rkpd.State",
        "KuaPpasKindEnum": "budgeting.models.KuaPpas.Kind",
        "KuaPpasStateEnum": "budgeting.models.KuaPpas.State",
        "ApbdVersionKindEnum": "budgeting.models.ApbdVersion.Kind",
        "ApbdVersionStateEnum": "budgeting.models.ApbdVersion.State",
        "RkaStateEnum": "budgeting.models.Rka.State",
        "DpaStateEnum": "budgeting.models.Dpa.State",
    },
}

# API tokens: a user's own lasts API_TOKEN_LIFETIME_HOURS; an OPD application's integration token lasts the
# days the administrator gives it when issuing it, API_INTEGRATION_TOKEN_DAYS unless changed.
API_TOKEN_LIFETIME = datetime.timedelta(hours=env.int("API_TOKEN_LIFETIME_HOURS", default=12))
API_INTEGRATION_TOKEN_DAYS = env.int("API_INTEGRATION_TOKEN_DAYS", default=180)

DEMO_PASSWORD = env("DEMO_PASSWORD")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
