"""The planning journey in a real browser: an OPD builds and submits its Renja with the picker,
Bappeda returns it with a comment, the OPD fixes and resubmits it, Bappeda verifies it; a citizen
sends a proposal and follows it by its code once Bappeda has moderated it."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from masterdata.selectors import current_fiscal_year
from tests.browser.conftest import assert_no_axe_violations, log_in

pytestmark = pytest.mark.browser

# (what the planner types into the picker, the sub-kegiatan code it picks, pagu this year)
LINES = [
    ("rehabilitasi puskesmas", "1.02.02.2.01.0009", "750.000.000"),
    ("1.02.02.2.02.0033", "1.02.02.2.02.0033", "1.200.000.000"),
    ("penyusunan dokumen perencanaan", "X.XX.01.2.01.0001", "85.500.000"),
]


def log_out(page):
    page.get_by_role("button", name=re.compile(r"^Keluar")).click()
    page.wait_for_load_state()


def open_planning(page, section):
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Perencanaan").click()
    page.get_by_role("navigation", name="Menu perencanaan").get_by_role("link", name=section).click()


def line_row(page, code):
    return page.locator("tbody.line", has=page.locator(".code", has_text=code))


def add_line(page, year, query, code, pagu):
    panel = page.locator("#add-line-panel")
    search = panel.get_by_label("Cari kode atau nama sub-kegiatan")
    search.fill(query)
    option = panel.get_by_role("radio", name=re.compile(re.escape(code)))
    option.check()
    panel.get_by_label("Lokasi", exact=True).fill("Kecamatan Maesan")
    panel.get_by_label("Indikator keluaran").fill("Jumlah layanan yang terlaksana")
    panel.get_by_label("Target keluaran").fill("12")
    panel.get_by_label("Satuan").fill("layanan")
    panel.get_by_label(f"Pagu indikatif {year} (Rp)").fill(pagu)
    panel.get_by_label(f"Pagu indikatif {year + 1} (Rp)").fill(pagu)
    panel.get_by_role("button", name="Tambahkan ke Renja").click()
    expect(page.locator("#editor-status")).to_have_text(f"Sub-kegiatan {code} ditambahkan.")
    expect(line_row(page, code)).to_be_visible()
    # Ready for the next one: the cleared picker has the focus.
    expect(page.locator("#add-line-panel").get_by_label("Cari kode atau nama sub-kegiatan")).to_be_focused()


def test_renja_is_built_returned_fixed_and_verified(page, axe, demo_users):
    page.on("dialog", lambda dialog: dialog.accept())
    year = current_fiscal_year().year
    password = settings.DEMO_PASSWORD

    # OPD staff create the year's Renja and add three sub-kegiatan through the picker.
    log_in(page, "opd.dinkes", password)
    open_planning(page, "Renja")
    page.get_by_label("Tahun anggaran").select_option(str(year))
    page.get_by_role("button", name="Buat Renja").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Renja {year} · Dinas Kesehatan")

    # A mistyped amount is refused on its field, in Indonesian, and nothing typed is lost.
    panel = page.locator("#add-line-panel")
    panel.get_by_label("Cari kode atau nama sub-kegiatan").fill("rehabilitasi puskesmas")
    panel.get_by_role("radio", name=re.compile("1.02.02.2.01.0009")).check()
    panel.get_by_label("Indikator keluaran").fill("Puskesmas yang direhabilitasi")
    panel.get_by_label(f"Pagu indikatif {year} (Rp)").fill("tujuh ratus juta")
    panel.get_by_role("button", name="Tambahkan ke Renja").click()
    expect(panel.get_by_role("alert")).to_contain_text("Lokasi: Lokasi wajib diisi.")
    expect(panel.get_by_role("alert")).to_be_focused()
    expect(panel.get_by_label(f"Pagu indikatif {year} (Rp)")).to_have_attribute("aria-invalid", "true")
    expect(panel.get_by_label("Indikator keluaran")).to_have_value("Puskesmas yang direhabilitasi")
    expect(panel.get_by_role("radio", name=re.compile("1.02.02.2.01.0009"))).to_be_checked()

    for query, code, pagu in LINES:
        add_line(page, year, query, code, pagu)
    # One too many: removed again after confirming.
    add_line(page, year, "penyediaan gaji", "X.XX.01.2.02.0001", "10.000.000")
    line_row(page, "X.XX.01.2.02.0001").get_by_role("button", name="Hapus X.XX.01.2.02.0001").click()
    expect(line_row(page, "X.XX.01.2.02.0001")).to_have_count(0)
    expect(page.locator("#editor-status")).to_have_text("Sub-kegiatan X.XX.01.2.02.0001 dihapus dari Renja.")
    expect(page.get_by_role("heading", name="Sub-kegiatan dalam Renja")).to_be_focused()
    totals = page.locator("#renja-totals")
    expect(totals).to_contain_text("3")
    expect(totals).to_contain_text("Rp 2.035.500.000")
    assert_no_axe_violations(axe, page)

    page.get_by_role("button", name="Ajukan ke Bappeda").click()
    expect(page.get_by_role("status").first).to_contain_text("Renja diajukan ke Bappeda")
    expect(page.locator("#add-line-panel")).to_have_count(0)
    log_out(page)

    # Bappeda finds it in the inbox, comments on one line and returns the Renja.
    log_in(page, "bappeda", password)
    open_planning(page, "Verifikasi Renja")
    assert_no_axe_violations(axe, page)
    page.get_by_role("link", name="Dinas Kesehatan").click()
    row = line_row(page, "1.02.02.2.02.0033")
    row.locator("summary", has_text="Tulis catatan").click()
    row.get_by_label("Catatan verifikasi").fill("Target 12 layanan terlalu rendah untuk pagu ini.")
    row.get_by_role("button", name="Simpan catatan").click()
    expect(row.locator(".comment")).to_contain_text("Target 12 layanan terlalu rendah")
    expect(row.get_by_role("heading", name=re.compile("^Catatan verifikasi"))).to_be_focused()
    assert_no_axe_violations(axe, page)
    page.get_by_label("Alasan pengembalian").fill("Perbaiki target keluaran sesuai catatan per baris.")
    page.get_by_role("button", name="Kembalikan ke OPD").click()
    expect(page.get_by_role("status").first).to_contain_text("dikembalikan")
    log_out(page)

    # The OPD reads the note, answers it, fixes the line inline and resubmits.
    log_in(page, "opd.dinkes", password)
    open_planning(page, "Renja")
    page.get_by_role("link", name="Dinas Kesehatan").click()
    expect(page.get_by_text("Renja dikembalikan oleh Bappeda.")).to_be_visible()
    expect(page.locator("#general-comments")).to_contain_text("Perbaiki target keluaran")
    row = line_row(page, "1.02.02.2.02.0033")
    row.locator("summary", has_text="Balas").click()
    row.get_by_label("Balasan").fill("Target dinaikkan menjadi 24 layanan.")
    row.get_by_role("button", name="Kirim balasan").click()
    expect(row.locator(".replies")).to_contain_text("Target dinaikkan menjadi 24 layanan.")

    row.get_by_role("link", name="Ubah 1.02.02.2.02.0033").click()
    editing = page.locator("tbody.line.editing")
    expect(editing.get_by_label("Lokasi", exact=True)).to_be_focused()
    editing.get_by_label("Target keluaran").fill("24")
    editing.get_by_label(f"Pagu indikatif {year} (Rp)").fill("1.250.000.000")
    assert_no_axe_violations(axe, page)
    editing.get_by_role("button", name="Simpan").click()
    expect(page.locator("#editor-status")).to_have_text("Sub-kegiatan 1.02.02.2.02.0033 disimpan.")
    row = line_row(page, "1.02.02.2.02.0033")
    expect(row).to_contain_text("24 layanan")
    expect(row).to_contain_text("Rp 1.250.000.000")
    expect(row.get_by_role("link", name="Ubah 1.02.02.2.02.0033")).to_be_focused()
    expect(totals).to_contain_text("Rp 2.085.500.000")
    page.get_by_role("button", name="Ajukan kembali ke Bappeda").click()
    expect(page.get_by_role("status").first).to_contain_text("Renja diajukan ke Bappeda")
    log_out(page)

    # Bappeda verifies; the history shows every move.
    log_in(page, "bappeda", password)
    open_planning(page, "Verifikasi Renja")
    page.get_by_role("link", name="Dinas Kesehatan").click()
    page.get_by_role("button", name="Verifikasi tahap rancangan awal").click()
    expect(page.get_by_role("status").first).to_contain_text("terverifikasi")
    expect(page.locator(".state-line")).to_contain_text("Terverifikasi")
    history = page.get_by_role("region", name="Riwayat tahap dan status")
    expect(history.locator("tbody tr")).to_have_count(4)


def test_citizen_proposal_is_followed_by_its_code_after_moderation(page, axe, demo_users):
    password = settings.DEMO_PASSWORD
    page.goto("/")
    page.get_by_role("link", name="Usulan warga").click()
    page.get_by_role("link", name="Ajukan usulan baru").click()
    page.get_by_label("Judul usulan").fill("Lampu penerangan jalan dekat SDN Sucolor")
    page.get_by_label("Uraian").fill(
        "Jalan menuju sekolah gelap setelah magrib; anak-anak pulang mengaji lewat jalan ini."
    )
    page.get_by_label("Kecamatan").select_option(label="Maesan")
    village = page.get_by_label("Desa/kelurahan")
    expect(village).to_be_enabled()
    village.select_option(label="Desa Sucolor")
    page.get_by_label("Perkiraan biaya (Rp)").fill("45.000.000")
    page.get_by_label("Nama pengusul").fill("Budi Santoso")
    assert_no_axe_violations(axe, page)
    page.get_by_role("button", name="Kirim usulan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Terima kasih, usulan Anda terkirim")
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"U\d{2}-[2-9A-Z]{6}", code)
    # Before moderation the code confirms receipt, and shows nothing of the proposal.
    assert page.goto(f"/usulan/{code}/").status == 200
    expect(page.locator("main")).to_contain_text("menunggu moderasi Bappeda")
    expect(page.locator("main")).not_to_contain_text("Lampu penerangan jalan")
    assert_no_axe_violations(axe, page)

    log_in(page, "bappeda", password)
    open_planning(page, "Usulan")
    page.get_by_label("Cari judul, uraian atau kode").fill(code)
    page.get_by_role("button", name="Terapkan saringan").click()
    page.get_by_role("link", name=code).click()
    page.locator("summary", has_text="Moderasi usulan warga").click()
    page.get_by_label("Loloskan untuk dikaji").check()
    page.get_by_label("Catatan moderasi").fill("Layak dikaji di Musrenbang kecamatan.")
    page.get_by_role("button", name="Simpan moderasi").click()
    expect(page.get_by_role("status").first).to_contain_text("Dalam kajian")
    log_out(page)

    page.goto("/usulan/")
    page.get_by_label("Kode pelacakan").fill(code.lower())
    page.get_by_role("button", name="Lacak").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lampu penerangan jalan dekat SDN Sucolor")
    expect(page.locator(".timeline")).to_contain_text("Dalam kajian")
    expect(page.locator(".timeline")).to_contain_text("Layak dikaji di Musrenbang kecamatan.")
    assert_no_axe_violations(axe, page)
