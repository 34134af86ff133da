"""The budgeting pages over HTTP: the RKA editor (with its htmx fragments and pickers), TAPD's verification,
KUA-PPAS and the ceiling table, the APBD consolidation and adoption, DPA with anggaran kas, and the diff."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgeting.models import ApbdVersion, CashPlan, Ceiling, Dpa, KuaAccountLine, KuaPpas, Rka, RkaComment, RkaLine
from budgeting.services import apbd as apbd_services
from budgeting.services import ceilings as ceiling_services
from budgeting.services import dpa as dpa_services
from budgeting.services import kua as kua_services
from budgeting.services import rka as rka_services
from masterdata.models import Opd, StandardPriceItem, User
from tests.budgeting.factories import (
    ADOPTION_DETAILS,
    BAPENDA,
    DINKES,
    MAMIN_ACCOUNT,
    SMALL_LINES,
    SUB_A,
    SUB_B,
    account,
    adopt,
    budget_setup,
    final_rkpd,
    finance_user,
    small_apbd,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
D = Decimal


def client_for(client, user):
    client.force_login(user)
    return client


def main_content(response):
    """What the page says (its <main>), without the per-response CSRF token of the frame."""
    return re.search(r"<main.*</main>", response.content.decode(), re.DOTALL).group(0)


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def section_url(rka, sub):
    return reverse("budgeting:rka-section", args=[rka.pk, f"sk{sub.pk}"])


def line_form(setup, prefix="add", **overrides):
    """What the add (or edit) form posts for a line of 10 paket x Rp 10.000 on the ATK account."""
    data = {
        "account": setup.account().pk,
        "description": "Alat tulis kantor",
        "volume_1": "10",
        "unit_1": "paket",
        "unit_price": "10.000",
        "funding_source": setup.funding().pk,
        **overrides,
    }
    return {f"{prefix}-{key}": value for key, value in data.items()}


@pytest.fixture
def setup(reference_data):
    """An RKA of Dinas Kesehatan with one sub-kegiatan under an OPD ceiling of Rp 1.000.000."""
    return budget_setup(reference_data)


@pytest.fixture
def other_staff(setup):
    return UserFactory(role=User.Role.OPD_STAFF, opd=Opd.objects.get(code=BAPENDA))


# --- Who may open and change an RKA ------------------------------------------------------------


def test_opd_staff_cannot_open_or_post_to_another_opds_rka(client, setup, other_staff):
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    rka, sub = setup.rka, setup.sub_kegiatan
    client_for(client, other_staff)
    urls = [
        ("get", reverse("budgeting:rka-detail", args=[rka.pk]), {}),
        ("get", section_url(rka, sub), {}),
        ("get", reverse("budgeting:account-search", args=[rka.pk, f"sk{sub.pk}"]) + "?prefix=add&account_q=5.1", {}),
        ("get", reverse("budgeting:line-edit", args=[rka.pk, line.pk]), {}),
        ("post", reverse("budgeting:line-add", args=[rka.pk, f"sk{sub.pk}"]), line_form(setup)),
        ("post", reverse("budgeting:line-edit", args=[rka.pk, line.pk]), line_form(setup, f"line{line.pk}")),
        ("post", reverse("budgeting:line-delete", args=[rka.pk, line.pk]), {}),
        ("post", reverse("budgeting:rka-comment", args=[rka.pk]), {"text": "Halo"}),
        ("post", reverse("budgeting:rka-transition", args=[rka.pk]), {"action": "submit"}),
    ]
    for method, url, data in urls:
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
    assert list(RkaLine.objects.values_list("pk", "amount")) == [(line.pk, D("100000.00"))]
    assert not RkaComment.objects.exists()
    setup.rka.refresh_from_db()
    assert setup.rka.state == Rka.State.DRAFT
    # Foreign and missing answer alike; their own list does not show it either.
    foreign = client.get(reverse("budgeting:rka-detail", args=[rka.pk]))
    missing = client.get(reverse("budgeting:rka-detail", args=[rka.pk + 999]))
    assert main_content(foreign) == main_content(missing)
    assert setup.opd.name not in client.get(reverse("budgeting:rka-list")).content.decode()


def test_editor_shows_the_add_form_totals_and_remaining_ceiling_to_its_staff(client, setup):
    rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    response = client_for(client, setup.staff).get(section_url(setup.rka, setup.sub_kegiatan))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="add-line-panel"' in html
    assert "Sisa plafon Dinas Kesehatan" in html
    assert "Rp 900.000" in html  # 1.000.000 - 100.000
    assert "Alat tulis kantor" in html


def test_add_line_through_htmx_answers_a_row_with_new_totals_and_remaining_ceiling(client, setup):
    url = reverse("budgeting:line-add", args=[setup.rka.pk, f"sk{setup.sub_kegiatan.pk}"])
    data = line_form(setup, volume_1="2,5", unit_1="orang", volume_2="12", unit_2="bulan", unit_price="1.250,50")
    response = client_for(client, setup.staff).post(url, data, **HTMX)
    html = response.content.decode()
    line = RkaLine.objects.get()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tbody id="line-{line.pk}"')
    assert (line.volume_1, line.volume_2, line.unit_price, line.amount) == (
        D("2.5"),
        D("12"),
        D("1250.50"),
        D("37515.00"),
    )
    assert "2,5 orang × 12 bulan" in html
    assert 'hx-swap-oob="innerHTML:#rka-summary"' in html
    assert "Rp 962.485" in html  # remaining: 1.000.000 - 37.515
    # The next line starts with the same account, paket and funding source.
    assert 'id="add-line-panel"' in html and 'hx-swap-oob="true"' in html
    assert f'value="{setup.account().pk}" checked' in html
    assert "Rincian 5.1.02.01.01.0024 Rp 37.515 ditambahkan." in html


def test_ceiling_refusal_is_shown_on_the_amount_with_what_remains(client, setup):
    url = reverse("budgeting:line-add", args=[setup.rka.pk, f"sk{setup.sub_kegiatan.pk}"])
    data = line_form(setup, volume_1="2", unit_price="600.000", description="Printer")
    response = client_for(client, setup.staff).post(url, data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#add-line-panel"
    assert "Melebihi plafon Dinas Kesehatan: sisa Rp 1.000.000, rincian ini Rp 1.200.000 (lebih Rp 200.000)." in html
    assert 'href="#id_add-amount"' in html  # the error summary leads to the amount
    assert 'value="Printer"' in html  # what was typed stays
    assert not RkaLine.objects.exists()


def test_amount_preview_computes_volume_times_price_and_warns_before_saving(client, setup):
    url = reverse("budgeting:amount-preview", args=[setup.rka.pk, f"sk{setup.sub_kegiatan.pk}"])
    client_for(client, setup.staff)
    ok = client.get(url, {"prefix": "add", "add-volume_1": "3", "add-volume_2": "2", "add-unit_price": "100.000"})
    assert "Rp 600.000" in ok.content.decode()
    assert "setelah rincian ini: Rp 400.000" in ok.content.decode()
    over = client.get(url, {"prefix": "add", "add-volume_1": "11", "add-unit_price": "100.000"}).content.decode()
    assert "Melebihi plafon Dinas Kesehatan sebesar Rp 100.000" in over
    bad = client.get(url, {"prefix": "add", "add-volume_1": "tiga", "add-unit_price": "100.000"}).content.decode()
    assert "tulis angka" in bad
    # Editing a saved line: the preview counts the line at its new amount only, as its save will.
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values(volume_1=D("60")))
    prefix = f"line{line.pk}"
    edit = client.get(url, {"prefix": prefix, f"{prefix}-volume_1": "90", f"{prefix}-unit_price": "10.000"})
    assert "setelah rincian ini: Rp 100.000" in edit.content.decode()


def test_add_line_errors_are_per_field_in_indonesian(client, setup):
    url = reverse("budgeting:line-add", args=[setup.rka.pk, f"sk{setup.sub_kegiatan.pk}"])
    data = line_form(setup, unit_1="", unit_price="sepuluh ribu")
    del data["add-account"]
    response = client_for(client, setup.staff).post(url, data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Pilih kode rekening" in html
    assert "Satuan wajib diisi." in html
    assert "Tulis angka, misalnya 1.250.000" in html
    assert 'value="sepuluh ribu"' in html
    assert not RkaLine.objects.exists()


def test_stale_edit_answers_409_with_the_current_values_and_keeps_the_typed_ones(client, setup):
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    rka_services.update_rka_line(actor=setup.staff, line=line, expected_version=1, description="Kertas HVS A4")
    url = reverse("budgeting:line-edit", args=[setup.rka.pk, line.pk])
    data = line_form(setup, f"line{line.pk}", description="Map plastik", version="1")
    response = client_for(client, setup.staff).post(url, data, **HTMX)
    html = response.content.decode()
    line.refresh_from_db()
    assert response.status_code == 409
    assert "sudah diubah orang lain" in html
    assert "Kertas HVS A4" in html  # the current value
    assert 'value="Map plastik"' in html  # what the user typed
    assert f'name="line{line.pk}-version" value="2"' in html  # saving again knowingly overwrites
    assert line.description == "Kertas HVS A4"


def test_edit_line_swaps_to_a_form_and_back_with_new_totals(client, setup):
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    client_for(client, setup.staff)
    url = reverse("budgeting:line-edit", args=[setup.rka.pk, line.pk])
    form = client.get(url, **HTMX).content.decode()
    assert form.lstrip().startswith(f'<tbody id="line-{line.pk}" class="line editing"')
    assert f'name="line{line.pk}-version" value="1"' in form
    assert 'value="10.000"' in form  # money shown the Indonesian way

    saved = client.post(url, line_form(setup, f"line{line.pk}", volume_1="20", version="1"), **HTMX)
    line.refresh_from_db()
    assert saved.status_code == 200
    assert (line.amount, line.version) == (D("200000.00"), 2)
    assert "Rp 800.000" in saved.content.decode()  # remaining, out of band
    cancel = client.get(reverse("budgeting:line-row", args=[setup.rka.pk, line.pk]), **HTMX)
    assert cancel.status_code == 200 and "Ubah" in cancel.content.decode()


def test_delete_line_through_htmx_and_without_javascript(client, setup):
    first = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    second = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    client_for(client, setup.staff)
    response = client.post(reverse("budgeting:line-delete", args=[setup.rka.pk, first.pk]), {"version": "1"}, **HTMX)
    assert response.status_code == 200
    assert "dihapus" in response.content.decode() and "Rp 900.000" in response.content.decode()
    confirm = client.get(reverse("budgeting:line-delete", args=[setup.rka.pk, second.pk]))
    assert "Hapus rincian?" in confirm.content.decode()
    assert client.post(reverse("budgeting:line-delete", args=[setup.rka.pk, second.pk])).status_code == 302
    assert not RkaLine.objects.exists()


# --- Pickers -----------------------------------------------------------------------------------


@pytest.fixture
def snack(setup):
    """A catalogue item that may only be charged to the food-and-drink account."""
    item = StandardPriceItem.objects.create(
        fiscal_year=setup.fiscal_year,
        kind=StandardPriceItem.Kind.SSH,
        code="1.1.12.01.03.0001",
        name="Kudapan rapat",
        specification="Kotak, dua jenis kue",
        unit="kotak",
        price=D("15000"),
    )
    item.accounts.add(setup.account(MAMIN_ACCOUNT))
    return item


def test_account_picker_offers_only_sub_rincian_objek_belanja_accounts(client, setup):
    url = reverse("budgeting:account-search", args=[setup.rka.pk, f"sk{setup.sub_kegiatan.pk}"])
    client_for(client, setup.staff)
    html = client.get(url, {"prefix": "add", "account_q": "alat tulis"}, **HTMX).content.decode()
    assert "5.1.02.01.01.0024" in html
    codes = re.findall(r'<span class="code">([\d.]+)</span>', html)
    assert codes and all(code.startswith("5.") and code.count(".") == 5 for code in codes)
    revenue = client.get(url, {"prefix": "add", "account_q": "4.1.01"}, **HTMX).content.decode()
    assert '<span class="code">4.' not in revenue
    assert "Tidak ada kode rekening yang cocok" in revenue
    assert client.get(url, {"prefix": "<script>", "account_q": "5"}).status_code == 404


def test_item_picker_offers_only_items_allowed_for_the_chosen_account_with_their_price(client, setup, snack):
    url = reverse("budgeting:item-search", args=[setup.rka.pk, f"sk{setup.sub_kegiatan.pk}"])
    client_for(client, setup.staff)
    allowed = client.get(url, {"prefix": "add", "add-account": setup.account(MAMIN_ACCOUNT).pk}, **HTMX)
    html = allowed.content.decode()
    assert "Kudapan rapat" in html and "Rp 15.000/kotak" in html and 'data-price="15.000,00"' in html
    other = client.get(url, {"prefix": "add", "add-account": setup.account().pk}, **HTMX).content.decode()
    assert "Kudapan rapat" not in other
    assert "tidak memakai standar harga" in other
    none = client.get(url, {"prefix": "add"}, **HTMX).content.decode()
    assert "Pilih kode rekening lebih dulu." in none


def test_price_above_the_standard_is_refused_on_the_unit_price(client, setup, snack):
    url = reverse("budgeting:line-add", args=[setup.rka.pk, f"sk{setup.sub_kegiatan.pk}"])
    data = line_form(setup, account=setup.account(MAMIN_ACCOUNT).pk, standard_price=snack.pk, unit_price="16.000")
    html = client_for(client, setup.staff).post(url, data, **HTMX).content.decode()
    assert "Harga satuan melebihi standar harga Rp 15.000 (1.1.12.01.03.0001)." in html
    assert f'value="{snack.pk}" checked' in html  # the chosen item stays chosen
    data["add-unit_price"] = "15.000"
    assert client.post(url, data, **HTMX).status_code == 200
    assert RkaLine.objects.get().standard_price == snack


# --- Verification by TAPD ------------------------------------------------------------------------


def test_finance_comments_on_a_line_returns_then_approves(client, setup):
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    rka_services.transition_rka(actor=setup.staff, rka=setup.rka, action="submit")
    client_for(client, setup.finance)
    inbox = client.get(reverse("budgeting:rka-inbox")).content.decode()
    assert "Dinas Kesehatan" in inbox and "Rp 100.000" in inbox and "Rp 900.000" in inbox

    comment = client.post(
        reverse("budgeting:rka-comment", args=[setup.rka.pk]),
        {"line": line.pk, "text": "Volume ATK terlalu besar untuk satu sub-kegiatan."},
        **HTMX,
    )
    assert comment.status_code == 200
    assert comment.content.decode().lstrip().startswith(f'<tbody id="line-{line.pk}"')
    assert "Volume ATK terlalu besar" in comment.content.decode()

    url = reverse("budgeting:rka-transition", args=[setup.rka.pk])
    refused = client.post(url, {"action": "return", "note": ""})
    assert refused.status_code == 422 and "Tuliskan catatan asistensi" in refused.content.decode()
    returned = client.post(url, {"action": "return", "note": "Perbaiki volume sesuai catatan."})
    assert returned.status_code == 302
    setup.rka.refresh_from_db()
    assert setup.rka.state == Rka.State.RETURNED

    # The OPD sees the note, answers it and resubmits; finance approves.
    client_for(client, setup.staff)
    page = client.get(section_url(setup.rka, setup.sub_kegiatan)).content.decode()
    assert "RKA dikembalikan TAPD." in page and "Volume ATK terlalu besar" in page
    answer = client.post(
        reverse("budgeting:rka-comment", args=[setup.rka.pk]), {"line": line.pk, "text": "Volume diturunkan."}, **HTMX
    )
    assert answer.status_code == 200
    assert client.post(url, {"action": "submit"}).status_code == 302
    client_for(client, setup.finance)
    assert client.post(url, {"action": "approve"}).status_code == 302
    setup.rka.refresh_from_db()
    assert setup.rka.state == Rka.State.APPROVED
    assert RkaComment.objects.filter(line=line).count() == 2


def test_finance_reopens_an_approved_rka_with_a_reason(client, setup):
    rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    rka_services.transition_rka(actor=setup.staff, rka=setup.rka, action="submit")
    rka_services.transition_rka(actor=setup.finance, rka=setup.rka, action="approve")
    detail = reverse("budgeting:rka-detail", args=[setup.rka.pk])
    staff_page = client_for(client, setup.staff).get(detail).content.decode()
    assert "hanya dapat diubah bila TAPD membukanya kembali" in staff_page and 'value="reopen"' not in staff_page

    page = client_for(client, setup.finance).get(detail).content.decode()
    assert 'value="reopen"' in page and "Buka kembali untuk OPD" in page
    url = reverse("budgeting:rka-transition", args=[setup.rka.pk])
    refused = client.post(url, {"action": "reopen", "note": ""})
    assert refused.status_code == 422 and "Tuliskan catatan asistensi" in refused.content.decode()
    assert client.post(url, {"action": "reopen", "note": "Lokasi belum sesuai Renja."}).status_code == 302
    setup.rka.refresh_from_db()
    assert setup.rka.state == Rka.State.RETURNED
    assert RkaComment.objects.filter(rka=setup.rka, text="Lokasi belum sesuai Renja.").exists()


def test_a_move_that_does_not_apply_is_refused_with_the_moves_that_would(client, setup):
    response = client_for(client, setup.finance).post(
        reverse("budgeting:rka-transition", args=[setup.rka.pk]), {"action": "approve"}
    )
    assert response.status_code == 409
    assert "tidak berlaku untuk RKA berstatus draf" in response.content.decode()


def test_finance_cannot_change_lines_and_staff_cannot_change_a_submitted_rka(client, setup):
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    url = reverse("budgeting:line-add", args=[setup.rka.pk, f"sk{setup.sub_kegiatan.pk}"])
    assert client_for(client, setup.finance).post(url, line_form(setup), **HTMX).status_code == 403
    rka_services.transition_rka(actor=setup.staff, rka=setup.rka, action="submit")
    client_for(client, setup.staff)
    refused = client.post(url, line_form(setup), **HTMX)
    assert refused.status_code == 409 and "tidak dapat diubah" in refused.content.decode()
    assert client.get(reverse("budgeting:line-edit", args=[setup.rka.pk, line.pk])).status_code == 403
    page = client.get(section_url(setup.rka, setup.sub_kegiatan)).content.decode()
    assert 'id="add-line-panel"' not in page
    assert RkaLine.objects.count() == 1


def test_dprd_cannot_see_a_draft_rapbd_nor_its_rkas(client, setup):
    dprd = UserFactory(role=User.Role.DPRD)
    client_for(client, dprd)
    assert client.get(reverse("budgeting:rka-detail", args=[setup.rka.pk])).status_code == 404
    assert client.get(reverse("budgeting:apbd-detail", args=[setup.version.pk])).status_code == 404
    assert client.get(reverse("budgeting:kua-detail", args=[setup.kua.pk])).status_code == 200  # agreed: readable
    draft_kua = KuaPpas.objects.create(fiscal_year=setup.fiscal_year, number=2)
    assert client.get(reverse("budgeting:kua-detail", args=[draft_kua.pk])).status_code == 404
    assert "Dinas Kesehatan" not in client.get(reverse("budgeting:rka-list")).content.decode()
    assert client.get(reverse("budgeting:rka-inbox")).status_code == 403


# --- Lists keep a constant number of queries ------------------------------------------------------


def test_editor_query_count_does_not_grow_with_lines_and_comments(client, setup):
    url = section_url(setup.rka, setup.sub_kegiatan)
    client_for(client, setup.staff)
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    rka_services.comment_rka(actor=setup.finance, rka=setup.rka, text="Cek volume.", line=line)
    few = query_count(client, url)
    for number in range(30):
        extra = rka_services.add_rka_line(
            actor=setup.staff, rka=setup.rka, **setup.line_values(description=f"Baris {number}", unit_price=D("100"))
        )
        rka_services.comment_rka(actor=setup.finance, rka=setup.rka, text=f"Catatan {number}", line=extra)
    assert query_count(client, url) == few
    assert query_count(client, url + "?q=baris") == few


def test_rka_list_inbox_and_rka_page_query_counts_do_not_grow_with_rows(client, reference_data):
    small = small_apbd(reference_data, approve=False)
    finance = small.finance
    client_for(client, finance)
    urls = [
        reverse("budgeting:rka-list") + f"?versi={small.version.pk}",
        reverse("budgeting:rka-inbox") + f"?versi={small.version.pk}&status=",
        reverse("budgeting:rka-detail", args=[small.rkas[DINKES].pk]),
        reverse("budgeting:apbd-detail", args=[small.version.pk]) + "?tampilan=opd",
    ]
    few = [query_count(client, url) for url in urls]
    staff = small.staff[DINKES]
    for number in range(20):
        rka_services.add_rka_line(
            actor=staff, rka=small.rkas[DINKES], **small.line_values(DINKES, SUB_A, "5.1.02.01.01.0024", "1000")
        )
        rka_services.comment_rka(actor=finance, rka=small.rkas[BAPENDA], text=f"Catatan {number}")
    for code in ("1.03.0.00.0.00.01.00", "1.06.0.00.0.00.01.0000", "1.01.2.22.0.00.01.0000"):
        Rka.objects.create(version=small.version, opd=Opd.objects.get(code=code))
    assert [query_count(client, url) for url in urls] == few


def test_ceiling_table_and_kua_page_query_counts_do_not_grow_with_ceilings(client, reference_data):
    final_rkpd(reference_data)
    finance = finance_user()
    kua = kua_services.create_kua_ppas(actor=finance, fiscal_year=reference_data)
    client_for(client, finance)
    urls = [reverse("budgeting:ceiling-table", args=[kua.pk]), reverse("budgeting:kua-detail", args=[kua.pk])]
    few = [query_count(client, url) for url in urls]
    for opd in Opd.objects.filter(is_active=True).exclude(ceilings__kua_ppas=kua)[:15]:
        ceiling_services.set_ceiling(actor=finance, kua=kua, opd=opd, amount=D("1000000"))
    for code in ("4.1.01", "4.1.02", "5.1", "5.2"):
        kua_services.set_kua_account_line(
            actor=finance, kua=kua, account=account(reference_data, code), amount=D("10000000000")
        )
    assert [query_count(client, url) for url in urls] == few


# --- KUA-PPAS and the ceiling table ---------------------------------------------------------------


@pytest.fixture
def draft_kua(reference_data):
    final_rkpd(reference_data)
    finance = finance_user()
    return kua_services.create_kua_ppas(actor=finance, fiscal_year=reference_data), finance


def test_finance_creates_the_kua_from_the_final_rkpd(client, reference_data):
    final_rkpd(reference_data)
    finance = finance_user()
    client_for(client, finance)
    response = client.post(reverse("budgeting:kua-create"), {"tahun": "2024", "kind": "murni", "policy_notes": ""})
    kua = KuaPpas.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("budgeting:kua-detail", args=[kua.pk])
    table = client.get(reverse("budgeting:ceiling-table", args=[kua.pk])).content.decode()
    assert "Dinas Kesehatan" in table and 'value="1.000.000.000"' in table  # from the Renja pagu
    staff = UserFactory(role=User.Role.OPD_STAFF, opd=Opd.objects.get(code=DINKES))
    assert client_for(client, staff).get(reverse("budgeting:kua-detail", args=[kua.pk])).status_code == 404
    assert client.post(reverse("budgeting:kua-create"), {"tahun": "2024", "kind": "murni"}).status_code == 403


def test_policy_lines_are_set_inline_with_live_totals(client, draft_kua, reference_data):
    kua, finance = draft_kua
    client_for(client, finance)
    # Ceilings alone, before any belanja policy: nothing blocks submission yet, as the service agrees.
    fresh = client.get(reverse("budgeting:kua-detail", args=[kua.pk])).content.decode()
    assert "belum dapat diajukan" not in fresh
    add = reverse("budgeting:kua-line-add", args=[kua.pk])
    search = client.get(reverse("budgeting:kua-account-search", args=[kua.pk]), {"account_q": "belanja operasi"})
    assert '<span class="code">5.1</span>' in search.content.decode()
    saved = client.post(
        add, {"add-account": account(reference_data, "5.1").pk, "add-amount": "1.500.000.000", "add-note": ""}, **HTMX
    )
    html = saved.content.decode()
    assert saved.status_code == 200 and html.lstrip().startswith('<section id="kua-policy"')
    assert 'hx-swap-oob="true"' in html and "Rp 1.500.000.000" in html
    # The RKPD's ceilings (Rp 1.600.000.000) now exceed planned belanja by Rp 100.000.000.
    assert "melebihi rencana belanja sebesar Rp 100.000.000" in html
    line = KuaAccountLine.objects.get()
    edit = reverse("budgeting:kua-line-edit", args=[kua.pk, line.pk])
    refused = client.post(edit, {f"kl{line.pk}-amount": "-5", f"kl{line.pk}-note": ""}, **HTMX)
    assert refused.status_code == 422 and "Jumlah tidak boleh negatif." in refused.content.decode()
    client.post(edit, {f"kl{line.pk}-amount": "1.600.000.000", f"kl{line.pk}-note": "Belanja pegawai"}, **HTMX)
    line.refresh_from_db()
    assert (line.amount, line.note) == (D("1600000000"), "Belanja pegawai")
    wrong_level = client.post(add, {"add-account": account(reference_data, "5.1.02.01.01.0024").pk, "add-amount": "1"})
    assert "per kelompok" in wrong_level.content.decode() or "tingkat" in wrong_level.content.decode()


def test_ceiling_is_edited_inline_and_a_refusal_says_why(client, draft_kua):
    kua, finance = draft_kua
    client_for(client, finance)
    ceiling = Ceiling.objects.get(kua_ppas=kua, opd__code=DINKES)
    url = reverse("budgeting:ceiling-edit", args=[kua.pk, ceiling.pk])
    saved = client.post(url, {f"c{ceiling.pk}-amount": "1.250.000.000"}, **HTMX)
    html = saved.content.decode()
    assert saved.status_code == 200 and html.lstrip().startswith(f'<tr id="ceiling-{ceiling.pk}"')
    assert "Plafon Dinas Kesehatan: Rp 1.250.000.000 disimpan." in html
    assert 'hx-swap-oob="innerHTML:#ceiling-figures"' in html
    ceiling.refresh_from_db()
    assert ceiling.amount == D("1250000000")
    # A program ceiling inside, then the OPD ceiling lowered below it: refused with the amount.
    opd = Opd.objects.get(code=DINKES)
    page = client.get(reverse("budgeting:ceiling-opd", args=[kua.pk, opd.pk])).content.decode()
    program = re.search(r'<option value="(p\d+)">1\.02\.02 ', page).group(1)
    client.post(
        reverse("budgeting:ceiling-opd-add", args=[kua.pk, opd.pk]),
        {"target-target": program, "target-amount": "800.000.000"},
    )
    assert Ceiling.objects.filter(kua_ppas=kua, program__code="1.02.02", amount=D("800000000")).exists()
    refused = client.post(url, {f"c{ceiling.pk}-amount": "700.000.000"}, **HTMX)
    assert refused.status_code == 422
    assert "tidak boleh di bawah jumlah plafon program-nya (Rp 800.000.000)" in refused.content.decode()
    assert 'aria-invalid="true"' in refused.content.decode()


def test_kua_is_submitted_agreed_with_its_nota_and_locked(client, draft_kua, reference_data):
    kua, finance = draft_kua
    client_for(client, finance)
    url = reverse("budgeting:kua-transition", args=[kua.pk])
    assert client.post(url, {"action": "submit"}).status_code == 302
    missing = client.post(url, {"action": "agree", "agreement_number": "", "agreement_date": ""})
    assert missing.status_code == 422
    assert "Nomor nota kesepakatan wajib diisi." in missing.content.decode()
    agreed = client.post(url, {"action": "agree", "agreement_number": "050/12/2023", "agreement_date": "14-08-2023"})
    assert agreed.status_code == 302
    assert client.post(url, {"action": "lock"}).status_code == 302
    kua.refresh_from_db()
    assert (kua.state, kua.agreement_number, kua.agreement_date) == (
        "locked",
        "050/12/2023",
        datetime.date(2023, 8, 14),
    )
    page = client.get(reverse("budgeting:ceiling-table", args=[kua.pk])).content.decode()
    assert not re.search(r'name="c\d+-amount"', page)  # locked: no inline inputs
    assert "Plafon dikunci" in page
    # Earlier versions stay readable beside the next one.
    client.post(reverse("budgeting:kua-create"), {"tahun": "2024", "kind": "murni"})
    second = KuaPpas.objects.get(number=2)
    assert "versi 1" in client.get(reverse("budgeting:kua-detail", args=[second.pk])).content.decode()
    assert client.get(reverse("budgeting:kua-detail", args=[kua.pk])).status_code == 200


# --- APBD: consolidation, balance, adoption, publication ------------------------------------------


def test_consolidation_shows_the_balance_and_every_rollup(client, reference_data):
    small = small_apbd(reference_data)
    client_for(client, small.finance)
    url = reverse("budgeting:apbd-detail", args=[small.version.pk])
    page = client.get(url).content.decode()
    assert "Seimbang." in page
    assert "Rp 1.027.345.678,90" in page  # belanja
    assert "-Rp 7.345.678,90" in page  # defisit
    by_opd = client.get(url, {"tampilan": "opd"}).content.decode()
    assert re.search(r"Dinas Kesehatan<br>.*?Rp 80\.000\.000.*?Rp 262\.345\.678,90", by_opd, re.DOTALL)
    # Dinas Kesehatan's belanja under its bidang 1.02 (X.XX realised under it): 612.345.678,90 + 250.000.000.
    for dimension, code in (("urusan", "1"), ("bidang", "1.02"), ("program", "1.02.02")):
        html = client.get(url, {"tampilan": dimension}).content.decode()
        assert f'<td class="code">{code}</td>' in html, dimension
    assert "Rp 862.345.678,90" in client.get(url, {"tampilan": "bidang"}).content.decode()
    deep = client.get(url, {"tampilan": "account", "objek": "1"}).content.decode()
    assert "5.1.02.01" in deep and "5.1.02.01" not in client.get(url).content.decode()


def test_an_unbalanced_rapbd_cannot_be_submitted_and_says_by_how_much(client, reference_data):
    # Without L9 (pengeluaran pembiayaan Rp 42.654.321,10) net pembiayaan exceeds the defisit by that much.
    small = small_apbd(reference_data, lines=[line for line in SMALL_LINES if line[0] != "L9"])
    client_for(client, small.finance)
    url = reverse("budgeting:apbd-detail", args=[small.version.pk])
    assert "Belum seimbang: selisih Rp 42.654.321,10." in client.get(url).content.decode()
    refused = client.post(reverse("budgeting:apbd-transition", args=[small.version.pk]), {"action": "submit"})
    assert refused.status_code == 422
    assert "APBD belum seimbang" in refused.content.decode()
    small.version.refresh_from_db()
    assert small.version.state == ApbdVersion.State.DRAFT


def test_rapbd_is_adopted_with_its_details_and_published_as_a_confirmed_step(client, reference_data):
    small = small_apbd(reference_data)
    version = small.version
    client_for(client, small.finance)
    move = reverse("budgeting:apbd-transition", args=[version.pk])
    assert client.post(move, {"action": "submit"}).status_code == 302
    assert client.post(move, {"action": "agree", "dprd_agreement_date": "2023-11-28"}).status_code == 302
    missing = client.post(move, {"action": "evaluate", "evaluation_number": "", "evaluation_date": ""})
    assert missing.status_code == 422 and "Nomor keputusan evaluasi Gubernur wajib diisi." in missing.content.decode()
    evaluation = ADOPTION_DETAILS["evaluate"]
    client.post(
        move,
        {
            "action": "evaluate",
            "evaluation_number": evaluation["evaluation_number"],
            "evaluation_date": "12-12-2023",
            "evaluation_corrections": evaluation["evaluation_corrections"],
        },
    )
    adopted = client.post(
        move,
        {
            "action": "adopt",
            "perda_number": "12 Tahun 2023",
            "perda_date": "2023-12-20",
            "perbup_number": "75 Tahun 2023",
            "perbup_date": "2023-12-21",
        },
    )
    assert adopted.status_code == 302
    version.refresh_from_db()
    assert (version.state, version.perda_number) == ("adopted", "12 Tahun 2023")
    # Publication is not a move of the transition form: it has its own confirmation.
    assert client.post(move, {"action": "publish"}).status_code == 422
    publish = reverse("budgeting:apbd-publish", args=[version.pk])
    assert "Terbitkan" in client.get(publish).content.decode()
    assert client.post(publish, {}).status_code == 422
    assert client.post(publish, {"confirm": "yes"}).status_code == 302
    version.refresh_from_db()
    assert version.state == ApbdVersion.State.PUBLISHED and version.totals.exists()
    page = client.get(reverse("budgeting:apbd-detail", args=[version.pk])).content.decode()
    assert "angka tersimpan saat diterbitkan" in page
    # Only finance publishes.
    auditor = UserFactory(role=User.Role.AUDITOR)
    assert client_for(client, auditor).post(publish, {"confirm": "yes"}).status_code == 403


# --- DPA and anggaran kas -------------------------------------------------------------------------


def test_opd_staff_edit_the_cash_plan_with_a_live_selisih_and_finance_issues(client, reference_data):
    small = small_apbd(reference_data)
    version = adopt(small.version, small.finance)
    client_for(client, small.finance)
    assert client.post(reverse("budgeting:dpa-prepare", args=[version.pk])).status_code == 302
    dpa = Dpa.objects.get(opd__code=DINKES)
    sub = small.sub(DINKES, SUB_B)
    key = f"g5s{sub.pk}"
    staff = small.staff[DINKES]
    client_for(client, staff)
    page = client.get(reverse("budgeting:dpa-detail", args=[dpa.pk])).content.decode()
    assert f'id="kas-{key}"' in page and "Selisih Rp 0" in page

    months = {f"{key}-month_{month}": "20.000.000" for month in range(1, 13)}
    preview = client.get(reverse("budgeting:cash-plan-preview", args=[dpa.pk, key]), months).content.decode()
    assert "Rp 240.000.000" in preview and "Selisih -Rp 10.000.000 (kurang)" in preview
    saved = client.post(reverse("budgeting:cash-plan-edit", args=[dpa.pk, key]), months, **HTMX)
    assert saved.status_code == 200 and "Selisih -Rp 10.000.000" in saved.content.decode()
    assert CashPlan.objects.filter(dpa=dpa, sub_kegiatan=sub, month=1, amount=D("20000000")).exists()
    other = client_for(client, small.staff[BAPENDA]).get(reverse("budgeting:dpa-detail", args=[dpa.pk]))
    assert other.status_code == 404

    client_for(client, small.finance)
    issue = reverse("budgeting:dpa-issue", args=[dpa.pk])
    refused = client.post(issue, {"number": "DPA/1.02/2024"})
    assert refused.status_code == 422 and "(selisih -Rp 10.000.000)" in refused.content.decode()
    client_for(client, staff).post(reverse("budgeting:cash-plan-edit", args=[dpa.pk, key]), {"split": "1"}, **HTMX)
    client_for(client, small.finance)
    assert client.post(issue, {"number": "DPA/1.02/2024"}).status_code == 302
    dpa.refresh_from_db()
    assert (dpa.state, dpa.number) == ("issued", "DPA/1.02/2024")
    client_for(client, staff)
    locked = client.post(reverse("budgeting:cash-plan-edit", args=[dpa.pk, key]), months, **HTMX)
    assert locked.status_code == 409 and "sudah diterbitkan" in locked.content.decode()


# --- Pergeseran and the diff ----------------------------------------------------------------------


def test_finance_opens_a_pergeseran_and_the_diff_shows_rollups_and_lines(client, reference_data):
    small = small_apbd(reference_data)
    adopt(small.version, small.finance, publish=True)
    client_for(client, small.finance)
    created = client.post(reverse("budgeting:apbd-create"), {"tahun": "2024", "kind": "pergeseran", "note": "Geser"})
    shift = ApbdVersion.objects.get(kind=ApbdVersion.Kind.PERGESERAN)
    assert created.status_code == 302
    # Dinas Kesehatan moves Rp 45.678,90 from belanja modal (L1) to belanja barang in the same sub-kegiatan.
    staff = small.staff[DINKES]
    l1 = small.line_in(shift, "L1")
    rka_services.update_rka_line(actor=staff, line=l1, expected_version=1, unit_price=D("599954321.10"))
    rka_services.add_rka_line(
        actor=staff,
        rka=l1.rka,
        **small.line_values(DINKES, SUB_A, "5.1.02.01.01.0052", "45678.90", version=shift, description="Konsumsi"),
    )
    url = reverse("budgeting:version-diff")
    page = client.get(url).content.decode()  # the newest amendment against its base by default
    assert "Rincian berubah (1)" in page and "Rincian baru (1)" in page
    rows = re.findall(r'<tr><td class="code">([\d.]+)</td>.*?<strong>([^<]+)</strong>', page)
    assert ("5.1", "Rp 45.678,90") in rows and ("5.2", "-Rp 45.678,90") in rows and ("5", "Rp 0") not in rows
    lines = client.get(url, {"lama": small.version.pk, "baru": shift.pk, "lihat": "baris"}).content.decode()
    assert "Rp 600.000.000" in lines and "Rp 599.954.321,10" in lines and "-Rp 45.678,90" in lines
    added = client.get(url, {"lama": small.version.pk, "baru": shift.pk, "lihat": "baris", "baris": "added"})
    assert "Konsumsi" in added.content.decode()
    same = client.get(url, {"lama": shift.pk, "baru": shift.pk}).content.decode()
    assert "Pilih dua versi yang berbeda." in same
    # Approval of the shift: the shifted RKA is approved by TAPD first.
    rka = l1.rka
    rka_services.transition_rka(actor=staff, rka=rka, action="submit")
    rka_services.transition_rka(actor=small.finance, rka=rka, action="approve")
    assert client.post(reverse("budgeting:apbd-transition", args=[shift.pk]), {"action": "approve"}).status_code == 302
    shift.refresh_from_db()
    assert shift.state == ApbdVersion.State.APPROVED


def test_dpa_pages_query_counts_do_not_grow_with_rows(client, reference_data):
    small = small_apbd(reference_data)
    version = adopt(small.version, small.finance)
    dpa_services.prepare_dpas(actor=small.finance, version=version)
    dpa = Dpa.objects.get(opd__code=DINKES)
    client_for(client, small.finance)
    urls = [reverse("budgeting:dpa-list", args=[version.pk]), reverse("budgeting:dpa-detail", args=[dpa.pk])]
    few = [query_count(client, url) for url in urls]
    # More OPDs with a DPA, and more sub-kegiatan (each with twelve months) in this one.
    for code in ("1.03.0.00.0.00.01.00", "1.06.0.00.0.00.01.0000"):
        other = Rka.objects.create(version=version, opd=Opd.objects.get(code=code), state=Rka.State.APPROVED)
        Dpa.objects.create(version=version, rka=other, opd=other.opd)
    for sub in small.rkas[DINKES].sub_kegiatan_set.all():
        for month in range(1, 13):
            CashPlan.objects.get_or_create(dpa=dpa, sub_kegiatan=sub, month=month, defaults={"amount": D("0")})
    assert [query_count(client, url) for url in urls] == few


# --- Sections outside the sub-kegiatan and the comment toggle --------------------------------------


def test_revenue_lines_sit_outside_the_sub_kegiatan_with_akun_4_accounts_only(client, setup):
    client_for(client, setup.staff)
    search = reverse("budgeting:account-search", args=[setup.rka.pk, "pendapatan"])
    html = client.get(search, {"prefix": "add", "account_q": "retribusi"}, **HTMX).content.decode()
    codes = re.findall(r'<span class="code">([\d.]+)</span>', html)
    assert codes and all(code.startswith("4.") for code in codes)
    revenue = account(setup.fiscal_year, "4.1.02.01.01.0001")
    data = line_form(setup, account=revenue.pk, description="Retribusi pelayanan kesehatan", unit_price="80.000.000")
    response = client.post(reverse("budgeting:line-add", args=[setup.rka.pk, "pendapatan"]), data, **HTMX)
    assert response.status_code == 200
    line = RkaLine.objects.get()
    assert (line.sub_kegiatan, line.account, line.amount) == (None, revenue, D("800000000.00"))
    page = client.get(reverse("budgeting:rka-detail", args=[setup.rka.pk])).content.decode()
    assert "Pendapatan</a> · 1 rincian · Rp 800.000.000" in page
    # A belanja account is not offered there, nor accepted.
    belanja = client.post(reverse("budgeting:line-add", args=[setup.rka.pk, "pendapatan"]), line_form(setup), **HTMX)
    assert belanja.status_code == 422 and "tidak dapat dipakai di sini" in belanja.content.decode()


def test_finance_opens_a_lines_comment_form_in_place(client, setup):
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    client_for(client, setup.finance)
    row = client.get(reverse("budgeting:line-row", args=[setup.rka.pk, line.pk]) + "?catatan=1", **HTMX)
    html = row.content.decode()
    assert html.lstrip().startswith(f'<tbody id="line-{line.pk}"')
    assert '<details class="new-comment" open>' in html and "Catatan asistensi" in html
    fallback = client.get(reverse("budgeting:line-row", args=[setup.rka.pk, line.pk]) + "?catatan=1")
    assert fallback.status_code == 302 and f"?catatan={line.pk}#line-{line.pk}" in fallback["Location"]
    page = client.get(fallback["Location"]).content.decode()
    assert page.count('<details class="new-comment" open>') == 1
    # OPD staff see no comment button on lines without comments.
    assert (
        ">Catatan<"
        not in client_for(client, setup.staff).get(section_url(setup.rka, setup.sub_kegiatan)).content.decode()
    )


def test_rka_page_links_its_excel_export_which_a_signed_in_user_can_download(client, setup):
    rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    client_for(client, setup.staff)
    page = client.get(reverse("budgeting:rka-detail", args=[setup.rka.pk])).content.decode()
    url = reverse("api-rka-export", args=[setup.rka.pk])
    assert f'href="{url}"' in page
    download = client.get(url)
    assert download.status_code == 200 and "spreadsheetml" in download["Content-Type"]


# --- Landing pages and the menu --------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [User.Role.OPD_STAFF, User.Role.BAPPEDA, User.Role.FINANCE, User.Role.DPRD, User.Role.AUDITOR]
)
def test_every_reading_role_reaches_the_budgeting_pages_from_the_menu(client, setup, role):
    user = setup.staff if role == User.Role.OPD_STAFF else UserFactory(role=role)
    client_for(client, user)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("budgeting:home")}"' in home and ">Penganggaran<" in home
    year = {"tahun": setup.fiscal_year.year}
    for name in ("budgeting:home", "budgeting:kua-list", "budgeting:rka-list", "budgeting:apbd-list"):
        assert client.get(reverse(name), year).status_code == 200, name
    assert client.get(reverse("budgeting:version-diff")).status_code == 200
    budgeting_home = client.get(reverse("budgeting:home"), year).content.decode()
    if role == User.Role.OPD_STAFF:
        assert "RKA Dinas Kesehatan" in budgeting_home  # their own RKA, straight to the editor
        assert reverse("budgeting:kua-list") not in budgeting_home
    else:
        assert reverse("budgeting:kua-list") in budgeting_home
    if role == User.Role.FINANCE:
        assert reverse("budgeting:rka-inbox") in budgeting_home


def test_administrators_reach_budgeting_from_the_menu_as_they_reach_planning(client, reference_data):
    admin = UserFactory(role=User.Role.ADMIN)
    home = client_for(client, admin).get(reverse("home")).content.decode()
    assert ">Perencanaan<" in home and ">Penganggaran<" in home
    assert client.get(reverse("budgeting:home")).status_code == 200


def test_the_version_and_kua_lists_read_no_more_for_more_versions(client, reference_data):
    small = small_apbd(reference_data)
    adopt(small.version, small.finance, publish=True)
    client_for(client, small.finance)
    year = f"?tahun={reference_data.year}"
    pages = [reverse(name) + year for name in ("budgeting:apbd-list", "budgeting:kua-list", "budgeting:home")]
    one_version = [query_count(client, url) for url in pages]
    shift = apbd_services.create_shift_version(actor=small.finance, fiscal_year=reference_data)
    adopt(shift, small.finance, publish=True)
    apbd_services.create_shift_version(actor=small.finance, fiscal_year=reference_data)
    assert [query_count(client, url) for url in pages] == one_version
