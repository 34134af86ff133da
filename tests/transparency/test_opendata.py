"""Open data of published APBD versions: the Fiscal Data Package validates offline with frictionless, its
lines sum to the published totals to the sen, and the public tables agree with them in CSV, XLSX and JSON.
Drafts and unpublished versions are missing."""

import csv
import gzip
import io
import json
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from budgeting.models import ApbdTotal, RkaLine
from budgeting.selectors import apbd as apbd_selectors
from budgeting.services import apbd as apbd_services
from tests.budgeting.factories import DINKES, adopt, small_apbd
from transparency import opendata, opendata_package
from transparency.selectors import facts

pytestmark = pytest.mark.django_db
YEAR = 2024


def _csv_rows(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode())))


def test_the_year_package_describes_the_latest_published_version(client, published):
    response = client.get(f"/open-data/apbd/{YEAR}/datapackage.json")
    assert response.status_code == 200
    descriptor = response.json()
    assert descriptor["profile"] == "fiscal-data-package"
    assert descriptor["resources"][0]["path"] == "versi/1/rincian.csv"
    model = descriptor["model"]
    assert model["measures"]["jumlah"] == {
        "source": "jumlah",
        "resource": "rincian",
        "currency": "IDR",
        "phase": "approved",
    }
    kinds = {key: model["dimensions"][key].get("classificationType") for key in ("opd", "urusan", "akun")}
    assert kinds == {"opd": "administrative", "urusan": "functional", "akun": "economic"}
    assert model["dimensions"]["sub_kegiatan"]["dimensionType"] == "activity"
    assert {"sumber_dana", "tahap"} <= model["dimensions"].keys()
    by_version = client.get(f"/open-data/apbd/{YEAR}/versi/1/datapackage.json").json()
    assert by_version["resources"][0]["path"] == "rincian.csv"
    assert by_version["name"] == descriptor["name"] == "apbd-bondowoso-2024-versi-1"


