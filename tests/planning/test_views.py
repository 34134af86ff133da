"""The planning pages over HTTP: the Renja editor (with its htmx fragments), Bappeda's verification,
the proposals board and decisions, the RKPD page, and the citizens' public proposal form and tracking."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterdata.models import AuditEvent, Region, User
from planning import selectors, services
from planning.models import Proposal, Renja, RenjaComment, RenjaLine, Rkpd
from tests.factories import user_with_role
from tests.planning.factories import (
    FINAL_MOVES,
    line_values,
    move_renja,
    renja_with_lines,
    staff_of,
    sub_kegiatan_for,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    """The public form's rate limit lives in the cache; every test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def kecamatan(year):
    return Region.objects.filter(level=Region.Level.KECAMATAN).order_by("code").first()


def client_for(client, user):
    client.force_login(user)
    return client


def detail_url(renja):
    return reverse("planning:renja-detail", args=[renja.pk])


def line_form(renja, sub_kegiatan, prefix="add", **overrides):
    data = {
        "sub_kegiatan": sub_kegiatan.pk,
        "location": "Puskesmas Maesan",
        "output_indicator": "Jumlah puskesmas yang direhabilitasi",
        "output_target": "3",
        "output_unit": "unit",
        "pagu_indikatif": "1.250.000.000",
        "pagu_indikatif_next": "1.300.000.000,50",
        **overrides,
    }
    return {f"{prefix}-{key}": value for key, value in data.items()}


def main_content(response):
    """What the page says (its <main>), without the per-response CSRF token and address of the frame."""
    return re.search(r"<main.*</main>", response.content.decode(), re.DOTALL).group(0)


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- Renja: who may open and change it ---------------------------------------------------------


def test_opd_staff_cannot_open_or_change_another_opds_renja(client, renja, pupr_staff, dinkes, year):
    client_for(client, pupr_staff)
    line = renja.lines.first()
    sub = sub_kegiatan_for(dinkes, year, 1, offset=5)[0]
    urls = [
        ("get", detail_url(renja), {}),
        ("get", reverse("planning:sub-kegiatan-search", args=[renja.pk]) + "?q=1.02&prefix=add", {}),
        ("get", reverse("planning:line-edit", args=[renja.pk, line.pk]), {}),
        ("post", reverse("planning:line-add", args=[renja.pk]), line_form(renja, sub)),
        ("post", reverse("planning:line-edit", args=[renja.pk, line.pk]), line_form(renja, sub, f"line{line.pk}")),
        ("post", reverse("planning:line-delete", args=[renja.pk, line.pk]), {}),
        ("post", reverse("planning:renja-comment", args=[renja.pk]), {"text": "Halo"}),
        ("post", reverse("planning:renja-transition", args=[renja.pk]), {"action": "submit"}),
    ]
    for method, url, data in urls:
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url
    renja.refresh_from_db()
    assert renja.state == Renja.State.DRAFT
    assert renja.lines.count() == 2
    assert not RenjaComment.objects.exists()
    # Their own list does not show it either.
    response = client.get(reverse("planning:renja-list"))
    assert renja.opd.name not in response.content.decode()


def test_missing_and_foreign_renja_answer_the_same_404(client, renja, pupr_staff):
    client_for(client, pupr_staff)
    foreign = client.get(detail_url(renja))
    missing = client.get(reverse("planning:renja-detail", args=[renja.pk + 999]))
    assert foreign.status_code == missing.status_code == 404
    assert main_content(foreign) == main_content(missing)


def test_staff_create_renja_for_a_year_once(client, dinkes_staff, year):
    client_for(client, dinkes_staff)
    response = client.post(reverse("planning:renja-create"), {"fiscal_year": year.year})
    renja = Renja.objects.get(opd=dinkes_staff.opd, fiscal_year=year)
    assert response.status_code == 302
    assert response["Location"] == detail_url(renja)
    again = client.post(reverse("planning:renja-create"), {"fiscal_year": year.year})
    assert again.status_code == 422
    assert Renja.objects.filter(opd=dinkes_staff.opd).count() == 1


def test_editor_shows_the_picker_totals_and_submit_button_to_its_staff(client, dinkes_staff, renja):
    response = client_for(client, dinkes_staff).get(detail_url(renja))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="add-q"' in html and "Cari kode atau nama sub-kegiatan" in html
    assert 'id="renja-totals" aria-live="polite"' in html
    assert "Rp 300.000.000" in html  # two lines of 150.000.000
    assert "Ajukan ke Bappeda" in html
    assert "Rancangan awal" in html and "Draf" in html


