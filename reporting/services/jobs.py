"""Long work as jobs: asked for in a request, done by a Celery worker (or in-process when there is no broker).

A job moves queued → running → done / failed, and failed → queued when retried. A run *claims* the job with a
token; only the run holding the claim may report progress or finish it, so a run taken for dead (its worker
stopped reporting) can never overwrite the run that replaced it. Every step is idempotent: a task delivered
twice finds the job already claimed or done and does nothing.
"""

import datetime
import logging
import shutil
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from budgeting.models import ApbdVersion
from masterdata import access, audit
from masterdata.errors import NOT_ALLOWED, TransitionNotAllowed
from masterdata.importers import InvalidFile

from ..documents import PUBLIC_KINDS, kind_for
from ..models import Job
from ..selectors import realization as realization_selectors

State = Job.State
logger = logging.getLogger(__name__)


def _enqueue(job):
    from ..tasks import run_job  # tasks wrap these services; the import runs only when a job is queued

    transaction.on_commit(lambda: run_job.delay(job.pk))


@transaction.atomic
def request_job(*, actor, kind, params, upload=None):
    """Queue a job the actor may ask for: the kind checks the parameters and that the actor may read the data
    the file will hold (404 like any unreadable object, 400 for bad parameters); an import keeps its upload."""
    job_kind = kind_for(kind)
    spec = job_kind.prepare(actor, params, upload) if upload is not None else job_kind.prepare(actor, params)
    job = Job(
        kind=kind,
        params=spec.params,
        title=spec.title,
        filename=spec.filename,
        opd=spec.opd,
        public=spec.public,
        requested_by=actor if actor.is_authenticated else None,
    )
    if upload is not None:
        job.upload.save(upload.name, upload, save=False)
    job.save()
    audit.record(actor=actor, action="job.request", obj=job, opd=spec.opd, after={"kind": kind, **spec.params})
    _enqueue(job)
    return job


@transaction.atomic
def public_document(*, kind, version):
    """A document of a published version for everyone: the job that made it (or is making it), else one asked
    for on the public's behalf. Each is made once per version; only a failed one is asked for anew."""
    if kind not in PUBLIC_KINDS:
        raise Http404(access.NOT_FOUND_MESSAGE)
    final_month = PUBLIC_KINDS[kind]
    if final_month and realization_selectors.closed_on(version.fiscal_year, final_month)[final_month] is None:
        raise Http404(access.NOT_FOUND_MESSAGE)  # not published yet: its months are still open
    ApbdVersion.objects.select_for_update().get(pk=version.pk)  # two readers at once: one job
    public = AnonymousUser()
    spec = kind_for(kind).prepare(public, {"version": version.pk})
    made = (
        Job.objects.filter(kind=kind, requested_by=None, params=spec.params)
        .exclude(state=State.FAILED)
        .order_by("-pk")
        .first()
    )
    return made or request_job(actor=public, kind=kind, params={"version": version.pk})


