"""The budgeting journey in a real browser: the finance officer sets ceilings and records the KUA-PPAS
agreement (and locks it); OPD staff enter RKA lines with the pickers and meet the ceiling message; TAPD
returns the RKA, then approves it; the APBD is adopted and published."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from playwright.sync_api import expect

from budgeting.models import Rka
from budgeting.services import rka as rka_services
from masterdata.models import StandardPriceItem, User
from masterdata.selectors import current_fiscal_year
from tests.browser.conftest import assert_no_axe_violations, log_in
from tests.budgeting.factories import ATK_ACCOUNT, BAPENDA, DINKES, PPKD, SUB_A, account, final_rkpd, funding
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

MODAL_ACCOUNT = "5.2.03.01.01.0001"
DINKES_BELANJA = Decimal("900550000")  # 10 rim x Rp 55.000 + the building of Rp 900.000.000
BAPENDA_BELANJA = Decimal("20000000")


def settled(page, selector):
    """Wait until htmx has wired up content it just swapped in, so typing into it triggers requests."""
    expect(page.locator(selector)).not_to_have_class(re.compile(r"\bhtmx-added\b"))


def log_out(page):
    page.get_by_role("button", name=re.compile(r"^Keluar")).click()
    page.wait_for_load_state()


def open_budgeting(page, section):
    page.get_by_role("navigation", name="Navigasi utama").get_by_role("link", name="Penganggaran").click()
    page.get_by_role("navigation", name="Menu penganggaran").get_by_role("link", name=section, exact=True).click()


def choose_year(page, year):
    page.get_by_label("Tahun anggaran", exact=True).select_option(str(year))
    page.get_by_role("button", name="Tampilkan").click()


def add_policy_line(page, query, code, amount):
    panel = page.locator("#kua-policy")
    panel.get_by_label("Cari kode atau nama rekening").fill(query)
    panel.get_by_role("radio", name=re.compile(rf"^{re.escape(code)} ")).check()
    panel.get_by_label("Jumlah (Rp)", exact=True).fill(amount)
    panel.get_by_role("button", name="Simpan ke KUA-PPAS").click()
    expect(page.locator("#policy-status")).to_contain_text(f"{code} ")
    # Ready for the next account.
    expect(page.locator("#kua-policy").get_by_label("Cari kode atau nama rekening")).to_be_focused()
    settled(page, "#kua-policy")


def pick_account(panel, query, code):
    panel.get_by_label("Cari kode atau nama rekening").fill(query)
    panel.get_by_role("radio", name=re.compile(re.escape(code))).check()


def other_opds_budget(version, fiscal_year, finance):
    """BPKAD (as PPKD) budgets the transfer revenue and Bapenda one belanja line; TAPD approves both, so the
    year balances once Dinas Kesehatan's RKA is approved."""
    rkas = {rka.opd.code: rka for rka in Rka.objects.filter(version=version).select_related("opd", "version")}
    values = {"volume_1": Decimal("1"), "unit_1": "tahun", "funding_source": funding(fiscal_year)}
    for code, sub, account_code, amount in (
        (PPKD, None, "4.2.01.01.01.0001", DINKES_BELANJA + BAPENDA_BELANJA),
        (BAPENDA, "5.02.04.2.01.0001", "5.1.02.01.01.0052", BAPENDA_BELANJA),
    ):
        rka = rkas[code]
        staff = UserFactory(role=User.Role.OPD_STAFF, opd=rka.opd)
        sub_kegiatan = rka.sub_kegiatan_set.get(sub_kegiatan__code=sub) if sub else None
        rka_services.add_rka_line(
            actor=staff,
            rka=rka,
            sub_kegiatan=sub_kegiatan,
            account=account(fiscal_year, account_code),
            unit_price=amount,
            description="Rincian",
            **values,
        )
        rka_services.transition_rka(actor=staff, rka=rka, action="submit")
        rka_services.transition_rka(actor=finance, rka=rka, action="approve")


