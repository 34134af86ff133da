"""Realization API: entries (list, one from the browser or an OPD application), SP2D pushes from the payment
system with an Idempotency-Key, and BPKAD's month close and reopen."""

import re

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from masterdata import access
from masterdata.api_base import CONFLICT_TRANSITION, MISSING_REFERENCE, Operations
from masterdata.selectors import find_fiscal_year
from masterdata.viewsets import ListMixin, PortalViewSet

from . import serializers as s
from .documents import reports
from .documents.lra import read_lra
from .documents.params import whole_number
from .models import Job
from .selectors import consistency as consistency_selectors
from .selectors import jobs as job_selectors
from .selectors import lra as lra_selectors
from .selectors import performance as performance_selectors
from .selectors import realization as selectors
from .selectors import semester as semester_selectors
from .services import jobs as job_services
from .services import realization as services

REALIZATION = Operations("Realisasi")
KEY_PATTERN = r"^[!-~]{1,100}$"  # printable ASCII without spaces
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "pattern": KEY_PATTERN, "minLength": 1, "maxLength": 100},
    OpenApiParameter.HEADER,
    required=True,
    description="Kunci unik per kiriman (mis. UUID). Kiriman ulang dengan kunci dan isi sama tidak dicatat dua kali.",
)


@extend_schema_view(
    list=REALIZATION.collection(
        "Realisasi per rincian dan bulan", "Staf OPD: OPD-nya; keuangan, Bappeda dan Inspektorat: semua."
    ),
    create=REALIZATION.collection(
        "Catat realisasi satu rincian (staf OPD-nya)",
        "Rincian DPA/DPPA terbit terakhir OPD; bulan yang sudah berjalan dan belum ditutup; jumlah realisasi "
        "rincian tidak melebihi pagunya.",
        request=s.RealizationInputSerializer,
        responses={201: s.RealizationSerializer, 404: MISSING_REFERENCE},
    ),
)
class RealizationViewSet(ListMixin, PortalViewSet):
    serializer_class = s.RealizationSerializer
    http_method_names = ["get", "post", "head", "options"]
    writers = {
        "create": "reporting.enter_realization",
        "sp2d": "reporting.push_sp2d",
        "month": "reporting.close_month",
        "progress": "reporting.enter_realization",
    }

    def get_queryset(self):
        return selectors.visible_realizations(self.request.user).order_by("-pk")

    def create(self, request):
        entry = services.record_realization(actor=request.user, **self.valid(s.RealizationInputSerializer))
        return self.answer(entry, status_code=status.HTTP_201_CREATED)

    @REALIZATION.collection(
        "Kirim SP2D dari sistem pembayaran BPKAD (semua atau tidak sama sekali)",
        "Setiap SP2D dicatat pada rincian DPA terbit terakhir OPD-nya dengan sub-kegiatan dan kode rekeningnya. "
        "Kunci yang sama dengan isi yang sama dijawab seperti semula tanpa mencatat lagi (200); dengan isi lain 409.",
        parameters=[IDEMPOTENCY_KEY],
        request=s.Sp2dPushSerializer,
        responses={201: s.Sp2dAnswerSerializer, 200: s.Sp2dAnswerSerializer, 409: CONFLICT_TRANSITION},
    )
    @action(detail=False, methods=["post"], url_path="sp2d", filter_backends=[])
    def sp2d(self, request):
        key = request.headers.get("Idempotency-Key", "")
        if not re.fullmatch(KEY_PATTERN, key):
            raise ValidationError(
                {"Idempotency-Key": ["Kirim header Idempotency-Key: 1 sampai 100 karakter ASCII tanpa spasi."]}
            )
        records = self.valid(s.Sp2dPushSerializer)["records"]
        answer, created = services.push_sp2d(actor=request.user, key=key, records=[dict(r) for r in records])
        return self.answer(answer, s.Sp2dAnswerSerializer, status_code=201 if created else 200)

    @REALIZATION.collection(
        "Catat kemajuan fisik dan capaian keluaran sub-kegiatan (staf OPD-nya, BPKAD)",
        "Kumulatif sampai akhir bulan, pada DPA/DPPA terbit terakhir OPD; bulan yang berjalan dan belum ditutup; "
        "tidak turun dari bulan sebelumnya. Bulan yang sama dicatat lagi: dikoreksi.",
        request=s.ProgressInputSerializer,
        responses={200: s.ProgressSerializer, 404: MISSING_REFERENCE},
    )
    @action(detail=False, methods=["post"], url_path="progress", filter_backends=[])
    def progress(self, request):
        data = self.valid(s.ProgressInputSerializer)
        fiscal_year = find_fiscal_year(data.pop("year"))
        if fiscal_year is None:
            raise ValidationError({"year": ["Tahun anggaran tidak dikenal."]})
        progress = services.record_progress(
            actor=request.user,
            opd=data["opd"],
            sub_kegiatan_code=data["sub_kegiatan"],
            fiscal_year=fiscal_year,
            month=data["month"],
            physical_percent=data["physical_percent"],
            output_achieved=data["output_achieved"],
        )
        return self.answer(progress, s.ProgressSerializer)

    @REALIZATION.move(
        "Tutup atau buka kembali bulan realisasi OPD (pejabat keuangan)",
        s.MonthMoveSerializer,
        s.RealizationMonthSerializer,
        "`close`: realisasi bulan itu tidak dapat diubah lagi; `reopen` dengan alasan.",
    )
    @action(detail=False, methods=["post"], url_path="months", filter_backends=[])
    def month(self, request):
        data = self.valid(s.MonthMoveSerializer)
        fiscal_year = find_fiscal_year(data.pop("year"))
        if fiscal_year is None:
            raise ValidationError({"year": ["Tahun anggaran tidak dikenal."]})
        record = services.move_month(actor=request.user, fiscal_year=fiscal_year, **data)
        return self.answer(record, s.RealizationMonthSerializer)


