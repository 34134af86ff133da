"""The RKA against its plan: the Renja's pagu indikatif and the narrowest ceiling beside each sub-kegiatan,
program and kegiatan subtotals, a search, funding sources an OPD may budget (by name), the Excel import on
the page, and in a pergeseran each line's change against the base version."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgeting.models import Ceiling, Rka, RkaLine
from budgeting.services import apbd as apbd_services
from budgeting.services import rka as rka_services
from masterdata.models import FundingSource
from tests.budgeting.factories import DINKES, SUB_A, SUB_B, adopt, budget_setup, node, small_apbd
from tests.budgeting.test_excel import csv_file, row

pytestmark = pytest.mark.django_db

PKB = "1.1.01.01.01.0001"  # Pajak Kendaraan Bermotor: a provincial tax


def page_of(client, user, rka, **params):
    client.force_login(user)
    response = client.get(reverse("budgeting:rka-detail", args=[rka.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_each_sub_kegiatan_shows_its_pagu_indikatif_amount_ceiling_and_group_subtotals(client, reference_data):
    small = small_apbd(reference_data, approve=False)
    rka = small.rkas[DINKES]
    Ceiling.objects.create(kua_ppas=small.kua, opd=rka.opd, program=node(reference_data, "1.02.02"), amount=800_000_000)
    Ceiling.objects.create(
        kua_ppas=small.kua, opd=rka.opd, sub_kegiatan=node(reference_data, SUB_B), amount=290_000_000
    )

    html = page_of(client, small.staff[DINKES], rka)

    assert "Pagu indikatif Renja" in html
    assert "Rp 700.000.000" in html and "Rp 300.000.000" in html  # the Renja's pagu of SUB_A and SUB_B
    assert "Rp 290.000.000" in html  # SUB_B's own ceiling, no longer "—"
    assert "Rp 800.000.000" in html  # the program ceiling over SUB_A, on its program's row
    assert 'Program <span class="code">1.02.02</span>' in html
    assert "Rp 612.345.678,90" in html  # program 1.02.02 and its kegiatan: L1 + L2


def test_the_sub_kegiatan_list_is_searched_by_every_word(client, reference_data):
    small = small_apbd(reference_data, approve=False)
    html = page_of(client, small.staff[DINKES], small.rkas[DINKES], q="gaji tunjangan")
    assert SUB_B in html and f"{SUB_A}</span>" not in html


def test_the_rka_page_reads_the_same_number_of_queries_for_more_sub_kegiatan(client, reference_data):
    small = small_apbd(reference_data, approve=False)
    rka, staff = small.rkas[DINKES], small.staff[DINKES]
    url = reverse("budgeting:rka-detail", args=[rka.pk])
    client.force_login(staff)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    sub = rka.sub_kegiatan_set.first()
    for code in ("1.02.02.2.01.0002", "1.02.02.2.02.0001", "1.02.03.2.01.0001"):
        sub.pk, sub.sub_kegiatan, sub.renja_line = None, node(reference_data, code), None
        sub.save()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_funding_sources_are_named_and_a_provincial_tax_is_not_offered_nor_accepted(client, reference_data):
    setup = budget_setup(reference_data)
    pkb = FundingSource.objects.get(version_id=reference_data.reference_version_id, code=PKB)
    client.force_login(setup.staff)
    section = reverse("budgeting:rka-section", args=[setup.rka.pk, f"sk{setup.sub_kegiatan.pk}"])
    html = client.get(section).content.decode()
    dau = setup.funding()
    assert f">{dau.name} ({dau.code})</option>" in html
    assert f'value="{pkb.pk}"' not in html

    with pytest.raises(Exception, match="pajak provinsi"):
        rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values(funding_source=pkb))
    assert not RkaLine.objects.filter(rka=setup.rka).exists()


def test_opd_staff_import_lines_from_the_page_through_the_same_import(
    client, reference_data, django_capture_on_commit_callbacks
):
    setup = budget_setup(reference_data)
    client.force_login(setup.staff)
    url = reverse("reporting:rka-import", args=[setup.rka.pk])
    assert "Impor rincian dari Excel" in page_of(client, setup.staff, setup.rka)

    with django_capture_on_commit_callbacks(execute=True):
        bad = client.post(url, {"file": csv_file([row(), row(kode_rekening="9.9.99")])})
    assert bad.status_code == 302
    refused = client.get(bad["Location"]).content.decode()
    assert "Gagal" in refused and "baris 3" in refused
    assert not RkaLine.objects.filter(rka=setup.rka).exists()

    with django_capture_on_commit_callbacks(execute=True):
        good = client.post(url, {"file": csv_file([row(), row(keterangan="Tinta printer")])})
    assert RkaLine.objects.filter(rka=setup.rka).count() == 2
    assert "2 rincian diimpor" in client.get(good["Location"]).content.decode()
    assert client.post(url, {}).status_code == 400  # no file: nothing queued


def test_only_the_rka_editors_import(client, reference_data):
    setup = budget_setup(reference_data)
    client.force_login(setup.finance)
    response = client.post(reverse("reporting:rka-import", args=[setup.rka.pk]), {"file": csv_file([row()])})
    assert response.status_code == 403
    assert not RkaLine.objects.filter(rka=setup.rka).exists()


def test_a_pergeseran_line_shows_its_change_against_the_base_version(client, reference_data):
    small = small_apbd(reference_data)
    adopt(small.version, small.finance, publish=True)
    shift = apbd_services.create_shift_version(actor=small.finance, fiscal_year=reference_data)
    line = small.line_in(shift, "L2")
    staff = small.staff[DINKES]
    values = {field: getattr(line, field) for field in ("account", "description", "volume_1", "unit_1")}
    rka_services.update_rka_line(
        actor=staff,
        line=line,
        expected_version=line.version,
        **values,
        unit_price=Decimal("10000000.00"),
        funding_source=line.funding_source,
    )
    rka = Rka.objects.get(version=shift, opd__code=DINKES)
    client.force_login(staff)
    html = client.get(reverse("budgeting:rka-section", args=[rka.pk, f"sk{line.sub_kegiatan_id}"])).content.decode()
    # The sign's form is the rupiah filter's; the base amount and the size of the change are this page's.
    assert "semula Rp 12.345.678,90, " in html and "2.345.678,90</small>" in html
    assert "tetap" in html  # L1, unchanged
