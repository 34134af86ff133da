"""The public drill-downs of a published version: by function (urusan → bidang → program → kegiatan →
sub-kegiatan → the OPDs that carry it), by account (akun → … → rincian objek → its lines) and by funding
source (sources → their OPDs and programs). Every level adds up to the one above and to the belanja stored at
publication, every page has its breadcrumbs, honours `?versi=` and reads a constant number of queries; drafts
and unknown codes answer as missing pages."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgeting.models import Rka
from budgeting.selectors import apbd as apbd_selectors
from budgeting.services import apbd as apbd_services
from budgeting.services import rka as rka_services
from masterdata.models import Account
from masterdata.money import ZERO, rupiah
from masterdata.selectors import budgetable_funding_sources
from tests.budgeting.factories import DAU, DINKES, SUB_A, adopt, approve_all, small_apbd

pytestmark = pytest.mark.django_db

SUB_B_REALISED = "1.02.01.2.02.0001"  # X.XX.01.2.02.0001 of Dinas Kesehatan, under its bidang 1.02
HIERARCHIES = ("urusan", "rekening", "sumber-dana")


def _url(name, year, *args, versi=None):
    url = reverse(f"transparency:{name}", args=[year, *args])
    return f"{url}?versi={versi}" if versi else url


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def _walk(client, url, depths):
    """Open a drill-down page and every page below it (noting the depth of each); each level's rows add up to
    it. Returns its total."""
    response = _get(client, url)
    html, found = response.content.decode(), response.context["found"]
    depths.append(found.depth)
    assert 'aria-label="Jejak halaman"' in html and 'aria-current="page"' in html
    root = reverse(f"transparency:{found.hierarchy.slug}", args=[response.context["version"].fiscal_year.year])
    if found.node.code:  # every level above links back up
        assert root in html and all(code in html for _, code, _ in found.trail)
    assert response.context["csv_url"] in html.replace("&amp;", "&")
    if "page" in response.context:
        lines = list(response.context["page"].object_list)
        assert sum((line["jumlah"] for line in lines), ZERO) == found.node.amount
        for line in lines:
            assert rupiah(line["jumlah"]) in html and line["nama_opd"] in html
        return found.node.amount
    children = response.context["children"]
    for child in children:
        assert child.url in html and rupiah(child.amount) in html
        if child.parts:
            assert sum(part.amount for part in child.parts) == child.amount
            for part in child.parts:
                assert part.url in html
                _get(client, part.url)
        if f"/{found.hierarchy.slug}/" in child.url:
            assert _walk(client, child.url, depths) == child.amount
        else:  # an OPD, or the sub-kegiatan page of the OPD that carries it (its lines)
            assert rupiah(child.amount) in _get(client, child.url).content.decode()
    total = sum((child.amount for child in children), ZERO)
    if found.node.code or found.hierarchy.adds_up:
        assert total == found.node.amount
    return total


@pytest.mark.parametrize("hierarchy", HIERARCHIES)
def test_every_level_adds_up_to_its_parent_and_to_the_stored_belanja(client, published, hierarchy):
    year = published.fiscal_year.year
    balance = apbd_selectors.stored_balance(published.version)
    depths = []
    total = _walk(client, _url(hierarchy, year), depths)
    if hierarchy == "rekening":  # akun 4, 5 and 6 side by side; each is its stored total
        for akun, stored in (("4", balance.pendapatan), ("5", balance.belanja)):
            assert _get(client, _url("rekening-node", year, akun)).context["found"].node.amount == stored
        assert (
            total
            == balance.pendapatan + balance.belanja + balance.penerimaan_pembiayaan + balance.pengeluaran_pembiayaan
        )
    else:
        assert total == balance.belanja == Decimal("1027345678.90")
    assert set(depths) == set(range(-1, {"urusan": 5, "rekening": 5, "sumber-dana": 1}[hierarchy]))  # top: -1


def test_the_function_drill_down_goes_from_urusan_to_the_opd_lines(client, published):
    year = published.fiscal_year.year
    top = _get(client, _url("urusan", year)).context
    assert [(row.code, row.amount) for row in top["children"]] == [
        ("1", Decimal("862345678.90")),
        ("5", Decimal("165000000.00")),
    ]
    # The supporting program X.XX.01 counts under Dinas Kesehatan's own bidang, 1.02.
    program = _get(client, _url("urusan-node", year, "1.02.01"))
    assert program.context["found"].node.amount == Decimal("250000000.00")
    kegiatan = _get(client, _url("urusan-node", year, "1.02.02.2.01")).context
    (sub,) = kegiatan["children"]
    assert sub.code == SUB_A and [part.code for part in sub.parts] == [DINKES]
    assert sub.parts[0].url == _url("sub-kegiatan", year, DINKES, SUB_A, versi=1)
    leaf = _get(client, _url("urusan-node", year, SUB_B_REALISED))
    html = leaf.content.decode()
    assert _url("sub-kegiatan", year, DINKES, SUB_B_REALISED, versi=1) in html
    for ancestor in ("1", "1.02", "1.02.01", "1.02.01.2.02"):
        assert _url("urusan-node", year, ancestor, versi=1) in html
    assert "Beranda" in html and _url("urusan", year, versi=1) in html
    lines = _get(client, _url("sub-kegiatan", year, DINKES, SUB_B_REALISED)).content.decode()
    assert "Rp 250.000.000" in lines


def test_the_account_drill_down_ends_at_the_lines_with_their_opd_and_sub_kegiatan(client, published):
    year = published.fiscal_year.year
    top = _get(client, _url("rekening", year)).content.decode()
    assert "Surplus" in top or "Defisit" in top  # akun 4, 5 and 6 do not add up: the balance says how they meet
    response = _get(client, _url("rekening-node", year, "5.1.02.01.01"))
    html = response.content.decode()
    lines = response.context["page"].object_list
    assert [line["kode_rekening"] for line in lines] == ["5.1.02.01.01.0052", "5.1.02.01.01.0024"]
    assert [line["jumlah"] for line in lines] == [Decimal("20000000.00"), Decimal("12345678.90")]
    assert _url("sub-kegiatan", year, DINKES, SUB_A, versi=1) in html
    assert reverse("opendata:lines", args=[year, 1, "csv"]) + "?cut=rincian:5.1.02.01.01" in html
    by_code = _get(client, _url("rekening-node", year, "5.1.02.01.01") + "?urut=kode").context["page"]
    assert [line["kode_rekening"] for line in by_code.object_list] == ["5.1.02.01.01.0024", "5.1.02.01.01.0052"]
    pendapatan = _get(client, _url("rekening-node", year, "4")).context["found"]
    assert pendapatan.node.amount == Decimal("1020000000.00")


def test_the_funding_source_drill_down_shows_a_sources_opds_and_their_programs(client, published):
    year = published.fiscal_year.year
    (source,) = _get(client, _url("sumber-dana", year)).context["children"]
    assert source.amount == Decimal("1027345678.90")
    opds = _get(client, source.url).context["children"]
    dinkes = next(row for row in opds if row.code == DINKES)
    assert dinkes.url == _url("opd", year, DINKES, versi=1)
    assert {part.code: part.amount for part in dinkes.parts} == {
        "1.02.02": Decimal("612345678.90"),
        "1.02.01": Decimal("250000000.00"),
    }
    assert dinkes.parts[0].url == _url("urusan-node", year, "1.02.02", versi=1)


def test_rows_sort_by_amount_or_by_code(client, published):
    url = _url("urusan-node", published.fiscal_year.year, "1.02")
    assert [row.code for row in _get(client, url).context["children"]] == ["1.02.02", "1.02.01"]
    assert [row.code for row in _get(client, url + "?urut=kode").context["children"]] == ["1.02.01", "1.02.02"]
    assert [row.code for row in _get(client, url + "?urut=x").context["children"]] == ["1.02.02", "1.02.01"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("urusan-node", "9"),
        ("urusan-node", "1.99"),
        ("urusan-node", "X.XX.01"),  # a supporting program is read under an OPD's bidang
        ("urusan-node", "1.02.02.2.01.9999"),
        ("urusan-node", "1.02.0"),
        ("urusan-node", "1;02"),
        ("rekening-node", "7"),
        ("rekening-node", "5.1.02.01.01.0024"),  # a sub rincian objek is a line, not a page
        ("rekening-node", "5.9"),
        ("sumber-dana-node", "1.2.01.01.02.9999"),
        ("sumber-dana-node", "1.2"),
    ],
)
def test_an_unknown_code_is_a_missing_page(client, published, name, code):
    assert client.get(_url(name, published.fiscal_year.year, code)).status_code == 404


def test_a_draft_or_unpublished_version_is_a_missing_page(client, reference_data):
    small = small_apbd(reference_data)
    year = small.fiscal_year.year
    urls = [_url(slug, year) for slug in HIERARCHIES]
    urls += [_url("urusan-node", year, "1.02"), _url("rekening-node", year, "5"), _url("sumber-dana-node", year, DAU)]
    for url in urls + [_url("urusan", 1999)]:
        assert client.get(url).status_code == 404, url
    adopt(small.version, small.finance, publish=True)
    draft = apbd_services.create_shift_version(actor=small.finance, fiscal_year=small.fiscal_year)
    assert client.get(_url("urusan", year)).status_code == 200
    for url in (_url("urusan", year, versi=draft.number), _url("rekening-node", year, "5", versi=draft.number)):
        assert client.get(url).status_code == 404, url


def _shift_with_more_lines(published, count):
    """A published pergeseran where Dinas Kesehatan moves `count` × Rp 1.000.000 of its building (L1) to new
    lines of other accounts and funding sources: more rows at every level, the same belanja."""
    shift = apbd_services.create_shift_version(actor=published.finance, fiscal_year=published.fiscal_year)
    staff = published.staff[DINKES]
    line = published.line_in(shift, "L1")
    rka_services.update_rka_line(
        actor=staff, line=line, expected_version=line.version, unit_price=line.unit_price - count * Decimal("1e6")
    )
    reference = published.fiscal_year.reference_version_id
    accounts = list(
        Account.objects.filter(
            version_id=reference, code__startswith="5.1.02.", code__endswith=".0001", level="sub_rincian_objek"
        )
        .filter(is_active=True)
        .order_by("code")[:count]
    )
    sources = list(budgetable_funding_sources(reference)[:3])
    rka = Rka.objects.get(version=shift, opd__code=DINKES)
    for number, account in enumerate(accounts):
        values = published.line_values(DINKES, SUB_A, account.code, "1000000.00", version=shift)
        values["funding_source"] = sources[number % len(sources)]
        rka_services.add_rka_line(actor=staff, rka=rka, **values)
    approve_all(shift, published.staff, published.finance, opd_codes=[DINKES])
    return adopt(shift, published.finance, publish=True)


def test_an_earlier_version_is_read_with_versi_and_its_links_keep_it(client, published):
    year = published.fiscal_year.year
    shift = _shift_with_more_lines(published, 4)
    latest = _get(client, _url("rekening-node", year, "5.2")).context["found"]
    murni = _get(client, _url("rekening-node", year, "5.2", versi=1))
    assert latest.node.amount == Decimal("596000000.00")
    assert murni.context["found"].node.amount == Decimal("600000000.00")
    assert all(row.url.endswith("?versi=1") for row in murni.context["children"])
    assert f'value="{shift.number}"' in murni.content.decode()  # the selector offers the other versions
    for slug in HIERARCHIES:
        assert _get(client, _url(slug, year, versi=1)).context["version"] == published.version


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    return len(queries)


PAGES = [
    ("urusan", []),
    ("urusan-node", ["1"]),
    ("urusan-node", ["1.02"]),
    ("urusan-node", ["1.02.02"]),
    ("urusan-node", ["1.02.02.2.01"]),
    ("urusan-node", [SUB_A]),
    ("rekening", []),
    ("rekening-node", ["5"]),
    ("rekening-node", ["5.1"]),
    ("rekening-node", ["5.1.02"]),
    ("rekening-node", ["5.1.02.01"]),
    ("rekening-node", ["5.1.02.01.01"]),
    ("sumber-dana", []),
    ("sumber-dana-node", ["1.2.01.01.02.0001"]),
]


def test_every_page_reads_a_constant_number_of_queries_whatever_its_size(client, published):
    year = published.fiscal_year.year
    _shift_with_more_lines(published, 12)  # version 2: twelve more lines, rows at every level
    for name, args in PAGES:
        small, large = (_url(name, year, *args, versi=number) for number in (1, 2))
        cold = [_queries(client, url) for url in (small, large)]
        warm = [_queries(client, url) for url in (small, large)]  # each version's figures are kept
        assert cold[0] == cold[1] <= 12 and warm[0] == warm[1] <= 4, (name, args, cold, warm)
    for name, args in (("sumber-dana", []), ("rekening-node", ["5.1.02.01"]), ("rekening-node", ["5.1.02.01.01"])):
        small, large = (_get(client, _url(name, year, *args, versi=number)).context for number in (1, 2))
        assert len(large.get("children") or large["page"]) > len(small.get("children") or small["page"]), name


def test_the_year_page_and_the_home_lead_to_every_drill_down(client, published):
    year = published.fiscal_year.year
    year_page = _get(client, _url("apbd", year)).content.decode()
    home = _get(client, reverse("public-home")).content.decode()
    for label in ("Per OPD", "Per urusan", "Per rekening", "Per sumber dana"):
        assert label in year_page
    for slug in HIERARCHIES:
        assert _url(slug, year, versi=1) in year_page and _url(slug, year) in home
    assert 'href="/istilah/#sumber-dana"' in _get(client, _url("sumber-dana", year)).content.decode()