def test_bappeda_sees_review_controls_but_no_editor(client, bappeda, dinkes_staff, renja):
    move_renja(renja, "submit", staff=dinkes_staff, bappeda=bappeda)
    html = client_for(client, bappeda).get(detail_url(renja)).content.decode()
    assert "Kembalikan ke OPD" in html and "Verifikasi tahap rancangan awal" in html
    assert 'id="add-line-panel"' not in html
    assert "Tulis catatan" in html


# --- Renja lines through htmx -------------------------------------------------------------------


def test_add_line_through_htmx_answers_a_row_fragment_with_new_totals(client, dinkes_staff, renja, dinkes, year):
    sub = sub_kegiatan_for(dinkes, year, 1, offset=5)[0]
    response = client_for(client, dinkes_staff).post(
        reverse("planning:line-add", args=[renja.pk]), line_form(renja, sub), **HTMX
    )
    html = response.content.decode()
    line = renja.lines.get(sub_kegiatan=sub)
    assert response.status_code == 200
    assert "<html" not in html and "<main" not in html
    assert html.lstrip().startswith(f'<tbody id="line-{line.pk}"')
    assert line.pagu_indikatif == Decimal("1250000000.00")
    assert line.pagu_indikatif_next == Decimal("1300000000.50")
    # Totals and the cleared add form come out of band.
    assert 'hx-swap-oob="innerHTML:#renja-totals"' in html
    assert "Rp 1.550.000.000" in html  # 300.000.000 + 1.250.000.000
    assert 'id="add-line-panel"' in html and 'hx-swap-oob="true"' in html
    assert f"Sub-kegiatan {sub.code} ditambahkan." in html


