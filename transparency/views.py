"""The public APBD pages: no login, published versions only (a draft answers as a missing page)."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from budgeting.models import ApbdTotal
from masterdata import access, view_helpers

from . import forms, opendata
from .models import Feedback
from .selectors import facts, published
from .selectors import feedback as feedback_selectors
from .services import feedback as feedback_services

FEEDBACK = view_helpers.AddressRateLimit("transparency:feedback", 5)

ORDERS = {
    "belanja": gettext_lazy("Belanja terbesar"),
    "kode": gettext_lazy("Kode OPD"),
    "nama": gettext_lazy("Nama OPD"),
}
DRILL_ORDERS = {"jumlah": gettext_lazy("Jumlah terbesar"), "kode": gettext_lazy("Kode")}


def _version(request, year):
    """The year's latest published version, or the one `?versi=` names."""
    number = request.GET.get("versi")
    return facts.public_apbd_version_for(year, int(number) if number and number.isdigit() else None)


@require_GET
def home(request):
    years = published.published_years()
    version = years[0] if years else None
    context = {"years": years, "version": version}
    if version is not None:
        context |= published.summary(version)
        context["top_opds"] = published.opd_rows(version)[:10]
        context["changes"] = published.latest_changes(version)
        context["realized"] = published.realization_summary(version)
    return render(request, "transparency/home.html", context)


@require_GET
def apbd(request, year):
    version = _version(request, year)
    order = request.GET.get("urut", "belanja")
    order = order if order in ORDERS else "belanja"
    versions = list(facts.public_apbd_versions(year=year))
    return render(
        request,
        "transparency/apbd.html",
        {
            "version": version,
            "versions": versions,
            "years": published.published_years(),
            "order": order,
            "orders": ORDERS,
            "opds": published.opd_rows(version, order=order),
            "realized": published.realization_by(version, "opd"),
            "csv_url": opendata.aggregate_url(version, "csv", ["opd"]),
            "tabs": _tabs(version),
            "active_tab": "apbd",
            **published.summary(version),
        },
    )


@require_GET
def opd_detail(request, year, code):
    version = _version(request, year)
    opd = published.opd_for(version, code)
    return render(
        request,
        "transparency/opd.html",
        {
            "version": version,
            "opd": opd,
            "programs": published.opd_programs(version, code),
            "realized": published.realization_by(version, "program", code),
            "csv_url": opendata.lines_url(version, opd=code),
            **_feedback_context(version, code, None),
        },
    )


@require_GET
def sub_kegiatan_detail(request, year, code, sub_code):
    version = _version(request, year)
    opd = published.opd_for(version, code)
    lines = published.sub_kegiatan_lines(version, code, sub_code)
    page = view_helpers.page_of(request, lines)
    return render(
        request,
        "transparency/sub_kegiatan.html",
        {
            "version": version,
            "opd": opd,
            "sub_code": sub_code,
            "sub_name": lines[0]["nama_sub_kegiatan"],
            "program": (lines[0]["kode_program"], lines[0]["nama_program"]),
            "total": sum(line["jumlah"] for line in lines),
            "page": page,
            "output": published.sub_kegiatan_output(lines[0]["id"]),
            "progress": published.sub_kegiatan_progress(version, code, sub_code),
            "csv_url": opendata.lines_url(version, opd=code, sub_kegiatan=sub_code),
            **_feedback_context(version, code, sub_code),
        },
    )


# Where a classification's term is explained (templates/transparency/glossary.html).
GLOSSARY = {
    "opd": "opd",
    "urusan": "urusan",
    "bidang": "urusan",
    "program": "program",
    "kegiatan": "sub-kegiatan",
    "sub_kegiatan": "sub-kegiatan",
    "sumber_dana": "sumber-dana",
    published.LINES: "kode-rekening",
    **dict.fromkeys(facts.ACCOUNT_LEVELS, "kode-rekening"),
}
# The hierarchy whose pages open a level's code (a program under a funding source opens by function).
DRILL_OF = {level.key: slug for slug, hierarchy in published.HIERARCHIES.items() for level in hierarchy.levels}


def _drill_url(version, key, code, parent=(None, None)):
    """Where a row leads: its code's drill-down page, an OPD's page, or the page of the sub-kegiatan `parent`
    names in that OPD (down to its lines)."""
    year = version.fiscal_year.year
    if key == "opd" and parent[0] == "sub_kegiatan":
        url = reverse("transparency:sub-kegiatan", args=[year, code, parent[1]])
    elif key == "opd":
        url = reverse("transparency:opd", args=[year, code])
    else:
        url = reverse(f"transparency:{DRILL_OF[key]}-node", args=[year, code])
    return f"{url}?versi={version.number}"


def _linked(version, found):
    """The drill's rows with where each leads (a row one level down, each of its parts under it)."""
    parent = (found.hierarchy.levels[found.depth].key, found.node.code) if found.node.code else (None, None)
    part_key = found.hierarchy.parts.get(found.child_key)
    return [
        replace(
            child,
            url=_drill_url(version, found.child_key, child.code, parent),
            parts=tuple(
                replace(part, url=_drill_url(version, part_key, part.code, (found.child_key, child.code)))
                for part in child.parts
            ),
        )
        for child in found.children
    ]