JOBS = Operations("Dokumen dan pekerjaan")


@extend_schema_view(
    list=JOBS.collection("Dokumen yang saya minta", "Terbaru dahulu."),
    retrieve=JOBS.item(
        "Satu pekerjaan: status, kemajuan, galat",
        "Peminta; dokumen OPD: stafnya, keuangan, Bappeda, Inspektorat; dokumen versi yang diterbitkan: semua.",
    ),
    create=JOBS.collection(
        "Minta dokumen (PDF) atau berkas Excel",
        "Dibuat di latar belakang; jawabannya 202 dengan pekerjaannya. Setiap jenis memeriksa parameternya dan "
        "bahwa peminta boleh membaca datanya.",
        request=PolymorphicProxySerializer(
            component_name="AnyJobRequest", serializers=list(s.JOB_REQUESTS), resource_type_field_name=None
        ),
        responses={202: s.JobSerializer, 404: MISSING_REFERENCE},
    ),
)
class JobViewSet(ListMixin, PortalViewSet):
    serializer_class = s.JobSerializer
    http_method_names = ["get", "post", "head", "options"]
    writers = {"create": "reporting.request_job", "retry": "reporting.retry_job"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is drawn without a user
            return Job.objects.none()
        if self.action == "list":
            return job_selectors.own_jobs(self.request.user)
        return access.scope_jobs(self.request.user, Job.objects.select_related("opd")).order_by("-pk")

    def retrieve(self, request, pk):
        return self.answer(self.get_object())

    def create(self, request):
        kind = request.data.get("kind") if isinstance(request.data, dict) else None
        data = self.valid(s.JobRequestSerializer.for_kind(kind if isinstance(kind, str) else None))
        job = job_services.request_job(actor=request.user, kind=data["kind"], params=data["params"])
        return self.answer(job, status_code=status.HTTP_202_ACCEPTED)

    @JOBS.move("Ulangi pekerjaan yang gagal (peminta)", None, s.JobSerializer)
    @action(detail=True, methods=["post"], url_path="retry", filter_backends=[])
    def retry(self, request, pk):
        job = job_services.retry_job(actor=request.user, job=self.get_object())
        return self.answer(job)

    @JOBS.item(
        "Unduh berkas pekerjaan yang selesai",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: MISSING_REFERENCE},
    )
    @action(detail=True, methods=["get"], url_path="file", filter_backends=[])
    def file(self, request, pk):
        job = self.get_object()
        if job.state != Job.State.DONE or not job.file:
            raise Http404(access.NOT_FOUND_MESSAGE)
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


class LraView(APIView):
    @extend_schema(
        summary="Laporan Realisasi Anggaran",
        description="Anggaran versi terhadap realisasi sampai akhir periode, menurut kode rekening (format LRA "
        "resmi: pendapatan, belanja, surplus/defisit, pembiayaan, pembiayaan netto, SiLPA) atau menurut OPD, "
        "urusan, bidang, program. Staf OPD: OPD-nya sampai versi diterbitkan.",
        tags=["Laporan"],
        parameters=[
            OpenApiParameter("version", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, required=True),
            OpenApiParameter("periode", str, enum=list(lra_selectors.PERIODS)),
            OpenApiParameter("dimensi", str, enum=list(lra_selectors.DIMENSIONS)),
            OpenApiParameter("rincian", str, enum=list(lra_selectors.ACCOUNT_DEPTHS)),
            OpenApiParameter(
                "opd", {"type": "string", "maxLength": 40}, description="Kode OPD; kosong: seluruh kabupaten."
            ),
        ],
        responses={200: s.LraSerializer, 404: MISSING_REFERENCE},
    )
    def get(self, request):
        version, period, dimension, depth, opd = read_lra(request.user, request.query_params.dict())
        report = lra_selectors.lra(version, period=period, dimension=dimension, depth=depth, opd=opd)
        return Response(s.LraSerializer(report).data)


