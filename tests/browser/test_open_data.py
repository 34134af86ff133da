"""The open data page as a citizen sees it: no axe violation at 1366 and 360 px, and the package downloads."""

import pytest

from tests.browser.conftest import assert_no_axe_violations
from tests.budgeting.factories import adopt, small_apbd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_finds_and_downloads_the_open_data(page, axe, reference_data):
    small = small_apbd(reference_data)
    adopt(small.version, small.finance, publish=True)
    page.goto("/")
    page.get_by_role("link", name="Data terbuka").click()
    page.get_by_role("heading", name="Tahun anggaran 2024").wait_for()
    for width, height in ((1366, 768), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        assert_no_axe_violations(axe, page)
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    with page.expect_download() as download:
        page.get_by_role("link", name="rincian anggaran (CSV)").click()
    assert download.value.suggested_filename == "apbd-bondowoso-2024-versi-1-rincian.csv"
    assert page.request.get("/open-data/apbd/2024/datapackage.json").json()["countryCode"] == "ID"
