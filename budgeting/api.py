"""The budgeting API (mounted at /api/v1/): KUA-PPAS and ceilings, APBD versions with their ringkasan and
diff, RKA with its lines, sub-kegiatan, verification and Excel, DPA with its anggaran kas.

Views stay thin: reads come scoped from budgeting.selectors and masterdata.access (an object that is not
yours answers 404 like a missing one), writes go through the services, whose refusals the shared
exception handler turns into 403 (not allowed), 400 (invalid, a ceiling taken over) and 409 (a move that
does not apply, or a save based on an old version).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django_filters.utils import translate_validation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from masterdata import access
from masterdata.api_base import TEXT_PATTERN
from masterdata.errors import StaleObject
from masterdata.importers import InvalidFile
from planning.api import (
    CONFLICT_STALE,
    CONFLICT_TRANSITION,
    IMPORT_NOTE,
    MISSING_REFERENCE,
    ListMixin,
    RetrieveMixin,
)
from planning.api import PlanningViewSet as PortalViewSet
from planning.serializers import ImportInputSerializer

from . import apbd_services, excel, kua_services, selectors, services
from . import filters as budget_filters
from . import serializers as s
from .models import ApbdVersion, KuaAccountLine, KuaPpas

TAG_KUA, TAG_CEILING, TAG_APBD, TAG_RKA, TAG_DPA = "KUA-PPAS", "Plafon", "APBD", "RKA", "DPA"
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id.")
XLSX_RESPONSE = {
    (200, excel.XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="Berkas Excel (.xlsx).")
}
CEILING_REFUSED = OpenApiResponse(
    description=(
        "Masukan tidak valid, atau rincian melebihi plafon: galat bidang `amount` menyebut plafon yang terlampaui "
        "dan sisanya (mis. `Melebihi plafon Dinas Kesehatan: sisa Rp 1.250.000, ...`)."
    )
)
VERSION_MISSING = OpenApiResponse(description="Versi `from` atau `to` tidak ada atau tidak boleh Anda baca.")
LINE_WRITE_NOTE = (
    " Jawaban memuat rincian yang tersimpan, jumlah RKA sesudahnya dan sisa plafon OPD, program dan sub-kegiatan "
    "yang berlaku bagi rincian itu, sehingga editor tidak perlu permintaan kedua."
)
VERSION_PARAMETER = OpenApiParameter(
    "version",
    {"type": "integer", "minimum": 1},
    OpenApiParameter.QUERY,
    required=True,
    description="Versi rincian yang dihapus (dari GET); versi yang usang dijawab 409 dengan nilai terbaru.",
)
DIFF_PARAMETERS = [
    OpenApiParameter(
        "from", {"type": "integer", "minimum": 1}, OpenApiParameter.QUERY, required=True, description="Id versi lama."
    ),
    OpenApiParameter(
        "to", {"type": "integer", "minimum": 1}, OpenApiParameter.QUERY, required=True, description="Id versi baru."
    ),
]
LINE_FILTERS = [
    OpenApiParameter(
        "sub_kegiatan",
        {"type": "string", "maxLength": 32, "pattern": TEXT_PATTERN},
        OpenApiParameter.QUERY,
        description="Hanya rincian sub-kegiatan berkode ini.",
    ),
    OpenApiParameter(
        "account",
        {"type": "string", "maxLength": 32, "pattern": TEXT_PATTERN},
        OpenApiParameter.QUERY,
        description="Hanya rincian yang kode rekeningnya diawali teks ini, mis. `5.1.02` atau `4`.",
    ),
]


def _xlsx(content, filename):
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _invalid_file(exc):
    """An import's bad rows as a 400 in the error format, one error per problem, keyed by line."""
    by_line = {}
    for error in exc.errors:
        by_line.setdefault(str(error.line), []).append(ErrorDetail(str(error), code="invalid_row"))
    return ValidationError({"file": by_line})


def _query(serializer_class, request):
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _filtered(filterset_class, request, queryset):
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs


# --- KUA-PPAS ---------------------------------------------------------------------------------


def _kua_detail(kua):
    kua.policy_totals = kua_services.kua_policy_totals(kua)
    kua.transitions = list(selectors.transitions_of(kua))
    return kua


