"""KUA-PPAS API: versions, their policy lines and moves."""

from drf_spectacular.utils import extend_schema_view
from rest_framework import status
from rest_framework.decorators import action

from masterdata import access
from masterdata.api_base import (
    CONFLICT_TRANSITION,
    MISSING_REFERENCE,
    Operations,
)
from masterdata.viewsets import PortalViewSet, RetrieveMixin

from .. import filters as budget_filters
from ..models import KuaAccountLine
from ..selectors import kua as kua_selectors
from ..serializers import kua as kua_serializers
from ..services import kua as kua_services
from .base import DocumentViewSet

KUA = Operations("KUA-PPAS")


DELETED = {204: None, 409: CONFLICT_TRANSITION}


@extend_schema_view(
    list=KUA.collection(
        "Daftar versi KUA-PPAS", "Keuangan, Bappeda, auditor: semua versi; DPRD: yang sudah diajukan kepadanya."
    ),
    retrieve=KUA.item(
        "Satu versi KUA-PPAS dengan rencana pendapatan, belanja, pembiayaan dan riwayatnya",
        responses=kua_serializers.KuaPpasDetailSerializer,
    ),
    create=KUA.collection(
        "Buat versi KUA-PPAS berikutnya (pejabat keuangan)",
        "Versi pertama mengambil plafon OPD dari pagu indikatif RKPD final; versi berikutnya menyalin baris "
        "kebijakan dan plafon versi sebelumnya (yang harus sudah disepakati).",
        request=kua_serializers.KuaPpasCreateSerializer,
        responses={201: kua_serializers.KuaPpasDetailSerializer, 404: MISSING_REFERENCE},
    ),
)
class KuaPpasViewSet(DocumentViewSet):
    writers = dict.fromkeys(("create", "transitions", "account_lines"), "budgeting.change_kua_ppas")
    serializer_class = kua_serializers.KuaPpasSerializer
    detail_serializer_class = kua_serializers.KuaPpasDetailSerializer
    filterset_class = budget_filters.KuaPpasFilterSet

    def get_queryset(self):
        return kua_selectors.visible_kua_ppas(self.request.user)

    def get_detail(self, pk):
        kua = super().get_detail(pk)
        kua.policy_totals = kua_selectors.kua_policy_totals(kua)
        return kua

    def create(self, request):
        kua = kua_services.create_kua_ppas(actor=request.user, **self.valid(kua_serializers.KuaPpasCreateSerializer))
        return self.answer_detail(kua.pk, status.HTTP_201_CREATED)

    @KUA.move(
        "Pindahkan KUA-PPAS di siklusnya (pejabat keuangan)",
        kua_serializers.KuaTransitionInputSerializer,
        kua_serializers.KuaPpasDetailSerializer,
        "`submit` ke DPRD, `revise` kembali ke draf setelah pembahasan (dengan catatan), `agree` mencatat nota "
        "kesepakatan (nomor dan tanggal), `lock` mengunci plafon. Tindakan yang tidak berlaku dijawab 409 "
        "dengan status sekarang dan tindakan yang berlaku.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def transitions(self, request, pk):
        return self.act(
            kua_services.transition_kua, kua_serializers.KuaTransitionInputSerializer, kua=self.get_object()
        )

    @KUA.item(
        "Baris kebijakan KUA-PPAS: proyeksi pendapatan, kebijakan belanja, pembiayaan",
        methods=["GET"],
        responses=kua_serializers.KuaAccountLineSerializer(many=True),
    )
    @KUA.item(
        "Isi jumlah satu kode rekening KUA-PPAS (pejabat keuangan, saat draf)",
        "Membuat baris baru, atau mengubah jumlah dan kebijakan kode rekening yang sudah ada.",
        methods=["POST"],
        request=kua_serializers.KuaAccountLineInputSerializer,
        responses={200: kua_serializers.KuaAccountLineSerializer, 404: MISSING_REFERENCE, 409: CONFLICT_TRANSITION},
    )
    @action(detail=True, methods=["get", "post"], url_path="account-lines", filter_backends=[])
    def account_lines(self, request, pk):
        kua = self.get_object()
        if request.method == "GET":
            return self.page(kua_selectors.kua_account_lines(kua), kua_serializers.KuaAccountLineSerializer)
        line = kua_services.set_kua_account_line(
            actor=request.user, kua=kua, **self.valid(kua_serializers.KuaAccountLineInputSerializer, kua=kua)
        )
        return self.answer(_account_line(line), kua_serializers.KuaAccountLineSerializer)


def _account_lines(user):
    queryset = KuaAccountLine.objects.select_related("account", "kua_ppas__fiscal_year")
    return access.scope_kua_ppas(user, queryset, kua_field="kua_ppas")


def _account_line(line):
    return KuaAccountLine.objects.select_related("account").get(pk=line.pk)


@extend_schema_view(
    retrieve=KUA.item("Satu baris kebijakan KUA-PPAS"),
    partial_update=KUA.item(
        "Ubah jumlah atau kebijakan baris KUA-PPAS (pejabat keuangan, saat draf)",
        request=kua_serializers.KuaAccountLinePatchSerializer,
        responses={200: kua_serializers.KuaAccountLineSerializer, 409: CONFLICT_TRANSITION},
    ),
    destroy=KUA.item("Hapus baris kebijakan KUA-PPAS (pejabat keuangan, saat draf)", responses=DELETED),
)
class KuaAccountLineViewSet(RetrieveMixin, PortalViewSet):
    writers = dict.fromkeys(("partial_update", "destroy"), "budgeting.change_kua_ppas")
    serializer_class = kua_serializers.KuaAccountLineSerializer

    def get_queryset(self):
        return _account_lines(self.request.user)

    def partial_update(self, request, pk):
        line = self.get_object()
        data = self.valid(kua_serializers.KuaAccountLinePatchSerializer)
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
