"""The budgeting API (mounted at /api/v1/): KUA-PPAS and ceilings, APBD versions with their ringkasan and
diff, RKA with its lines, sub-kegiatan, verification and Excel, DPA with its anggaran kas.

Views stay thin: reads come scoped from budgeting.selectors and masterdata.access (an object that is not
yours answers 404 like a missing one), writes go through the services, whose refusals the shared
exception handler turns into 403 (not allowed), 400 (invalid, a ceiling taken over) and 409 (a move that
does not apply, or a save based on an old version).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from budgeting import ceiling_rules, excel
from budgeting.selectors import apbd as apbd_selectors
from budgeting.selectors import ceilings as ceiling_selectors
from budgeting.selectors import diff as diff_selectors
from budgeting.selectors import dpa as dpa_selectors
from budgeting.selectors import kua as kua_selectors
from budgeting.selectors import rka as rka_selectors
from budgeting.services import apbd as apbd_services
from budgeting.services import ceilings as ceiling_services
from budgeting.services import dpa as dpa_services
from budgeting.services import kua as kua_services
from budgeting.services import rka as rka_services
from masterdata import access
from masterdata.api_base import (
    CONFLICT_STALE,
    CONFLICT_TRANSITION,
    IMPORT_NOTE,
    MISSING_REFERENCE,
    TEXT_PATTERN,
    Operations,
)
from masterdata.errors import StaleObject
from planning.api import IMPORT_REQUEST, XLSX_RESPONSE, DetailMixin, ListMixin, PortalViewSet, RetrieveMixin, xlsx

from . import filters as budget_filters
from . import serializers as s
from .models import KuaAccountLine

KUA, CEILING, APBD = Operations("KUA-PPAS"), Operations("Plafon"), Operations("APBD")
RKA, DPA = Operations("RKA"), Operations("DPA")
DELETED = {204: None, 409: CONFLICT_TRANSITION}
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


def _query(serializer_class, request):
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _filtered(filterset_class, request, queryset):
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs


class DocumentViewSet(ListMixin, DetailMixin, PortalViewSet):
    # A budget document with a lifecycle: its detail carries the history of its moves.

    def get_detail(self, pk):
        document = super().get_detail(pk)
        document.transitions = list(rka_selectors.transitions_of(document))
        return document


# --- KUA-PPAS ---------------------------------------------------------------------------------


@extend_schema_view(
    list=KUA.collection(
        "Daftar versi KUA-PPAS", "Keuangan, Bappeda, auditor: semua versi; DPRD: yang sudah diajukan kepadanya."
    ),
    retrieve=KUA.item(
        "Satu versi KUA-PPAS dengan rencana pendapatan, belanja, pembiayaan dan riwayatnya",
        responses=s.KuaPpasDetailSerializer,
    ),
    create=KUA.collection(
        "Buat versi KUA-PPAS berikutnya (pejabat keuangan)",
        "Versi pertama mengambil plafon OPD dari pagu indikatif RKPD final; versi berikutnya menyalin baris "
        "kebijakan dan plafon versi sebelumnya (yang harus sudah disepakati).",
        request=s.KuaPpasCreateSerializer,
        responses={201: s.KuaPpasDetailSerializer, 404: MISSING_REFERENCE},
    ),
)
class KuaPpasViewSet(DocumentViewSet):
    serializer_class = s.KuaPpasSerializer
    detail_serializer_class = s.KuaPpasDetailSerializer
    filterset_class = budget_filters.KuaPpasFilterSet

    def get_queryset(self):
        return kua_selectors.visible_kua_ppas(self.request.user)

    def get_detail(self, pk):
        kua = super().get_detail(pk)
        kua.policy_totals = kua_selectors.kua_policy_totals(kua)
        return kua

    def create(self, request):
        kua = kua_services.create_kua_ppas(actor=request.user, **self.valid(s.KuaPpasCreateSerializer))
        return self.answer_detail(kua.pk, status.HTTP_201_CREATED)

    @KUA.move(
        "Pindahkan KUA-PPAS di siklusnya (pejabat keuangan)",
        s.KuaTransitionInputSerializer,
        s.KuaPpasDetailSerializer,
        "`submit` ke DPRD, `revise` kembali ke draf setelah pembahasan (dengan catatan), `agree` mencatat nota "
        "kesepakatan (nomor dan tanggal), `lock` mengunci plafon. Tindakan yang tidak berlaku dijawab 409 "
        "dengan status sekarang dan tindakan yang berlaku.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transitions(self, request, pk):
        return self.act(kua_services.transition_kua, s.KuaTransitionInputSerializer, kua=self.get_object())

    @KUA.item(
        "Baris kebijakan KUA-PPAS: proyeksi pendapatan, kebijakan belanja, pembiayaan",
        methods=["GET"],
        responses=s.KuaAccountLineSerializer(many=True),
    )
    @KUA.item(
        "Isi jumlah satu kode rekening KUA-PPAS (pejabat keuangan, saat draf)",
        "Membuat baris baru, atau mengubah jumlah dan kebijakan kode rekening yang sudah ada.",
        methods=["POST"],
        request=s.KuaAccountLineInputSerializer,
        responses={200: s.KuaAccountLineSerializer, 404: MISSING_REFERENCE, 409: CONFLICT_TRANSITION},
    )
    @action(detail=True, methods=["get", "post"], url_path="account-lines", filter_backends=[])
    def account_lines(self, request, pk):
        kua = self.get_object()
        if request.method == "GET":
            return self.page(kua_selectors.kua_account_lines(kua), s.KuaAccountLineSerializer)
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
    retrieve=KUA.item("Satu baris kebijakan KUA-PPAS"),
    partial_update=KUA.item(
        "Ubah jumlah atau kebijakan baris KUA-PPAS (pejabat keuangan, saat draf)",
        request=s.KuaAccountLinePatchSerializer,
        responses={200: s.KuaAccountLineSerializer, 409: CONFLICT_TRANSITION},
    ),
    destroy=KUA.item("Hapus baris kebijakan KUA-PPAS (pejabat keuangan, saat draf)", responses=DELETED),
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
        return self.deleted(kua_services.delete_kua_account_line, line=self.get_object())


@extend_schema_view(
    list=CEILING.collection(
        "Daftar plafon (PPAS)",
        "Plafon OPD, program dan sub-kegiatan. Keuangan, Bappeda, auditor: semua; DPRD: versi yang sudah "
        "diajukan; staf OPD: plafon OPD-nya sendiri setelah KUA-PPAS disepakati.",
    ),
    retrieve=CEILING.item("Satu plafon"),
    create=CEILING.collection(
        "Tetapkan plafon OPD, program atau sub-kegiatan (pejabat keuangan, saat draf)",
        "Membuat plafon baru atau mengubah jumlah plafon yang sama. Plafon program dan sub-kegiatan harus muat "
        "di dalam plafon OPD-nya (jumlahnya, bukan hanya satu per satu).",
        request=s.CeilingInputSerializer,
        responses={200: s.CeilingSerializer, 404: MISSING_REFERENCE, 409: CONFLICT_TRANSITION},
    ),
    partial_update=CEILING.item(
        "Ubah jumlah plafon (pejabat keuangan, saat draf)",
        request=s.CeilingPatchSerializer,
        responses={200: s.CeilingSerializer, 409: CONFLICT_TRANSITION},
    ),
    destroy=CEILING.item("Hapus plafon (pejabat keuangan, saat draf)", responses=DELETED),
)
class CeilingViewSet(ListMixin, RetrieveMixin, PortalViewSet):
    serializer_class = s.CeilingSerializer
    filterset_class = budget_filters.CeilingFilterSet

    def get_queryset(self):
        return ceiling_selectors.visible_ceilings(self.request.user)

    def _saved(self, ceiling):
        return self.answer(access.get_visible_or_404(self.get_queryset(), pk=ceiling.pk))

    def create(self, request):
        return self._saved(ceiling_services.set_ceiling(actor=request.user, **self.valid(s.CeilingInputSerializer)))

    def partial_update(self, request, pk):
        ceiling = self.get_object()
        amount = self.valid(s.CeilingPatchSerializer)["amount"]
        saved = ceiling_services.set_ceiling(
            actor=request.user,
            kua=ceiling.kua_ppas,
            opd=ceiling.opd,
            program=ceiling.program,
            sub_kegiatan=ceiling.sub_kegiatan,
            amount=amount,
        )
        return self._saved(saved)

    def destroy(self, request, pk):
        return self.deleted(ceiling_services.delete_ceiling, ceiling=self.get_object())


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
    summary = apbd_selectors.ringkasan(version)
    return {
        "version": version,
        "stored": summary.stored,
        "balance": summary.balance,
        "accounts": summary.accounts,
        **summary.groups,
    }


@extend_schema_view(
    list=APBD.collection(
        "Daftar versi APBD (murni, pergeseran, perubahan)",
        "Peran staf dan auditor: semua versi; DPRD: yang sudah diajukan kepadanya.",
    ),
    retrieve=APBD.item("Satu versi APBD dengan riwayatnya", responses=s.ApbdVersionDetailSerializer),
    create=APBD.collection(
        "Buka RAPBD murni atau APBD Perubahan (pejabat keuangan)",
        "Dari KUA-PPAS murni yang plafonnya dikunci: RKA setiap OPD berplafon, berisi sub-kegiatan Renja "
        "finalnya. Dari KUPA-PPAS-P yang dikunci: salinan versi terakhir yang ditetapkan.",
        request=s.ApbdVersionCreateSerializer,
        responses={201: s.ApbdVersionDetailSerializer, 404: MISSING_REFERENCE},
    ),
)
class ApbdVersionViewSet(DocumentViewSet):
    serializer_class = s.ApbdVersionSerializer
    detail_serializer_class = s.ApbdVersionDetailSerializer
    filterset_class = budget_filters.ApbdVersionFilterSet

    def get_queryset(self):
        return apbd_selectors.visible_apbd_versions(self.request.user)

    def create(self, request):
        kua = self.valid(s.ApbdVersionCreateSerializer)["kua_ppas"]
        version = apbd_services.open_version(actor=request.user, kua=kua)
        return self.answer_detail(version.pk, status.HTTP_201_CREATED)

    @APBD.collection(
        "Buka pergeseran berikutnya (pejabat keuangan)",
        "Salinan versi terakhir yang ditetapkan; belanja setiap OPD harus tetap sama dengan versi dasarnya.",
        request=s.ShiftCreateSerializer,
        responses={201: s.ApbdVersionDetailSerializer, 404: MISSING_REFERENCE},
    )
    @action(detail=False, methods=["post"], url_path="pergeseran", filter_backends=[])
    def shift(self, request):
        data = self.valid(s.ShiftCreateSerializer)
        version = apbd_services.create_shift_version(actor=request.user, fiscal_year=data["year"], note=data["note"])
        return self.answer_detail(version.pk, status.HTTP_201_CREATED)

    @APBD.move(
        "Pindahkan versi APBD di siklusnya (pejabat keuangan)",
        s.ApbdTransitionInputSerializer,
        s.ApbdVersionDetailSerializer,
        "murni/perubahan: `submit` ke DPRD (semua RKA disetujui, plafon terpenuhi, APBD seimbang), `agree` "
        "(dprd_agreement_date), `evaluate` (evaluation_number, evaluation_date, evaluation_corrections), "
        "`adopt` (perda_number, perda_date, perbup_number, perbup_date), `publish`. Pergeseran: `approve`, "
        "`adopt` (perbup_number, perbup_date), `publish`. Isian lain dari yang dipakai tindakan itu dijawab "
        "400; tindakan yang tidak berlaku dijawab 409 dengan status sekarang dan tindakan yang berlaku.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transitions(self, request, pk):
        version = self.get_object()
        details = self.valid(s.ApbdTransitionInputSerializer)
        move, note = details.pop("action"), details.pop("note")
        unused = sorted(set(details) - set(apbd_services.move_details(version, move)))
        if unused:
            raise DjangoValidationError({name: f"Tidak dipakai oleh tindakan '{move}'." for name in unused})
        apbd_services.transition_apbd(actor=request.user, version=version, action=move, note=note, **details)
        return self.answer_detail(pk)

    @APBD.item(
        "Ringkasan APBD: per akun, kelompok, jenis dan objek, per OPD, urusan, bidang dan program, dengan keseimbangan",
        "Versi yang diterbitkan memakai angka yang disimpan saat penerbitan; versi lain dijumlah dari "
        "rinciannya sekarang. Urusan, bidang dan program memuat belanja; program pendukung X.XX dihitung pada "
        "bidang OPD pelaksananya.",
        responses=s.RingkasanSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def ringkasan(self, request, pk):
        return Response(s.RingkasanSerializer(_ringkasan(self.get_object())).data)

    def _versions(self, request, serializer_class):
        query = _query(serializer_class, request)
        old = apbd_selectors.apbd_version_for(request.user, query["from"])
        new = apbd_selectors.apbd_version_for(request.user, query["to"])
        return old, new, query

    @APBD.collection(
        "Perbedaan dua versi APBD per rollup",
        "Jumlah versi lama dan baru serta selisihnya per kode rekening, OPD, urusan, bidang dan program, "
        "dengan jumlah rincian yang bertambah, dihapus dan berubah. Kedua versi harus satu garis perubahan "
        "(murni → pergeseran → perubahan …). Rinciannya: `diff/lines/`.",
        parameters=[
            *DIFF_PARAMETERS,
            OpenApiParameter(
                "changed_only", bool, OpenApiParameter.QUERY, description="Hanya baris rollup yang berubah."
            ),
        ],
        responses={200: s.DiffSerializer, 404: VERSION_MISSING},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def diff(self, request):
        old, new, query = self._versions(request, s.DiffRollupQuerySerializer)
        lines = diff_selectors.visible_diff(request.user, old, new)
        result = {
            "old_version": old,
            "new_version": new,
            # SQLite sums in floats, so a net of zero may come back as -0.00; adding zero makes it 0.00.
            "totals": {kind: amount + 0 for kind, amount in lines.totals().items()},
            "counts": {change: getattr(lines, change).count() for change in ("added", "removed", "changed")},
            "rollups": diff_selectors.diff_rollups(old, new, changed_only=query["changed_only"]),
        }
        return Response(s.DiffSerializer(result).data)

    @APBD.collection(
        "Perbedaan dua versi APBD per rincian",
        "Rincian yang berubah (jumlah, kode rekening atau sub-kegiatan), lalu yang baru dan yang dihapus; "
        "staf OPD melihat rincian OPD-nya saja.",
        parameters=[
            *DIFF_PARAMETERS,
            OpenApiParameter(
                "change", str, OpenApiParameter.QUERY, enum=["changed", "added", "removed"], description="Satu jenis."
            ),
        ],
        responses={200: s.DiffLineSerializer(many=True), 404: VERSION_MISSING},
    )
    @action(detail=False, methods=["get"], url_path="diff/lines", filter_backends=[])
    def diff_lines(self, request):
        old, new, query = self._versions(request, s.DiffLineQuerySerializer)
        lines = diff_selectors.visible_diff(request.user, old, new)
        parts = [(change, getattr(lines, change)) for change in ("changed", "added", "removed")]
        if "change" in query:
            parts = [part for part in parts if part[0] == query["change"]]
        return self.page(DiffLines(parts), s.DiffLineSerializer)

    @DPA.item(
        "Susun DPA setiap RKA dari versi yang ditetapkan (pejabat keuangan)",
        "Anggaran kas awal dibagi rata dua belas bulan; sisanya jatuh pada Desember.",
        request=None,
        responses={200: s.DpaRefSerializer(many=True), 409: CONFLICT_TRANSITION},
    )
    @action(detail=True, methods=["post"], url_path="dpa", filter_backends=[], pagination_class=None)
    def prepare_dpa(self, request, pk):
        dpas = dpa_services.prepare_dpas(actor=request.user, version=self.get_object())
        return Response(s.DpaRefSerializer(dpas, many=True).data)


# --- RKA --------------------------------------------------------------------------------------


def _line_result(line, standing):
    """The saved line with the RKA's new totals and the ceilings that apply to it: the editor's one round trip."""
    return {"line": line, "totals": standing.totals, "ceilings": standing.ceilings}


def _full_line(line):
    return rka_selectors.rka_line_rows(line.rka).get(pk=line.pk)


@extend_schema_view(
    list=RKA.collection(
        "Daftar RKA-SKPD dengan jumlah dan plafonnya",
        "Staf OPD: RKA OPD-nya; keuangan, Bappeda, auditor: semua; DPRD: setelah RAPBD diajukan kepadanya.",
    ),
    retrieve=RKA.item(
        "Satu RKA dengan jumlah, setiap plafon dan sisanya, serta riwayatnya", responses=s.RkaDetailSerializer
    ),
)
class RkaViewSet(DocumentViewSet):
    serializer_class = s.RkaSerializer
    detail_serializer_class = s.RkaDetailSerializer
    filterset_class = budget_filters.RkaFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return rka_selectors.visible_rkas(self.request.user)

    def get_detail(self, pk):
        rka = super().get_detail(pk)
        rka.ceilings = ceiling_selectors.rka_ceilings(rka)
        return rka

    @RKA.move(
        "Pindahkan RKA di siklus asistensi TAPD",
        s.RkaTransitionInputSerializer,
        s.RkaDetailSerializer,
        "`submit` (staf OPD-nya, saat draf atau dikembalikan), `return` (pejabat keuangan, dengan catatan), "
        "`approve` (pejabat keuangan; RKA lalu dibekukan), `reopen` (pejabat keuangan, dengan catatan: RKA yang "
        "disetujui kembali ke OPD selama versi APBD masih draf). Tindakan yang tidak berlaku dijawab 409 dengan "
        "status sekarang dan tindakan yang berlaku.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transitions(self, request, pk):
        return self.act(rka_services.transition_rka, s.RkaTransitionInputSerializer, rka=self.get_object())

    @RKA.item(
        "Sub-kegiatan RKA dengan jumlah rincian dan plafonnya",
        methods=["GET"],
        responses=s.RkaSubKegiatanSerializer(many=True),
    )
    @RKA.item(
        "Tambah sub-kegiatan ke RKA (staf OPD-nya, saat draf atau dikembalikan)",
        methods=["POST"],
        request=s.RkaSubKegiatanInputSerializer,
        responses={201: s.RkaSubKegiatanSerializer, 404: MISSING_REFERENCE, 409: CONFLICT_TRANSITION},
    )
    @action(detail=True, methods=["get", "post"], url_path="sub-kegiatan", filter_backends=[])
    def sub_kegiatan(self, request, pk):
        rka = self.get_object()
        rows = rka_selectors.rka_sub_kegiatan_rows(rka)
        if request.method == "GET":
            return self.page(rows, s.RkaSubKegiatanSerializer)
        values = self.valid(s.RkaSubKegiatanInputSerializer, rka=rka)
        item = rka_services.add_rka_sub_kegiatan(actor=request.user, rka=rka, **values)
        return self.answer(rows.get(pk=item.pk), s.RkaSubKegiatanSerializer, status_code=status.HTTP_201_CREATED)

    @RKA.item(
        "Rincian RKA, urut sub-kegiatan, kode rekening dan paket pekerjaan",
        methods=["GET"],
        parameters=LINE_FILTERS,
        responses=s.RkaLineSerializer(many=True),
    )
    @RKA.item(
        "Tambah rincian RKA (staf OPD-nya, saat draf atau dikembalikan)",
        "Jumlah = volume_1 × volume_2 × volume_3 × harga satuan." + LINE_WRITE_NOTE,
        methods=["POST"],
        request=s.RkaLineInputSerializer,
        responses={
            201: s.LineWriteResultSerializer,
            400: CEILING_REFUSED,
            404: MISSING_REFERENCE,
            409: CONFLICT_TRANSITION,
        },
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def lines(self, request, pk):
        rka = self.get_object()
        if request.method == "GET":
            lines = _filtered(budget_filters.RkaLineFilterSet, request, rka_selectors.rka_line_rows(rka))
            return self.page(lines, s.RkaLineSerializer)
        values = self.valid(s.RkaLineInputSerializer, rka=rka)
        line = rka_services.add_rka_line(actor=request.user, rka=rka, **values)
        result = _line_result(line, line.standing)
        return self.answer(result, s.LineWriteResultSerializer, status_code=status.HTTP_201_CREATED)

    @RKA.item("Catatan asistensi RKA", methods=["GET"], responses=s.RkaCommentSerializer(many=True))
    @RKA.item(
        "Tulis catatan asistensi atau balasan (pejabat keuangan, atau staf OPD-nya)",
        methods=["POST"],
        request=s.RkaCommentInputSerializer,
        responses={201: s.RkaCommentSerializer, 404: MISSING_REFERENCE},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def comments(self, request, pk):
        rka = self.get_object()
        comments = rka_selectors.rka_comments(rka)
        if request.method == "GET":
            return self.page(comments, s.RkaCommentSerializer)
        comment = rka_services.comment_rka(
            actor=request.user, rka=rka, **self.valid(s.RkaCommentInputSerializer, rka=rka)
        )
        return self.answer(comments.get(pk=comment.pk), s.RkaCommentSerializer, status_code=status.HTTP_201_CREATED)

    @RKA.item(
        "Impor rincian RKA dari Excel atau CSV (staf OPD-nya, saat draf atau dikembalikan)",
        "Kolom: " + ", ".join(excel.RKA_IMPORT_COLUMNS.values()) + " (kode_standar_harga dan penerima boleh "
        "tidak ada). Setiap baris diperiksa dengan aturan yang sama seperti satu rincian (kode dikenal, "
        "rekening boleh untuk item, harga tidak melebihi standar, angka benar), lalu semua baris belanja "
        "bersama-sama terhadap setiap plafon." + IMPORT_NOTE,
        request=IMPORT_REQUEST,
        responses={200: s.RkaImportResultSerializer, 409: CONFLICT_TRANSITION},
    )
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser], filter_backends=[])
    def import_lines(self, request, pk):
        rka = self.get_object()
        lines = self.imported(excel.import_rka_file, rka=rka)
        result = {
            "created": len(lines),
            "totals": ceiling_rules.rka_totals(rka),
            "ceilings": ceiling_selectors.rka_ceilings(rka),
        }
        return self.answer(result, s.RkaImportResultSerializer)

    @RKA.item(
        "Unduh RKA sebagai Excel (tata letak seperti SIPD)",
        "Per sub-kegiatan: program, kegiatan, lokasi dan keluaran, lalu rincian per kode rekening.",
        responses=XLSX_RESPONSE,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request, pk):
        rka = self.get_object()
        return xlsx(
            excel.export_rka(rka), f"rka-{rka.opd.code}-{rka.version.fiscal_year.year}-v{rka.version.number}.xlsx"
        )


@extend_schema_view(
    retrieve=RKA.item("Satu rincian RKA"),
    partial_update=RKA.item(
        "Ubah rincian RKA (staf OPD-nya, saat draf atau dikembalikan)",
        "Kirim `version` dari GET terakhir beserta bidang yang berubah. Bila rincian sudah diubah orang lain, "
        "jawaban 409 `stale` memuat nilai terbaru di `current`." + LINE_WRITE_NOTE,
        request=s.RkaLinePatchSerializer,
        responses={200: s.LineWriteResultSerializer, 400: CEILING_REFUSED, 409: CONFLICT_STALE},
    ),
    destroy=RKA.item(
        "Hapus rincian RKA (staf OPD-nya, saat draf atau dikembalikan)",
        "Jawaban memuat jumlah RKA dan sisa plafon sesudah penghapusan (`line` null).",
        parameters=[VERSION_PARAMETER],
        responses={200: s.LineWriteResultSerializer, 409: CONFLICT_STALE},
    ),
)
class RkaLineViewSet(RetrieveMixin, PortalViewSet):
    serializer_class = s.RkaLineSerializer

    def get_queryset(self):
        return rka_selectors.visible_rka_lines(self.request.user)

    def partial_update(self, request, pk):
        line = rka_selectors.rka_line_to_save(request.user, pk)
        changes = self.valid(s.RkaLinePatchSerializer, partial=True, rka=line.rka)
        try:
            saved = rka_services.update_rka_line(
                actor=request.user, line=line, expected_version=changes.pop("version"), **changes
            )
        except StaleObject as exc:
            raise self.stale(exc, _full_line(line)) from exc
        return self.answer(_line_result(saved, saved.standing), s.LineWriteResultSerializer)

    def destroy(self, request, pk):
        line = self.get_object()
        version = _query(s.VersionQuerySerializer, request)["version"]
        try:
            standing = rka_services.delete_rka_line(actor=request.user, line=line, expected_version=version)
        except StaleObject as exc:
            raise self.stale(exc, _full_line(line)) from exc
        return self.answer(_line_result(None, standing), s.LineWriteResultSerializer)


# --- DPA --------------------------------------------------------------------------------------


@extend_schema_view(
    list=DPA.collection("Daftar DPA-SKPD", "Staf OPD: DPA OPD-nya; keuangan dan auditor: semua."),
    retrieve=DPA.item("Satu DPA dengan pagu, anggaran kas dan riwayatnya", responses=s.DpaDetailSerializer),
)
class DpaViewSet(DocumentViewSet):
    serializer_class = s.DpaSerializer
    detail_serializer_class = s.DpaDetailSerializer
    filterset_class = budget_filters.DpaFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return dpa_selectors.visible_dpas(self.request.user)

    def get_detail(self, pk):
        dpa = super().get_detail(pk)
        dpa.cash_plan_balanced = not any(row["difference"] for row in dpa_selectors.cash_plan_status(dpa))
        return dpa

    @DPA.item(
        "Anggaran kas DPA: per sub-kegiatan (belanja) dan per kelompok pendapatan/pembiayaan",
        methods=["GET"],
        responses=s.CashPlanRowSerializer(many=True),
    )
    @DPA.item(
        "Ubah bulan-bulan satu anggaran kas (staf OPD-nya, sebelum DPA diterbitkan)",
        "Bulan yang tidak dikirim tetap. Jumlahnya boleh belum sama dengan pagu; penerbitan DPA mensyaratkannya.",
        methods=["PATCH"],
        request=s.CashPlanInputSerializer,
        responses={200: s.CashPlanRowSerializer, 404: MISSING_REFERENCE, 409: CONFLICT_TRANSITION},
    )
    @action(detail=True, methods=["get", "patch"], url_path="cash-plan", filter_backends=[])
    def cash_plan(self, request, pk):
        dpa = self.get_object()
        if request.method == "GET":
            return self.page(dpa_selectors.cash_plan_rows(dpa), s.CashPlanRowSerializer)
        data = self.valid(s.CashPlanInputSerializer, dpa=dpa)
        if not data["amounts"]:
            raise DjangoValidationError("Kirim paling sedikit satu bulan (month_1 sampai month_12).")
        saved = dpa_services.edit_cash_plan(actor=request.user, dpa=dpa, **data)
        row = next(
            row
            for row in dpa_selectors.cash_plan_rows(dpa)
            if (row["account_group"], row["sub_kegiatan_id"]) == (saved["account_group"], saved["sub_kegiatan_id"])
        )
        return self.answer(row, s.CashPlanRowSerializer)

    @DPA.move(
        "Terbitkan DPA (pejabat keuangan)",
        s.DpaIssueInputSerializer,
        s.DpaDetailSerializer,
        "Ditolak bila ada anggaran kas yang jumlahnya tidak tepat sama dengan pagunya.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def issue(self, request, pk):
        return self.act(dpa_services.issue_dpa, s.DpaIssueInputSerializer, dpa=self.get_object())

    @DPA.item("Unduh DPA sebagai Excel, dengan anggaran kas per bulan", responses=XLSX_RESPONSE)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request, pk):
        dpa = self.get_object()
        return xlsx(
            excel.export_dpa(dpa), f"dpa-{dpa.opd.code}-{dpa.version.fiscal_year.year}-v{dpa.version.number}.xlsx"
        )