def test_ceilings_rka_verification_and_adoption(page, axe, demo_users):
    page.on("dialog", lambda dialog: dialog.accept())
    password = settings.DEMO_PASSWORD
    fiscal_year = current_fiscal_year()
    year = fiscal_year.year
    final_rkpd(fiscal_year)
    paper = StandardPriceItem.objects.create(
        fiscal_year=fiscal_year,
        kind=StandardPriceItem.Kind.SSH,
        code="1.1.7.01.03.0001",
        name="Kertas HVS A4",
        specification="70 gram, 1 rim isi 500 lembar",
        unit="rim",
        price=Decimal("55000"),
    )
    paper.accounts.add(account(fiscal_year, ATK_ACCOUNT))
    finance = User.objects.get(username="bpkad")

    # The finance officer drafts the KUA-PPAS from the final RKPD, plans belanja and sets a ceiling inline.
    log_in(page, "bpkad", password)
    open_budgeting(page, "KUA-PPAS")
    choose_year(page, year)
    page.get_by_role("button", name="Buat KUA-PPAS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"KUA-PPAS {year} v1")
    add_policy_line(page, "belanja operasi", "5.1", "1.200.000.000")
    add_policy_line(page, "belanja modal", "5.2", "1.000.000.000")
    expect(page.locator("#kua-figures")).to_contain_text("Rp 2.200.000.000")

    page.get_by_role("link", name="Tabel plafon per OPD").click()
    row = page.locator("tr", has=page.get_by_role("link", name="Dinas Kesehatan"))
    amount = row.get_by_label("Plafon Dinas Kesehatan (Rp)")
    expect(amount).to_have_value("1.000.000.000")
    amount.fill("950.000.000")
    amount.press("Enter")
    expect(page.locator("#ceiling-status")).to_have_text("Plafon Dinas Kesehatan: Rp 950.000.000 disimpan.")
    expect(page.locator("#ceiling-figures")).to_contain_text("Rp 1.550.000.000")  # 950 + 500 + 100 million
    assert_no_axe_violations(axe, page)

    # Submitted to DPRD, agreed with the nota kesepakatan, and locked.
    page.get_by_role("link", name=f"KUA-PPAS {year} v1").click()
    page.get_by_role("button", name="Ajukan ke DPRD").click()
    expect(page.locator(".state-line")).to_contain_text("Diajukan ke DPRD")
    page.get_by_label("Nomor nota kesepakatan").fill(f"050/12/430.6/{year - 1}")
    page.get_by_label("Tanggal nota kesepakatan").fill(f"{year - 1}-08-14")
    page.get_by_role("button", name="Catat kesepakatan").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Nota kesepakatan 050/12/430.6/{year - 1} dicatat")
    page.get_by_role("button", name="Kunci plafon").click()
    expect(page.locator(".state-line")).to_contain_text("Plafon dikunci")

    # The RAPBD opens with an RKA per OPD; the other OPDs' budgets are entered through the services.
    open_budgeting(page, "APBD dan DPA")
    choose_year(page, year)
    page.get_by_role("button", name="Buka RAPBD").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"APBD murni {year}")
    version = Rka.objects.get(opd__code=DINKES).version
    other_opds_budget(version, fiscal_year, finance)
    log_out(page)

    # OPD staff enter lines: the item picker fills the standard price, the amount is computed live.
    log_in(page, "opd.dinkes", password)
    open_budgeting(page, "RKA")
    page.get_by_role("link", name="Dinas Kesehatan").click()
    page.get_by_role("link", name=re.compile(re.escape(SUB_A))).click()
    panel = page.locator("#add-line-panel")
    pick_account(panel, "alat tulis", ATK_ACCOUNT)
    panel.get_by_role("radio", name=re.compile("Kertas HVS A4")).check()
    expect(panel.get_by_label("Harga satuan (Rp)")).to_have_value("55.000,00")
    panel.get_by_label("Volume", exact=True).fill("10")
    expect(panel.locator("#id_add-amount")).to_contain_text("Rp 550.000")
    panel.get_by_label("Sumber dana").select_option(str(funding(fiscal_year).pk))
    panel.get_by_role("button", name="Tambahkan rincian").click()
    expect(page.locator("#editor-status")).to_have_text(f"Rincian {ATK_ACCOUNT} Rp 550.000 ditambahkan.")
    expect(page.locator("#rka-summary")).to_contain_text("Rp 949.450.000")  # remaining of Rp 950.000.000
    # Ready for the next item of the same account.
    expect(page.locator("#add-line-panel").get_by_label("Cari item standar harga")).to_be_focused()
    settled(page, "#add-line-panel")

    # A building too large for the ceiling: refused with what remains, on the amount.
    panel = page.locator("#add-line-panel")
    pick_account(panel, MODAL_ACCOUNT, MODAL_ACCOUNT)
    panel.get_by_label("Keterangan").fill("Gedung puskesmas pembantu")
    panel.get_by_label("Satuan", exact=True).fill("unit")
    panel.get_by_label("Volume", exact=True).fill("1")
    panel.get_by_label("Harga satuan (Rp)").fill("1.000.000.000")
    expect(panel.locator("#id_add-amount")).to_contain_text("Melebihi plafon Dinas Kesehatan")
    panel.get_by_role("button", name="Tambahkan rincian").click()
    alert = page.locator("#add-line-panel").get_by_role("alert")
    expect(alert).to_contain_text("Melebihi plafon Dinas Kesehatan: sisa Rp 949.450.000")
    expect(alert).to_be_focused()
    settled(page, "#add-line-panel")
    panel = page.locator("#add-line-panel")
    panel.get_by_label("Harga satuan (Rp)").fill("900.000.000")
    panel.get_by_role("button", name="Tambahkan rincian").click()
    expect(page.locator("#editor-status")).to_contain_text("Rp 900.000.000 ditambahkan.")
    expect(page.locator("#rka-summary")).to_contain_text("Rp 49.450.000")
    assert_no_axe_violations(axe, page)

    page.get_by_role("link", name="RKA Dinas Kesehatan").click()
    page.get_by_role("button", name="Ajukan ke TAPD").click()
    expect(page.get_by_role("status").first).to_contain_text("RKA diajukan ke TAPD")
    log_out(page)

    # TAPD finds it in the inbox and returns it with a note.
    log_in(page, "bpkad", password)
    open_budgeting(page, "Verifikasi RKA")
    page.get_by_role("link", name="Dinas Kesehatan").click()
    page.get_by_label("Catatan pengembalian").fill("Lampirkan RAB gedung puskesmas pembantu.")
    page.get_by_role("button", name="Kembalikan ke OPD").click()
    expect(page.get_by_role("status").first).to_contain_text("dikembalikan")
    log_out(page)

    # The OPD reads the note and resubmits; TAPD approves.
    log_in(page, "opd.dinkes", password)
    open_budgeting(page, "RKA")
    page.get_by_role("link", name="Dinas Kesehatan").click()
    expect(page.locator("#general-comments")).to_contain_text("Lampirkan RAB gedung")
    page.get_by_role("button", name="Ajukan kembali ke TAPD").click()
    expect(page.get_by_role("status").first).to_contain_text("RKA diajukan ke TAPD")
    log_out(page)

    log_in(page, "bpkad", password)
    open_budgeting(page, "Verifikasi RKA")
    page.get_by_role("link", name="Dinas Kesehatan").click()
    page.get_by_role("button", name="Setujui RKA").click()
    expect(page.get_by_role("status").first).to_contain_text("disetujui TAPD")

    # The RAPBD balances; it goes to DPRD, the Gubernur, is adopted and published.
    open_budgeting(page, "APBD dan DPA")
    choose_year(page, year)
    page.get_by_role("link", name=f"APBD murni {year}").first.click()
    expect(page.locator(".balance-card")).to_contain_text("Seimbang.")
    assert_no_axe_violations(axe, page)
    page.get_by_role("button", name="Ajukan ke DPRD").click()
    page.get_by_label("Tanggal persetujuan bersama DPRD").fill(f"{year - 1}-11-28")
    page.get_by_role("button", name="Catat persetujuan DPRD").click()
    page.get_by_label("Nomor keputusan evaluasi Gubernur").fill(f"100.3.3.1/1234/013/{year - 1}")
    page.get_by_label("Tanggal evaluasi").fill(f"{year - 1}-12-12")
    page.get_by_label("Koreksi hasil evaluasi").fill("Tidak ada koreksi yang mengubah jumlah.")
    page.get_by_role("button", name="Catat evaluasi Gubernur").click()
    page.get_by_label("Nomor Perda APBD").fill(f"12 Tahun {year - 1}")
    page.get_by_label("Tanggal Perda").fill(f"{year - 1}-12-20")
    page.get_by_label("Nomor Perbup penjabaran").fill(f"75 Tahun {year - 1}")
    page.get_by_label("Tanggal Perbup").fill(f"{year - 1}-12-21")
    page.get_by_role("button", name="Tetapkan").click()
    expect(page.locator(".state-line")).to_contain_text("Ditetapkan")
    page.get_by_role("link", name="Terbitkan untuk publik…").click()
    page.get_by_label(re.compile("siap dibaca publik")).check()
    page.get_by_role("button", name="Ya, terbitkan").click()
    expect(page.get_by_role("status").first).to_contain_text("diterbitkan untuk publik")
    expect(page.locator(".state-line")).to_contain_text("Diterbitkan")
    history = page.get_by_role("region", name="Riwayat status")
    expect(history.locator("tbody tr")).to_have_count(5)
