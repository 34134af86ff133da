"""A line save answers with the RKA's totals and remaining ceilings as they stand after it, computed under the
save's locks from the sums without the line; they must equal what a fresh read shows."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budgeting import ceiling_rules
from budgeting.models import Ceiling, RkaLine, RkaSubKegiatan
from budgeting.services import rka as rka_services
from masterdata.errors import StaleObject
from masterdata.importers import InvalidFile
from masterdata.models import AuditEvent
from tests.budgeting.factories import SUB_A, SUB_B, account, budget_setup, node

D = Decimal
PENDAPATAN_ACCOUNT = "4.1.02.01.01.0001"
PERSONNEL_ACCOUNT = "5.1.01.01.01.0001"


def _figures(standing):
    return standing.totals, [(status.ceiling.pk, status.used, status.remaining) for status in standing.ceilings]


@pytest.fixture
def setup(reference_data):
    """Dinkes with an OPD ceiling, a ceiling on SUB_A's program and one on SUB_B itself, and both sub-kegiatan."""
    setup = budget_setup(reference_data, ceiling=D("5000000"), sub_kegiatan_code=SUB_A)
    program = node(reference_data, SUB_A).parent.parent
    Ceiling.objects.create(kua_ppas=setup.kua, opd=setup.opd, program=program, amount=D("3000000"))
    second = RkaSubKegiatan.objects.create(
        rka=setup.rka,
        sub_kegiatan=node(reference_data, SUB_B),
        location="Kabupaten Bondowoso",
        output_indicator="Jumlah ASN",
        output_target=D("1"),
        output_unit="bulan",
    )
    Ceiling.objects.create(kua_ppas=setup.kua, opd=setup.opd, sub_kegiatan=second.sub_kegiatan, amount=D("1500000"))
    setup.second = second
    return setup


def test_every_write_answers_with_what_a_fresh_read_shows(setup, reference_data):
    staff, rka = setup.staff, setup.rka
    first = rka_services.add_rka_line(actor=staff, rka=rka, **setup.line_values(volume_1=D("100")))
    assert _figures(first.standing) == _figures(ceiling_rules.rka_standing(rka, setup.sub_kegiatan))
    assert first.standing.totals["belanja"] == first.standing.totals["sub_kegiatan"] == D("1000000")
    # OPD ceiling, then the program ceiling over SUB_A: both used by the line.
    assert [status.remaining for status in first.standing.ceilings] == [D("4000000"), D("2000000")]

    other = rka_services.add_rka_line(
        actor=staff, rka=rka, **setup.line_values(sub_kegiatan=setup.second, unit_price=D("25000"))
    )
    assert _figures(other.standing) == _figures(ceiling_rules.rka_standing(rka, setup.second))
    assert [status.remaining for status in other.standing.ceilings] == [D("3750000"), D("1250000")]

    revenue = rka_services.add_rka_line(
        actor=staff,
        rka=rka,
        **setup.line_values(sub_kegiatan=None, account=account(reference_data, PENDAPATAN_ACCOUNT), volume_1=D("3")),
    )
    assert revenue.standing.totals["pendapatan"] == D("30000")
    assert _figures(revenue.standing) == _figures(ceiling_rules.rka_standing(rka))

    # Moved to the other sub-kegiatan and to another account, and raised: the answer is for where it now is.
    moved = rka_services.update_rka_line(
        actor=staff,
        line=first,
        expected_version=1,
        sub_kegiatan=setup.second,
        account=account(reference_data, PERSONNEL_ACCOUNT),
        volume_1=D("110"),
    )
    assert _figures(moved.standing) == _figures(ceiling_rules.rka_standing(rka, setup.second))
    assert moved.standing.totals["sub_kegiatan"] == D("1350000")

    shrunk = rka_services.update_rka_line(actor=staff, line=moved, expected_version=2, unit_price=D("5000"))
    assert _figures(shrunk.standing) == _figures(ceiling_rules.rka_standing(rka, setup.second))

    after_delete = rka_services.delete_rka_line(actor=staff, line=other, expected_version=1)
    assert _figures(after_delete) == _figures(ceiling_rules.rka_standing(rka, setup.second))
    assert after_delete.totals == {
        "pendapatan": D("30000"),
        "belanja": D("550000"),
        "pembiayaan": D("0"),
        "sub_kegiatan": D("550000"),
    }


