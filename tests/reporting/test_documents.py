"""The official documents asked for from the pages that show their data: an OPD's RKA-SKPD, the KUA-PPAS with
its plafon, the comparison of two versions and the Perda's Lampiran II and rincian by account. Each PDF's text
shows its title, its totals (summed here from the lines, not by the selectors) and its page numbers; each
workbook holds the same totals; each page carries its "Cetak" button and posting it makes the document."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from budgeting.models import Ceiling, KuaAccountLine, RkaLine
from budgeting.services import apbd as apbd_services
from masterdata.models import Account, Nomenclature
from masterdata.money import grouped
from reporting.models import Job
from tests.budgeting.factories import BAPENDA, DINKES, PPKD
from tests.budgeting.test_amendments import shift_dinkes_and_bapenda
from tests.planning.test_api import client_for, errors_of

pytestmark = pytest.mark.django_db
D = Decimal


def _amount(value):
    return grouped(value, 2)  # as the documents print it: 1.027.345.678,90


def _sum(lines, prefix=""):
    return sum((line.amount for line in lines if line.account.code.startswith(prefix)), D("0.00"))


def _lines(version, opd=None):
    lines = RkaLine.objects.filter(rka__version=version).select_related("account", "rka__opd")
    return [line for line in lines if opd is None or line.rka.opd.code == opd]


def _ask(client, callbacks, kind, **params):
    """Post the page's "Cetak" form; the job runs at once (no broker in tests). Answers the job, done."""
    with callbacks(execute=True):
        response = client.post(reverse("reporting:job-request"), {"kind": kind, **params})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.order_by("-pk").first()
    assert response["Location"] == reverse("reporting:job", args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.error
    return job


def _pdf(job):
    with job.file.open("rb") as produced:
        reader = PdfReader(io.BytesIO(produced.read()))
    pages = [page.extract_text() for page in reader.pages]
    assert f"Halaman 1 dari {len(pages)}" in pages[0]
    assert f"Halaman {len(pages)} dari {len(pages)}" in pages[-1]
    assert "PEMERINTAH KABUPATEN BONDOWOSO" in pages[0]
    return "\n".join(pages)


def _cells(job):
    """Every value of every sheet of the job's workbook, row by row."""
    with job.file.open("rb") as produced:
        workbook = load_workbook(io.BytesIO(produced.read()), read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}


def _row(rows, label):
    return next(row for row in rows if label in row)


def _on_page(client, url, kind):
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="kind" value="{kind}"' in page.content.decode()


# --- RKA-SKPD --------------------------------------------------------------------------------------


def test_an_opds_rka_skpd_from_its_rka_page(executed, client, django_capture_on_commit_callbacks):
    version, rka = executed.version, executed.rkas[DINKES]
    client.force_login(executed.staff[DINKES])
    for kind in ("rka-pdf", "rka-xlsx"):
        _on_page(client, reverse("budgeting:rka-detail", args=[rka.pk]), kind)
    lines = _lines(version, DINKES)
    job = _ask(client, django_capture_on_commit_callbacks, "rka-pdf", version=version.pk, opd=DINKES)
    text = _pdf(job)
    assert "RENCANA KERJA DAN ANGGARAN SATUAN KERJA PERANGKAT DAERAH (RKA-SKPD)" in text
    assert "DOKUMEN PELAKSANAAN" not in text and "KEPALA DINAS KESEHATAN" in text
    assert f"JUMLAH BELANJA {rka.opd.name.upper()}" in text and _amount(_sum(lines, "5")) in text
    assert job.opd.code == DINKES and job.public  # the version is published
    sheet = _cells(_ask(client, django_capture_on_commit_callbacks, "rka-xlsx", version=version.pk, opd=DINKES))
    rows = sheet["RKA-SKPD"]
    header = rows.index(_row(rows, "Jumlah (Rp)"))
    amounts = [row[8] for row in rows[header + 1 :]]
    assert len(amounts) == len(lines) and sum(D(str(amount)) for amount in amounts) == _sum(lines)
    assert rows[0][0] == "RENCANA KERJA DAN ANGGARAN SATUAN KERJA PERANGKAT DAERAH (RKA-SKPD) 2024"


def test_opd_staff_neither_ask_for_nor_download_another_opds_rka_skpd(
    executed, client, django_capture_on_commit_callbacks
):
    executed.version.state = "adopted"  # not published: an OPD's RKA is its own
    executed.version.save(update_fields=["state"])
    client.force_login(executed.staff[DINKES])
    asked = client.post(
        reverse("reporting:job-request"), {"kind": "rka-pdf", "version": executed.version.pk, "opd": BAPENDA}
    )
    assert asked.status_code == 404 and not Job.objects.exists()
    assert client.get(reverse("budgeting:rka-detail", args=[executed.rkas[BAPENDA].pk])).status_code == 404
    client.force_login(executed.staff[BAPENDA])
    own = _ask(client, django_capture_on_commit_callbacks, "rka-xlsx", version=executed.version.pk, opd=BAPENDA)
    assert not own.public and own.opd.code == BAPENDA
    client.force_login(executed.staff[DINKES])
    assert client.get(reverse("reporting:job-download", args=[own.pk])).status_code == 404
    client.force_login(executed.finance)
    assert client.get(reverse("reporting:job-download", args=[own.pk])).status_code == 200


# --- KUA-PPAS -------------------------------------------------------------------------------------


def test_the_kua_ppas_with_its_plafon_from_its_page(executed, client, django_capture_on_commit_callbacks):
    kua, year = executed.kua, executed.fiscal_year
    accounts = Account.objects.filter(version_id=year.reference_version_id)
    KuaAccountLine.objects.create(
        kua_ppas=kua, account=accounts.get(code="4.1.02"), amount=D("80000000"), note="Retribusi naik 5%"
    )
    KuaAccountLine.objects.create(kua_ppas=kua, account=accounts.get(code="5.1"), amount=D("1600000000.50"))
    program = Nomenclature.objects.get(version_id=year.reference_version_id, code="1.02.02")
    Ceiling.objects.create(kua_ppas=kua, opd=executed.rkas[DINKES].opd, program=program, amount=D("650000000"))
    opd_ceilings = Ceiling.objects.opd_level().filter(kua_ppas=kua)
    total = sum(ceiling.amount for ceiling in opd_ceilings)
    client.force_login(executed.finance)
    for kind in ("kua-ppas-pdf", "kua-ppas-xlsx"):
        _on_page(client, reverse("budgeting:kua-detail", args=[kua.pk]), kind)
    text = _pdf(_ask(client, django_capture_on_commit_callbacks, "kua-ppas-pdf", kua=kua.pk))
    assert "KEBIJAKAN UMUM APBD SERTA PRIORITAS DAN PLAFON ANGGARAN SEMENTARA" in text
    assert "Nota Kesepakatan Nomor 050/12/430.6/2023" in text and "Retribusi naik 5%" in text
    assert "JUMLAH PLAFON OPD" in text and _amount(total) in text
    assert _amount(D("1600000000.50")) in text and _amount(D("650000000")) in text and "1.02.02" in text
    assert _amount(D("1600000000.50") - total) in text  # planned belanja not yet under a ceiling
    sheets = _cells(_ask(client, django_capture_on_commit_callbacks, "kua-ppas-xlsx", kua=kua.pk))
    assert D(str(_row(sheets["Plafon"], "JUMLAH PLAFON OPD")[3])) == total
    assert D(str(_row(sheets["Kebijakan"], "5.1")[2])) == D("1600000000.50")
    client.force_login(executed.staff[DINKES])  # the KUA-PPAS is TAPD's and DPRD's
    assert client.post(reverse("reporting:job-request"), {"kind": "kua-ppas-pdf", "kua": kua.pk}).status_code == 404


# --- The comparison of two versions -----------------------------------------------------------------


def test_the_comparison_of_two_versions_from_its_page(executed, client, django_capture_on_commit_callbacks, settings):
    settings.DOCUMENT_SECTION_LINES = 1  # each line its own section: the sections still read as one document
    base = executed.version
    shift = apbd_services.create_shift_version(actor=executed.finance, fiscal_year=base.fiscal_year)
    shift_dinkes_and_bapenda(executed, shift)
    client.force_login(executed.finance)
    page = f"{reverse('budgeting:version-diff')}?lama={base.pk}&baru={shift.pk}"
    for kind in ("perbandingan-pdf", "perbandingan-xlsx"):
        _on_page(client, page, kind)
    job = _ask(client, django_capture_on_commit_callbacks, "perbandingan-pdf", version=shift.pk, lama=base.pk)
    assert job.sections == 1 + 2 + 1 + 1  # totals and rollups, two changed lines, one added, one removed
    text = _pdf(job)
    old_l2, new_l2 = executed.lines["L2"].amount, executed.line_in(shift, "L2").amount
    assert "PERBANDINGAN VERSI APBD" in text and f"{base} → {shift}" in text
    assert _amount(old_l2) in text and _amount(new_l2) in text and _amount(new_l2 - old_l2) in text
    assert "Rincian baru" in text and "Rincian dihapus" in text and "Honor" in text
    belanja_old, belanja_new = _sum(_lines(base), "5"), _sum(_lines(shift), "5")
    assert belanja_old == belanja_new  # a pergeseran moves, it does not add: no akun 5 row among the changes
    assert _amount(_sum(_lines(base), "5.1")) in text and _amount(_sum(_lines(shift), "5.1")) in text
    sheets = _cells(
        _ask(client, django_capture_on_commit_callbacks, "perbandingan-xlsx", version=shift.pk, lama=base.pk)
    )
    changed = [row for row in sheets["Rincian"] if row and row[0] == "Berubah"]
    assert sorted(D(str(row[7])) for row in changed) == [D("-10000000.00"), D("10000000.00")]
    assert D(str(_row(sheets["Ringkasan"], "Perubahan bersih")[1])) == 0
    refused = client.post(
        reverse("reporting:job-request"), {"kind": "perbandingan-pdf", "version": shift.pk, "lama": shift.pk}
    )
    assert refused.status_code == 400


# --- The Perda's lampiran: by urusan and organisasi, by account ------------------------------------


def _whole_version_document(executed, client, callbacks, name):
    """The PDF's text and the workbook's cells of a document of the whole version, each asked for with its
    button on the version's page."""
    client.force_login(executed.finance)
    made = []
    for kind in (f"{name}-pdf", f"{name}-xlsx"):
        _on_page(client, reverse("budgeting:apbd-detail", args=[executed.version.pk]), kind)
        made.append(_ask(client, callbacks, kind, version=executed.version.pk))
    return _pdf(made[0]), _cells(made[1])


def test_lampiran_ii_by_urusan_bidang_and_organisasi(executed, client, django_capture_on_commit_callbacks):
    version = executed.version
    lines = _lines(version)
    text, rows = _whole_version_document(executed, client, django_capture_on_commit_callbacks, "lampiran-ii")
    assert "RINGKASAN APBD MENURUT URUSAN PEMERINTAHAN DAERAH DAN ORGANISASI" in text
    assert "Lampiran II Peraturan Daerah Kabupaten Bondowoso Nomor 12 Tahun 2023" in text
    for opd in (DINKES, PPKD, BAPENDA):  # each OPD under its bidang, with its pendapatan and belanja
        own = _lines(version, opd)
        assert _amount(_sum(own, "4")) in text and _amount(_sum(own, "5")) in text
    names = Nomenclature.objects.filter(version_id=version.fiscal_year.reference_version_id)
    for code in ("1", "1.02", "5", "5.02"):  # the urusan and bidang, named (a long name wraps)
        assert f"{code} {names.get(code=code).name}" in " ".join(text.split())
    assert _amount(_sum(lines, "4")) in text and _amount(_sum(lines, "5")) in text
    total = _row(rows["Lampiran II"], "JUMLAH")
    assert D(str(total[2])) == _sum(lines, "4") and D(str(total[7])) == _sum(lines, "5")
    bidang = _row(rows["Lampiran II"], "1.02")
    assert D(str(bidang[7])) == _sum(_lines(version, DINKES), "5")  # its supporting X.XX program counts here


def test_the_rincian_by_account_down_to_rincian_objek(executed, client, django_capture_on_commit_callbacks):
    lines = _lines(executed.version)
    text, rows = _whole_version_document(executed, client, django_capture_on_commit_callbacks, "rincian-akun")
    assert "RINCIAN APBD MENURUT AKUN, KELOMPOK, JENIS, OBJEK DAN RINCIAN OBJEK" in text
    assert "5.1.02.01.01" in text and _amount(_sum(lines, "5.1.02.01.01")) in text  # L2 and L10
    assert _amount(_sum(lines, "5")) in text and _amount(_sum(lines, "4") - _sum(lines, "5")) in text
    sheet = rows["Rincian akun"]
    assert D(str(_row(sheet, "5.1.02.01.01")[2])) == _sum(lines, "5.1.02.01.01")
    assert D(str(_row(sheet, "JUMLAH BELANJA")[2])) == _sum(lines, "5")


def test_whole_version_lampiran_are_for_opd_staff_once_published(executed, client):
    executed.version.state = "adopted"
    executed.version.save(update_fields=["state"])
    client.force_login(executed.staff[DINKES])
    for kind in ("lampiran-ii-pdf", "rincian-akun-xlsx"):
        refused = client.post(reverse("reporting:job-request"), {"kind": kind, "version": executed.version.pk})
        assert refused.status_code == 400
    assert not Job.objects.exists()


def test_the_api_asks_for_each_kind_with_its_own_parameters(executed, django_capture_on_commit_callbacks):
    api = client_for(executed.finance)
    shift = apbd_services.create_shift_version(actor=executed.finance, fiscal_year=executed.fiscal_year)
    asked = {
        "kua-ppas-xlsx": {"kua": executed.kua.pk},
        "perbandingan-xlsx": {"version": shift.pk, "lama": executed.version.pk},
        "rka-xlsx": {"version": executed.version.pk, "opd": DINKES},
    }
    for kind, params in asked.items():
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post("/api/v1/jobs/", {"kind": kind, "params": params}, format="json")
        assert response.status_code == 202, response.content
        assert Job.objects.get(pk=response.json()["id"]).state == Job.State.DONE
    refused = api.post("/api/v1/jobs/", {"kind": "kua-ppas-pdf", "params": {"version": 1}}, format="json")
    assert [error["field"] for error in errors_of(refused, 400)] == ["params.kua"]
    missing = api.post("/api/v1/jobs/", {"kind": "perbandingan-pdf", "params": {"version": shift.pk, "lama": 999999}})
    assert missing.status_code == 404
