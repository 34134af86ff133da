"""RKA API: RKAs with their figures, sub-kegiatan, lines (with the remaining ceiling in every answer), comments,
moves, Excel import and export."""

from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser

from masterdata.api_base import (
    CONFLICT_STALE,
    CONFLICT_TRANSITION,
    IMPORT_NOTE,
    MISSING_REFERENCE,
    TEXT_PATTERN,
    Operations,
)
from masterdata.errors import StaleObject
from masterdata.viewsets import IMPORT_REQUEST, XLSX_RESPONSE, PortalViewSet, RetrieveMixin, xlsx

from .. import ceiling_rules, excel
from .. import filters as budget_filters
from ..selectors import ceilings as ceiling_selectors
from ..selectors import rka as rka_selectors
from ..serializers import rka as rka_serializers
from ..services import rka as rka_services
from .base import DocumentViewSet, query_of

RKA = Operations("RKA")


CEILING_REFUSED = OpenApiResponse(
    description=(
        "Masukan tidak valid, atau rincian melebihi plafon: galat bidang `amount` menyebut plafon yang terlampaui "
        "dan sisanya (mis. `Melebihi plafon Dinas Kesehatan: sisa Rp 1.250.000, ...`)."
    )
)


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


def _filtered(filterset_class, request, queryset):
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.qs


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
        "Satu RKA dengan jumlah, setiap plafon dan sisanya, serta riwayatnya",
        responses=rka_serializers.RkaDetailSerializer,
    ),
)
class RkaViewSet(DocumentViewSet):
    writers = {
        **dict.fromkeys(("lines", "sub_kegiatan", "import_lines"), "budgeting.work_on_rka"),
        "comments": "budgeting.comment_rka",
        "transitions": "budgeting.move_rka",
    }
    serializer_class = rka_serializers.RkaSerializer
    detail_serializer_class = rka_serializers.RkaDetailSerializer
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
        rka_serializers.RkaTransitionInputSerializer,
        rka_serializers.RkaDetailSerializer,
        "`submit` (staf OPD-nya, saat draf atau dikembalikan), `return` (pejabat keuangan, dengan catatan), "
        "`approve` (pejabat keuangan; RKA lalu dibekukan), `reopen` (pejabat keuangan, dengan catatan: RKA yang "
        "disetujui kembali ke OPD selama versi APBD masih draf). Tindakan yang tidak berlaku dijawab 409 dengan "
        "status sekarang dan tindakan yang berlaku.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transitions(self, request, pk):
        return self.act(
            rka_services.transition_rka, rka_serializers.RkaTransitionInputSerializer, rka=self.get_object()
        )

    @RKA.item(
        "Sub-kegiatan RKA dengan jumlah rincian dan plafonnya",
        methods=["GET"],
        responses=rka_serializers.RkaSubKegiatanSerializer(many=True),
    )
    @RKA.item(
        "Tambah sub-kegiatan ke RKA (staf OPD-nya, saat draf atau dikembalikan)",
        methods=["POST"],
        request=rka_serializers.RkaSubKegiatanInputSerializer,
        responses={201: rka_serializers.RkaSubKegiatanSerializer, 404: MISSING_REFERENCE, 409: CONFLICT_TRANSITION},
    )
    @action(detail=True, methods=["get", "post"], url_path="sub-kegiatan", filter_backends=[])
    def sub_kegiatan(self, request, pk):
        rka = self.get_object()
        rows = rka_selectors.rka_sub_kegiatan_rows(rka)
        if request.method == "GET":
            return self.page(rows, rka_serializers.RkaSubKegiatanSerializer)
        values = self.valid(rka_serializers.RkaSubKegiatanInputSerializer, rka=rka)
        item = rka_services.add_rka_sub_kegiatan(actor=request.user, rka=rka, **values)
        return self.answer(
            rows.get(pk=item.pk), rka_serializers.RkaSubKegiatanSerializer, status_code=status.HTTP_201_CREATED
        )

    @RKA.item(
        "Rincian RKA, urut sub-kegiatan, kode rekening dan paket pekerjaan",
        methods=["GET"],
        parameters=LINE_FILTERS,
        responses=rka_serializers.RkaLineSerializer(many=True),
    )
    @RKA.item(
        "Tambah rincian RKA (staf OPD-nya, saat draf atau dikembalikan)",
        "Jumlah = volume_1 × volume_2 × volume_3 × harga satuan." + LINE_WRITE_NOTE,
        methods=["POST"],
        request=rka_serializers.RkaLineInputSerializer,
        responses={
            201: rka_serializers.LineWriteResultSerializer,
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
            return self.page(lines, rka_serializers.RkaLineSerializer)
        values = self.valid(rka_serializers.RkaLineInputSerializer, rka=rka)
        line = rka_services.add_rka_line(actor=request.user, rka=rka, **values)
        result = _line_result(line, line.standing)
        return self.answer(result, rka_serializers.LineWriteResultSerializer, status_code=status.HTTP_201_CREATED)

    @RKA.item("Catatan asistensi RKA", methods=["GET"], responses=rka_serializers.RkaCommentSerializer(many=True))
    @RKA.item(
        "Tulis catatan asistensi atau balasan (pejabat keuangan, atau staf OPD-nya)",
        methods=["POST"],
        request=rka_serializers.RkaCommentInputSerializer,
        responses={201: rka_serializers.RkaCommentSerializer, 404: MISSING_REFERENCE},
    )
    @action(detail=True, methods=["get", "post"], filter_backends=[])
    def comments(self, request, pk):
        rka = self.get_object()
        comments = rka_selectors.rka_comments(rka)
        if request.method == "GET":
            return self.page(comments, rka_serializers.RkaCommentSerializer)
        comment = rka_services.comment_rka(
            actor=request.user, rka=rka, **self.valid(rka_serializers.RkaCommentInputSerializer, rka=rka)
        )
        return self.answer(
            comments.get(pk=comment.pk), rka_serializers.RkaCommentSerializer, status_code=status.HTTP_201_CREATED
        )

    @RKA.item(
        "Impor rincian RKA dari Excel atau CSV (staf OPD-nya, saat draf atau dikembalikan)",
        "Kolom: " + ", ".join(excel.RKA_IMPORT_COLUMNS.values()) + " (kode_standar_harga dan penerima boleh "
        "tidak ada). Setiap baris diperiksa dengan aturan yang sama seperti satu rincian (kode dikenal, "
        "rekening boleh untuk item, harga tidak melebihi standar, angka benar), lalu semua baris belanja "
        "bersama-sama terhadap setiap plafon." + IMPORT_NOTE,
        request=IMPORT_REQUEST,
        responses={200: rka_serializers.RkaImportResultSerializer, 409: CONFLICT_TRANSITION},
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
        return self.answer(result, rka_serializers.RkaImportResultSerializer)

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
        request=rka_serializers.RkaLinePatchSerializer,
        responses={200: rka_serializers.LineWriteResultSerializer, 400: CEILING_REFUSED, 409: CONFLICT_STALE},
    ),
    destroy=RKA.item(
        "Hapus rincian RKA (staf OPD-nya, saat draf atau dikembalikan)",
        "Jawaban memuat jumlah RKA dan sisa plafon sesudah penghapusan (`line` null).",
        parameters=[VERSION_PARAMETER],
        responses={200: rka_serializers.LineWriteResultSerializer, 409: CONFLICT_STALE},
    ),
)
class RkaLineViewSet(RetrieveMixin, PortalViewSet):
    writers = dict.fromkeys(("partial_update", "destroy"), "budgeting.work_on_rka")

    def document_of(self, line):
        return line.rka

    serializer_class = rka_serializers.RkaLineSerializer

    def get_queryset(self):
        return rka_selectors.visible_rka_lines(self.request.user)

    def partial_update(self, request, pk):
        line = self.checked(rka_selectors.rka_line_to_save(request.user, pk))
        changes = self.valid(rka_serializers.RkaLinePatchSerializer, partial=True, rka=line.rka)
        try:
            saved = rka_services.update_rka_line(
                actor=request.user, line=line, expected_version=changes.pop("version"), **changes
            )
        except StaleObject as exc:
            raise self.stale(exc, _full_line(line)) from exc
        return self.answer(_line_result(saved, saved.standing), rka_serializers.LineWriteResultSerializer)

    def destroy(self, request, pk):
        line = self.get_object()
        version = query_of(rka_serializers.VersionQuerySerializer, request)["version"]
        try:
            standing = rka_services.delete_rka_line(actor=request.user, line=line, expected_version=version)
        except StaleObject as exc:
            raise self.stale(exc, _full_line(line)) from exc
        return self.answer(_line_result(None, standing), rka_serializers.LineWriteResultSerializer)
