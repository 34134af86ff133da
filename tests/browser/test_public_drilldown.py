"""A citizen on a phone without JavaScript goes down a published APBD by function to an OPD's lines, and by
account to the lines of a rincian objek, choosing the order and the version on the way; no page is wider than
the phone. (test_every_page.py checks each of these pages with axe at 1366 and 360 px.)"""

import re

import pytest
from playwright.sync_api import expect

from tests.budgeting.factories import SUB_A, adopt, small_apbd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FITS = "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=False,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        viewport={"width": 360, "height": 740},
    )
    yield context.new_page()
    context.close()


def test_a_citizen_goes_down_by_function_and_by_account_without_javascript(phone, reference_data):
    small = small_apbd(reference_data)
    adopt(small.version, small.finance, publish=True)
    page = phone
    page.goto("/apbd/2024/")
    page.get_by_role("navigation", name="Cara melihat APBD 2024").get_by_role("link", name="Per urusan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Belanja menurut urusan")
    for href in ("/apbd/2024/urusan/1/", "/apbd/2024/urusan/1.02/", "/apbd/2024/urusan/1.02.02/"):
        page.locator(f'main a[href^="{href}?"]').first.click()
        expect(page).to_have_url(re.compile(re.escape(href)))
    page.get_by_role("link", name="Kode", exact=True).click()  # the order, by a plain link
    expect(page).to_have_url(re.compile(r"urut=kode"))
    assert page.evaluate(FITS)
    page.locator('main a[href^="/apbd/2024/urusan/1.02.02.2.01/?"]').first.click()
    page.get_by_role("link", name="Dinas Kesehatan").first.click()  # the OPD that carries the sub-kegiatan
    expect(page.get_by_role("heading", level=1)).to_contain_text(SUB_A)
    expect(page.get_by_text("Rp 600.000.000").first).to_be_visible()

    page.goto("/apbd/2024/rekening/")
    for href in ("5", "5.1", "5.1.02", "5.1.02.01", "5.1.02.01.01"):
        page.locator(f'main a[href^="/apbd/2024/rekening/{href}/?"]').first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("5.1.02.01.01")
    expect(page.get_by_role("cell", name="Rp 12.345.678,90")).to_be_visible()
    page.get_by_role("navigation", name="Jejak halaman").get_by_role("link", name=re.compile(r"^5\.1\.02 ")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("5.1.02")
    page.get_by_label("Versi").select_option("1")
    page.get_by_role("button", name="Tampilkan").click()  # the version form works without JavaScript
    expect(page).to_have_url(re.compile(r"/rekening/5\.1\.02/\?versi=1"))


def test_the_drill_down_pages_fit_a_phone(page, reference_data):
    small = small_apbd(reference_data)
    adopt(small.version, small.finance, publish=True)
    page.set_viewport_size({"width": 360, "height": 740})
    for path in (
        "/apbd/2024/",
        "/apbd/2024/urusan/",
        "/apbd/2024/urusan/1.02.02.2.01/",
        "/apbd/2024/rekening/",
        "/apbd/2024/rekening/5.1.02.01.01/",
        "/apbd/2024/sumber-dana/1.2.01.01.02.0001/",
        "/en/apbd/2024/urusan/1.02.02.2.01/",  # English labels are longer
    ):
        page.goto(path)
        assert page.evaluate(FITS), path
