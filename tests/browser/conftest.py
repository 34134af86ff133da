"""Playwright driving Debian's Chromium: one browser per session, a fresh context (cookies) per test."""

import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from demo import reference as demo
from tests.conftest import CHROMIUM, IN_CI

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    # Session fixtures are set up before the autouse marker check, so the browser checks for itself.
    if not shutil.which(CHROMIUM):
        reason = f"Chromium tidak ada di {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"CI: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # Every journey also proves that its pages run under the Content-Security-Policy.
    refused = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    yield page
    context.close()
    assert refused == []


@pytest.fixture
def demo_users(reference_data):
    """The demo users of every role (password: settings.DEMO_PASSWORD), by user name."""
    demo.seed_users()
    return {user.username: user for user in demo.DEMO_USERS}


@pytest.fixture(scope="session")
def axe():
    return Axe()


def log_in(page, username, password):
    """Sign in through the real login form, as a person would."""
    page.goto("/masuk/")
    page.get_by_label("Nama pengguna", exact=True).fill(username)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_load_state()


def assert_no_axe_violations(axe, page):
    """No violation of WCAG 2.1 level A or AA on the page as it stands."""
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]})
    assert results.violations_count == 0, results.generate_report()
