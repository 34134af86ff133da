"""A citizen reads the published APBD down to a sub-kegiatan, downloads its lines and leaves feedback, which
appears after Bappeda's moderation with the OPD's answer."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from masterdata.models import Nomenclature
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.budgeting.factories import SUB_A, adopt, small_apbd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REMARK = "Mohon puskesmas ini buka sampai sore untuk warga yang bekerja."
ANSWER = "Mulai bulan depan layanan puskesmas dibuka sampai pukul 17.00."


def test_a_citizen_goes_down_to_a_sub_kegiatan_and_is_answered(page, axe, reference_data, demo_users):
    small = small_apbd(reference_data)
    adopt(small.version, small.finance, publish=True)
    sub_name = Nomenclature.objects.get(version_id=reference_data.reference_version_id, code=SUB_A).name

    page.goto("/")
    assert_no_axe_violations(axe, page)
    page.get_by_role("link", name="English").click()  # the same page in English, and back
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bondowoso Regency's budget for every citizen")
    assert_no_axe_violations(axe, page)
    page.get_by_role("link", name="Bahasa Indonesia").click()
    page.get_by_role("link", name="Lihat APBD 2024 per OPD").click()
    page.get_by_role("link", name="Dinas Kesehatan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dinas Kesehatan")
    page.get_by_role("link", name=sub_name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(sub_name)
    assert_no_axe_violations(axe, page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh rincian sub-kegiatan ini (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
    page.get_by_label("Masukan Anda").fill(REMARK)
    page.get_by_role("button", name="Kirim masukan").click()
    expect(page.get_by_text("Masukan Anda diterima")).to_be_visible()
    expect(page.get_by_text(REMARK)).to_have_count(0)  # held until moderated
    sub_page = page.url

    log_in(page, "bappeda", settings.DEMO_PASSWORD)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Masukan warga").click()
    expect(page.get_by_text(REMARK)).to_be_visible()
    assert_no_axe_violations(axe, page)
    page.get_by_label("Keputusan").select_option("approve")
    page.get_by_role("button", name="Simpan keputusan").click()
    page.get_by_role("button", name="Keluar (bappeda)").click()

    log_in(page, "opd.dinkes", settings.DEMO_PASSWORD)
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Masukan warga").click()
    page.get_by_label("Jawaban OPD (tampil di halaman publik)").fill(ANSWER)
    page.get_by_role("button", name="Kirim jawaban").click()
    page.get_by_role("button", name="Keluar (opd.dinkes)").click()

    page.goto(sub_page)
    expect(page.get_by_text(REMARK)).to_be_visible()
    expect(page.get_by_text(ANSWER)).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 740})
    assert_no_axe_violations(axe, page)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
