"""Each role's first journey through a real browser, and the accessibility of the pages everyone meets."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_axe_violations, log_in

pytestmark = pytest.mark.browser

ROLE_HEADINGS = [
    ("opd.dinkes", "Beranda OPD: Dinas Kesehatan"),
    ("opd.pupr", "Beranda OPD: Dinas Pekerjaan Umum dan Penataan Ruang"),
    ("bappeda", "Beranda Bappeda (BP4D)"),
    ("bpkad", "Beranda BPKAD / TAPD"),
    ("dprd", "Beranda DPRD"),
    ("inspektorat", "Beranda Auditor (Inspektorat)"),
    ("admin", "Beranda Administrator"),
]
AUDIT_READERS = {"inspektorat", "admin"}


def test_each_role_lands_on_its_own_home(page, axe, demo_users, subtests):
    # One database set-up for all roles; each role is reported on its own.
    for username, heading in ROLE_HEADINGS:
        with subtests.test(role=username):
            page.context.clear_cookies()
            log_in(page, username, settings.DEMO_PASSWORD)
            expect(page).to_have_url(re.compile(r"/beranda/$"))
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
            expect(page.get_by_role("button", name=f"Keluar ({username})")).to_be_visible()
            nav = page.get_by_role("navigation", name="Navigasi utama")
            expect(nav.get_by_role("link", name="Jejak audit")).to_have_count(1 if username in AUDIT_READERS else 0)
            assert_no_axe_violations(axe, page)


def test_anonymous_visitor_sees_the_public_home(page, axe, reference_data):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anggaran Kabupaten Bondowoso untuk semua warga")
    expect(page.get_by_role("link", name="Masuk").first).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Keluar"))).to_have_count(0)
    assert_no_axe_violations(axe, page)


def test_anonymous_visitor_asking_for_a_staff_page_is_sent_to_login(page):
    page.goto("/beranda/")
    expect(page).to_have_url(re.compile(r"/masuk/\?next=/beranda/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk ke portal")


def test_login_page_has_no_accessibility_violation(page, axe):
    page.goto("/masuk/")
    expect(page.get_by_label("Nama pengguna")).to_be_focused()
    assert_no_axe_violations(axe, page)


def test_wrong_password_shows_an_indonesian_error_and_stays_on_login(page, axe, demo_users):
    log_in(page, "bappeda", "bukan-kata-sandinya")
    expect(page).to_have_url(re.compile(r"/masuk/$"))
    expect(page.get_by_role("alert")).to_contain_text("Nama pengguna atau kata sandi salah")
    expect(page.get_by_label("Nama pengguna")).to_have_value("bappeda")
    expect(page.get_by_label("Kata sandi")).to_have_value("")
    # The page with its error is as accessible as the empty form.
    assert_no_axe_violations(axe, page)


def test_logout_returns_to_the_public_home_and_ends_the_session(page, demo_users):
    log_in(page, "bpkad", settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Keluar (bpkad)").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Anggaran Kabupaten Bondowoso untuk semua warga")
    page.goto("/beranda/")
    expect(page).to_have_url(re.compile(r"/masuk/"))


def test_skip_link_moves_focus_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Lompat ke isi")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_auditor_browses_filters_and_opens_an_audit_event(page, axe, demo_users):
    log_in(page, "inspektorat", settings.DEMO_PASSWORD)
    page.get_by_role("link", name="Jejak audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jejak audit")
    assert_no_axe_violations(axe, page)

    page.get_by_label("Tindakan").select_option("user.create")
    page.get_by_role("button", name="Terapkan saringan").click()
    expect(page).to_have_url(re.compile(r"action=user\.create"))
    rows = page.get_by_role("region", name="Tabel kejadian audit").get_by_role("row")
    expect(rows).to_have_count(len(demo_users) + 1)  # the header row and one row per demo user
    expect(page.get_by_role("table")).not_to_contain_text("reference.")

    rows.nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Kejadian audit #\d+$"))
    expect(page.get_by_text("Isi kejadian cocok dengan hash-nya.")).to_be_visible()
    expect(page.locator("tr.changed").first).to_be_visible()
    assert_no_axe_violations(axe, page)


def test_audit_list_with_a_filter_error_has_no_accessibility_violation(page, axe, demo_users):
    log_in(page, "admin", settings.DEMO_PASSWORD)
    page.goto("/audit/?date_from=2024-03-05&date_to=2024-03-01")
    expect(page.get_by_role("alert")).to_contain_text("Saringan belum benar")
    expect(page.get_by_label("Sampai tanggal")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(axe, page)


def test_staff_without_the_permission_cannot_open_the_audit_trail(page, demo_users):
    log_in(page, "dprd", settings.DEMO_PASSWORD)
    response = page.goto("/audit/")
    assert response.status == 403


def test_the_accessibility_check_catches_a_violation(page, axe):
    page.set_content('<!doctype html><html lang="id"><title>Uji</title><main><img src="peta.png"></main></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        assert_no_axe_violations(axe, page)
