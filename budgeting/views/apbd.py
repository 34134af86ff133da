"""APBD version pages: the year's versions, one version's ringkasan, balance and moves, adoption and publication."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masterdata import access, view_helpers
from masterdata.errors import TransitionNotAllowed
from masterdata.form_base import active_fiscal_years
from masterdata.view_helpers import CONFLICT, UNPROCESSABLE

from ..forms import apbd as apbd_forms
from ..models import ApbdTotal, ApbdVersion, KuaPpas, Rka
from ..selectors import apbd as apbd_selectors
from ..selectors import kua as kua_selectors
from ..selectors import rka as rka_selectors
from ..services import apbd as apbd_services

Dimension = ApbdTotal.Dimension


KELOMPOK_BELANJA = [
    ("5.1", "Operasi"),
    ("5.2", "Modal"),
    ("5.3", "Tidak terduga"),
    ("5.4", "Transfer"),
]


def _version_url(version, anchor=""):
    return view_helpers.url_to("budgeting:apbd-detail", version.pk, anchor=anchor)


@login_required
@require_GET
def apbd_list(request):
    user = request.user
    fiscal_year = view_helpers.requested_year(request)
    can_change = user.has_perm("budgeting.change_apbd")
    context = {
        "fiscal_year": fiscal_year,
        "fiscal_years": active_fiscal_years(),
        "versions": apbd_selectors.apbd_versions_with_counts(user, fiscal_year) if fiscal_year else [],
        "can_change": can_change,
    }
    if can_change and fiscal_year is not None:
        unused = kua_selectors.unused_locked_kuas(fiscal_year)
        context.update(
            murni_kuas=unused.filter(kind=KuaPpas.Kind.MURNI),
            perubahan_kuas=unused.filter(kind=KuaPpas.Kind.PERUBAHAN),
        )
    return render(request, "budgeting/apbd_list.html", context)


@login_required
@require_POST
def apbd_create(request):
    user = request.user
    access.require(user, "budgeting.change_apbd")
    fiscal_year = view_helpers.posted_year(request)
    form = apbd_forms.ApbdCreateForm(request.POST, kuas=kua_selectors.unused_locked_kuas(fiscal_year))
    back = f"{reverse('budgeting:apbd-list')}?tahun={fiscal_year.year}"
    if not form.is_valid():
        messages.error(request, "Pilih KUA-PPAS yang plafonnya sudah dikunci.")
        return redirect(back)
    kind, kua = form.cleaned_data["kind"], form.cleaned_data["kua"]
    try:
        if kind == ApbdVersion.Kind.PERGESERAN:
            version = apbd_services.create_shift_version(
                actor=user, fiscal_year=fiscal_year, note=form.cleaned_data["note"]
            )
        elif kua is None:
            raise ValidationError("Pilih KUA-PPAS yang plafonnya sudah dikunci.")
        else:  # the KUA-PPAS says which: murni, or perubahan from a KUPA-PPAS-P
            version = apbd_services.open_version(actor=user, kua=kua)
    except ValidationError as error:
        messages.error(request, view_helpers.error_text(error))
        return redirect(back)
    messages.success(request, f"{version} dibuka sebagai draf; OPD dapat menyusun RKA-nya.")
    return redirect(_version_url(version))


def _apbd_context(request, version, **extra):
    user = request.user
    dimension = request.GET.get("tampilan", Dimension.ACCOUNT)
    if dimension not in Dimension.values:
        dimension = Dimension.ACCOUNT
    with_objek = request.GET.get("objek") == "1"
    figures = apbd_selectors.ringkasan(user, version)
    if dimension == Dimension.ACCOUNT:
        levels = ("akun", "kelompok", "jenis", "objek") if with_objek else ("akun", "kelompok", "jenis")
        rows = [row for row in figures.accounts if row.level in levels]
    else:
        rows = figures.groups[dimension]
    can_change = user.has_perm("budgeting.change_apbd")
    can_approve = user.has_perm("budgeting.approve_shift")
    moves = [
        move
        for move in apbd_services.apbd_moves(version)
        if move != "publish" and (can_approve if move == "approve" else can_change)
    ]
    counts = rka_selectors.rka_state_counts(user, version)
    return {
        "version": version,
        "figures": figures,
        "balance": figures.balance,
        "dimension": dimension,
        "dimensions": Dimension.choices,
        "kelompok_belanja": KELOMPOK_BELANJA,
        "with_objek": with_objek,
        "page": view_helpers.page_of(request, rows),
        "rka_counts": view_helpers.state_counts(counts, Rka.State.choices),
        "rka_total": sum(counts.values()),
        "moves": moves,
        "can_publish": can_change and "publish" in apbd_services.apbd_moves(version),
        "can_change": can_change,
        "transitions": rka_selectors.transitions_of(version),
        "move_form": extra.get("transition_form") or apbd_forms.ApbdTransitionForm(version=version),
        "print_params": {"version": version.pk},
        **extra,
    }


def _render_apbd(request, version, *, status=200, **extra):
    return render(request, "budgeting/apbd_detail.html", _apbd_context(request, version, **extra), status=status)


@login_required
@require_GET
def apbd_detail(request, pk):
    return _render_apbd(request, apbd_selectors.apbd_version_for(request.user, pk))


@login_required
@require_POST
def apbd_transition(request, pk):
    user = request.user
    version = apbd_selectors.apbd_version_for(user, pk)
    access.require(user, "budgeting.change_apbd")
    form = apbd_forms.ApbdTransitionForm(request.POST, version=version)
    if form.is_valid() and form.cleaned_data["action"] == "publish":
        # Publication has its own confirmation page.
        return _render_apbd(request, version, transition_form=form, status=UNPROCESSABLE)
    moved, refused = view_helpers.run_move(
        form,
        lambda: apbd_services.transition_apbd(
            actor=user,
            version=version,
            action=form.cleaned_data["action"],
            note=form.cleaned_data["note"],
            **form.details(version),
        ),
        lambda **extra: _render_apbd(request, apbd_selectors.apbd_version_for(user, pk), **extra),
    )
    if refused is not None:
        return refused
    messages.success(request, APBD_DONE[form.cleaned_data["action"]].format(version=moved))
    return redirect(_version_url(moved))


APBD_DONE = {
    "submit": "{version} diajukan ke DPRD.",
    "agree": "Persetujuan bersama DPRD atas {version} dicatat.",
    "refine": "Penyempurnaan {version} dibuka; RKA OPD yang dipilih dikembalikan dengan koreksi hasil evaluasi.",
    "evaluate": "Hasil evaluasi Gubernur atas {version} dicatat.",
    "adopt": "{version} ditetapkan. Terbitkan untuk publik bila sudah siap; DPA dapat disusun.",
    "approve": "{version} disetujui.",
}


@login_required
@require_http_methods(["GET", "POST"])
def apbd_publish(request, pk):
    """Publication is its own, explicitly confirmed step: the public sees the version from then on."""
    user = request.user
    version = apbd_selectors.apbd_version_for(user, pk)
    access.require(user, "budgeting.change_apbd")
    error_message, status = "", 200
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            error_message, status = "Centang pernyataan bahwa versi ini siap dibaca publik.", UNPROCESSABLE
        else:
            try:
                version = apbd_services.transition_apbd(actor=user, version=version, action="publish")
            except TransitionNotAllowed as error:
                error_message, status = str(error), CONFLICT
            else:
                messages.success(request, f"{version} diterbitkan untuk publik.")
                return redirect(_version_url(version))
    return render(
        request,
        "budgeting/apbd_publish.html",
        {"version": version, "balance": apbd_selectors.balance(version), "error_message": error_message},
        status=status,
    )
