import csv
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from masterdata import services
from masterdata.models import Account, AuditEvent, FiscalYear, FundingSource, Nomenclature, Opd

pytestmark = pytest.mark.django_db

FILES = {
    Nomenclature: "nomenklatur_program.csv",
    Account: "rekening.csv",
    FundingSource: "sumber_dana.csv",
}


def csv_level_counts(filename):
    with open(services.DATA_DIR / filename, encoding="utf-8") as handle:
        return Counter(row["level"] for row in csv.DictReader(handle))


def test_reference_data_loads_twice_with_identical_counts(reference_data):
    before = {model: model.objects.count() for model in FILES} | {Opd: Opd.objects.count()}
    events = AuditEvent.objects.count()
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    after = {model: model.objects.count() for model in FILES} | {Opd: Opd.objects.count()}
    assert after == before
    assert "Tidak ada perubahan" in out.getvalue()
    assert AuditEvent.objects.count() == events  # nothing changed, nothing audited
    version = reference_data.reference_version
    for model, filename in FILES.items():
        in_db = Counter(model.objects.filter(version=version).values_list("level", flat=True))
        assert in_db == csv_level_counts(filename)
        for level, count in csv_level_counts(filename).items():
            assert f"{level:<20} {count:>6}" in out.getvalue()
    assert Opd.objects.count() == 59
    assert set(FiscalYear.objects.values_list("year", flat=True)) >= {2021, 2022, 2023, 2024}


def test_first_load_is_audited_and_counts_match(reference_data):
    event = AuditEvent.objects.filter(action="reference.load").order_by("sequence").first()
    assert event is not None
    assert event.after["nomenclature"]["per_level"] == dict(csv_level_counts("nomenklatur_program.csv"))
    assert event.after["account"]["created"] == 5003


def test_reload_repairs_a_changed_name(reference_data):
    node = Nomenclature.objects.get(version=reference_data.reference_version, code="1.02.02.2.01.0001")
    original = node.name
    Nomenclature.objects.filter(pk=node.pk).update(name="diubah")
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    node.refresh_from_db()
    assert node.name == original
    assert "diperbarui 1" in out.getvalue()
    assert (
        AuditEvent.objects.filter(action="reference.load")
        .order_by("-sequence")
        .first()
        .after["nomenclature"]["updated"]
        == 1
    )


def test_parents_and_supporting_programs(reference_data):
    version = reference_data.reference_version
    sub = Nomenclature.objects.select_related("parent__parent").get(version=version, code="X.XX.01.2.01.0001")
    assert sub.level == "sub_kegiatan"
    assert sub.parent.code == "X.XX.01.2.01"
    assert sub.parent.parent.code == "X.XX.01"
    account = Account.objects.get(version=version, code="5.1.02.01.01.0024")
    assert account.parent.code == "5.1.02.01.01"
    assert "Alat Tulis Kantor" in account.name
    bagian = Opd.objects.get(code="4.01.0.00.0.00.01.02")
    assert bagian.parent.code == services.SECRETARIAT_CODE
    assert Opd.objects.get(code="2.16.2.20.2.21.01.0000").bidang_codes == ["2.16", "2.20", "2.21"]
