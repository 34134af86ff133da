"""The interactive API documentation works under the portal's Content-Security-Policy."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_the_operations_and_tries_one(page, demo_users):
    log_in(page, "bappeda", settings.DEMO_PASSWORD)
    page.goto("/api/docs/")
    operation = page.locator(".opblock", has_text="/api/v1/me/").first
    expect(operation).to_be_visible()
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(operation.locator(".live-responses-table tbody .response-col_status").first).to_have_text("200")
