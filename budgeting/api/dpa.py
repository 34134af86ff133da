"""DPA API: DPAs with their anggaran kas, the cash plan edit and the issue move."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_view
from rest_framework.decorators import action

from masterdata.api_base import (
    CONFLICT_TRANSITION,
    MISSING_REFERENCE,
    Operations,
)
from masterdata.viewsets import XLSX_RESPONSE, xlsx

from .. import excel
from .. import filters as budget_filters
from ..selectors import dpa as dpa_selectors
from ..serializers import dpa as dpa_serializers
from ..services import dpa as dpa_services
from .base import DocumentViewSet

DPA = Operations("DPA")


@extend_schema_view(
    list=DPA.collection(
        "Daftar DPA-SKPD dan DPPA-SKPD",
        "Staf OPD: DPA OPD-nya; keuangan dan auditor: semua. DPPA adalah DPA versi pergeseran atau perubahan.",
    ),
    retrieve=DPA.item(
        "Satu DPA dengan pagu, anggaran kas dan riwayatnya", responses=dpa_serializers.DpaDetailSerializer
    ),
)
class DpaViewSet(DocumentViewSet):
    writers = {"cash_plan": "budgeting.plan_cash", "issue": "budgeting.issue_dpa"}
    serializer_class = dpa_serializers.DpaSerializer
    detail_serializer_class = dpa_serializers.DpaDetailSerializer
    filterset_class = budget_filters.DpaFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return dpa_selectors.visible_dpas(self.request.user)

    def list(self, request):
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            self.get_serializer(dpa_selectors.with_cash_plan_check(rows), many=True).data
        )

    def get_detail(self, pk):
        (dpa,) = dpa_selectors.with_cash_plan_check([super().get_detail(pk)])
        return dpa

    @DPA.item(
        "Anggaran kas DPA: per sub-kegiatan (belanja) dan per kelompok pendapatan/pembiayaan",
        methods=["GET"],
        responses=dpa_serializers.CashPlanRowSerializer(many=True),
    )
    @DPA.item(
        "Ubah bulan-bulan satu anggaran kas (staf OPD-nya, sebelum DPA diterbitkan)",
        "Bulan yang tidak dikirim tetap. Jumlahnya boleh belum sama dengan pagu; penerbitan DPA mensyaratkannya.",
        methods=["PATCH"],
        request=dpa_serializers.CashPlanInputSerializer,
        responses={200: dpa_serializers.CashPlanRowSerializer, 404: MISSING_REFERENCE, 409: CONFLICT_TRANSITION},
    )
    @action(detail=True, methods=["get", "patch"], url_path="cash-plan", filter_backends=[])
    def cash_plan(self, request, pk):
        dpa = self.get_object()
        if request.method == "GET":
            return self.page(dpa_selectors.cash_plan_rows(dpa), dpa_serializers.CashPlanRowSerializer)
        data = self.valid(dpa_serializers.CashPlanInputSerializer, dpa=dpa)
        if not data["amounts"]:
            raise DjangoValidationError("Kirim paling sedikit satu bulan (month_1 sampai month_12).")
        saved = dpa_services.edit_cash_plan(actor=request.user, dpa=dpa, **data)
        row = next(
            row
            for row in dpa_selectors.cash_plan_rows(dpa)
            if (row["account_group"], row["sub_kegiatan_id"]) == (saved["account_group"], saved["sub_kegiatan_id"])
        )
        return self.answer(row, dpa_serializers.CashPlanRowSerializer)

    @DPA.move(
        "Terbitkan DPA (pejabat keuangan)",
        dpa_serializers.DpaIssueInputSerializer,
        dpa_serializers.DpaDetailSerializer,
        "Ditolak bila ada anggaran kas yang jumlahnya tidak tepat sama dengan pagunya.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def issue(self, request, pk):
        return self.act(dpa_services.issue_dpa, dpa_serializers.DpaIssueInputSerializer, dpa=self.get_object())

    @DPA.item("Unduh DPA sebagai Excel, dengan anggaran kas per bulan", responses=XLSX_RESPONSE)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request, pk):
        dpa = self.get_object()
        return xlsx(
            excel.export_dpa(dpa), f"dpa-{dpa.opd.code}-{dpa.version.fiscal_year.year}-v{dpa.version.number}.xlsx"
        )