@extend_schema_view(
    list=extend_schema(
        summary="Daftar versi KUA-PPAS",
        description="Keuangan, Bappeda, auditor: semua versi; DPRD: yang sudah diajukan kepadanya.",
        tags=[TAG_KUA],
    ),
    retrieve=extend_schema(
        summary="Satu versi KUA-PPAS dengan rencana pendapatan, belanja, pembiayaan dan riwayatnya",
        parameters=[ID],
        responses=s.KuaPpasDetailSerializer,
        tags=[TAG_KUA],
    ),
    create=extend_schema(
        summary="Buat versi KUA-PPAS berikutnya (pejabat keuangan)",
        description=(
            "Versi pertama mengambil plafon OPD dari pagu indikatif RKPD final; versi berikutnya menyalin baris "
            "kebijakan dan plafon versi sebelumnya (yang harus sudah disepakati)."
        ),
        request=s.KuaPpasCreateSerializer,
        responses={201: s.KuaPpasDetailSerializer, 404: MISSING_REFERENCE},
        tags=[TAG_KUA],
    ),
)
class KuaPpasViewSet(ListMixin, RetrieveMixin, PortalViewSet):
    serializer_class = s.KuaPpasSerializer
    filterset_class = budget_filters.KuaPpasFilterSet

    def get_queryset(self):
        return selectors.visible_kua_ppas(self.request.user)

    def _detail(self, pk, status_code=status.HTTP_200_OK):
        kua = access.get_visible_or_404(self.get_queryset(), pk=pk)
        return self.answer(_kua_detail(kua), s.KuaPpasDetailSerializer, status_code=status_code)

    def retrieve(self, request, pk):
        return self._detail(pk)

    def create(self, request):
        kua = kua_services.create_kua_ppas(actor=request.user, **self.valid(s.KuaPpasCreateSerializer))
        return self._detail(kua.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Pindahkan KUA-PPAS di siklusnya (pejabat keuangan)",
        description=(
            "`submit` ke DPRD, `revise` kembali ke draf setelah pembahasan (dengan catatan), `agree` mencatat nota "
            "kesepakatan (nomor dan tanggal), `lock` mengunci plafon. Tindakan yang tidak berlaku dijawab 409 "
            "dengan status sekarang dan tindakan yang berlaku."
        ),
        parameters=[ID],
        request=s.KuaTransitionInputSerializer,
        responses={200: s.KuaPpasDetailSerializer, 409: CONFLICT_TRANSITION},
        tags=[TAG_KUA],
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transitions(self, request, pk):
        kua = self.get_object()
        kua_services.transition_kua(actor=request.user, kua=kua, **self.valid(s.KuaTransitionInputSerializer))
        return self._detail(pk)

    @extend_schema(
        methods=["GET"],
        summary="Baris kebijakan KUA-PPAS: proyeksi pendapatan, kebijakan belanja, pembiayaan",
        parameters=[ID],
        responses=s.KuaAccountLineSerializer(many=True),
        tags=[TAG_KUA],
    )
    @extend_schema(
        methods=["POST"],
        summary="Isi jumlah satu kode rekening KUA-PPAS (pejabat keuangan, saat draf)",
        description="Membuat baris baru, atau mengubah jumlah dan kebijakan kode rekening yang sudah ada.",
        parameters=[ID],
        request=s.KuaAccountLineInputSerializer,
        responses={200: s.KuaAccountLineSerializer, 404: MISSING_REFERENCE, 409: CONFLICT_TRANSITION},
        tags=[TAG_KUA],
    )
    @action(detail=True, methods=["get", "post"], url_path="account-lines", filter_backends=[])
    def account_lines(self, request, pk):
        kua = self.get_object()
        if request.method == "GET":
            return self.page(selectors.kua_account_lines(kua), s.KuaAccountLineSerializer)
        line = kua_services.set_kua_account_line(
            actor=request.user, kua=kua, **self.valid(s.KuaAccountLineInputSerializer, kua=kua)
        )
        return self.answer(_account_line(line), s.KuaAccountLineSerializer)


def _account_lines(user):
    queryset = KuaAccountLine.objects.select_related("account", "kua_ppas__fiscal_year")
    return access.scope_kua_ppas(user, queryset, kua_field="kua_ppas")


def _account_line(line):
    return KuaAccountLine.objects.select_related("account").get(pk=line.pk)


@extend_schema_view(
    retrieve=extend_schema(summary="Satu baris kebijakan KUA-PPAS", parameters=[ID], tags=[TAG_KUA]),
    partial_update=extend_schema(
        summary="Ubah jumlah atau kebijakan baris KUA-PPAS (pejabat keuangan, saat draf)",
        parameters=[ID],
        request=s.KuaAccountLinePatchSerializer,
        responses={200: s.KuaAccountLineSerializer, 409: CONFLICT_TRANSITION},
        tags=[TAG_KUA],
    ),
    destroy=extend_schema(
        summary="Hapus baris kebijakan KUA-PPAS (pejabat keuangan, saat draf)",
        parameters=[ID],
        responses={204: None, 409: CONFLICT_TRANSITION},
        tags=[TAG_KUA],
    ),
)
class KuaAccountLineViewSet(RetrieveMixin, PortalViewSet):
    serializer_class = s.KuaAccountLineSerializer

    def get_queryset(self):
        return _account_lines(self.request.user)

    def partial_update(self, request, pk):
        line = self.get_object()
        data = self.valid(s.KuaAccountLinePatchSerializer)
        line = kua_services.set_kua_account_line(
            actor=request.user,
            kua=line.kua_ppas,
            account=line.account,
            amount=data["amount"],
            note=data.get("note", line.note),
        )
        return self.answer(_account_line(line))

    def destroy(self, request, pk):
        kua_services.delete_kua_account_line(actor=request.user, line=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="Daftar plafon (PPAS)",
        description=(
            "Plafon OPD, program dan sub-kegiatan. Keuangan, Bappeda, auditor: semua; DPRD: versi yang sudah "
            "diajukan; staf OPD: plafon OPD-nya sendiri setelah KUA-PPAS disepakati."
        ),
        tags=[TAG_CEILING],
    ),
    retrieve=extend_schema(summary="Satu plafon", parameters=[ID], tags=[TAG_CEILING]),
    create=extend_schema(
        summary="Tetapkan plafon OPD, program atau sub-kegiatan (pejabat keuangan, saat draf)",
        description=(
            "Membuat plafon baru atau mengubah jumlah plafon yang sama. Plafon program dan sub-kegiatan harus muat "
            "di dalam plafon OPD-nya (jumlahnya, bukan hanya satu per satu)."
        ),
        request=s.CeilingInputSerializer,
        responses={200: s.CeilingSerializer, 404: MISSING_REFERENCE, 409: CONFLICT_TRANSITION},
        tags=[TAG_CEILING],
    ),
    partial_update=extend_schema(
        summary="Ubah jumlah plafon (pejabat keuangan, saat draf)",
        parameters=[ID],
        request=s.CeilingPatchSerializer,
        responses={200: s.CeilingSerializer, 409: CONFLICT_TRANSITION},
        tags=[TAG_CEILING],
    ),
    destroy=extend_schema(
        summary="Hapus plafon (pejabat keuangan, saat draf)",
        parameters=[ID],
        responses={204: None, 409: CONFLICT_TRANSITION},
        tags=[TAG_CEILING],
    ),
)
class CeilingViewSet(ListMixin, RetrieveMixin, PortalViewSet):
    serializer_class = s.CeilingSerializer
    filterset_class = budget_filters.CeilingFilterSet

    def get_queryset(self):
        return selectors.visible_ceilings(self.request.user)

    def _saved(self, ceiling):
        return self.answer(access.get_visible_or_404(self.get_queryset(), pk=ceiling.pk))

    def create(self, request):
        return self._saved(kua_services.set_ceiling(actor=request.user, **self.valid(s.CeilingInputSerializer)))

    def partial_update(self, request, pk):
        ceiling = self.get_object()
        amount = self.valid(s.CeilingPatchSerializer)["amount"]
        saved = kua_services.set_ceiling(
            actor=request.user,
            kua=ceiling.kua_ppas,
            opd=ceiling.opd,
            program=ceiling.program,
            sub_kegiatan=ceiling.sub_kegiatan,
            amount=amount,
        )
        return self._saved(saved)

    def destroy(self, request, pk):
        kua_services.delete_ceiling(actor=request.user, ceiling=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- APBD versions ----------------------------------------------------------------------------


class DiffLines:
    """The changed, added and removed lines of a diff as one sequence that a page slices without loading
    the rest: one count per kind and one query per kind the page touches."""

    def __init__(self, parts):
        self.parts = parts
        self._sizes = None

    def sizes(self):
        if self._sizes is None:
            self._sizes = [queryset.count() for _, queryset in self.parts]
        return self._sizes

    def count(self):
        return sum(self.sizes())

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        start, stop = window.start or 0, window.stop
        rows = []
        for (change, queryset), size in zip(self.parts, self.sizes(), strict=True):
            if start < size and stop > 0:
                rows += [_diff_row(change, line) for line in queryset[max(start, 0) : min(stop, size)]]
            start, stop = start - size, stop - size
        return rows


def _code_of(sub):
    return sub.sub_kegiatan.code if sub else None


def _diff_row(change, line):
    line.change = change
    if change == "changed":
        line.old_sub_kegiatan_code = line.old_sub_kegiatan_code or None
        line.new_sub_kegiatan_code = line.new_sub_kegiatan_code or None
        return line
    own = {"account_code": line.account.code, "sub_kegiatan_code": _code_of(line.sub_kegiatan), "amount": line.amount}
    side, other = ("new", "old") if change == "added" else ("old", "new")
    for name, value in own.items():
        setattr(line, f"{side}_{name}", value)
        setattr(line, f"{other}_{name}", None)
    line.delta = line.amount if change == "added" else -line.amount
    return line


def _ringkasan(version):
    summary = selectors.ringkasan(version)
    return {
        "version": version,
        "stored": summary.stored,
        "balance": summary.balance,
        "accounts": summary.accounts,
        **summary.groups,
    }


def _apbd_detail(version):
    version.transitions = list(selectors.transitions_of(version))
    return version


@extend_schema_view(
    list=extend_schema(
        summary="Daftar versi APBD (murni, pergeseran, perubahan)",
        description="Peran staf dan auditor: semua versi; DPRD: yang sudah diajukan kepadanya.",
        tags=[TAG_APBD],
    ),
    retrieve=extend_schema(
        summary="Satu versi APBD dengan riwayatnya",
        parameters=[ID],
        responses=s.ApbdVersionDetailSerializer,
        tags=[TAG_APBD],
    ),
    create=extend_schema(
        summary="Buka RAPBD murni atau APBD Perubahan (pejabat keuangan)",
        description=(
            "Dari KUA-PPAS murni yang plafonnya dikunci: RKA setiap OPD berplafon, berisi sub-kegiatan Renja "
            "finalnya. Dari KUPA-PPAS-P yang dikunci: salinan versi terakhir yang ditetapkan."
        ),
        request=s.ApbdVersionCreateSerializer,
        responses={201: s.ApbdVersionDetailSerializer, 404: MISSING_REFERENCE},
        tags=[TAG_APBD],
    ),
)
class ApbdVersionViewSet(ListMixin, RetrieveMixin, PortalViewSet):
    serializer_class = s.ApbdVersionSerializer
    filterset_class = budget_filters.ApbdVersionFilterSet

    def get_queryset(self):
        return selectors.visible_apbd_versions(self.request.user)

    def _detail(self, pk, status_code=status.HTTP_200_OK):
        version = access.get_visible_or_404(self.get_queryset(), pk=pk)
        return self.answer(_apbd_detail(version), s.ApbdVersionDetailSerializer, status_code=status_code)

    def retrieve(self, request, pk):
        return self._detail(pk)

    def create(self, request):
        kua = self.valid(s.ApbdVersionCreateSerializer)["kua_ppas"]
        if kua.kind == KuaPpas.Kind.PERUBAHAN:
            version = apbd_services.create_perubahan_version(actor=request.user, kua=kua)
        else:
            version = apbd_services.create_murni_version(actor=request.user, kua=kua)
        return self._detail(version.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Buka pergeseran berikutnya (pejabat keuangan)",
        description=(
            "Salinan versi terakhir yang ditetapkan; belanja setiap OPD harus tetap sama dengan versi dasarnya."
        ),
        request=s.ShiftCreateSerializer,
        responses={201: s.ApbdVersionDetailSerializer, 404: MISSING_REFERENCE},
        tags=[TAG_APBD],
    )
    @action(detail=False, methods=["post"], url_path="pergeseran", filter_backends=[])
    def shift(self, request):
        data = self.valid(s.ShiftCreateSerializer)
        version = apbd_services.create_shift_version(actor=request.user, fiscal_year=data["year"], note=data["note"])
        return self._detail(version.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Pindahkan versi APBD di siklusnya (pejabat keuangan)",
        description=(
            "murni/perubahan: `submit` ke DPRD (semua RKA disetujui, plafon terpenuhi, APBD seimbang), `agree` "
            "(dprd_agreement_date), `evaluate` (evaluation_number, evaluation_date, evaluation_corrections), "
            "`adopt` (perda_number, perda_date, perbup_number, perbup_date), `publish`. Pergeseran: `approve`, "
            "`adopt` (perbup_number, perbup_date), `publish`. Isian lain dari yang dipakai tindakan itu dijawab "
            "400; tindakan yang tidak berlaku dijawab 409 dengan status sekarang dan tindakan yang berlaku."
        ),
        parameters=[ID],
        request=s.ApbdTransitionInputSerializer,
        responses={200: s.ApbdVersionDetailSerializer, 409: CONFLICT_TRANSITION},
        tags=[TAG_APBD],
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transitions(self, request, pk):
        version = self.get_object()
        details = self.valid(s.ApbdTransitionInputSerializer)
        move, note = details.pop("action"), details.pop("note")
        if version.kind == ApbdVersion.Kind.PERGESERAN and move == "adopt":
            used = apbd_services.SHIFT_ADOPT_DETAILS
        else:
            used = apbd_services.ACTION_DETAILS.get(move, ())
        unused = sorted(set(details) - set(used))
        if unused:
            raise DjangoValidationError({name: f"Tidak dipakai oleh tindakan '{move}'." for name in unused})
        apbd_services.transition_apbd(actor=request.user, version=version, action=move, note=note, **details)
        return self._detail(pk)

    @extend_schema(
        summary="Ringkasan APBD: per akun, kelompok, jenis dan objek, per OPD, urusan, bidang dan program, "
        "dengan keseimbangan",
        description=(
            "Versi yang diterbitkan memakai angka yang disimpan saat penerbitan; versi lain dijumlah dari "
            "rinciannya sekarang. Urusan, bidang dan program memuat belanja; program pendukung X.XX dihitung pada "
            "bidang OPD pelaksananya."
        ),
        parameters=[ID],
        responses=s.RingkasanSerializer,
        tags=[TAG_APBD],
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def ringkasan(self, request, pk):
        return Response(s.RingkasanSerializer(_ringkasan(self.get_object())).data)

    def _versions(self, request, serializer_class):
        query = _query(serializer_class, request)
        old = selectors.apbd_version_for(request.user, query["from"])
        new = selectors.apbd_version_for(request.user, query["to"])
        return old, new, query

    @extend_schema(
        summary="Perbedaan dua versi APBD per rollup",
        description=(
            "Jumlah versi lama dan baru serta selisihnya per kode rekening, OPD, urusan, bidang dan program, "
            "dengan jumlah rincian yang bertambah, dihapus dan berubah. Kedua versi harus satu garis perubahan "
            "(murni → pergeseran → perubahan …). Rinciannya: `diff/lines/`."
        ),
        parameters=[
            *DIFF_PARAMETERS,
            OpenApiParameter(
                "changed_only", bool, OpenApiParameter.QUERY, description="Hanya baris rollup yang berubah."
            ),
        ],
        responses={200: s.DiffSerializer, 404: VERSION_MISSING},
        tags=[TAG_APBD],
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def diff(self, request):
        old, new, query = self._versions(request, s.DiffRollupQuerySerializer)
        lines = selectors.visible_diff(request.user, old, new)
        result = {
            "old_version": old,
            "new_version": new,
            # SQLite sums in floats, so a net of zero may come back as -0.00; adding zero makes it 0.00.
            "totals": {kind: amount + 0 for kind, amount in lines.totals().items()},
            "counts": {change: getattr(lines, change).count() for change in ("added", "removed", "changed")},
            "rollups": selectors.diff_rollups(old, new, changed_only=query["changed_only"]),
        }
        return Response(s.DiffSerializer(result).data)

    @extend_schema(
        summary="Perbedaan dua versi APBD per rincian",
        description=(
            "Rincian yang berubah (jumlah, kode rekening atau sub-kegiatan), lalu yang baru dan yang dihapus; "
            "staf OPD melihat rincian OPD-nya saja."
        ),
        parameters=[
            *DIFF_PARAMETERS,
            OpenApiParameter(
                "change", str, OpenApiParameter.QUERY, enum=["changed", "added", "removed"], description="Satu jenis."
            ),
        ],
        responses={200: s.DiffLineSerializer(many=True), 404: VERSION_MISSING},
        tags=[TAG_APBD],
    )
    @action(detail=False, methods=["get"], url_path="diff/lines", filter_backends=[])
    def diff_lines(self, request):
        old, new, query = self._versions(request, s.DiffLineQuerySerializer)
        lines = selectors.visible_diff(request.user, old, new)
        parts = [(change, getattr(lines, change)) for change in ("changed", "added", "removed")]
        if "change" in query:
            parts = [part for part in parts if part[0] == query["change"]]
        return self.page(DiffLines(parts), s.DiffLineSerializer)

    @extend_schema(
        summary="Susun DPA setiap RKA dari versi yang ditetapkan (pejabat keuangan)",
        description="Anggaran kas awal dibagi rata dua belas bulan; sisanya jatuh pada Desember.",
        parameters=[ID],
        request=None,
        responses={200: s.DpaRefSerializer(many=True), 409: CONFLICT_TRANSITION},
        tags=[TAG_DPA],
    )
    @action(detail=True, methods=["post"], url_path="dpa", filter_backends=[], pagination_class=None)
    def prepare_dpa(self, request, pk):
        dpas = apbd_services.prepare_dpas(actor=request.user, version=self.get_object())
        return Response(s.DpaRefSerializer(dpas, many=True).data)


# --- RKA --------------------------------------------------------------------------------------


def _line_result(line, standing):
    """The saved line with the RKA's new totals and the ceilings that apply to it: the editor's one round trip."""
    return {"line": line, "totals": standing.totals, "ceilings": standing.ceilings}


def _full_line(line):
    return selectors.rka_line_rows(line.rka).get(pk=line.pk)


def _rka_detail(rka):
    rka.ceilings = selectors.rka_ceilings(rka)
    rka.transitions = list(selectors.transitions_of(rka))
    return rka


@extend_schema_view(
    list=extend_schema(
        summary="Daftar RKA-SKPD dengan jumlah dan plafonnya",
        description=(
            "Staf OPD: RKA OPD-nya; keuangan, Bappeda, auditor: semua; DPRD: setelah RAPBD diajukan kepadanya."
        ),
        tags=[TAG_RKA],
    ),
    retrieve=extend_schema(
        summary="Satu RKA dengan jumlah, setiap plafon dan sisanya, serta riwayatnya",
        parameters=[ID],
        responses=s.RkaDetailSerializer,
        tags=[TAG_RKA],
    ),
)
class RkaViewSet(ListMixin, PortalViewSet):
    serializer_class = s.RkaSerializer
    filterset_class = budget_filters.RkaFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.visible_rkas(self.request.user)

    def _detail(self, pk):
        rka = access.get_visible_or_404(self.get_queryset(), pk=pk)
        return self.answer(_rka_detail(rka), s.RkaDetailSerializer)

    def retrieve(self, request, pk):
        return self._detail(pk)

    @extend_schema(
        summary="Pindahkan RKA di siklus asistensi TAPD",
        description=(
            "`submit` (staf OPD-nya, saat draf atau dikembalikan), `return` (pejabat keuangan, dengan catatan), "
            "`approve` (pejabat keuangan; RKA lalu dibekukan). Tindakan yang tidak berlaku dijawab 409 dengan "
            "status sekarang dan tindakan yang berlaku."
        ),
        parameters=[ID],
        request=s.RkaTransitionInputSerializer,
        responses={200: s.RkaDetailSerializer, 409: CONFLICT_TRANSITION},
        tags=[TAG_RKA],
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transitions(self, request, pk):
        rka = self.get_object()
        services.transition_rka(actor=request.user, rka=rka, **self.valid(s.RkaTransitionInputSerializer))
        return self._detail(pk)

    @extend_schema(
        methods=["GET"],
        summary="Sub-kegiatan RKA dengan jumlah rincian dan plafonnya",
        parameters=[ID],
        responses=s.RkaSubKegiatanSerializer(many=True),
        tags=[TAG_RKA],
    )
    @extend_schema(
        methods=["POST"],
        summary="Tambah sub-kegiatan ke RKA (staf OPD-nya, saat draf atau dikembalikan)",
        parameters=[ID],
        request=s.RkaSubKegiatanInputSerializer,
        responses={201: s.RkaSubKegiatanSerializer, 404: MISSING_REFERENCE, 409: CONFLICT_TRANSITION},
        tags=[TAG_RKA],
    )
    @action(detail=True, methods=["get", "post"], url_path="sub-kegiatan", filter_backends=[])
    def sub_kegiatan(self, request, pk):
        rka = self.get_object()
        rows = selectors.rka_sub_kegiatan_rows(rka)
        if request.method == "GET":
            return self.page(rows, s.RkaSubKegiatanSerializer)
        values = self.valid(s.RkaSubKegiatanInputSerializer, rka=rka)
        item = services.add_rka_sub_kegiatan(actor=request.user, rka=rka, **values)
        return self.answer(rows.get(pk=item.pk), s.RkaSubKegiatanSerializer, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="Rincian RKA, urut sub-kegiatan, kode rekening dan paket pekerjaan",
        parameters=[ID, *LINE_FILTERS],
        responses=s.RkaLineSerializer(many=True),
        tags=[TAG_RKA],
    )
    @extend_schema(
        methods=["POST"],
        summary="Tambah rincian RKA (staf OPD-nya, saat draf atau dikembalikan)",
        description="Jumlah = volume_1 × volume_2 × volume_3 × harga satuan." + LINE_WRITE_NOTE,
        parameters=[ID],
        request=s.RkaLineInputSerializer,
        responses={
            201: s.LineWriteResultSerializer,
            400: CEILING_REFUSED,
            404: MISSING_REFERENCE,
            409: CONFLICT_TRANSITION,
        },
        tags=[TAG_RKA],
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def lines(self, request, pk):
        rka = self.get_object()
        if request.method == "GET":
            lines = _filtered(budget_filters.RkaLineFilterSet, request, selectors.rka_line_rows(rka))
            return self.page(lines, s.RkaLineSerializer)
        values = self.valid(s.RkaLineInputSerializer, rka=rka)
        line = services.add_rka_line(actor=request.user, rka=rka, **values)
        result = _line_result(line, line.standing)
        return self.answer(result, s.LineWriteResultSerializer, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="Catatan asistensi RKA",
        parameters=[ID],
        responses=s.RkaCommentSerializer(many=True),
        tags=[TAG_RKA],
    )
    @extend_schema(
        methods=["POST"],
        summary="Tulis catatan asistensi atau balasan (pejabat keuangan, atau staf OPD-nya)",
        parameters=[ID],
        request=s.RkaCommentInputSerializer,
        responses={201: s.RkaCommentSerializer, 404: MISSING_REFERENCE},
        tags=[TAG_RKA],
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def comments(self, request, pk):
        rka = self.get_object()
        comments = selectors.rka_comments(rka)
        if request.method == "GET":
            return self.page(comments, s.RkaCommentSerializer)
        comment = services.comment_rka(actor=request.user, rka=rka, **self.valid(s.RkaCommentInputSerializer, rka=rka))
        return self.answer(comments.get(pk=comment.pk), s.RkaCommentSerializer, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Impor rincian RKA dari Excel atau CSV (staf OPD-nya, saat draf atau dikembalikan)",
        description=(
            "Kolom: " + ", ".join(excel.RKA_IMPORT_COLUMNS.values()) + " (kode_standar_harga dan penerima boleh "
            "tidak ada). Setiap baris diperiksa dengan aturan yang sama seperti satu rincian (kode dikenal, "
            "rekening boleh untuk item, harga tidak melebihi standar, angka benar), lalu semua baris belanja "
            "bersama-sama terhadap setiap plafon." + IMPORT_NOTE
        ),
        parameters=[ID],
        request={"multipart/form-data": ImportInputSerializer},
        responses={200: s.RkaImportResultSerializer, 409: CONFLICT_TRANSITION},
        tags=[TAG_RKA],
    )
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser], filter_backends=[])
    def import_lines(self, request, pk):
        rka = self.get_object()
        upload = self.valid(ImportInputSerializer)["file"]
        try:
            lines = excel.import_rka_file(actor=request.user, rka=rka, source=upload, filename=upload.name)
        except InvalidFile as exc:
            raise _invalid_file(exc) from exc
        result = {"created": len(lines), "totals": services.rka_totals(rka), "ceilings": selectors.rka_ceilings(rka)}
        return Response(s.RkaImportResultSerializer(result).data)

    @extend_schema(
        summary="Unduh RKA sebagai Excel (tata letak seperti SIPD)",
        description="Per sub-kegiatan: program, kegiatan, lokasi dan keluaran, lalu rincian per kode rekening.",
        parameters=[ID],
        responses=XLSX_RESPONSE,
        tags=[TAG_RKA],
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request, pk):
        rka = self.get_object()
        return _xlsx(
            excel.export_rka(rka), f"rka-{rka.opd.code}-{rka.version.fiscal_year.year}-v{rka.version.number}.xlsx"
        )


@extend_schema_view(
    retrieve=extend_schema(summary="Satu rincian RKA", parameters=[ID], tags=[TAG_RKA]),
    partial_update=extend_schema(
        summary="Ubah rincian RKA (staf OPD-nya, saat draf atau dikembalikan)",
        description=(
            "Kirim `version` dari GET terakhir beserta bidang yang berubah. Bila rincian sudah diubah orang lain, "
            "jawaban 409 `stale` memuat nilai terbaru di `current`." + LINE_WRITE_NOTE
        ),
        parameters=[ID],
        request=s.RkaLinePatchSerializer,
        responses={200: s.LineWriteResultSerializer, 400: CEILING_REFUSED, 409: CONFLICT_STALE},
        tags=[TAG_RKA],
    ),
    destroy=extend_schema(
        summary="Hapus rincian RKA (staf OPD-nya, saat draf atau dikembalikan)",
        description="Jawaban memuat jumlah RKA dan sisa plafon sesudah penghapusan (`line` null).",
        parameters=[ID, VERSION_PARAMETER],
        responses={200: s.LineWriteResultSerializer, 409: CONFLICT_STALE},
        tags=[TAG_RKA],
    ),
)
class RkaLineViewSet(RetrieveMixin, PortalViewSet):
    serializer_class = s.RkaLineSerializer

    def get_queryset(self):
        if self.action == "partial_update":  # what the save reads, and what its answer shows
            related = ("rka__opd", "rka__version__fiscal_year", *services.SAVED_LINE_RELATED)
            return selectors.visible_rka_lines(self.request.user, related=related)
        return selectors.visible_rka_lines(self.request.user)

    def _stale(self, exc, line):
        current = s.RkaLineSerializer(_full_line(line), context=self.get_serializer_context()).data
        return StaleObject(str(exc), current=current)

    def partial_update(self, request, pk):
        line = self.get_object()
        changes = self.valid(s.RkaLinePatchSerializer, partial=True, rka=line.rka)
        try:
            saved = services.update_rka_line(
                actor=request.user, line=line, expected_version=changes.pop("version"), **changes
            )
        except StaleObject as exc:
            raise self._stale(exc, line) from exc
        return self.answer(_line_result(saved, saved.standing), s.LineWriteResultSerializer)

    def destroy(self, request, pk):
        line = self.get_object()
        version = _query(s.VersionQuerySerializer, request)["version"]
        try:
            standing = services.delete_rka_line(actor=request.user, line=line, expected_version=version)
        except StaleObject as exc:
            raise self._stale(exc, line) from exc
        return self.answer(_line_result(None, standing), s.LineWriteResultSerializer)


# --- DPA --------------------------------------------------------------------------------------


def _dpa_detail(dpa):
    dpa.cash_plan_balanced = not any(row["difference"] for row in selectors.cash_plan_status(dpa))
    dpa.transitions = list(selectors.transitions_of(dpa))
    return dpa


@extend_schema_view(
    list=extend_schema(
        summary="Daftar DPA-SKPD", description="Staf OPD: DPA OPD-nya; keuangan dan auditor: semua.", tags=[TAG_DPA]
    ),
    retrieve=extend_schema(
        summary="Satu DPA dengan pagu, anggaran kas dan riwayatnya",
        parameters=[ID],
        responses=s.DpaDetailSerializer,
        tags=[TAG_DPA],
    ),
)
class DpaViewSet(ListMixin, PortalViewSet):
    serializer_class = s.DpaSerializer
    filterset_class = budget_filters.DpaFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.visible_dpas(self.request.user)

    def _detail(self, pk):
        dpa = access.get_visible_or_404(self.get_queryset(), pk=pk)
        return self.answer(_dpa_detail(dpa), s.DpaDetailSerializer)

    def retrieve(self, request, pk):
        return self._detail(pk)

    @extend_schema(
        methods=["GET"],
        summary="Anggaran kas DPA: per sub-kegiatan (belanja) dan per kelompok pendapatan/pembiayaan",
        parameters=[ID],
        responses=s.CashPlanRowSerializer(many=True),
        tags=[TAG_DPA],
    )
    @extend_schema(
        methods=["PATCH"],
        summary="Ubah bulan-bulan satu anggaran kas (staf OPD-nya, sebelum DPA diterbitkan)",
        description=(
            "Bulan yang tidak dikirim tetap. Jumlahnya boleh belum sama dengan pagu; penerbitan DPA mensyaratkannya."
        ),
        parameters=[ID],
        request=s.CashPlanInputSerializer,
        responses={200: s.CashPlanRowSerializer, 404: MISSING_REFERENCE, 409: CONFLICT_TRANSITION},
        tags=[TAG_DPA],
    )
    @action(detail=True, methods=["get", "patch"], url_path="cash-plan", filter_backends=[])
    def cash_plan(self, request, pk):
        dpa = self.get_object()
        if request.method == "GET":
            return self.page(selectors.cash_plan_rows(dpa), s.CashPlanRowSerializer)
        data = self.valid(s.CashPlanInputSerializer, dpa=dpa)
        if not data["amounts"]:
            raise DjangoValidationError("Kirim paling sedikit satu bulan (month_1 sampai month_12).")
        saved = apbd_services.edit_cash_plan(actor=request.user, dpa=dpa, **data)
        row = next(
            row
            for row in selectors.cash_plan_rows(dpa)
            if (row["account_group"], row["sub_kegiatan_id"]) == (saved["account_group"], saved["sub_kegiatan_id"])
        )
        return self.answer(row, s.CashPlanRowSerializer)

    @extend_schema(
        summary="Terbitkan DPA (pejabat keuangan)",
        description="Ditolak bila ada anggaran kas yang jumlahnya tidak tepat sama dengan pagunya.",
        parameters=[ID],
        request=s.DpaIssueInputSerializer,
        responses={200: s.DpaDetailSerializer, 409: CONFLICT_TRANSITION},
        tags=[TAG_DPA],
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def issue(self, request, pk):
        apbd_services.issue_dpa(actor=request.user, dpa=self.get_object(), **self.valid(s.DpaIssueInputSerializer))
        return self._detail(pk)

    @extend_schema(
        summary="Unduh DPA sebagai Excel, dengan anggaran kas per bulan",
        parameters=[ID],
        responses=XLSX_RESPONSE,
        tags=[TAG_DPA],
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request, pk):
        dpa = self.get_object()
        return _xlsx(
            excel.export_dpa(dpa), f"dpa-{dpa.opd.code}-{dpa.version.fiscal_year.year}-v{dpa.version.number}.xlsx"
        )
