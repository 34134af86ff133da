"""APBD version API: versions, moves, ringkasan, the diff of two versions and the Excel exports."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from masterdata.api_base import (
    CONFLICT_TRANSITION,
    MISSING_REFERENCE,
    Operations,
)

from .. import filters as budget_filters
from ..selectors import apbd as apbd_selectors
from ..selectors import diff as diff_selectors
from ..serializers import apbd as apbd_serializers
from ..serializers import diff as diff_serializers
from ..serializers import dpa as dpa_serializers
from ..services import apbd as apbd_services
from ..services import dpa as dpa_services
from .base import DocumentViewSet, query_of
from .diff import DIFF_PARAMETERS, DiffLines
from .dpa import DPA

APBD = Operations("APBD")

VERSION_MISSING = OpenApiResponse(description="Versi `from` atau `to` tidak ada atau tidak boleh Anda baca.")


def _ringkasan(user, version):
    summary = apbd_selectors.ringkasan(user, version)
    return {
        "version": version,
        "stored": summary.stored,
        "opd_only": summary.opd_id is not None,
        "balance": summary.balance,
        "accounts": summary.accounts,
        **summary.groups,
    }


@extend_schema_view(
    list=APBD.collection(
        "Daftar versi APBD (murni, pergeseran, perubahan)",
        "Peran staf dan auditor: semua versi; DPRD: yang sudah diajukan kepadanya.",
    ),
    retrieve=APBD.item("Satu versi APBD dengan riwayatnya", responses=apbd_serializers.ApbdVersionDetailSerializer),
    create=APBD.collection(
        "Buka RAPBD murni atau APBD Perubahan (pejabat keuangan)",
        "Dari KUA-PPAS murni yang plafonnya dikunci: RKA setiap OPD berplafon, berisi sub-kegiatan Renja "
        "finalnya. Dari KUPA-PPAS-P yang dikunci: salinan versi terakhir yang ditetapkan.",
        request=apbd_serializers.ApbdVersionCreateSerializer,
        responses={201: apbd_serializers.ApbdVersionDetailSerializer, 404: MISSING_REFERENCE},
    ),
)
class ApbdVersionViewSet(DocumentViewSet):
    writers = dict.fromkeys(("create", "shift", "transitions", "prepare_dpa"), "budgeting.change_apbd")
    serializer_class = apbd_serializers.ApbdVersionSerializer
    detail_serializer_class = apbd_serializers.ApbdVersionDetailSerializer
    filterset_class = budget_filters.ApbdVersionFilterSet

    def get_queryset(self):
        return apbd_selectors.visible_apbd_versions(self.request.user)

    def create(self, request):
        kua = self.valid(apbd_serializers.ApbdVersionCreateSerializer)["kua_ppas"]
        version = apbd_services.open_version(actor=request.user, kua=kua)
        return self.answer_detail(version.pk, status.HTTP_201_CREATED)

    @APBD.collection(
        "Buka pergeseran berikutnya (pejabat keuangan)",
        "Salinan versi terakhir yang ditetapkan; belanja setiap OPD harus tetap sama dengan versi dasarnya.",
        request=apbd_serializers.ShiftCreateSerializer,
        responses={201: apbd_serializers.ApbdVersionDetailSerializer, 404: MISSING_REFERENCE},
    )
    @action(detail=False, methods=["post"], url_path="pergeseran", filter_backends=[])
    def shift(self, request):
        data = self.valid(apbd_serializers.ShiftCreateSerializer)
        version = apbd_services.create_shift_version(actor=request.user, fiscal_year=data["year"], note=data["note"])
        return self.answer_detail(version.pk, status.HTTP_201_CREATED)

    @APBD.move(
        "Pindahkan versi APBD di siklusnya (pejabat keuangan)",
        apbd_serializers.ApbdTransitionInputSerializer,
        apbd_serializers.ApbdVersionDetailSerializer,
        "murni/perubahan: `submit` ke DPRD (semua RKA disetujui, plafon terpenuhi, APBD seimbang), `agree` "
        "(dprd_agreement_date), `evaluate` (evaluation_number, evaluation_date, evaluation_corrections), "
        "`refine` (opds: penyempurnaan hasil evaluasi; RKA OPD itu dibuka kembali), `adopt` (perda_number, "
        "perda_date, perbup_number, perbup_date; setelah penyempurnaan semua RKA disetujui kembali), `publish`. "
        "Pergeseran: `approve`, "
        "`adopt` (perbup_number, perbup_date), `publish`. Isian lain dari yang dipakai tindakan itu dijawab "
        "400; tindakan yang tidak berlaku dijawab 409 dengan status sekarang dan tindakan yang berlaku.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transitions(self, request, pk):
        version = self.get_object()
        details = self.valid(apbd_serializers.ApbdTransitionInputSerializer)
        move, note, opds = details.pop("action"), details.pop("note"), details.pop("opds", [])
        unused = sorted(set(details) - set(apbd_services.move_details(version, move)))
        if unused:
            raise DjangoValidationError({name: f"Tidak dipakai oleh tindakan '{move}'." for name in unused})
        apbd_services.transition_apbd(actor=request.user, version=version, action=move, note=note, opds=opds, **details)
        return self.answer_detail(pk)

    @APBD.item(
        "Ringkasan APBD: per akun, kelompok, jenis dan objek, per OPD, urusan, bidang dan program, dengan keseimbangan",
        "Versi yang diterbitkan memakai angka yang disimpan saat penerbitan; versi lain dijumlah dari "
        "rinciannya sekarang. Urusan, bidang dan program memuat belanja; program pendukung X.XX dihitung pada "
        "bidang OPD pelaksananya. Staf OPD melihat rincian OPD-nya saja sampai versi diterbitkan.",
        responses=apbd_serializers.RingkasanSerializer,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def ringkasan(self, request, pk):
        return Response(apbd_serializers.RingkasanSerializer(_ringkasan(request.user, self.get_object())).data)

    def _versions(self, request, serializer_class):
        query = query_of(serializer_class, request)
        old = apbd_selectors.apbd_version_for(request.user, query["from"])
        new = apbd_selectors.apbd_version_for(request.user, query["to"])
        return old, new, query

    @APBD.collection(
        "Perbedaan dua versi APBD per rollup",
        "Jumlah versi lama dan baru serta selisihnya per kode rekening, OPD, urusan, bidang dan program, "
        "dengan jumlah rincian yang bertambah, dihapus dan berubah. Kedua versi harus satu garis perubahan "
        "(murni → pergeseran → perubahan …). Staf OPD melihat OPD-nya saja sampai kedua versi diterbitkan. "
        "Rinciannya: `diff/lines/`.",
        parameters=[
            *DIFF_PARAMETERS,
            OpenApiParameter(
                "changed_only", bool, OpenApiParameter.QUERY, description="Hanya baris rollup yang berubah."
            ),
        ],
        responses={200: diff_serializers.DiffSerializer, 404: VERSION_MISSING},
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def diff(self, request):
        old, new, query = self._versions(request, diff_serializers.DiffRollupQuerySerializer)
        lines = diff_selectors.visible_diff(request.user, old, new)
        result = {
            "old_version": old,
            "new_version": new,
            # SQLite sums in floats, so a net of zero may come back as -0.00; adding zero makes it 0.00.
            "totals": {kind: amount + 0 for kind, amount in lines.totals().items()},
            "counts": {change: getattr(lines, change).count() for change in ("added", "removed", "changed")},
            "rollups": diff_selectors.visible_diff_rollups(request.user, old, new, changed_only=query["changed_only"]),
        }
        return Response(diff_serializers.DiffSerializer(result).data)

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
        responses={200: diff_serializers.DiffLineSerializer(many=True), 404: VERSION_MISSING},
    )
    @action(detail=False, methods=["get"], url_path="diff/lines", filter_backends=[])
    def diff_lines(self, request):
        old, new, query = self._versions(request, diff_serializers.DiffLineQuerySerializer)
        lines = diff_selectors.visible_diff(request.user, old, new)
        parts = [(change, getattr(lines, change)) for change in ("changed", "added", "removed")]
        if "change" in query:
            parts = [part for part in parts if part[0] == query["change"]]
        return self.page(DiffLines(parts), diff_serializers.DiffLineSerializer)

    @DPA.item(
        "Susun DPA (atau DPPA) dari versi yang ditetapkan (pejabat keuangan)",
        "Versi murni: DPA setiap RKA. Pergeseran dan perubahan: DPPA setiap OPD yang rinciannya berubah dari "
        "versi dasarnya; anggaran kas DPA sebelumnya dipakai lagi bila pagunya tetap. Anggaran kas lainnya dibagi "
        "rata dua belas bulan; sisanya jatuh pada Desember.",
        request=None,
        responses={200: dpa_serializers.DpaRefSerializer(many=True), 409: CONFLICT_TRANSITION},
    )
    @action(detail=True, methods=["post"], url_path="dpa", filter_backends=[], pagination_class=None)
    def prepare_dpa(self, request, pk):
        dpas = dpa_services.prepare_dpas(actor=request.user, version=self.get_object())
        return Response(dpa_serializers.DpaRefSerializer(dpas, many=True).data)
