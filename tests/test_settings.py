"""Settings read from the environment, and production settings pass `check --deploy` cleanly."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_python(code, settings, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(DJANGO_SETTINGS_MODULE=settings, **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def settings_as_json(settings="bondowoso.settings.local", **env):
    code = (
        "import django, json; from django.conf import settings as s; django.setup();"
        "print(json.dumps({'db': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']),"
        "'cache': s.CACHES['default']['BACKEND'], 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
        "'broker': s.CELERY_BROKER_URL, 'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS,"
        "'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE, 'langs': [c for c, _ in s.LANGUAGES]}))"
    )
    result = run_python(code, settings, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_defaults_sqlite_eager_celery_local_cache():
    values = settings_as_json()
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["name"].endswith("db.sqlite3")
    assert values["cache"].endswith("LocMemCache")
    assert values["eager"] is True
    assert values["lang"] == "id" and values["langs"] == ["id", "en"]  # English: the public pages' /en/ version
    assert values["tz"] == "Asia/Jakarta"


def test_services_come_from_the_environment():
    values = settings_as_json(
        DATABASE_URL="postgres://u:p@db.example:5432/sipandu",
        REDIS_URL="redis://cache.example:6379/1",
        DEBUG="false",
        ALLOWED_HOSTS="portal.example,127.0.0.1",
    )
    assert values["db"] == "django.db.backends.postgresql"
    assert values["name"] == "sipandu"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert values["eager"] is False
    assert values["broker"] == "redis://cache.example:6379/1"
    assert values["debug"] is False
    assert values["hosts"] == ["portal.example", "127.0.0.1"]


def test_production_settings_pass_check_deploy_without_any_warning(tmp_path):
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'DEBUG'])",
        "bondowoso.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="anggaran.bondowosokab.go.id",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_python(
        "import django; django.setup()",
        "bondowoso.settings.production",
        ALLOWED_HOSTS="anggaran.bondowosokab.go.id",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("module", ["bondowoso.settings.local", "bondowoso.settings.test"])
def test_other_settings_import(module):
    assert settings_as_json(module)["tz"] == "Asia/Jakarta"
