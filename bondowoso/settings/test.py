"""Test settings: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set, SQLite otherwise."""

from .base import *  # noqa: F403
from .base import DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Manifest storage needs collectstatic; tests serve the source files as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

# The replica is a mirror of default in tests (one database, two connections). Public reads use it only in
# the tests that turn PUBLIC_READS_ALIAS on and list "replica" among their databases (tests/transparency):
# elsewhere a read through it would be refused by pytest-django's per-test database guard.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
PUBLIC_READS_ALIAS = None

# Jobs run in the test's own process unless a test starts a real worker (tests/reporting/test_worker.py).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)  # noqa: F405
CELERY_TASK_EAGER_PROPAGATES = True
