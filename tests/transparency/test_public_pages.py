"""The public APBD pages: totals as published, down to the lines; drafts as missing; one read per version."""

from decimal import Decimal

import pytest
from django.urls import reverse

from budgeting.models import ApbdTotal, RkaSubKegiatan
from budgeting.selectors import apbd as apbd_selectors
from budgeting.services import apbd as apbd_services
from budgeting.services import rka as rka_services
from masterdata.models import User
from masterdata.money import rupiah
from planning.models import Proposal
from tests.budgeting.factories import DINKES, SUB_A, adopt, approve_all, small_apbd
from tests.factories import UserFactory
from tests.planning.factories import submitted_proposal

pytestmark = pytest.mark.django_db


def _page(client, name, *args, query=""):
    response = client.get(reverse(f"transparency:{name}", args=args) + query)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_home_shows_the_published_apbd_at_a_glance(client, published):
    balance = apbd_selectors.stored_balance(published.version)
    html = client.get(reverse("public-home")).content.decode()
    for amount in (balance.pendapatan, balance.belanja, balance.surplus, balance.pembiayaan_netto):
        assert rupiah(amount) in html
    assert 'role="img"' in html and "<desc" in html  # each chart says its figures in words, and as a table
    assert reverse("transparency:apbd", args=[published.fiscal_year.year]) in html


def test_the_year_lists_every_opd_with_its_published_belanja_down_to_the_lines(client, published):
    year = published.fiscal_year.year
    html = _page(client, "apbd", year)
    opds = apbd_selectors.stored_group_totals(published.version, ApbdTotal.Dimension.OPD)
    assert sum(opd.belanja for opd in opds) == apbd_selectors.stored_balance(published.version).belanja
    for opd in opds:
        assert opd.name in html and rupiah(opd.belanja) in html
    dinkes = next(opd for opd in opds if opd.code == DINKES)
    opd_html = _page(client, "opd", year, DINKES)
    assert rupiah(dinkes.belanja) in opd_html
    # L1 (Rp 600.000.000) and L2 (Rp 12.345.678,90) are Dinas Kesehatan's lines of SUB_A.
    sub_html = _page(client, "sub-kegiatan", year, DINKES, SUB_A)
    assert (
        "Rp 600.000.000" in sub_html and "Rp 12.345.678,90" in sub_html and rupiah(Decimal("612345678.90")) in sub_html
    )
    assert reverse("opendata:lines", args=[year, published.version.number, "csv"]) in sub_html


def test_a_draft_is_as_missing_as_a_year_without_apbd(client, reference_data):
    small = small_apbd(reference_data)
    year = small.fiscal_year.year
    for url in (
        reverse("transparency:apbd", args=[year]),
        reverse("transparency:opd", args=[year, DINKES]),
        reverse("transparency:sub-kegiatan", args=[year, DINKES, SUB_A]),
        reverse("transparency:apbd", args=[1999]),
    ):
        assert client.get(url).status_code == 404, url
    assert "Belum ada APBD yang diterbitkan" in client.get(reverse("public-home")).content.decode()


def test_an_earlier_version_stays_readable_and_a_draft_number_is_missing(client, published):
    year = published.fiscal_year.year
    shift = apbd_services.create_shift_version(actor=published.finance, fiscal_year=published.fiscal_year)
    assert client.get(reverse("transparency:apbd", args=[year]) + f"?versi={shift.number}").status_code == 404
    html = _page(client, "apbd", year, query=f"?versi={published.version.number}")
    assert str(published.version) in html


def test_a_new_publication_shows_at_once(client, published):
    year = published.fiscal_year.year
    assert "Pergeseran" not in _page(client, "apbd", year)  # read and cached for the murni
    shift = apbd_services.create_shift_version(actor=published.finance, fiscal_year=published.fiscal_year)
    line = published.line_in(shift, "L1")
    rka_services.update_rka_line(
        actor=published.staff[DINKES], line=line, expected_version=line.version, description="Gedung digeser"
    )
    approve_all(shift, published.staff, published.finance, opd_codes=[DINKES])
    adopt(shift, published.finance, publish=True)
    assert "Pergeseran 1 2024" in _page(client, "apbd", year)


def test_public_pages_read_a_constant_number_of_queries(client, published, django_assert_max_num_queries):
    year = published.fiscal_year.year
    for name, args in (("apbd", [year]), ("opd", [year, DINKES]), ("sub-kegiatan", [year, DINKES, SUB_A])):
        with django_assert_max_num_queries(12):
            _page(client, name, *args)
        with django_assert_max_num_queries(4):  # the version's figures are kept
            _page(client, name, *args)
    with django_assert_max_num_queries(8):
        client.get(reverse("public-home"))


def test_the_version_history_compares_any_two_published_versions(client, published):
    year = published.fiscal_year.year
    shift = apbd_services.create_shift_version(actor=published.finance, fiscal_year=published.fiscal_year)
    # Dinas Kesehatan moves Rp 10.000.000 from the building (L1) to office supplies (L2).
    for label, price in (("L1", "590000000.00"), ("L2", "22345678.90")):
        line = published.line_in(shift, label)
        rka_services.update_rka_line(
            actor=published.staff[DINKES], line=line, expected_version=line.version, unit_price=Decimal(price)
        )
    approve_all(shift, published.staff, published.finance, opd_codes=[DINKES])
    shift = adopt(shift, published.finance, publish=True)
    history = _page(client, "versions", year)
    assert str(published.version) in history and str(shift) in history
    compare = reverse("transparency:compare")
    by_account = client.get(compare, {"dari": f"{year}-1", "ke": f"{year}-2", "dimensi": "account"}).content.decode()
    assert "-Rp 10.000.000" in by_account and "Rp 10.000.000" in by_account
    draft = apbd_services.create_shift_version(actor=published.finance, fiscal_year=published.fiscal_year)
    assert client.get(compare, {"dari": f"{year}-1", "ke": f"{year}-{draft.number}"}).status_code == 404
    assert client.get(compare, {"dari": "x", "ke": f"{year}-1"}).status_code == 404


