"""The embedded SQLite default (`make run`) survives concurrent writers, a failed export and a busy database.

Each scenario runs in its own process on a file database made with the local settings, with real
threads making requests through the whole middleware stack (see tests/sqlite_scenarios.py).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _environment(database, **extra):
    environment = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="bondowoso.settings.local",
        DATABASE_URL=f"sqlite:///{database}",
        ALLOWED_HOSTS="testserver",
    )
    environment.update(extra)
    return environment


def _run(args, database, **extra):
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=_environment(database, **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    database = tmp_path_factory.mktemp("sqlite") / "template.sqlite3"
    _run(["manage.py", "migrate", "--noinput", "-v0"], database)
    _run(["manage.py", "load_reference_data"], database)
    return database


@pytest.fixture
def database(migrated, tmp_path):
    copy = tmp_path / "db.sqlite3"
    shutil.copy(migrated, copy)
    return copy


def scenario(name, database, **extra):
    return json.loads(_run(["-m", "tests.sqlite_scenarios", name], database, **extra).splitlines()[-1])


def test_eight_parallel_line_adds_all_succeed(database):
    outcome = scenario("parallel_line_adds", database)
    assert outcome == {"statuses": [201] * 8, "lines": 8}


def test_a_failed_export_leaves_the_database_writable(database):
    outcome = scenario("write_after_failed_export", database)
    assert outcome == {"failure": "export broke halfway", "status": 201}


def test_a_really_busy_database_answers_503_and_writes_nothing(database):
    outcome = scenario("busy_database", database, SQLITE_BUSY_TIMEOUT="1")
    assert outcome["journal_mode"] == "wal"
    assert outcome["lines"] == 0
    status, retry_after, content_type, body = outcome["api"]
    assert (status, retry_after, content_type) == (503, "5", "application/json")
    assert json.loads(body)["errors"][0]["code"] == "database_busy"
    assert "sibuk" in json.loads(body)["errors"][0]["message"]
    status, retry_after, content_type, body = outcome["page"]
    assert (status, retry_after) == (503, "5")
    assert content_type.startswith("text/html")
    assert '<html lang="id">' in body and "sibuk" in body and 'href="/"' in body