@require_GET
def drilldown(request, year, slug, code=None):
    """A published version by function, by account or by funding source, from the top down to the lines."""
    version = _version(request, year)
    order = request.GET.get("urut", "jumlah")
    order = order if order in DRILL_ORDERS else "jumlah"
    found = published.drill(version, slug, code, order=order)
    hierarchy = found.hierarchy
    child = facts.DIMENSIONS.get(found.child_key)  # None under a rincian objek: its lines
    versi = f"?versi={version.number}"
    crumbs = [
        (str(version), reverse("transparency:apbd", args=[year]) + versi),
        (hierarchy.title, reverse(f"transparency:{slug}", args=[year]) + versi),
        *((f"{above} {name}", _drill_url(version, key, above)) for key, above, name in found.trail),
    ]
    context = {
        "version": version,
        "versions": list(facts.public_apbd_versions(year=year)),
        "found": found,
        "level": hierarchy.levels[found.depth].label if code else hierarchy.whole,
        "child_label": _mid_sentence(_(child.label)) if child else "",
        "child_glossary": GLOSSARY[found.child_key],
        "crumbs": crumbs if code else crumbs[:-1],
        "current": f"{code} {found.node.name}" if code else hierarchy.title,
        "order": order,
        "orders": DRILL_ORDERS,
        "tabs": _tabs(version),
        "active_tab": slug,
    }
    if code is None and not hierarchy.adds_up:  # akun 4, 5 and 6 side by side: the balance says how they meet
        context["balance"] = published.summary(version)["balance"]
    if found.child_key == published.LINES:
        context["page"] = view_helpers.page_of(request, published.DrillLines(version, found, order))
        context["csv_url"] = opendata.lines_url(version, **found.cuts)
    else:
        context["children"] = _linked(version, found)
        context["csv_url"] = opendata.aggregate_url(version, "csv", found.drilldown, **found.cuts)
    return render(request, "transparency/drilldown.html", context)


def _mid_sentence(label):
    """A label as it reads after "per": "Bidang urusan" → "bidang urusan"; an acronym ("OPD") stays as it is."""
    return label if label.split()[0].isupper() else label[:1].lower() + label[1:]


def _tabs(version):
    """The ways through a version: by OPD, function, account and funding source."""
    versi = f"?versi={version.number}"
    year = version.fiscal_year.year
    tabs = [("apbd", _("Per OPD"), reverse("transparency:apbd", args=[year]) + versi)]
    return tabs + [
        (slug, hierarchy.title, reverse(f"transparency:{slug}", args=[year]) + versi)
        for slug, hierarchy in published.HIERARCHIES.items()
    ]


@require_GET
def glossary(request):
    return render(request, "transparency/glossary.html")


@require_GET
def versions(request, year):
    history = published.version_history(year)
    pairs = [(history[i - 1][0] if i else None, version, balance) for i, (version, balance) in enumerate(history)]
    other_years = [item for item in published.published_years() if item.fiscal_year.year != year]
    return render(request, "transparency/versions.html", {"year": year, "pairs": pairs, "other_years": other_years})


DIMENSIONS = {
    ApbdTotal.Dimension.OPD: gettext_lazy("Per OPD"),
    ApbdTotal.Dimension.ACCOUNT: gettext_lazy("Per kode rekening"),
    ApbdTotal.Dimension.URUSAN: gettext_lazy("Per urusan"),
    ApbdTotal.Dimension.BIDANG: gettext_lazy("Per bidang urusan"),
    ApbdTotal.Dimension.PROGRAM: gettext_lazy("Per program"),
}


@require_GET
def compare(request):
    old = published.version_by_reference(request.GET.get("dari"))
    new = published.version_by_reference(request.GET.get("ke"))
    dimension = request.GET.get("dimensi", ApbdTotal.Dimension.OPD)
    dimension = dimension if dimension in DIMENSIONS else ApbdTotal.Dimension.OPD
    rows = published.comparison(old, new, dimension)
    return render(
        request,
        "transparency/compare.html",
        {
            "old": old,
            "new": new,
            "dimension": dimension,
            "dimensions": DIMENSIONS,
            "page": view_helpers.page_of(request, rows),
            "balances": [(old, published.summary(old)["balance"]), (new, published.summary(new)["balance"])],
        },
    )


@require_GET
def search(request, year):
    version = _version(request, year)
    query = view_helpers.search_text(request.GET)
    return render(
        request,
        "transparency/search.html",
        {"version": version, "query": query, **published.search(version, query)},
    )


# --- Citizen feedback ------------------------------------------------------------------------------


def _feedback_context(version, opd_code, sub_code, form=None):
    opd = published.opd_record(version, opd_code)
    return {
        "feedback": feedback_selectors.public_feedback(version.fiscal_year_id, opd.pk, sub_kegiatan_code=sub_code),
        "feedback_form": form or forms.FeedbackForm(),
        "feedback_target": sub_code or "",
    }


