"""Jobs as each reader may see them: their own list, and one job (with its file) by the access rule."""

from masterdata import access

from ..documents import PUBLIC_KINDS
from ..models import Job


def own_jobs(user):
    return Job.objects.filter(requested_by=user).select_related("opd").order_by("-created_at", "-pk")


def job_for(user, pk):
    """A job the user may read and download (404 otherwise, like a missing one)."""
    return access.get_visible_or_404(access.scope_jobs(user, Job.objects.select_related("opd")), pk=pk)


def is_active(job):
    return job.state in (Job.State.QUEUED, Job.State.RUNNING)


def public_documents(versions):
    """{(version id, kind): the newest job} of the public register's documents of these published versions."""
    found = {}
    jobs = Job.objects.filter(kind__in=PUBLIC_KINDS, requested_by=None, params__version__in=[v.pk for v in versions])
    for job in jobs.exclude(state=Job.State.FAILED).order_by("pk"):
        found[(job.params["version"], job.kind)] = job
    return found