def test_a_refusal_names_the_narrowest_ceiling_it_breaks(setup):
    rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values(sub_kegiatan=setup.second))
    with pytest.raises(ValidationError) as refused:
        rka_services.add_rka_line(
            actor=setup.staff, rka=setup.rka, **setup.line_values(sub_kegiatan=setup.second, volume_1=D("150"))
        )
    assert refused.value.message_dict["amount"] == [
        "Melebihi plafon sub-kegiatan X.XX.01.2.02.0001: sisa Rp 1.400.000, rincian ini Rp 1.500.000 "
        "(lebih Rp 100.000)."
    ]


def test_an_older_line_object_is_read_again_and_the_callers_object_is_left_alone(setup):
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    rka_services.update_rka_line(actor=setup.staff, line=line, expected_version=1, description="Kertas HVS")
    # `line` is still at version 1; the caller knows version 2 (from another read) and saves on it.
    saved = rka_services.update_rka_line(actor=setup.staff, line=line, expected_version=2, volume_1=D("20"))
    assert (saved.version, saved.amount, saved.description) == (3, D("200000"), "Kertas HVS")
    assert (line.version, line.amount, line.description) == (1, D("100000"), "Alat tulis kantor")
    event = AuditEvent.objects.filter(action="rka_line.update").latest("sequence")
    assert event.before["description"] == "Kertas HVS" and event.before["version"] == 2
    stored = RkaLine.objects.get(pk=line.pk)
    assert (stored.version, stored.amount, stored.description) == (3, D("200000.00"), "Kertas HVS")

    with pytest.raises(StaleObject) as stale:
        rka_services.update_rka_line(actor=setup.staff, line=line, expected_version=1, volume_1=D("30"))
    assert stale.value.current["version"] == 3


def test_a_belanja_line_always_sits_under_a_sub_kegiatan(setup):
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    with pytest.raises(IntegrityError), transaction.atomic():
        RkaLine.objects.filter(pk=line.pk).update(sub_kegiatan=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        RkaLine.objects.filter(pk=line.pk).update(akun=RkaLine.Akun.PENDAPATAN)


def test_saving_a_line_through_the_api_reads_no_more_than_it_needs(setup, client, django_assert_max_num_queries):
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    client.force_login(setup.staff)
    body = json.dumps({"version": 1, "unit_price": "12000"})
    # Session and user; the line with its RKA; its account, funding source, sub-kegiatan and nomenclature; the
    # RKA lock; the item rule; the ceilings; the kegiatan above the sub-kegiatan (a program ceiling exists); the
    # sums; the update; the audit chain's lock, head and event; the savepoints of the service's transaction; the
    # program's code for the answer.
    with django_assert_max_num_queries(19):
        response = client.patch(f"/api/v1/rka-lines/{line.pk}/", data=body, content_type="application/json")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["line"]["amount"] == "120000.00"
    assert answer["totals"]["belanja"] == answer["totals"]["sub_kegiatan"] == "120000.00"
    assert [ceiling["remaining"] for ceiling in answer["ceilings"]] == ["4880000.00", "2880000.00"]


def test_an_import_is_checked_against_the_program_and_sub_kegiatan_ceilings_too(setup):
    rows = [
        (2, setup.line_values(volume_1=D("150"))),  # Rp 1.500.000 under SUB_A: its program's ceiling is 3.000.000
        (3, setup.line_values(sub_kegiatan=setup.second, volume_1=D("100"))),  # 1.000.000 of SUB_B's 1.500.000
        (4, setup.line_values(sub_kegiatan=setup.second, volume_1=D("60"))),  # 1.600.000 in all: over
        (5, setup.line_values(volume_1=D("160"))),  # 3.100.000 under SUB_A's program: over
    ]
    with pytest.raises(InvalidFile) as refused:
        rka_services.import_rka_lines(actor=setup.staff, rka=setup.rka, rows=rows)
    assert [(error.line, error.message) for error in refused.value.errors] == [
        (4, f"melebihi plafon sub-kegiatan {SUB_B}: sisa Rp 1.500.000, baris sampai di sini berjumlah Rp 1.600.000"),
        (5, "melebihi plafon program 1.02.02: sisa Rp 3.000.000, baris sampai di sini berjumlah Rp 3.100.000"),
    ]
    assert not RkaLine.objects.filter(rka=setup.rka).exists()

    created = rka_services.import_rka_lines(actor=setup.staff, rka=setup.rka, rows=rows[:2])
    assert len(created) == 2
    assert ceiling_rules.rka_standing(setup.rka).totals["belanja"] == D("2500000")