def _feedback_form_page(request, version, code, sub_code, form, back):
    context = {"version": version, "opd": published.opd_for(version, code), "feedback_target": sub_code}
    context |= {"feedback_form": form, "back": back}
    return render(request, "transparency/feedback_form_page.html", context, status=422)


@require_POST
def feedback_submit(request, year, code):
    """A citizen's remark on an OPD or one of its sub-kegiatan: held until moderated, limited per address."""
    version = _version(request, year)
    published.opd_for(version, code)
    sub_code = request.POST.get("sub_kegiatan", "")
    sub_name = published.sub_kegiatan_lines(version, code, sub_code)[0]["nama_sub_kegiatan"] if sub_code else ""
    back = (
        reverse("transparency:sub-kegiatan", args=[year, code, sub_code])
        if sub_code
        else reverse("transparency:opd", args=[year, code])
    )
    if FEEDBACK.exceeded(request):
        response = render(
            request, "transparency/feedback_limit.html", {"limit": FEEDBACK.limit, "back": back}, status=429
        )
        response["Retry-After"] = str(FEEDBACK.window)
        return response
    form = forms.FeedbackForm(request.POST)
    if form.is_valid() and not form.is_bot:
        with view_helpers.refusals_on(form) as outcome:
            feedback_services.submit_feedback(
                actor=request.user,
                fiscal_year=version.fiscal_year,
                opd=published.opd_record(version, code),
                sub_kegiatan_code=sub_code,
                sub_kegiatan_name=sub_name,
                **{field: form.cleaned_data[field] for field in ("text", "name", "contact")},
            )
        if not outcome.ok:
            return _feedback_form_page(request, version, code, sub_code, form, back)
    elif not form.is_bot:
        return _feedback_form_page(request, version, code, sub_code, form, back)
    FEEDBACK.count(request)  # a bot's post looks like a success and stores nothing
    messages.success(
        request, _("Terima kasih. Masukan Anda diterima dan tampil di halaman ini setelah diperiksa moderator.")
    )
    return redirect(f"{back}?versi={version.number}#masukan")


FEEDBACK_STATES = [("", "Semua"), *Feedback.State.choices]


@login_required
@require_GET
def feedback_list(request):
    """The staff's view of citizen feedback: Bappeda moderates, the OPD answers, the auditor reads all."""
    user = request.user
    if not user.has_perm("transparency.view_feedback"):
        raise PermissionDenied("Halaman ini untuk Bappeda, Inspektorat dan staf OPD.")
    state = request.GET.get("status", "")
    state = state if state in Feedback.State.values else ""
    query = view_helpers.search_text(request.GET)
    page = view_helpers.page_of(request, feedback_selectors.visible_feedback(user, state=state, query=query))
    for item in page.object_list:
        item.can_moderate = item.state == Feedback.State.RECEIVED and user.has_perm("transparency.moderate_feedback")
        item.can_answer = item.state == Feedback.State.APPROVED and user.has_perm("transparency.answer_feedback", item)
    return render(
        request,
        "transparency/feedback_list.html",
        {
            "page": page,
            "state": state,
            "states": FEEDBACK_STATES,
            "query": query,
            "moderation_form": forms.ModerationForm(),
            "answer_form": forms.AnswerForm(),
        },
    )


def _feedback_move(request, pk, permission, form_class, move):
    user = request.user
    item = feedback_selectors.feedback_for(user, pk)
    if not user.has_perm(permission, item):  # refused before what was sent is read
        raise PermissionDenied("Anda tidak berwenang melakukan tindakan ini.")
    form = form_class(request.POST)
    if form.is_valid():
        with view_helpers.refusals_on(form) as outcome:
            moved = move(item, form.cleaned_data)
        if outcome.ok:
            messages.success(request, f"{moved}: {moved.get_state_display().lower()}.")
            return redirect(reverse("feedback:list") + f"?status={moved.state}")
        status = outcome.status
    else:
        status = 422
    return render(request, "transparency/feedback_move.html", {"item": item, "form": form}, status=status)


@login_required
@require_POST
def feedback_moderate(request, pk):
    return _feedback_move(
        request,
        pk,
        "transparency.moderate_feedback",
        forms.ModerationForm,
        lambda item, data: feedback_services.moderate_feedback(
            actor=request.user, feedback=item, approve=data["decision"] == "approve", note=data["note"]
        ),
    )


@login_required
@require_POST
def feedback_answer(request, pk):
    return _feedback_move(
        request,
        pk,
        "transparency.answer_feedback",
        forms.AnswerForm,
        lambda item, data: feedback_services.answer_feedback(actor=request.user, feedback=item, answer=data["answer"]),
    )


@require_GET
def documents(request, year):
    if not facts.public_apbd_versions(year=year).exists():
        raise Http404(access.NOT_FOUND_MESSAGE)
    return render(request, "transparency/documents.html", {"year": year, "entries": published.document_register(year)})
