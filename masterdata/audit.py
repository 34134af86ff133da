"""The tamper-evident audit trail.

Each event stores the hash of the previous event and the SHA-256 of its own canonical content, so a
changed or removed row breaks the chain at that row. Writers take a lock first so that two
transactions never chain onto the same predecessor; on PostgreSQL a trigger also refuses UPDATE,
DELETE and TRUNCATE on the table (migration 0002).
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from .middleware import current_request_context
from .models import AuditEvent

GENESIS_HASH = "0" * 64
# Arbitrary constant naming the audit chain's advisory lock on PostgreSQL.
_CHAIN_LOCK_KEY = 724_311_001


def to_json_safe(value):
    """Decimals, dates and the like as the strings they are stored as, so hashes survive a round trip."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance, fields=None, exclude=()):
    """The model instance's field values as JSON-safe data, for `before` and `after`."""
    data = model_to_dict(instance, fields=fields, exclude=exclude)
    for key, value in list(data.items()):
        if isinstance(value, list):  # many-to-many: primary keys of the related rows
            data[key] = sorted(getattr(item, "pk", item) for item in value)
    return to_json_safe(data)


def _content(event):
    return {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "opd_id": event.opd_id,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "ip_address": event.ip_address,
        "previous_hash": event.previous_hash,
    }


def compute_hash(event):
    canonical = json.dumps(_content(event), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _chain_head():
    """Lock the chain, then read its last event's (sequence, hash), or None for an empty chain.

    Two plain statements: this runs inside every audited write, so it skips the ORM's query building.
    """
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        # SQLite serialises writing transactions itself.
        cursor.execute(f"SELECT sequence, hash FROM {table} ORDER BY sequence DESC LIMIT 1")  # noqa: S608
        return cursor.fetchone()


def record(*, actor, action, obj=None, object_type="", object_id="", object_repr="", opd=None, before=None, after=None):
    """Append one event. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit events are written inside the transaction of the change they record.")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    request_id, ip_address = current_request_context()
    last = _chain_head()
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        sequence=(last[0] + 1) if last else 1,
        occurred_at=timezone.now(),
        actor=user,
        actor_username=user.get_username() if user else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        object_repr=object_repr[:255],
        opd=opd,
        before=to_json_safe(before),
        after=to_json_safe(after),
        request_id=request_id,
        ip_address=ip_address,
        previous_hash=last[1] if last else GENESIS_HASH,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    return event


@dataclass
class ChainReport:
    checked: int
    head_hash: str
    first_bad_sequence: int | None = None
    problem: str = ""

    @property
    def intact(self):
        return self.first_bad_sequence is None


def verify_chain(batch_size=2000):
    """Walk the chain in order; report the first event whose content, link or position is wrong."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            return ChainReport(
                checked, expected_previous, event.sequence, f"urutan {expected_sequence} hilang (dihapus?)"
            )
        if event.previous_hash != expected_previous:
            return ChainReport(
                checked,
                expected_previous,
                event.sequence,
                "hash sebelumnya tidak cocok: kejadian sebelumnya diubah atau dihapus",
            )
        if compute_hash(event) != event.hash:
            return ChainReport(checked, expected_previous, event.sequence, "isi kejadian diubah")
        expected_previous = event.hash
        expected_sequence += 1
        checked += 1
    return ChainReport(checked, expected_previous)