# --- The semester, year-end, performance and consistency reports ---------------------------------------

REPORT_VERSION = OpenApiParameter("version", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, required=True)
REPORT_OPD = OpenApiParameter(
    "opd",
    {"type": "string", "maxLength": 40},
    description="Kode OPD; kosong: seluruh kabupaten. Staf OPD: hanya OPD-nya (OPD lain 404).",
)
REPORT_DEPTH = OpenApiParameter("rincian", str, enum=list(semester_selectors.DEPTHS))
REPORT_READERS = (
    "Staf OPD: OPD-nya saja; keuangan, Bappeda dan Inspektorat: semua; pengguna lain: versi yang diterbitkan."
)


def _report_schema(summary, description, serializer, *parameters):
    return extend_schema(
        summary=summary,
        description=f"{description} {REPORT_READERS}",
        tags=["Laporan"],
        parameters=[REPORT_VERSION, *parameters, REPORT_OPD],
        responses={200: serializer, 404: MISSING_REFERENCE},
    )


def _asked(request, *own):
    """The report's request from the query; parameters of other reports are refused like unknown ones."""
    params = request.query_params.dict()
    others = {"rincian", "triwulan", "jenis", "page"} - set(own)
    unknown = sorted(others & set(params))
    if unknown:
        raise ValidationError({"params": [f"Parameter tidak dikenal: {', '.join(unknown)}."]})
    params.pop("page", None)
    return reports.read_report(request.user, params)


class SemesterView(APIView):
    @_report_schema(
        "Laporan Realisasi Semester Pertama APBD dan Prognosis 6 Bulan Berikutnya",
        "Anggaran versi terhadap realisasi Januari–Juni menurut kode rekening (akun, kelompok, jenis), dengan "
        "prognosis Juli–Desember (linear), surplus/defisit dan pembiayaan.",
        s.SemesterSerializer,
        REPORT_DEPTH,
    )
    def get(self, request):
        return Response(s.SemesterSerializer(reports.semester(_asked(request, "rincian"))).data)


class YearEndView(APIView):
    @_report_schema(
        "Laporan Realisasi Anggaran dan Kinerja Tahunan",
        "LRA satu tahun menurut kode rekening dan kinerja sub-kegiatan DPA versi pada akhir tahun.",
        s.YearEndSerializer,
        REPORT_DEPTH,
    )
    def get(self, request):
        return Response(s.YearEndSerializer(reports.year_end(_asked(request, "rincian"))).data)


class PerformanceView(APIView):
    @_report_schema(
        "Laporan Kinerja",
        "Target keluaran sub-kegiatan DPA terbit versi terhadap capaian sampai akhir triwulan, kemajuan fisik dan "
        "keuangan, per program dengan sasaran RPJMD yang dilayaninya.",
        s.PerformanceSerializer,
        OpenApiParameter("triwulan", str, enum=list(performance_selectors.QUARTERS)),
    )
    def get(self, request):
        return Response(s.PerformanceSerializer(reports.performance(_asked(request, "triwulan"))).data)


CONSISTENCY_PAGE_SIZE = 100


class ConsistencyView(APIView):
    @_report_schema(
        "Laporan konsistensi perencanaan dan penganggaran",
        "Jumlah ketidaksesuaian per jenis (sasaran RPJMD → Renja → RKA → DPA → realisasi) dan daftarnya, "
        f"{CONSISTENCY_PAGE_SIZE} butir per halaman. {consistency_selectors.RULE_OF_REALIZATION}",
        s.ConsistencySerializer,
        OpenApiParameter("jenis", str, enum=list(consistency_selectors.KINDS)),
        OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}),
    )
    def get(self, request):
        asked = _asked(request, "jenis", "page")
        page = whole_number(request.query_params, "page") if "page" in request.query_params else 1
        counts, rows = reports.consistency(asked)
        count = sum(counts.values()) if not asked.kind else counts[asked.kind]
        start = (page - 1) * CONSISTENCY_PAGE_SIZE
        answer = {
            "version": asked.version.pk,
            "opd": asked.opd.code if asked.opd else None,
            "kind": asked.kind,
            "rule": consistency_selectors.RULE_OF_REALIZATION,
            "counts": counts,
            "count": count,
            "page": page,
            "pages": max(1, -(-count // CONSISTENCY_PAGE_SIZE)),
            "results": list(rows[start : start + CONSISTENCY_PAGE_SIZE]) if start < count else [],
        }
        return Response(s.ConsistencySerializer(answer).data)