def test_the_package_validates_offline_with_frictionless(client, published, tmp_path):
    """What a citizen downloads (the descriptor and its CSV), checked by the frictionless command against the
    profile kept in the repository: the schema of every row, and the package against the fiscal profile."""
    descriptor = client.get(f"/open-data/apbd/{YEAR}/datapackage.json").json()
    lines = client.get(f"/open-data/apbd/{YEAR}/versi/1/rincian.csv")
    (tmp_path / "versi" / "1").mkdir(parents=True)
    (tmp_path / "versi" / "1" / "rincian.csv").write_bytes(b"".join(lines.streaming_content))
    (tmp_path / "fiscal-data-package.json").write_bytes(opendata_package.PROFILE_PATH.read_bytes())
    descriptor["profile"] = "fiscal-data-package.json"  # the same profile, read from disk: no network
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    command = [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    report = json.loads(result.stdout)
    assert report["valid"], json.dumps(report, indent=1)[:4000]
    assert report["stats"]["tasks"] == 1
    assert report["tasks"][0]["stats"]["rows"] == RkaLine.objects.filter(rka__version=published.version).count()


def test_frictionless_refuses_a_package_that_breaks_the_fiscal_profile(client, published, tmp_path):
    """The validation can fail: a measure without its currency is not a fiscal data package."""
    descriptor = client.get(f"/open-data/apbd/{YEAR}/versi/1/datapackage.json").json()
    (tmp_path / "rincian.csv").write_bytes(b"".join(client.get(f"/open-data/apbd/{YEAR}/versi/1/rincian.csv")))
    (tmp_path / "fiscal-data-package.json").write_bytes(opendata_package.PROFILE_PATH.read_bytes())
    descriptor["profile"] = "fiscal-data-package.json"
    del descriptor["model"]["measures"]["jumlah"]["currency"]
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor))
    command = [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert not json.loads(result.stdout)["valid"]


def test_the_lines_sum_to_the_published_totals_to_the_sen(client, published):
    rows = _csv_rows(client.get(f"/open-data/apbd/{YEAR}/versi/1/rincian.csv"))
    assert len(rows) == 11
    by_akun, by_kelompok, by_opd = defaultdict(Decimal), defaultdict(Decimal), defaultdict(Decimal)
    for row in rows:
        amount = Decimal(row["jumlah"])
        by_akun[row["kode_akun"]] += amount
        by_kelompok[row["kode_kelompok"]] += amount
        if row["kode_akun"] == "5":
            by_opd[row["kode_opd"]] += amount
    balance = apbd_selectors.stored_balance(published.version)
    assert by_akun["4"] == balance.pendapatan == Decimal("1020000000.00")
    assert by_akun["5"] == balance.belanja == Decimal("1027345678.90")
    assert by_kelompok["6.1"] == balance.penerimaan_pembiayaan
    assert by_kelompok["6.2"] == balance.pengeluaran_pembiayaan
    stored = {group.code: group.belanja for group in apbd_selectors.stored_group_totals(published.version, "opd")}
    assert {code: amount for code, amount in stored.items() if amount} == dict(by_opd)


def test_a_line_carries_every_classification(client, published):
    rows = {row["uraian"]: row for row in _csv_rows(client.get(f"/open-data/apbd/{YEAR}/versi/1/rincian.csv"))}
    supporting = rows["L3"]  # X.XX.01.2.02.0001 of Dinas Kesehatan counts under its bidang 1.02
    assert supporting["kode_opd"] == DINKES
    functional = (supporting["kode_urusan"], supporting["kode_bidang"], supporting["kode_program"])
    assert functional == ("1", "1.02", "1.02.01")
    assert supporting["kode_sub_kegiatan"] == "1.02.01.2.02.0001"
    assert supporting["nama_program"] and supporting["nama_sub_kegiatan"] and supporting["nama_bidang"]
    assert (supporting["kode_akun"], supporting["kode_kelompok"], supporting["kode_jenis"]) == ("5", "5.1", "5.1.01")
    assert supporting["kode_rekening"] == "5.1.01.01.01.0001"
    assert supporting["nama_akun"] and supporting["nama_rekening"]
    assert supporting["kode_sumber_dana"] and supporting["nama_sumber_dana"]
    assert (supporting["tahap"], supporting["mata_uang"], supporting["jumlah"]) == ("approved", "IDR", "250000000.00")
    revenue = rows["L7"]
    assert revenue["kode_akun"] == "4" and revenue["kode_urusan"] == "" and revenue["kode_sub_kegiatan"] == ""


@pytest.mark.parametrize("key", ["opd", "urusan", "bidang", "program", "rekening", "sumber-dana"])
def test_every_public_table_in_csv_xlsx_and_json_agrees(client, published, key):
    csv_rows = _csv_rows(client.get(f"/open-data/apbd/{YEAR}/{key}.csv"))
    body = client.get(f"/open-data/apbd/{YEAR}/{key}.json").json()
    assert body["versi"] == 1 and body["mata_uang"] == "IDR"
    assert [row["kode"] for row in csv_rows] == [row["kode"] for row in body["baris"]]
    money = [column["nama"] for column in body["kolom"] if column["nama"] not in ("kode", "nama", "tingkat")]
    for csv_row, json_row in zip(csv_rows, body["baris"], strict=True):
        assert all(Decimal(csv_row[name]) == Decimal(json_row[name]) for name in money)
    workbook = load_workbook(io.BytesIO(client.get(f"/open-data/apbd/{YEAR}/{key}.xlsx").content))
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    header = [column["judul"] for column in body["kolom"]]
    start = sheet_rows.index(tuple(header)) + 1
    assert [row[0] for row in sheet_rows[start:]] == [row["kode"] for row in body["baris"]]
    total_column = money[-1] if key != "sumber-dana" else "belanja"
    assert sum(Decimal(str(row[header.index(_title(body, total_column))])) for row in sheet_rows[start:]) == sum(
        Decimal(row[total_column]) for row in body["baris"]
    )


def _title(body, name):
    return next(column["judul"] for column in body["kolom"] if column["nama"] == name)


def test_tables_agree_with_the_published_totals(client, published):
    opd = {row["kode"]: row for row in client.get(f"/open-data/apbd/{YEAR}/opd.json").json()["baris"]}
    assert sum(Decimal(row["belanja"]) for row in opd.values()) == Decimal("1027345678.90")
    assert Decimal(opd[DINKES]["belanja_modal"]) == Decimal("600000000.00")
    sources = client.get(f"/open-data/apbd/{YEAR}/sumber-dana.json").json()["baris"]
    assert sum(Decimal(row["pendapatan"]) for row in sources) == Decimal("1020000000.00")
    accounts = client.get(f"/open-data/apbd/{YEAR}/rekening.csv")
    assert accounts["Content-Disposition"] == 'attachment; filename="apbd-bondowoso-2024-versi-1-rekening.csv"'
    stored = ApbdTotal.objects.filter(version=published.version, dimension="account").count()
    assert len(_csv_rows(accounts)) == stored


def test_drafts_and_unpublished_versions_are_missing(client, reference_data):
    small = small_apbd(reference_data)
    adopted = adopt(small.version, small.finance)  # adopted, not published
    urls = [
        f"/open-data/apbd/{YEAR}/datapackage.json",
        f"/open-data/apbd/{YEAR}/versi/{adopted.number}/datapackage.json",
        f"/open-data/apbd/{YEAR}/versi/{adopted.number}/rincian.csv",
        f"/open-data/apbd/{YEAR}/opd.csv",
        f"/open-data/apbd/{YEAR}/versi/{adopted.number}/program.json",
        f"/open-data/apbd/{YEAR + 50}/datapackage.json",
    ]
    assert [client.get(url).status_code for url in urls] == [404] * len(urls)


def test_a_draft_amendment_stays_invisible_beside_its_published_base(client, published, reference_data):
    shift = apbd_services.create_shift_version(actor=published.finance, fiscal_year=reference_data)
    assert client.get(f"/open-data/apbd/{YEAR}/versi/{shift.number}/datapackage.json").status_code == 404
    assert client.get(f"/open-data/apbd/{YEAR}/versi/{shift.number}/rincian.csv").status_code == 404
    latest = client.get(f"/open-data/apbd/{YEAR}/datapackage.json").json()
    assert latest["version"] == "1"


def test_unknown_tables_and_formats_are_missing(client, published):
    for url in (f"/open-data/apbd/{YEAR}/kegiatan.csv", f"/open-data/apbd/{YEAR}/opd.pdf"):
        assert client.get(url).status_code == 404


def test_the_lines_stream_in_constant_queries(client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(f"/open-data/apbd/{YEAR}/versi/1/rincian.csv")
        assert response.streaming
        body = b"".join(response.streaming_content)
    assert body.count(b"\n") == 12


def test_the_tables_read_in_constant_queries(client, published, django_assert_max_num_queries):
    for key in ("opd", "program", "rekening", "sumber-dana"):
        with django_assert_max_num_queries(4):
            assert client.get(f"/open-data/apbd/{YEAR}/{key}.json").status_code == 200


def test_the_open_data_page_lists_published_versions_only(
    client, published, reference_data, django_assert_max_num_queries
):
    apbd_services.create_shift_version(actor=published.finance, fiscal_year=reference_data)  # a draft
    with django_assert_max_num_queries(2):
        page = client.get("/open-data/").content.decode()
    assert "Tahun anggaran 2024" in page and "APBD murni 2024 (versi 1)" in page
    assert "versi 2" not in page
    assert "/open-data/apbd/2024/versi/1/rincian.csv" in page
    assert page.count("/open-data/apbd/2024/versi/1/") == 2 + 3 * 6


def test_the_open_data_page_says_when_nothing_is_published(client, reference_data):
    assert "Belum ada APBD yang diterbitkan." in client.get("/open-data/").content.decode()


def test_a_selection_of_lines_downloads_as_csv_xlsx_and_json(client, published):
    base = f"/open-data/apbd/{YEAR}/versi/1/rincian"
    cut = {"cut": "sub_kegiatan:1.02.02.2.01.0001|akun:5"}
    rows = _csv_rows(client.get(f"{base}.csv", cut))
    assert sorted(row["uraian"] for row in rows) == ["L1", "L2"]
    body = client.get(f"{base}.json", cut).json()
    assert [row["jumlah"] for row in body["baris"]] == [row["jumlah"] for row in rows]
    assert body["cut"] == {"sub_kegiatan": ["1.02.02.2.01.0001"], "akun": ["5"]}
    response = client.get(f"{base}.xlsx", cut)
    filename = "apbd-bondowoso-2024-versi-1-rincian-akun-5-sub_kegiatan-1.02.02.2.01.0001.xlsx"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    sheet = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    amount = list(facts.FACT_COLUMNS).index("jumlah")
    assert sorted(Decimal(str(row[amount])) for row in sheet[-2:]) == sorted(Decimal(row["jumlah"]) for row in rows)


def test_a_bad_selection_or_one_too_large_for_excel_is_refused(client, published, monkeypatch):
    base = f"/open-data/apbd/{YEAR}/versi/1/rincian"
    assert client.get(f"{base}.csv", {"cut": "kabupaten:1"}).status_code == 400
    monkeypatch.setattr(opendata, "MAX_LINES_IN_ONE_FILE", 10)
    refused = client.get(f"{base}.xlsx")
    assert refused.status_code == 400 and "11 rincian" in refused.content.decode()
    assert client.get(f"{base}.json", {"cut": "akun:4"}).status_code == 200
    assert client.get(f"{base}.pdf").status_code == 404


def test_totals_agree_between_the_package_the_tables_and_the_public_api(client, published):
    lines = _csv_rows(client.get(f"/open-data/apbd/{YEAR}/versi/1/rincian.csv"))
    from_lines = defaultdict(Decimal)
    for row in lines:
        if row["kode_akun"] == "5":
            from_lines[row["kode_opd"]] += Decimal(row["jumlah"])
    table = client.get(f"/open-data/apbd/{YEAR}/opd.json").json()["baris"]
    from_table = {row["kode"]: Decimal(row["belanja"]) for row in table if Decimal(row["belanja"])}
    answer = client.get(f"/api/v1/public/apbd/{YEAR}/aggregate/", {"drilldown": "opd", "cut": "akun:5"})
    assert answer.status_code == 200, answer.content
    cells = answer.json()
    from_api = {cell["opd"]: Decimal(cell["sum"]) for cell in cells["cells"]}
    stored = {group.code: group.belanja for group in apbd_selectors.stored_group_totals(published.version, "opd")}
    assert dict(from_lines) == from_table == from_api == {code: amount for code, amount in stored.items() if amount}


def test_pages_link_a_selection_of_lines_by_its_codes(client, published):
    url = opendata.lines_url(published.version, sub_kegiatan="1.02.01.2.02.0001")
    assert url == "/open-data/apbd/2024/versi/1/rincian.csv?cut=sub_kegiatan:1.02.01.2.02.0001"
    assert [row["uraian"] for row in _csv_rows(client.get(url))] == ["L3"]
    assert opendata.lines_url(published.version, "json", opd=DINKES, akun="5").endswith(f"opd:{DINKES}|akun:5")


def test_any_table_of_the_site_downloads_as_an_aggregate(client, published):
    url = opendata.aggregate_url(published.version, "csv", ["program"], opd=DINKES, akun="5")
    assert url == f"/open-data/apbd/2024/versi/1/agregat.csv?drilldown=program&cut=opd:{DINKES}|akun:5"
    rows = _csv_rows(client.get(url))
    assert {row["program"]: row["sum"] for row in rows} == {"1.02.01": "250000000.00", "1.02.02": "612345678.90"}
    assert all(row["program_nama"] for row in rows) and [row["count"] for row in rows] == ["1", "2"]
    body = client.get(opendata.aggregate_url(published.version, "json", ["akun"])).json()
    assert sum(Decimal(row["sum"]) for row in body["baris"]) == Decimal("2140000000.00")
    workbook = client.get(opendata.aggregate_url(published.version, "xlsx", ["opd", "sumber_dana"]))
    assert workbook.status_code == 200 and workbook["Content-Type"].startswith("application/vnd.openxml")
    assert client.get(f"/open-data/apbd/{YEAR}/versi/1/agregat.csv", {"drilldown": "desa"}).status_code == 400


def test_an_aggregate_too_large_for_one_file_is_refused(client, published, monkeypatch):
    monkeypatch.setattr(opendata, "MAX_CELLS", 5)
    refused = client.get(f"/open-data/apbd/{YEAR}/versi/1/agregat.csv", {"drilldown": "rekening"})
    assert refused.status_code == 400 and "11 sel" in refused.content.decode()


def test_text_that_looks_like_a_formula_stays_text_in_excel(client, published):
    RkaLine.objects.filter(pk=published.lines["L3"].pk).update(description='=HYPERLINK("http://x","klik")')
    response = client.get(f"/open-data/apbd/{YEAR}/versi/1/rincian.xlsx", {"cut": "program:1.02.01"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    [cell] = [cell for row in sheet.iter_rows() for cell in row if str(cell.value).startswith("=HYPERLINK")]
    assert cell.data_type == "s"


def test_a_file_already_downloaded_answers_not_modified_until_a_new_version(client, published, reference_data):
    url = f"/open-data/apbd/{YEAR}/opd.csv"
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"] and "public" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    lines = client.get(f"/open-data/apbd/{YEAR}/versi/1/rincian.csv", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert lines.status_code == 304
    shift = apbd_services.create_shift_version(actor=published.finance, fiscal_year=reference_data)
    adopt(shift, published.finance, publish=True)
    newer = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert newer.status_code == 200 and newer["ETag"] != first["ETag"]


def test_files_are_gzipped_for_clients_that_accept_it(client, published):
    url = f"/open-data/apbd/{YEAR}/versi/1/rincian.csv"
    plain = b"".join(client.get(url).streaming_content)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(packed.streaming_content)) == plain
    table = client.get(f"/open-data/apbd/{YEAR}/rekening.json", HTTP_ACCEPT_ENCODING="gzip")
    assert table["Content-Encoding"] == "gzip" and json.loads(gzip.decompress(table.content))["baris"]
