"""Probes for the load balancer and the orchestrator: /healthz/ says the process answers (no database, no
Redis), /readyz/ that it can serve (the database, the replica when there is one, and Redis answer)."""

import redis
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

PROBE_TIMEOUT = 2  # seconds; a probe that hangs is as bad as one that fails


@never_cache
@require_safe
def healthz(request):
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def _database(alias):
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 (any failure means not ready, and which one is reported)
        return f"gagal: {type(error).__name__}"
    return "ok"


def _redis():
    if not settings.REDIS_URL:
        return "tidak dipakai"
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=PROBE_TIMEOUT, socket_connect_timeout=PROBE_TIMEOUT
        )
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError as error:
        return f"gagal: {type(error).__name__}"
    return "ok"


@never_cache
@require_safe
def readyz(request):
    checks = {"database": _database(DEFAULT_DB_ALIAS)}
    replica = getattr(settings, "PUBLIC_READS_ALIAS", None)
    if replica:
        checks["database_replica"] = _database(replica)
    checks["redis"] = _redis()
    down = sorted(name for name, state in checks.items() if state.startswith("gagal"))
    return JsonResponse({"ready": not down, "down": down, "checks": checks}, status=503 if down else 200)
