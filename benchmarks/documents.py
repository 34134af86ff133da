"""Documents at Bondowoso's scale: the whole year's Penjabaran through the section pipeline against one plain
WeasyPrint render of the same rows, Lampiran I, and the LRA page.

The pipeline runs as in production: a job queued through Redis to two real Celery worker processes, which
render the sections in parallel and merge them. The resident memory of every worker process is sampled the
whole time. The plain render is the same template over all sections' rows at once, in this process, timed in
the same run. Limits: the pipeline at least PIPELINE_SPEEDUP times faster, no worker process above
WORKER_MEMORY_MB, Lampiran I under LAMPIRAN_SECONDS, the whole year's LRA page within LRA_RATIO of a trivial
request. Needs REDIS_URL (the workers' broker); without it the run says so and measures nothing.
"""

import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from benchmarks.harness import ThrowawayDatabase, database_url, measure_against, report, seed_year

PIPELINE_SPEEDUP = 1.7
WORKER_MEMORY_MB = 600
LAMPIRAN_SECONDS = 5.0
LRA_RATIO = 3.0
WORKERS = 2
ROOT = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("BENCH_SCALE", "1.0"))


def _children(pid):
    """The process and all its descendants (a Celery worker's pool processes)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            queue += [int(child) for child in children]
    return found


def _resident_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:  # the process ended between listing and reading
        pass
    return 0.0


class Workers:
    """Two Celery worker processes on a queue of their own, their memory sampled every 0.2 s."""

    def __init__(self, settings_dict, media_root):
        self.queue = f"bench-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(settings_dict),
            "DJANGO_SETTINGS_MODULE": "bondowoso.settings.test",
            "MEDIA_ROOT": str(media_root),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": self.queue,
        }
        self.peak = {}
        self._stop = threading.Event()

    def _sample(self):
        while not self._stop.is_set():
            for pid in _children(self.process.pid):
                self.peak[pid] = max(self.peak.get(pid, 0.0), _resident_mb(pid))
            time.sleep(0.2)

    def __enter__(self):
        command = [sys.executable, "-m", "celery", "-A", "bondowoso", "worker", "-Q", self.queue, "-c", str(WORKERS)]
        command += ["-l", "warning", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        self.sampler = threading.Thread(target=self._sample, daemon=True)
        self.sampler.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.process.terminate()
        self.process.wait(timeout=60)


def _wait(job):
    while True:
        job.refresh_from_db()
        if job.state in ("done", "failed"):
            return job
        time.sleep(0.2)


def _pipeline(finance, version, workers):
    from bondowoso.celery import app
    from reporting.services import jobs as job_services

    app.conf.task_always_eager, app.conf.task_default_queue = False, workers.queue
    started = time.perf_counter()
    job = _wait(job_services.request_job(actor=finance, kind="penjabaran-pdf", params={"version": version.pk}))
    elapsed = time.perf_counter() - started
    app.conf.task_always_eager = True
    if job.state != "done":
        raise SystemExit(f"Penjabaran job failed: {job.error}")
    return elapsed, job


def _plain_render(version, folder):
    """The same rows as one document, one WeasyPrint render in this process."""
    from budgeting.models import RkaLine
    from reporting.documents import kind_for
    from reporting.models import Job

    kind = kind_for("penjabaran-pdf")
    job = Job(kind="penjabaran-pdf", params={"version": version.pk})
    every_block = [block for part in kind.parts(job) for block in part["blocks"]]
    whole = {"blocks": every_block, "last": True}
    started = time.perf_counter()
    kind.run_part(job, whole, Path(folder) / "plain.pdf", lambda percent: None)
    elapsed = time.perf_counter() - started
    return elapsed, RkaLine.objects.filter(rka__version=version).count()


def run():
    if not os.environ.get("REDIS_URL"):
        print("\nDocuments: dilewati — butuh REDIS_URL (broker para pekerja Celery).")
        return True
    with ThrowawayDatabase(shared_file=True) as database, tempfile.TemporaryDirectory() as folder:
        from django.conf import settings
        from django.db import connection
        from django.test import Client

        from budgeting.models import ApbdVersion
        from masterdata.models import User
        from reporting.services import jobs as job_services

        settings.MEDIA_ROOT = Path(folder) / "media"
        started = time.perf_counter()
        seed_year(SCALE)
        print(
            f"\nDocuments ({connection.vendor}, scale {SCALE:g}); year seeded in {time.perf_counter() - started:.0f} s"
        )
        version = ApbdVersion.objects.get(fiscal_year__year=2024, kind=ApbdVersion.Kind.MURNI)
        finance = User.objects.get(username="bpkad")
        connection.close()
        with Workers(database.connection.settings_dict, settings.MEDIA_ROOT) as workers:
            pipeline_seconds, job = _pipeline(finance, version, workers)
        plain_seconds, lines = _plain_render(version, folder)
        peak = max(workers.peak.values())
        speedup = plain_seconds / pipeline_seconds
        print(
            f"Penjabaran, {lines:,} lines, {job.result['pages']:,} pages in {job.sections} sections: pipeline "
            f"{pipeline_seconds:.1f} s with {WORKERS} workers, plain render {plain_seconds:.1f} s: "
            f"{speedup:.2f}x (limit >= {PIPELINE_SPEEDUP}x) {'ok' if speedup >= PIPELINE_SPEEDUP else 'FAILED'}"
        )
        print(
            f"Largest worker process: {peak:.0f} MB resident (limit {WORKER_MEMORY_MB} MB) "
            f"{'ok' if peak <= WORKER_MEMORY_MB else 'FAILED'}"
        )
        lampiran_started = time.perf_counter()
        lampiran = job_services.request_job(actor=finance, kind="lampiran-i-pdf", params={"version": version.pk})
        lampiran_seconds = time.perf_counter() - lampiran_started  # eager: made within the request
        lampiran.refresh_from_db()
        print(
            f"Lampiran I ({lampiran.result.get('pages')} pages): {lampiran_seconds:.2f} s (limit {LAMPIRAN_SECONDS} s) "
            f"{'ok' if lampiran_seconds <= LAMPIRAN_SECONDS else 'FAILED'}"
        )
        client = Client()
        client.force_login(finance)
        lra = f"/laporan/lra/?versi={version.pk}&periode=tahun&rincian=rincian"
        ok = report(
            [
                measure_against(
                    lambda: client.get("/api/v1/me/"), "LRA page, whole year", lambda: client.get(lra), repeat=30
                )
            ],
            {"LRA page, whole year": LRA_RATIO},
        )
        return ok and speedup >= PIPELINE_SPEEDUP and peak <= WORKER_MEMORY_MB and lampiran_seconds <= LAMPIRAN_SECONDS


if __name__ == "__main__":
    sys.exit(0 if run() else 1)
