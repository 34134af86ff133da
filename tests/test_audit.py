from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from masterdata import audit
from masterdata.models import AuditEvent, Opd

pytestmark = pytest.mark.django_db


def record_some(count=3):
    opd = Opd.objects.first()
    with transaction.atomic():
        return [
            audit.record(actor=None, action="test.change", obj=opd, before={"n": i}, after={"n": i + 1})
            for i in range(count)
        ]


def test_chain_links_each_event_to_the_previous(reference_data):
    events = record_some()
    assert events[1].previous_hash == events[0].hash
    assert events[2].previous_hash == events[1].hash
    assert events[2].sequence == events[0].sequence + 2
    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    assert "utuh" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused(reference_data):
    with pytest.raises(RuntimeError):
        audit.record(actor=None, action="x", object_type="x")


def test_decimal_and_dates_survive_the_round_trip(reference_data):
    import datetime
    from decimal import Decimal

    with transaction.atomic():
        audit.record(
            actor=None,
            action="test.money",
            object_type="x",
            object_id="1",
            after={"amount": Decimal("1234567890.50"), "date": datetime.date(2024, 1, 2)},
        )
    call_command("verify_audit_log", stdout=StringIO())


def _tamper(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER TABLE
            cursor.execute("ALTER TABLE masterdata_auditevent DISABLE TRIGGER masterdata_auditevent_no_update_delete")
        cursor.execute(sql, params)


def test_changed_row_makes_verification_fail(reference_data):
    events = record_some()
    _tamper("UPDATE masterdata_auditevent SET after = %s WHERE id = %s", ['{"n": 999}', events[1].pk])
    with pytest.raises(CommandError, match=f"#{events[1].sequence}: isi kejadian diubah"):
        call_command("verify_audit_log", stdout=StringIO())


def test_removed_row_makes_verification_fail(reference_data):
    events = record_some()
    _tamper("DELETE FROM masterdata_auditevent WHERE id = %s", [events[1].pk])
    with pytest.raises(CommandError, match=f"#{events[2].sequence}"):
        call_command("verify_audit_log", stdout=StringIO())


@pytest.mark.postgresql
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE masterdata_auditevent SET action = 'diubah'",
        "DELETE FROM masterdata_auditevent",
    ],
)
def test_trigger_refuses_update_and_delete(reference_data, statement):
    record_some(1)
    with pytest.raises(DatabaseError, match="hanya boleh ditambah"), transaction.atomic(), connection.cursor() as c:
        c.execute(statement)
    assert AuditEvent.objects.exists()


@pytest.mark.postgresql
def test_trigger_refuses_truncate(reference_data):
    record_some(1)
    with pytest.raises(DatabaseError, match="hanya boleh ditambah"), transaction.atomic(), connection.cursor() as c:
        c.execute("SET CONSTRAINTS ALL IMMEDIATE")
        c.execute("ALTER TABLE masterdata_auditevent ENABLE TRIGGER masterdata_auditevent_no_truncate")
        c.execute("TRUNCATE masterdata_auditevent")


@pytest.mark.postgresql
def test_orm_update_and_delete_are_refused(reference_data):
    event = record_some(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
