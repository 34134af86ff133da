"""A finance officer asks for the LRA PDF from the LRA page, watches its progress and downloads the file."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import expect

from budgeting.services import dpa as dpa_services
from reporting.services.realization import record_realization
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.budgeting.factories import DINKES, adopt, small_apbd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_finance_officer_prints_the_lra_and_downloads_it(page, axe, reference_data, demo_users):
    with time_machine.travel(datetime.datetime(2024, 4, 15, 9, tzinfo=datetime.UTC), tick=False):
        small = small_apbd(reference_data)
        version = adopt(small.version, small.finance, publish=True)
        for dpa in dpa_services.prepare_dpas(actor=small.finance, version=version):
            dpa_services.issue_dpa(actor=small.finance, dpa=dpa, number=f"DPA/{dpa.opd.code}")
        record_realization(actor=small.staff[DINKES], line=small.lines["L2"], month=2, amount=Decimal("1000000"))

    log_in(page, "bpkad", settings.DEMO_PASSWORD)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Laporan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporan Realisasi Anggaran (LRA)")
    page.get_by_label("Periode").select_option(label="Triwulan I")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.get_by_role("cell", name="JUMLAH BELANJA")).to_be_visible()
    expect(page.get_by_role("cell", name="Rp 1.000.000").first).to_be_visible()
    assert_no_axe_violations(axe, page)
    page.get_by_role("button", name="Cetak PDF").click()
    expect(page.get_by_role("progressbar", name="Kemajuan")).to_be_visible()
    expect(page.get_by_text("Selesai", exact=True)).to_be_visible()
    assert_no_axe_violations(axe, page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh").click()
    assert download.value.suggested_filename.startswith("lra-2024-v1-triwulan-1")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.set_viewport_size({"width": 360, "height": 740})
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Dokumen").click()
    expect(page.get_by_role("link", name="Unduh")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