def test_add_line_errors_are_per_field_in_indonesian_and_keep_what_was_typed(client, dinkes_staff, renja, dinkes, year):
    sub = sub_kegiatan_for(dinkes, year, 1, offset=5)[0]
    data = line_form(renja, sub, location="", pagu_indikatif="satu juta", output_indicator="Jumlah posyandu aktif")
    response = client_for(client, dinkes_staff).post(reverse("planning:line-add", args=[renja.pk]), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#add-line-panel"
    assert "Lokasi wajib diisi." in html
    assert "Tulis angka, misalnya 1.250.000" in html
    assert 'value="Jumlah posyandu aktif"' in html
    assert 'value="satu juta"' in html
    assert f'value="{sub.pk}" checked' in html  # the chosen sub-kegiatan stays chosen
    assert 'aria-invalid="true"' in html
    assert renja.lines.count() == 2


def test_add_line_refuses_a_sub_kegiatan_outside_the_opds_bidang(client, dinkes_staff, renja, pupr, year):
    foreign = selectors.allowed_sub_kegiatan(pupr, year).exclude(code__startswith="X.XX").first()
    response = client_for(client, dinkes_staff).post(
        reverse("planning:line-add", args=[renja.pk]), line_form(renja, foreign), **HTMX
    )
    assert response.status_code == 422
    assert "tidak dapat dipakai OPD ini" in response.content.decode()
    assert not renja.lines.filter(sub_kegiatan=foreign).exists()


def test_add_line_refuses_a_duplicate_sub_kegiatan_with_the_services_message(client, dinkes_staff, renja):
    existing = renja.lines.first().sub_kegiatan
    response = client_for(client, dinkes_staff).post(
        reverse("planning:line-add", args=[renja.pk]), line_form(renja, existing), **HTMX
    )
    assert response.status_code == 422
    assert f"Sub-kegiatan {existing.code} sudah ada di Renja ini." in response.content.decode()


def test_add_line_without_htmx_redirects_back_to_the_editor(client, dinkes_staff, renja, dinkes, year):
    sub = sub_kegiatan_for(dinkes, year, 1, offset=6)[0]
    response = client_for(client, dinkes_staff).post(
        reverse("planning:line-add", args=[renja.pk]), line_form(renja, sub)
    )
    assert response.status_code == 302
    assert renja.lines.filter(sub_kegiatan=sub).exists()


def test_edit_line_swaps_to_a_form_and_back(client, dinkes_staff, renja):
    line = renja.lines.order_by("sub_kegiatan__code").first()
    client_for(client, dinkes_staff)
    edit_url = reverse("planning:line-edit", args=[renja.pk, line.pk])
    form = client.get(edit_url, **HTMX)
    html = form.content.decode()
    assert form.status_code == 200
    assert html.lstrip().startswith(f'<tbody id="line-{line.pk}" class="line editing"')
    assert f'name="line{line.pk}-version" value="1"' in html
    assert 'value="150.000.000"' in html  # money shown the Indonesian way

    data = line_form(renja, line.sub_kegiatan, f"line{line.pk}", pagu_indikatif="175.000.000", version="1")
    saved = client.post(edit_url, data, **HTMX)
    line.refresh_from_db()
    assert saved.status_code == 200
    assert line.pagu_indikatif == Decimal("175000000") and line.version == 2
    assert "Rp 175.000.000" in saved.content.decode()
    assert "Rp 325.000.000" in saved.content.decode()  # new total, out of band

    cancel = client.get(reverse("planning:line-row", args=[renja.pk, line.pk]), **HTMX)
    assert cancel.status_code == 200 and "Ubah" in cancel.content.decode()


def test_stale_edit_is_refused_with_the_current_values_and_keeps_the_typed_ones(client, dinkes_staff, renja):
    line = renja.lines.first()
    services.update_renja_line(actor=dinkes_staff, line=line, expected_version=1, location="Desa Sumber Wringin")
    data = line_form(renja, line.sub_kegiatan, f"line{line.pk}", location="Kecamatan Tamanan", version="1")
    response = client_for(client, dinkes_staff).post(
        reverse("planning:line-edit", args=[renja.pk, line.pk]), data, **HTMX
    )
    html = response.content.decode()
    line.refresh_from_db()
    assert response.status_code == 409
    assert "sudah diubah orang lain" in html
    assert "Desa Sumber Wringin" in html  # the current value
    assert 'value="Kecamatan Tamanan"' in html  # what the user typed
    assert f'name="line{line.pk}-version" value="2"' in html  # saving again knowingly overwrites
    assert line.location == "Desa Sumber Wringin"


def test_editor_works_without_javascript_too(client, dinkes_staff, renja):
    line = renja.lines.order_by("sub_kegiatan__code").first()
    edit_url = reverse("planning:line-edit", args=[renja.pk, line.pk])
    page = client_for(client, dinkes_staff).get(edit_url)
    html = page.content.decode()
    assert page.status_code == 200 and "<html" in html
    assert f'<tbody id="line-{line.pk}" class="line editing">' in html
    assert html.count('<tbody id="line-') == 2  # the other line is shown as usual

    data = line_form(renja, line.sub_kegiatan, f"line{line.pk}", output_target="dua belas", version="1")
    invalid = client.post(edit_url, data)
    assert invalid.status_code == 422 and "<html" in invalid.content.decode()
    assert "Target keluaran: Tulis angka" in invalid.content.decode()

    data[f"line{line.pk}-output_target"] = "12,5"
    saved = client.post(edit_url, data)
    assert saved.status_code == 302 and saved["Location"].endswith(f"#line-{line.pk}")
    line.refresh_from_db()
    assert line.output_target == Decimal("12.5")


def test_delete_line_through_htmx(client, dinkes_staff, renja):
    line = renja.lines.first()
    response = client_for(client, dinkes_staff).post(reverse("planning:line-delete", args=[renja.pk, line.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert not RenjaLine.objects.filter(pk=line.pk).exists()
    assert "Rp 150.000.000" in html and "dihapus" in html


def test_delete_without_javascript_asks_for_confirmation_first(client, dinkes_staff, renja):
    line = renja.lines.first()
    url = reverse("planning:line-delete", args=[renja.pk, line.pk])
    page = client_for(client, dinkes_staff).get(url)
    assert page.status_code == 200 and "Hapus sub-kegiatan?" in page.content.decode()
    assert RenjaLine.objects.filter(pk=line.pk).exists()
    assert client.post(url).status_code == 302
    assert not RenjaLine.objects.filter(pk=line.pk).exists()


def test_bappeda_cannot_change_lines(client, bappeda, renja, dinkes, year):
    sub = sub_kegiatan_for(dinkes, year, 1, offset=5)[0]
    client_for(client, bappeda)
    assert client.post(reverse("planning:line-add", args=[renja.pk]), line_form(renja, sub), **HTMX).status_code == 403
    line = renja.lines.first()
    assert client.get(reverse("planning:line-edit", args=[renja.pk, line.pk]), **HTMX).status_code == 403
    assert client.post(reverse("planning:line-delete", args=[renja.pk, line.pk]), **HTMX).status_code == 403
    assert renja.lines.count() == 2


def test_submitted_renja_refuses_changes_with_a_clear_message(client, dinkes_staff, bappeda, renja, dinkes, year):
    move_renja(renja, "submit", staff=dinkes_staff, bappeda=bappeda)
    sub = sub_kegiatan_for(dinkes, year, 1, offset=5)[0]
    client_for(client, dinkes_staff)
    response = client.post(reverse("planning:line-add", args=[renja.pk]), line_form(renja, sub), **HTMX)
    assert response.status_code == 409
    assert "tidak dapat diubah" in response.content.decode()
    assert renja.lines.count() == 2
    page = client.get(detail_url(renja)).content.decode()
    assert 'id="add-line-panel"' not in page and "Renja sedang diverifikasi Bappeda" in page


def test_picker_search_offers_only_the_opds_sub_kegiatan_at_most_twenty(client, dinkes_staff, renja, pupr, year):
    url = reverse("planning:sub-kegiatan-search", args=[renja.pk])
    response = client_for(client, dinkes_staff).get(url, {"q": "penyediaan", "prefix": "add"}, **HTMX)
    html = response.content.decode()
    codes = re.findall(r'<span class="code">([0-9X.]+)</span>', html)
    assert response.status_code == 200 and "<html" not in html
    assert 0 < len(codes) <= 20
    assert all(code.startswith(("1.02.", "X.XX.")) for code in codes)
    assert "persempit pencarian" in html  # more than twenty matched
    # A code prefix finds exactly that branch; another OPD's codes find nothing.
    by_code = client.get(url, {"q": "1.02.02.2.01", "prefix": "add"}).content.decode()
    assert set(re.findall(r'<span class="code">([0-9X.]+)</span>', by_code)) <= {
        n.code for n in selectors.allowed_sub_kegiatan(renja.opd, year).filter(code__startswith="1.02.02.2.01")
    }
    foreign = selectors.allowed_sub_kegiatan(pupr, year).exclude(code__startswith="X.XX").first()
    assert "Tidak ada sub-kegiatan yang cocok" in client.get(url, {"q": foreign.code, "prefix": "add"}).content.decode()
    # Several words narrow down; a province-level sub-kegiatan of the same bidang is never offered.
    narrowed = client.get(url, {"q": "puskesmas rehabilitasi", "prefix": "add"}).content.decode()
    assert re.findall(r'<span class="code">([0-9X.]+)</span>', narrowed) == ["1.02.02.2.01.0009"]
    province = client.get(url, {"q": "registrasi puskesmas", "prefix": "add"}).content.decode()
    assert "Tidak ada sub-kegiatan yang cocok" in province


def test_picker_marks_sub_kegiatan_already_in_the_renja(client, dinkes_staff, renja):
    existing = renja.lines.first().sub_kegiatan
    url = reverse("planning:sub-kegiatan-search", args=[renja.pk])
    html = client_for(client, dinkes_staff).get(url, {"q": existing.code, "prefix": "add"}).content.decode()
    assert f'value="{existing.pk}" disabled' in html and "sudah ada di Renja ini" in html


# --- Verification: transitions and comments ---------------------------------------------------


def transition(client, renja, action, note=""):
    return client.post(reverse("planning:renja-transition", args=[renja.pk]), {"action": action, "note": note})


def test_staff_submit_and_bappeda_return_then_verify(client, dinkes_staff, bappeda, renja):
    response = transition(client_for(client, dinkes_staff), renja, "submit")
    assert response.status_code == 302
    renja.refresh_from_db()
    assert renja.state == Renja.State.SUBMITTED
    assert transition(client, renja, "verify").status_code == 403  # staff may not verify their own Renja

    client_for(client, bappeda)
    no_note = transition(client, renja, "return")
    assert no_note.status_code == 422
    assert "Tuliskan alasan pengembalian" in no_note.content.decode()
    renja.refresh_from_db()
    assert renja.state == Renja.State.SUBMITTED

    assert transition(client, renja, "return", "Indikator keluaran belum terukur.").status_code == 302
    renja.refresh_from_db()
    assert renja.state == Renja.State.RETURNED
    assert renja.comments.filter(text="Indikator keluaran belum terukur.", line=None).exists()

    client_for(client, dinkes_staff)
    page = client.get(detail_url(renja)).content.decode()
    assert "Renja dikembalikan oleh Bappeda" in page and "Indikator keluaran belum terukur." in page
    assert transition(client, renja, "submit").status_code == 302

    client_for(client, bappeda)
    assert transition(client, renja, "verify").status_code == 302
    renja.refresh_from_db()
    assert renja.state == Renja.State.VERIFIED
    history = client.get(detail_url(renja)).context["transitions"]
    assert [move.action for move in history] == ["submit", "return", "submit", "verify"]


def test_a_move_that_does_not_apply_is_refused_with_the_moves_that_would(client, bappeda, renja):
    response = transition(client_for(client, bappeda), renja, "verify")
    html = response.content.decode()
    assert response.status_code == 409
    assert "Tindakan yang berlaku: ajukan" in html
    renja.refresh_from_db()
    assert renja.state == Renja.State.DRAFT


def test_bappeda_advances_the_stage_and_finally_finalises(client, dinkes_staff, bappeda, renja):
    move_renja(renja, "submit", "verify", staff=dinkes_staff, bappeda=bappeda)
    client_for(client, bappeda)
    assert transition(client, renja, "finalise").status_code == 409  # not yet the rancangan akhir
    assert transition(client, renja, "advance").status_code == 302
    renja.refresh_from_db()
    assert (renja.stage, renja.state) == (Renja.Stage.RANCANGAN, Renja.State.DRAFT)
    renja = move_renja(renja, "submit", "verify", "advance", "submit", "verify", staff=dinkes_staff, bappeda=bappeda)
    assert transition(client, renja, "finalise").status_code == 302
    renja.refresh_from_db()
    assert renja.is_final
    page = client_for(client, dinkes_staff).get(detail_url(renja)).content.decode()
    assert "sudah final" in page and "Ubah" not in page and 'id="add-line-panel"' not in page


def test_empty_renja_cannot_be_submitted(client, dinkes_staff, year):
    renja = services.create_renja(actor=dinkes_staff, opd=dinkes_staff.opd, fiscal_year=year)
    response = transition(client_for(client, dinkes_staff), renja, "submit")
    assert response.status_code == 422
    assert "belum memiliki satu pun sub-kegiatan" in response.content.decode()


def test_line_comment_and_reply_answer_the_lines_fragment(client, dinkes_staff, bappeda, pupr_staff, renja):
    move_renja(renja, "submit", staff=dinkes_staff, bappeda=bappeda)
    line = renja.lines.first()
    url = reverse("planning:renja-comment", args=[renja.pk])
    response = client_for(client, bappeda).post(url, {"line": line.pk, "text": "Target terlalu rendah."}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tbody id="line-{line.pk}"')
    assert "Target terlalu rendah." in html
    comment = RenjaComment.objects.get(line=line)

    reply = client_for(client, dinkes_staff).post(url, {"reply_to": comment.pk, "text": "Akan kami naikkan."}, **HTMX)
    assert reply.status_code == 200 and "Akan kami naikkan." in reply.content.decode()
    assert RenjaComment.objects.get(reply_to=comment).line == line

    empty = client.post(url, {"reply_to": comment.pk, "text": "  "}, **HTMX)
    assert empty.status_code == 422 and "Catatan tidak boleh kosong." in empty.content.decode()

    assert client_for(client, pupr_staff).post(url, {"line": line.pk, "text": "x"}).status_code == 404
    assert RenjaComment.objects.count() == 2


def test_general_comment_answers_the_general_section(client, bappeda, renja):
    response = client_for(client, bappeda).post(
        reverse("planning:renja-comment", args=[renja.pk]), {"text": "Lengkapi sumber dana."}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="general-comments"')
    assert "Lengkapi sumber dana." in html


def test_verification_inbox_lists_submitted_renja_for_bappeda_only(client, dinkes_staff, bappeda, renja, pupr, year):
    renja_with_lines(opd_=pupr, fiscal_year=year, count=1)  # a draft: not in the inbox
    move_renja(renja, "submit", staff=dinkes_staff, bappeda=bappeda)
    url = reverse("planning:inbox") + f"?tahun={year.year}"
    assert client_for(client, dinkes_staff).get(url).status_code == 403
    html = client_for(client, bappeda).get(url).content.decode()
    assert renja.opd.name in html and pupr.name not in html
    assert "Rp 300.000.000" in html


# --- Constant query counts on list pages --------------------------------------------------------


def test_renja_list_and_inbox_query_counts_do_not_grow_with_rows(client, bappeda, year):
    from masterdata.models import Opd

    opds = list(Opd.objects.filter(code__regex=r"^[1-4]\.").order_by("code")[:8])
    client_for(client, bappeda)
    list_url = reverse("planning:renja-list") + f"?tahun={year.year}"
    inbox_url = reverse("planning:inbox") + f"?tahun={year.year}"

    def add_submitted(opd_):
        staff_member = staff_of(opd_)
        renja = renja_with_lines(opd_=opd_, fiscal_year=year, count=1, actor=staff_member)
        move_renja(renja, "submit", staff=staff_member, bappeda=bappeda)

    add_submitted(opds[0])
    few = (query_count(client, list_url), query_count(client, inbox_url))
    for opd_ in opds[1:]:
        add_submitted(opd_)
    many = (query_count(client, list_url), query_count(client, inbox_url))
    assert many == few


def test_renja_editor_query_count_does_not_grow_with_lines_and_comments(client, dinkes_staff, bappeda, dinkes, year):
    renja = renja_with_lines(opd_=dinkes, fiscal_year=year, count=2, actor=dinkes_staff)
    first = services.comment_renja(actor=bappeda, renja=renja, line=renja.lines.first(), text="Periksa target.")
    services.comment_renja(actor=dinkes_staff, renja=renja, reply_to=first, line=first.line, text="Sudah.")
    client_for(client, dinkes_staff)
    few = query_count(client, detail_url(renja))
    for sub in sub_kegiatan_for(dinkes, year, 8, offset=2):
        line = services.add_renja_line(actor=dinkes_staff, renja=renja, **line_values(sub))
        comment = services.comment_renja(actor=bappeda, renja=renja, line=line, text="Periksa lokasi.")
        services.comment_renja(actor=dinkes_staff, renja=renja, reply_to=comment, line=line, text="Sudah.")
    assert query_count(client, detail_url(renja)) == few


def test_proposal_board_query_count_does_not_grow_with_rows(client, bappeda, year, kecamatan, dinkes):
    def add(count):
        for number in range(count):
            services.submit_proposal(
                actor=bappeda,
                source="desa",
                fiscal_year=year,
                **proposal_values(kecamatan, title=f"Jalan desa {number}", suggested_opd=dinkes),
            )

    client_for(client, bappeda)
    url = reverse("planning:proposal-board")
    add(3)
    few = query_count(client, url)
    add(60)  # more than a page
    assert query_count(client, url) == few
    assert query_count(client, url + "?page=2") == few


# --- Proposals: board, decisions, staff submission -----------------------------------------------


def proposal_values(kecamatan, **overrides):
    return {
        "title": "Perbaikan jalan poros desa",
        "description": "Jalan rusak sepanjang 800 meter.",
        "kecamatan": kecamatan,
        "proposer_name": "Kepala Desa",
        "estimated_cost": Decimal("250000000"),
        **overrides,
    }


def citizen_post(kecamatan, **overrides):
    village = kecamatan.villages.order_by("code").first()
    return {
        "title": "Lampu penerangan jalan",
        "description": "Jalan gelap di dekat sekolah.",
        "kecamatan": kecamatan.pk,
        "village": village.pk,
        "proposer_name": "Budi Santoso",
        "proposer_contact": "0812-3456-7890",
        "estimated_cost": "45.000.000",
        "suggested_opd": "",
        "website": "",
        **overrides,
    }


def test_board_filters_by_kecamatan_status_stage_and_text(client, bappeda, year, dinkes):
    first, second = Region.objects.filter(level=Region.Level.KECAMATAN).order_by("code")[:2]
    services.submit_proposal(
        actor=bappeda, source="desa", fiscal_year=year, **proposal_values(first, title="Embung desa")
    )
    services.submit_proposal(
        actor=bappeda, source="kecamatan", fiscal_year=year, **proposal_values(second, title="Pasar kecamatan")
    )
    client_for(client, bappeda)
    url = reverse("planning:proposal-board")

    def titles(params):
        response = client.get(url, params)
        return [p.title for p in response.context["page"].object_list]

    assert titles({"kecamatan": first.pk}) == ["Embung desa"]
    assert titles({"stage": "kecamatan"}) == ["Pasar kecamatan"]
    assert titles({"q": "pasar"}) == ["Pasar kecamatan"]
    assert titles({"status": "accepted"}) == []
    assert titles({"source": "desa", "tahun": year.year}) == ["Embung desa"]


def test_suggested_opds_staff_accept_a_proposal_into_their_renja_line(
    client, dinkes_staff, pupr_staff, bappeda, renja, year, kecamatan, dinkes
):
    proposal = services.submit_proposal(
        actor=bappeda, source="desa", fiscal_year=year, **proposal_values(kecamatan, suggested_opd=dinkes)
    )
    url = reverse("planning:proposal-decide", args=[proposal.pk])
    line = renja.lines.first()
    # Another OPD's staff see the moderated proposal but may not decide it.
    client_for(client, pupr_staff)
    assert (
        "Akomodasi ke baris Renja"
        not in client.get(reverse("planning:proposal-detail", args=[proposal.pk])).content.decode()
    )
    assert client.post(url, {"action": "reject", "reject-reason": "Bukan kewenangan."}).status_code == 403

    client_for(client, dinkes_staff)
    page = client.get(reverse("planning:proposal-detail", args=[proposal.pk])).content.decode()
    assert "Akomodasi ke baris Renja" in page and line.sub_kegiatan.code in page
    no_reason = client.post(url, {"action": "reject", "reject-reason": ""})
    assert no_reason.status_code == 422 and "Alasan penolakan wajib diisi" in no_reason.content.decode()
    response = client.post(url, {"action": "accept", "accept-renja_line": line.pk, "accept-note": "Masuk Renja."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED and proposal.renja_line == line
    done = client.post(url, {"action": "reject", "reject-reason": "Terlambat."})
    assert done.status_code == 409 and "tidak dapat di" in done.content.decode()


def test_bappeda_defers_and_advances_stage(client, bappeda, year, kecamatan):
    proposal = services.submit_proposal(actor=bappeda, source="desa", fiscal_year=year, **proposal_values(kecamatan))
    url = reverse("planning:proposal-decide", args=[proposal.pk])
    client_for(client, bappeda)
    assert client.post(url, {"action": "advance_stage", "advance_stage-note": ""}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.stage == Proposal.Stage.KECAMATAN
    early = client.post(url, {"action": "defer", "defer-to_year": year.year})
    assert early.status_code == 422 and f"harus setelah {year.year}" in early.content.decode()
    assert client.post(url, {"action": "defer", "defer-to_year": year.year + 1}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DEFERRED and proposal.deferred_to_year == year.year + 1


def test_staff_submit_proposals_only_from_their_own_sources(client, dinkes_staff, year, kecamatan):
    url = reverse("planning:proposal-create")
    client_for(client, dinkes_staff)
    form = client.get(url).content.decode()
    assert 'value="forum_opd"' in form and 'value="pokir"' not in form
    data = {**citizen_post(kecamatan), "source": "pokir", "fiscal_year": year.year, "priority": 2}
    assert client.post(url, data).status_code == 422
    data["source"] = "forum_opd"
    response = client.post(url, data)
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.source == "forum_opd" and proposal.is_moderated and proposal.estimated_cost == Decimal("45000000")

    auditor = user_with_role(User.Role.AUDITOR)
    assert client_for(client, auditor).get(url).status_code == 403


# --- Public: citizens submit and track ------------------------------------------------------------


def test_citizen_submits_and_tracks_after_moderation_only(client, bappeda, dinkes_staff, kecamatan):
    response = client.post(reverse("usulan:create"), citizen_post(kecamatan))
    assert response.status_code == 302 and response["Location"] == reverse("usulan:sent")
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.RECEIVED and not proposal.is_moderated
    assert proposal.source == "citizen" and proposal.estimated_cost == Decimal("45000000")
    confirmation = client.get(response["Location"]).content.decode()
    assert f"<strong>{proposal.tracking_code}</strong>" in confirmation

    track_url = reverse("usulan:track", args=[proposal.tracking_code])
    unmoderated = client.get(track_url).content.decode()
    assert "menunggu moderasi Bappeda" in unmoderated and "Lampu penerangan jalan" not in unmoderated
    assert client.get(reverse("usulan:track", args=["U24-ZZZZZZ"])).status_code == 404

    # Unmoderated: no one but Bappeda sees it.
    client_for(client, dinkes_staff)
    assert client.get(reverse("planning:proposal-detail", args=[proposal.pk])).status_code == 404
    assert proposal.tracking_code not in client.get(reverse("planning:proposal-board")).content.decode()
    client_for(client, bappeda)
    assert proposal.tracking_code in client.get(reverse("planning:proposal-board")).content.decode()
    moderated = client.post(
        reverse("planning:proposal-decide", args=[proposal.pk]),
        {"action": "moderate", "moderate-decision": "approve", "moderate-note": "Layak dikaji."},
    )
    assert moderated.status_code == 302

    client.logout()
    lookup = client.get(reverse("usulan:home"), {"kode": proposal.tracking_code.lower()})
    assert lookup.status_code == 302 and lookup["Location"] == track_url
    page = client.get(track_url).content.decode()
    assert "Lampu penerangan jalan" in page and "Dalam kajian" in page and "Layak dikaji." in page
    assert "0812-3456-7890" not in page and "Budi Santoso" not in page


@pytest.mark.parametrize("role", [User.Role.OPD_STAFF, User.Role.FINANCE, User.Role.DPRD, User.Role.AUDITOR])
def test_unmoderated_proposals_are_seen_by_bappeda_only(client, role, kecamatan):
    client.post(reverse("usulan:create"), citizen_post(kecamatan))
    proposal = Proposal.objects.get()
    client_for(client, user_with_role(role))
    assert client.get(reverse("planning:proposal-detail", args=[proposal.pk])).status_code == 404
    board = client.get(reverse("planning:proposal-board"), {"q": proposal.tracking_code})
    assert board.status_code == 200 and list(board.context["page"].object_list) == []


def test_tracking_page_shows_the_renja_line_once_accepted(client, bappeda, renja, year, kecamatan, dinkes):
    proposal = services.submit_proposal(
        actor=bappeda, source="desa", fiscal_year=year, **proposal_values(kecamatan, suggested_opd=dinkes)
    )
    line = renja.lines.first()
    services.accept_proposal(actor=bappeda, proposal=proposal, renja_line=line)
    page = client.get(reverse("usulan:track", args=[proposal.tracking_code])).content.decode()
    assert "Masuk Renja" in page
    assert dinkes.name in page and line.sub_kegiatan.code in page and "Rp 150.000.000" in page


def test_honeypot_pretends_success_and_stores_nothing(client, kecamatan):
    events = AuditEvent.objects.count()
    response = client.post(reverse("usulan:create"), citizen_post(kecamatan, website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == reverse("usulan:sent")
    page = client.get(response["Location"]).content.decode()
    assert re.search(r"<strong>U\d{2}-[2-9A-Z]{6}</strong>", page)
    assert not Proposal.objects.exists()
    assert AuditEvent.objects.count() == events


def test_public_form_is_rate_limited_per_address(client, kecamatan):
    url = reverse("usulan:create")
    for _ in range(5):
        assert client.post(url, citizen_post(kecamatan), REMOTE_ADDR="10.0.0.7").status_code == 302
    refused = client.post(url, citizen_post(kecamatan), REMOTE_ADDR="10.0.0.7")
    assert refused.status_code == 429
    assert "Terlalu banyak usulan" in refused.content.decode()
    assert refused["Retry-After"] == "3600"
    assert Proposal.objects.count() == 5
    assert client.post(url, citizen_post(kecamatan), REMOTE_ADDR="10.0.0.8").status_code == 302


def test_public_form_errors_are_indonesian_and_per_field(client, kecamatan):
    other = Region.objects.filter(level=Region.Level.KECAMATAN).exclude(pk=kecamatan.pk).first()
    foreign_village = other.villages.first()
    data = citizen_post(kecamatan, title="", estimated_cost="dua juta", village=foreign_village.pk)
    response = client.post(reverse("usulan:create"), data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Judul usulan wajib diisi." in html
    assert "Tulis angka" in html
    assert not Proposal.objects.exists()
    wrong_village = client.post(reverse("usulan:create"), citizen_post(kecamatan, village=foreign_village.pk))
    assert wrong_village.status_code == 422
    assert f"tidak berada di Kecamatan {kecamatan.name}" in wrong_village.content.decode()
    in_english = client.post("/en" + reverse("usulan:create"), citizen_post(kecamatan, village=foreign_village.pk))
    assert in_english.status_code == 422
    assert f"is not in Kecamatan {kecamatan.name}" in in_english.content.decode()


def test_village_select_follows_the_kecamatan(client, kecamatan):
    response = client.get(reverse("usulan:village-options"), {"kecamatan": kecamatan.pk}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div class="field" id="village-field">')
    village_ids = set(map(int, re.findall(r'<option value="(\d+)"', html)))
    assert village_ids == set(kecamatan.villages.values_list("pk", flat=True))


def test_citizens_reach_no_staff_page(client, renja, bappeda, year, kecamatan):
    proposal = services.submit_proposal(actor=bappeda, source="desa", fiscal_year=year, **proposal_values(kecamatan))
    for url in (
        reverse("planning:renja-list"),
        detail_url(renja),
        reverse("planning:proposal-board"),
        reverse("planning:proposal-detail", args=[proposal.pk]),
        reverse("planning:rkpd"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    staff_form = client.post(reverse("planning:proposal-create"), citizen_post(kecamatan, source="desa"))
    assert staff_form.status_code == 302 and Proposal.objects.count() == 1
    decide = client.post(
        reverse("planning:proposal-decide", args=[proposal.pk]), {"action": "reject", "reject-reason": "x"}
    )
    assert decide.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.IN_REVIEW


# --- RKPD -------------------------------------------------------------------------------------------


def test_bappeda_consolidates_the_rkpd_and_others_read_it(client, dinkes_staff, bappeda, renja, year):
    move_renja(renja, *FINAL_MOVES, staff=dinkes_staff, bappeda=bappeda)
    url = reverse("planning:rkpd") + f"?tahun={year.year}"
    finance = user_with_role(User.Role.FINANCE)
    assert client_for(client, finance).get(url).status_code == 404  # nothing consolidated yet

    client_for(client, bappeda)
    assert "belum dikonsolidasikan" in client.get(url).content.decode()
    response = client.post(reverse("planning:rkpd-action"), {"tahun": year.year, "action": "consolidate"})
    assert response.status_code == 302
    rkpd = Rkpd.objects.get(fiscal_year=year)
    assert rkpd.total_pagu == Decimal("300000000")
    page = client.get(url).content.decode()
    assert renja.opd.name in page and "Rp 300.000.000" in page

    client_for(client, finance)
    read = client.get(url).content.decode()
    assert "Rp 300.000.000" in read and "Konsolidasikan ulang" not in read
    assert (
        client.post(reverse("planning:rkpd-action"), {"tahun": year.year, "action": "consolidate"}).status_code == 403
    )
