"""The public pages in English under /en/: every page answers in English with lang="en", a plain link leads to
the same page in the other language, each language is kept apart in the cache, a draft is as missing in English
as in Indonesian, and staff pages, the API and open data stay Indonesian-only at their own addresses."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse, translate_url
from django.utils import translation

from planning.models import Proposal
from tests.budgeting.factories import DINKES, SUB_A, small_apbd
from tests.factories import UserFactory
from tests.planning.factories import submitted_proposal

pytestmark = pytest.mark.django_db

YEAR = 2024
# Words of the Indonesian interface (not of the data: OPD, program and account names stay as they are).
INDONESIAN = ("Beranda", "Unduh", "Urutkan", "Jejak halaman", "Lompat ke isi", "Cari OPD", "Riwayat", "Kirim")


def english(path):
    return translate_url(path, "en")


def public_paths(small):
    """Every public page of the small published year (Indonesian addresses), with a phrase of its English."""
    number = small.version.number
    proposal = submitted_proposal(UserFactory(role="bappeda"), "kecamatan", small.fiscal_year)
    Proposal.objects.filter(pk=proposal.pk).update(is_moderated=True)
    return {
        "/": "Bondowoso Regency's budget for every citizen",
        f"/apbd/{YEAR}/": "Version history and comparison",
        f"/apbd/{YEAR}/versi/": f"History of the APBD {YEAR}",
        f"/apbd/{YEAR}/cari/?q=puskesmas": f"Search {small.version}",
        f"/apbd/{YEAR}/dokumen/": f"Budget documents {YEAR}",
        f"/apbd/perbandingan/?dari={YEAR}-{number}&ke={YEAR}-{number}": "Summary of both versions",
        f"/apbd/{YEAR}/opd/{DINKES}/": "Spending by",
        f"/apbd/{YEAR}/opd/{DINKES}/sub-kegiatan/{SUB_A}/": "Amount and output",
        f"/apbd/{YEAR}/urusan/": "Spending by function (urusan)",
        f"/apbd/{YEAR}/urusan/1.02.02.2.01/": "Spending by <a",
        f"/apbd/{YEAR}/rekening/": "Budget by account code",
        f"/apbd/{YEAR}/rekening/5.1.02.01.01/": "Budget lines by",
        f"/apbd/{YEAR}/sumber-dana/": "Spending by funding source",
        f"/apbd/{YEAR}/sumber-dana/1.2.01.01.02.0001/": "By funding source",
        "/istilah/": "Glossary of budget terms",
        "/open-data/": "Budget by funding source",
        "/usulan/": "Citizen development proposals",
        "/usulan/baru/": "Send a development proposal",
        f"/usulan/{proposal.tracking_code}/": "Tracking code",
    }


def test_every_public_page_answers_in_english_with_its_language_said(client, published):
    for path, phrase in public_paths(published).items():
        response = client.get(english(path))
        html = response.content.decode()
        assert english(path).startswith("/en/"), path
        assert response.status_code == 200, path
        assert response["Content-Language"] == "en", path
        assert '<html lang="en">' in html, path
        assert phrase in html, path
        assert not [word for word in INDONESIAN if word in html], path
        # And the Indonesian page is as it was.
        indonesian = client.get(path)
        assert indonesian.status_code == 200 and '<html lang="id">' in indonesian.content.decode(), path


def test_the_language_switch_links_each_page_to_itself_in_the_other_language(client, published):
    path = f"/apbd/{YEAR}/?versi={published.version.number}&urut=nama"
    indonesian = client.get(path).content.decode()
    english_page = client.get(english(path)).content.decode()
    english_url = f"http://testserver/en/apbd/{YEAR}/?versi={published.version.number}&amp;urut=nama"
    indonesian_url = f"http://testserver/apbd/{YEAR}/?versi={published.version.number}&amp;urut=nama"
    switch = '<a href="{}" hreflang="{}" lang="{}" rel="alternate">{}</a>'
    assert switch.format(english_url, "en", "en", "English") in indonesian
    assert switch.format(indonesian_url, "id", "id", "Bahasa Indonesia") in english_page
    for html in (indonesian, english_page):  # both versions named in <head>, Indonesian the default
        head = html[: html.index("</head>")]
        assert f'<link rel="alternate" hreflang="id" href="{indonesian_url}">' in head
        assert f'<link rel="alternate" hreflang="en" href="{english_url}">' in head
        assert f'<link rel="alternate" hreflang="x-default" href="{indonesian_url}">' in head
    # Links inside an English page stay English: the OPD, the glossary, the tabs.
    assert f'href="/en/apbd/{YEAR}/opd/{DINKES}/?versi=' in english_page
    assert 'href="/en/istilah/#opd"' in english_page


def test_the_cache_keeps_each_languages_page_apart(client, executed):
    """The realization's month is a word kept with the version's figures: each language reads its own."""
    from decimal import Decimal

    from reporting.services.realization import record_realization

    record_realization(actor=executed.staff[DINKES], line=executed.lines["L2"], month=3, amount=Decimal("1000"))
    for _round in range(2):  # the second round is served from the cache
        assert "Realisasi sampai Maret" in client.get("/").content.decode()
        html = client.get("/en/").content.decode()
        assert "Realized up to March" in html and "Maret" not in html
    drill = client.get(f"/apbd/{YEAR}/urusan/").content.decode()
    assert "Belanja menurut urusan" in drill
    assert "Spending by function (urusan)" in client.get(f"/en/apbd/{YEAR}/urusan/").content.decode()


def test_a_draft_is_the_same_404_in_english(client, reference_data):
    small = small_apbd(reference_data)  # a draft only
    shift_of_nothing = f"/apbd/{YEAR}/?versi={small.version.number}"
    for missing in (f"/apbd/{YEAR}/", f"/apbd/{YEAR}/opd/{DINKES}/", shift_of_nothing, f"/apbd/{YEAR}/urusan/"):
        indonesian, english_page = client.get(missing), client.get("/en" + missing)
        assert indonesian.status_code == english_page.status_code == 404, missing
        # The same answer as a year that never had an APBD, in the page's own language.
        assert main(english_page) == main(client.get("/en/apbd/1999/")), missing
        assert main(indonesian) == main(client.get("/apbd/1999/")), missing
    assert "Page or data not found" in main(english_page)


def main(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_amounts_keep_rupiah_and_indonesian_grouping_in_english(client, published):
    html = client.get(f"/en/apbd/{YEAR}/opd/{DINKES}/sub-kegiatan/{SUB_A}/").content.decode()
    assert "Rp 600.000.000" in html and "Rp 12.345.678,90" in html
    assert "Rp 600,000,000" not in html
    # Shares too, as on the Indonesian page: a decimal comma.
    assert "58,4%" in client.get(f"/en/apbd/{YEAR}/").content.decode()
    assert "Rp 1.250.000,50" in client.get("/en/istilah/").content.decode()  # the glossary says how to read them


def test_a_citizens_feedback_in_english_passes_csrf_and_returns_to_the_english_page(published):
    browser = Client(enforce_csrf_checks=True)
    page = f"/en/apbd/{YEAR}/opd/{DINKES}/"
    html = browser.get(page).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = browser.post(
        f"/en/apbd/{YEAR}/opd/{DINKES}/masukan/?versi={published.version.number}",
        {"csrfmiddlewaretoken": token, "text": "Please open the puskesmas longer."},
        follow=True,
    )
    assert response.redirect_chain[0][0].startswith(page)
    assert "Your feedback was received" in response.content.decode()


def test_staff_pages_the_api_and_open_data_files_have_no_english_version(client, published):
    bappeda = UserFactory(role="bappeda")
    client.force_login(bappeda)
    for path in ("/en/beranda/", "/en/perencanaan/", "/en/masukan-warga/", "/en/anggaran/", "/en/admin/"):
        assert client.get(path).status_code == 404, path
    for path in ("/en/api/v1/public/apbd/", f"/en/open-data/apbd/{YEAR}/datapackage.json", "/en/healthz/"):
        assert client.get(path).status_code == 404, path
    # A browser asking for English changes nothing at the portal's own addresses: no English, no Vary.
    staff = client.get("/beranda/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="id">' in staff.content.decode() and "Accept-Language" not in staff.get("Vary", "")
    assert 'hreflang="en"' not in staff.content.decode()  # a staff page offers no English version
    api = client.get("/api/v1/public/apbd/", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 200 and api["Content-Language"] == "id"
    assert "Accept-Language" not in api.get("Vary", "")
    client.logout()
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="id">' in home.content.decode()


def test_a_request_in_english_leaves_no_english_behind(client, published):
    client.get("/en/")
    assert translation.get_language() == settings.LANGUAGE_CODE
    assert reverse("transparency:glossary") == "/istilah/"


def po_entries():
    text = (Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po").read_text()
    return re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, flags=re.MULTILINE)[1:]  # after the header


def test_every_string_of_the_catalog_has_its_english_and_the_compiled_catalog_matches():
    entries = po_entries()
    assert len(entries) > 250
    assert not [msgid for msgid, msgstr in entries if not msgstr]
    with translation.override("en"):
        for msgid, msgstr in entries:
            unescaped = msgid.encode().decode("unicode_escape").encode("latin-1").decode()
            expected = msgstr.encode().decode("unicode_escape").encode("latin-1").decode()
            assert translation.gettext(unescaped) == expected, msgid  # django.mo is compiled from this .po
