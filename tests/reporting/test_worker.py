"""A real Celery worker (two processes) against Redis, not eager: the Penjabaran's sections are rendered by
separate tasks and merged, and a task delivered again does nothing."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection
from pypdf import PdfReader

from bondowoso.celery import app as celery_app
from reporting.models import Job
from reporting.services import jobs as job_services
from reporting.tasks import run_job

pytestmark = [pytest.mark.postgresql, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(tmp_path):
    """A worker on a queue of its own, reading this test's database and media directory."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bondowoso.settings.test",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DOCUMENT_SECTION_LINES": "2",
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "bondowoso",
            "worker",
            "-Q",
            queue,
            "-c",
            "2",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=settings.BASE_DIR,
    )
    before = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
    yield tmp_path / "worker.log"
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = before
    process.terminate()
    process.wait(timeout=30)
    log.close()


def _wait_for(job, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in (Job.State.DONE, Job.State.FAILED):
            return job
        time.sleep(0.5)
    raise AssertionError(f"job still {job.state} after {seconds} s")


def test_a_real_worker_renders_the_sections_and_merges_them(executed, worker):
    job = job_services.request_job(
        actor=executed.finance, kind="penjabaran-pdf", params={"version": executed.version.pk}
    )
    job = _wait_for(job)
    assert job.state == Job.State.DONE, (job.error, worker.read_text())
    assert job.sections > 2 and job.sections_done == job.sections and job.attempts == 1
    log = worker.read_text()
    assert "reporting.tasks.render_part" in log and "reporting.tasks.merge_parts" in log
    with job.file.open("rb") as produced:
        pages = PdfReader(produced).pages
        assert f"Halaman {len(pages)} dari {len(pages)}" in pages[-1].extract_text()
    run_job.delay(job.pk).get(timeout=30)  # delivered again: the finished job is left as it is
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempts == 1