def test_search_finds_opds_sub_kegiatan_and_recipients_in_published_versions_only(client, published):
    year = published.fiscal_year.year
    found = client.get(reverse("transparency:search", args=[year]), {"q": "kesehatan"}).content.decode()
    assert "Dinas Kesehatan" in found
    nothing = client.get(reverse("transparency:search", args=[year]), {"q": "zzzz-tidak-ada"}).content.decode()
    assert "Tidak ada OPD yang cocok" in nothing and "Tidak ada sub-kegiatan yang cocok" in nothing
    assert client.get(reverse("transparency:search", args=[year + 1]), {"q": "kesehatan"}).status_code == 404


def test_search_reads_a_constant_number_of_queries(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get(reverse("transparency:search", args=[published.fiscal_year.year]), {"q": "dinas kesehatan"})


def test_an_accepted_proposal_shows_the_published_budget_that_answers_it(client, published):
    sub = (
        RkaSubKegiatan.objects.filter(rka__version=published.version, rka__opd__code=DINKES)
        .exclude(renja_line=None)
        .order_by("sub_kegiatan__code")
        .first()
    )
    proposal = submitted_proposal(UserFactory(role=User.Role.BAPPEDA), "kecamatan", published.fiscal_year)
    Proposal.objects.filter(pk=proposal.pk).update(status="accepted", renja_line=sub.renja_line, is_moderated=True)
    page = client.get(reverse("usulan:track", args=[proposal.tracking_code])).content.decode()
    total = sum(line.amount for line in sub.lines.all())
    assert "Dalam APBD" in page and rupiah(total) in page
    assert (
        reverse("transparency:sub-kegiatan", args=[published.fiscal_year.year, DINKES, sub.sub_kegiatan.code]) in page
    )


def test_the_document_register_sets_each_document_against_its_deadline(client, published):
    year = published.fiscal_year.year
    html = _page(client, "documents", year)
    # The small year's KUA-PPAS was agreed on 1 August 2023, before the second week of August.
    assert "Nota kesepakatan" in html and "tepat waktu" in html
    assert "Perda 12 Tahun 2023" in html and "31 Desember 2023" in html
    assert reverse("opendata:package", args=[year, published.version.number]) in html
    assert client.get(reverse("transparency:documents", args=[year + 1])).status_code == 404


def test_home_says_what_the_latest_published_version_changed(client, published):
    shift = apbd_services.create_shift_version(actor=published.finance, fiscal_year=published.fiscal_year)
    for label, price in (("L1", "590000000.00"), ("L2", "22345678.90")):
        line = published.line_in(shift, label)
        rka_services.update_rka_line(
            actor=published.staff[DINKES], line=line, expected_version=line.version, unit_price=Decimal(price)
        )
    approve_all(shift, published.staff, published.finance, opd_codes=[DINKES])
    shift = adopt(shift, published.finance, publish=True)
    html = client.get(reverse("public-home")).content.decode()
    assert f"Yang berubah pada {shift}" in html
    assert "Dinas Kesehatan" in html and "-Rp 10.000.000" in html  # belanja modal down, barang dan jasa up


def test_an_opd_and_a_sub_kegiatan_are_named_in_the_title_alone(client, published):
    year = published.fiscal_year.year
    for name, args in (("opd", [year, DINKES]), ("sub-kegiatan", [year, DINKES, SUB_A])):
        html = _page(client, name, *args)
        title = html[html.index("<title>") : html.index("</title>")]
        assert "Dinas Kesehatan" in title and "<section" not in title


def test_the_public_reads_the_years_realization_against_the_published_budget(client, executed):
    """Home, the OPD list, an OPD's programs and a sub-kegiatan's progress show what has been realized."""
    from decimal import Decimal

    from reporting.services.realization import record_progress, record_realization
    from tests.budgeting.factories import DINKES, SUB_A

    small = executed  # on 15 April 2024
    record_realization(actor=small.staff[DINKES], line=small.lines["L2"], month=3, amount=Decimal("2345678.90"))
    record_progress(
        actor=small.staff[DINKES],
        opd=small.lines["L2"].rka.opd,
        sub_kegiatan_code=SUB_A,
        fiscal_year=small.fiscal_year,
        month=3,
        physical_percent=Decimal("35"),
    )
    home = client.get("/").content.decode()
    assert "Realisasi sampai Maret" in home and "Rp 2.345.678,90" in home
    assert "Rp 2.345.678,90" in client.get("/apbd/2024/").content.decode()
    assert "Rp 2.345.678,90" in client.get(f"/apbd/2024/opd/{DINKES}/").content.decode()
    assert "35,00 %" in client.get(f"/apbd/2024/opd/{DINKES}/sub-kegiatan/{SUB_A}/").content.decode()
