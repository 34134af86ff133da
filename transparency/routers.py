"""Public reads from a replica: public pages, open data and the public API read through the `replica`
database alias when one is configured (settings PUBLIC_READS_ALIAS, from DATABASE_REPLICA_URL), so the public
load of adoption day can move to streaming replicas and more web nodes without code changes.

A request is a public read when its view lives in this app and it only reads (GET, HEAD). Writes always go
to `default`, and so does every read inside a transaction on `default` (it must see what it wrote). Users,
sessions, tokens and the audit trail are always read from `default`: a replica a moment behind must never
decide who someone is.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_public_reads = contextvars.ContextVar("public_reads", default=False)

PUBLIC_APPS = frozenset({"masterdata", "planning", "budgeting", "reporting", "transparency"})
NEVER_FROM_REPLICA = frozenset({"masterdata.user", "masterdata.apitoken", "masterdata.auditevent"})
PUBLIC_VIEW_MODULES = ("transparency.",)


@contextmanager
def public_reads():
    """Reads in this block are public: from the replica when there is one."""
    token = _public_reads.set(True)
    try:
        yield
    finally:
        _public_reads.reset(token)


def _streamed_publicly(content):
    # A streamed body (the open-data CSV) is read after the view has returned, while the server sends it.
    with public_reads():
        yield from content


class PublicReadsMiddleware:
    """Marks the GET and HEAD requests of the public views as public reads, streamed bodies included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "_public_reads_token", None)
        if token is not None:
            _public_reads.reset(token)
            if response.streaming:
                response.streaming_content = _streamed_publicly(response.streaming_content)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in ("GET", "HEAD") and getattr(view_func, "__module__", "").startswith(PUBLIC_VIEW_MODULES):
            request._public_reads_token = _public_reads.set(True)


class PublicReplicaRouter:
    def db_for_read(self, model, **hints):
        alias = getattr(settings, "PUBLIC_READS_ALIAS", None)
        if not alias or not _public_reads.get():
            return None
        if model._meta.app_label not in PUBLIC_APPS or model._meta.label_lower in NEVER_FROM_REPLICA:
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # a replica follows the primary's schema by replication
