"""Realization API: entries (list, one from the browser or an OPD application), SP2D pushes from the payment
system with an Idempotency-Key, and BPKAD's month close and reopen."""

import re

from drf_spectacular.utils import OpenApiParameter, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError

from masterdata.api_base import CONFLICT_TRANSITION, MISSING_REFERENCE, Operations
from masterdata.selectors import find_fiscal_year
from masterdata.viewsets import ListMixin, PortalViewSet

from . import serializers as s
from .selectors import realization as selectors
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
