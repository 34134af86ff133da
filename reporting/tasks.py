"""Celery tasks: thin wrappers around the job services and the document kinds.

A job of one part runs in one task. A job of many parts (a large document, rendered per section so that no
worker's memory grows with the document) runs as a chord: each section is its own task, on any worker, and
the merge runs once all are done. Tasks are acknowledged late, so a worker that dies gives its task back.
"""

from celery import chord, shared_task

from .documents import kind_for
from .models import Job
from .services import jobs


def _part_path(job_id, index):
    return jobs.work_dir(job_id) / f"part-{index:05d}"


@shared_task(acks_late=True)
def run_job(job_id):
    token = jobs.claim(job_id)
    if token is None:  # another run has it, or it is finished: a repeated delivery does nothing
        return
    job = Job.objects.get(pk=job_id)
    try:
        kind = kind_for(job.kind)
        parts = kind.parts(job)
        jobs.set_sections(job_id, token, len(parts))
        if len(parts) == 1:
            kind.run_part(job, parts[0], _part_path(job_id, 0), lambda percent: jobs.beat(job_id, token, percent))
            jobs.section_done(job_id, token)
            _finish(job, token, kind, 1)
            return
    except Exception as error:  # the job says why it failed; the task itself has done its work
        jobs.fail(job_id, token, error)
        return
    chord(render_part.si(job_id, token, index, len(parts), part) for index, part in enumerate(parts))(
        merge_parts.si(job_id, token, len(parts))
    )


@shared_task(acks_late=True)
def render_part(job_id, token, index, count, part):
    if not jobs.is_owned(job_id, token):
        return
    job = Job.objects.get(pk=job_id)
    try:
        kind_for(job.kind).run_part(
            job, part, _part_path(job_id, index), lambda percent: jobs.beat(job_id, token), index=index, count=count
        )
    except Exception as error:
        jobs.fail(job_id, token, error)
        return
    jobs.section_done(job_id, token)


@shared_task(acks_late=True)
def merge_parts(job_id, token, count):
    if not jobs.is_owned(job_id, token):  # a part failed, or another run took the job over
        return
    job = Job.objects.get(pk=job_id)
    _finish(job, token, kind_for(job.kind), count)


def _finish(job, token, kind, count):
    output = jobs.work_dir(job.pk) / "output"
    try:
        result = kind.combine(job, [_part_path(job.pk, index) for index in range(count)], output)
    except Exception as error:
        jobs.fail(job.pk, token, error)
        return
    jobs.finish(job.pk, token, output if output.exists() else None, result)


@shared_task
def recover_stale_jobs():
    return jobs.recover_stale_jobs()