@transaction.atomic
def retry_job(*, actor, job):
    """A failed job, queued again by whoever asked for it."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.requested_by_id != actor.pk:
        raise PermissionDenied(NOT_ALLOWED)
    if job.state != State.FAILED:
        raise TransitionNotAllowed(
            "Hanya pekerjaan yang gagal yang dapat diulang.",
            current={"state": job.state, "state_label": job.get_state_display()},
            allowed=[],
        )
    before = {"state": job.state, "error": job.error}
    job.state, job.error, job.progress, job.sections_done, job.attempts = State.QUEUED, "", 0, 0, 0
    job.save(update_fields=["state", "error", "progress", "sections_done", "attempts"])
    audit.record(actor=actor, action="job.retry", obj=job, opd=job.opd, before=before, after={"state": job.state})
    _enqueue(job)
    return job


# --- What the worker calls ---------------------------------------------------------------------


def _stale_before():
    return timezone.now() - datetime.timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)


def claim(job_id):
    """Take a queued job (or one whose run went silent) for this run: its token, or None when another run has
    it or it is finished."""
    token = uuid.uuid4().hex
    now = timezone.now()
    taken = (
        Job.objects.filter(pk=job_id)
        .filter(Q(state=State.QUEUED) | Q(state=State.RUNNING, heartbeat_at__lt=_stale_before()))
        .update(
            state=State.RUNNING,
            claim=token,
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
            progress=0,
            sections_done=0,
            error="",
        )
    )
    return token if taken else None


def _owned(job_id, token):
    return Job.objects.filter(pk=job_id, claim=token, state=State.RUNNING)


def is_owned(job_id, token):
    return _owned(job_id, token).exists()


def beat(job_id, token, progress=None):
    """The run is alive (and this far, 0–99 %, when it knows)."""
    changes = {"heartbeat_at": timezone.now()}
    if progress is not None:
        changes["progress"] = min(int(progress), 99)
    return bool(_owned(job_id, token).update(**changes))


def set_sections(job_id, token, count):
    _owned(job_id, token).update(sections=count, heartbeat_at=timezone.now())


def section_done(job_id, token):
    """One more section rendered; progress counts sections, the merge being the last step."""
    owned = _owned(job_id, token)
    owned.update(sections_done=F("sections_done") + 1, heartbeat_at=timezone.now())
    job = owned.values("sections", "sections_done").first()
    if job and job["sections"]:
        owned.update(progress=min(95 * job["sections_done"] // job["sections"], 95))


def work_dir(job_id):
    path = Path(settings.MEDIA_ROOT) / "jobs" / "work" / str(job_id)
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def finish(job_id, token, path, result=None):
    """Store the file of the run that still owns the job and mark it done."""
    job = Job.objects.select_for_update().filter(pk=job_id, claim=token, state=State.RUNNING).first()
    if job is None:
        return False
    if path is not None:
        with open(path, "rb") as produced:
            job.file.save(job.filename, File(produced), save=False)
    job.state, job.progress, job.finished_at, job.result = State.DONE, 100, timezone.now(), result or {}
    job.save(update_fields=["file", "state", "progress", "finished_at", "result"])
    shutil.rmtree(work_dir(job_id), ignore_errors=True)
    return True


def fail(job_id, token, error):
    """The run's job failed, with the reason its requester reads (a bad row, a refused read, or the error)."""
    if isinstance(error, InvalidFile):
        reason = "Tidak ada baris yang diimpor. Perbaiki baris berikut lalu unggah lagi:\n" + "\n".join(
            str(row) for row in error.errors
        )
    elif isinstance(error, ValidationError):
        messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        reason = "\n".join(message for values in messages.values() for message in values)
    else:
        logger.exception("Job %s failed", job_id, exc_info=error)
        reason = (
            f"Galat saat membuat berkas ({type(error).__name__}: {error}). Ulangi; bila tetap gagal, hubungi admin."
        )
    failed = Job.objects.filter(pk=job_id, claim=token, state=State.RUNNING).update(
        state=State.FAILED, error=reason[:20000], finished_at=timezone.now()
    )
    shutil.rmtree(work_dir(job_id), ignore_errors=True)
    return bool(failed)


def recover_stale_jobs():
    """Jobs whose worker stopped reporting are queued again, or failed once they used up their attempts; queued
    jobs no worker took (a lost message) are sent again. Answers (requeued, failed)."""
    stale = Job.objects.filter(state=State.RUNNING, heartbeat_at__lt=_stale_before())
    exhausted = stale.filter(attempts__gte=settings.JOB_MAX_ATTEMPTS).update(
        state=State.FAILED,
        error=(
            f"Proses pekerja berhenti saat membuat berkas ({settings.JOB_MAX_ATTEMPTS} kali). "
            "Ulangi; bila tetap gagal, hubungi admin."
        ),
        finished_at=timezone.now(),
    )
    again = list(stale.filter(attempts__lt=settings.JOB_MAX_ATTEMPTS).values_list("pk", flat=True))
    Job.objects.filter(pk__in=again, state=State.RUNNING, heartbeat_at__lt=_stale_before()).update(
        state=State.QUEUED, claim=""
    )
    forgotten = Job.objects.filter(state=State.QUEUED, created_at__lt=_stale_before(), started_at=None)
    for job in [*Job.objects.filter(pk__in=again), *forgotten]:
        _enqueue(job)
    return len(again), exhausted
