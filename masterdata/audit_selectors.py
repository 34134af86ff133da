"""Reads of the audit trail, always through the access module's scope."""

import json
from dataclasses import dataclass

from django.core.paginator import Page, Paginator

from . import access, audit
from .audit_filters import AuditEventFilterSet
from .audit_labels import action_label, field_label, object_label
from .models import AuditEvent, User

PAGE_SIZE = 50
WHOLE_VALUE_KEY = "(nilai)"


def visible_audit_events(user):
    """Every event the user may read, newest first, with what the list shows already joined."""
    events = AuditEvent.objects.select_related("actor", "opd").order_by("-sequence")
    return access.scope_audit_events(user, events)


def filter_options(events):
    """Choices of the filter form, drawn from the visible log so every option can match something."""
    unordered = events.order_by()
    object_types = unordered.values_list("object_type", flat=True).distinct()
    actions = unordered.values_list("action", flat=True).distinct()
    actors = User.objects.filter(pk__in=unordered.values("actor_id")).only("username", "first_name", "last_name")
    return {
        "actors": actors.order_by("username"),
        "object_types": [(code, f"{object_label(code)} ({code})") for code in sorted(object_types)],
        "actions": [(code, f"{action_label(code)} ({code})") for code in sorted(actions)],
    }


@dataclass
class AuditListing:
    filterset: AuditEventFilterSet
    page: Page

    @property
    def page_range(self):
        return self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)


def audit_event_listing(user, params, page_number=None):
    """One page of the visible log filtered by `params`; an invalid filter shows no rows, not all of them."""
    events = visible_audit_events(user)
    filterset = AuditEventFilterSet(params or None, queryset=events, **filter_options(events))
    invalid = filterset.is_bound and not filterset.is_valid()
    rows = events.none() if invalid else filterset.qs.defer("before", "after")
    page = Paginator(rows, PAGE_SIZE).get_page(page_number)
    for event in page.object_list:
        event.object_type_label = object_label(event.object_type)
        event.action_label = action_label(event.action)
    return AuditListing(filterset=filterset, page=page)


@dataclass
class ChangeRow:
    key: str
    label: str
    before: str
    after: str
    status: str  # "", "diubah", "ditambah" or "dihapus"

    @property
    def changed(self):
        return bool(self.status)


def _as_json(value):
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


def event_changes(event):
    """Before and after side by side, key by key, with what changed marked."""
    before, after = event.before, event.after
    if not isinstance(before, dict | None) or not isinstance(after, dict | None):
        before, after = {WHOLE_VALUE_KEY: before}, {WHOLE_VALUE_KEY: after}
    before, after = before or {}, after or {}
    rows = []
    for key in sorted(before.keys() | after.keys()):
        if key not in before:
            status = "ditambah"
        elif key not in after:
            status = "dihapus"
        else:
            status = "diubah" if before[key] != after[key] else ""
        rows.append(
            ChangeRow(
                key=key,
                label=field_label(event.object_type, key),
                before=_as_json(before[key]) if key in before else "",
                after=_as_json(after[key]) if key in after else "",
                status=status,
            )
        )
    return rows


@dataclass
class AuditEventDetail:
    event: AuditEvent
    changes: list
    content_intact: bool
    link_intact: bool
    previous_sequence: int | None
    next_sequence: int | None

    @property
    def changed_keys(self):
        return [row.key for row in self.changes if row.changed]

    @property
    def changed_labels(self):
        return [row.label for row in self.changes if row.changed]


def audit_event_detail(user, sequence):
    """One event by its sequence (404 when missing or not readable), with its own integrity checks."""
    events = visible_audit_events(user)
    event = access.get_visible_or_404(events, sequence=sequence)
    neighbours = dict(
        events.filter(sequence__in=[event.sequence - 1, event.sequence + 1]).values_list("sequence", "hash")
    )
    expected_previous = neighbours.get(event.sequence - 1, audit.GENESIS_HASH if event.sequence == 1 else None)
    event.object_type_label = object_label(event.object_type)
    event.action_label = action_label(event.action)
    return AuditEventDetail(
        event=event,
        changes=event_changes(event),
        content_intact=audit.compute_hash(event) == event.hash,
        link_intact=expected_previous == event.previous_hash,
        previous_sequence=event.sequence - 1 if event.sequence - 1 in neighbours else None,
        next_sequence=event.sequence + 1 if event.sequence + 1 in neighbours else None,
    )
