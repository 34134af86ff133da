"""Read API of reference data, the signed-in user, and API tokens (mounted at /api/v1/)."""

import math

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from . import access, filters, selectors, serializers, services
from .models import Account, FundingSource, Nomenclature

TAG_REFERENCE = "Data referensi"
TAG_ACCOUNT = "Akun"
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id baris.")
YEAR_NOTE = (
    "Daftar memuat satu versi data referensi: versi yang dipakai tahun anggaran `year`, atau tanpa `year` "
    "versi tahun anggaran aktif terbaru. Ambil per `id` mengembalikan baris dari versi mana pun."
)


class InvalidCredentials(exceptions.AuthenticationFailed):
    default_detail = _("Nama pengguna atau kata sandi salah.")
    default_code = "invalid_credentials"


class LockedOut(exceptions.Throttled):
    default_code = "locked_out"

    def __init__(self, cool_off, *, per_address=False):
        if cool_off is None:
            super().__init__(detail=_("Terlalu banyak percobaan masuk yang gagal; akun dikunci."))
            return
        minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
        if per_address:
            message = _("Terlalu banyak percobaan masuk gagal dari alamat Anda; coba lagi dalam %(minutes)d menit.")
        else:
            message = _("Terlalu banyak percobaan masuk yang gagal; akun dikunci %(minutes)d menit.")
        super().__init__(detail=message % {"minutes": minutes})
        self.wait = math.ceil(cool_off.total_seconds())  # becomes the Retry-After header


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    # Lists are filtered and paginated; one row is fetched by id from the same scoped rows.

    def get_object(self):
        obj = access.get_visible_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, obj)
        return obj


def _reference_docs(noun, *, versioned=True):
    description = f"{noun}. {YEAR_NOTE}" if versioned else noun
    return extend_schema_view(
        list=extend_schema(summary=f"Daftar {noun.lower()}", description=description, tags=[TAG_REFERENCE]),
        retrieve=extend_schema(
            summary=f"Satu {noun.lower()} menurut id", description=noun, parameters=[ID], tags=[TAG_REFERENCE]
        ),
    )


class CodedReferenceViewSet(ReferenceViewSet):
    # One versioned coded tree; subclasses name its `model`.

    def get_queryset(self):
        return selectors.coded_reference(self.request.user, self.model)


@_reference_docs("Nomenklatur program (urusan sampai sub-kegiatan)")
class NomenclatureViewSet(CodedReferenceViewSet):
    model = Nomenclature
    serializer_class = serializers.NomenclatureSerializer
    filterset_class = filters.NomenclatureFilterSet


@_reference_docs("Kode rekening")
class AccountViewSet(CodedReferenceViewSet):
    model = Account
    serializer_class = serializers.AccountSerializer
    filterset_class = filters.AccountFilterSet


@_reference_docs("Sumber dana")
class FundingSourceViewSet(CodedReferenceViewSet):
    model = FundingSource
    serializer_class = serializers.FundingSourceSerializer
    filterset_class = filters.FundingSourceFilterSet


@_reference_docs("Perangkat daerah (OPD)", versioned=False)
class OpdViewSet(ReferenceViewSet):
    serializer_class = serializers.OpdSerializer
    filterset_class = filters.OpdFilterSet

    def get_queryset(self):
        return selectors.opds(self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Daftar standar harga (SSH, SBU, HSPK, ASB)",
        description=(
            "Katalog satu tahun anggaran: tahun `year`, atau tanpa `year` tahun anggaran aktif terbaru. "
            "Setiap item memuat kode rekening yang boleh dibebaninya."
        ),
        tags=[TAG_REFERENCE],
    ),
    retrieve=extend_schema(
        summary="Satu item standar harga menurut id",
        description="Item dari tahun anggaran mana pun.",
        parameters=[ID],
        tags=[TAG_REFERENCE],
    ),
)
class StandardPriceViewSet(ReferenceViewSet):
    serializer_class = serializers.StandardPriceSerializer
    filterset_class = filters.StandardPriceFilterSet

    def get_queryset(self):
        return selectors.standard_prices(self.request.user)


class MeView(APIView):
    @extend_schema(summary="Pengguna yang sedang masuk", responses=serializers.MeSerializer, tags=[TAG_ACCOUNT])
    def get(self, request):
        return Response(serializers.MeSerializer(request.user).data)


class TokenView(APIView):
    """Exchanges a user name and password for the user's API token.

    Throttled per client address, and every failure counts toward django-axes' lockout like a
    failed login on the portal's login page.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    def get_authenticate_header(self, request):
        # Wrong credentials answer 401, which must name the scheme the token is then used with.
        return "Token"

    @extend_schema(
        summary="Ambil token API",
        description=(
            "Tukar nama pengguna dan kata sandi dengan token baru yang berlaku beberapa jam (lihat `expires_at`); "
            "setiap permintaan menerbitkan token baru. Dibatasi 10 permintaan per menit."
        ),
        request=serializers.TokenObtainSerializer,
        responses={
            200: serializers.TokenSerializer,
            401: OpenApiResponse(description="Nama pengguna atau kata sandi salah."),
            429: OpenApiResponse(description="Terlalu banyak permintaan, atau akun dikunci sementara."),
        },
        tags=[TAG_ACCOUNT],
    )
    def post(self, request):
        credentials = serializers.TokenObtainSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        wait = selectors.address_lockout(request)
        if wait is not None:
            raise LockedOut(wait, per_address=True)
        # The request is passed so django-axes sees (and counts) the attempt.
        user = authenticate(request=request, **credentials.validated_data)
        if user is None:
            if getattr(request, "axes_locked_out", False):
                raise LockedOut(get_cool_off(request))
            raise InvalidCredentials()
        token = services.issue_api_token(user=user)
        return Response(serializers.TokenSerializer(token).data, status=status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(
        summary="Daftar token API",
        description="Token milik Anda (administrator: semua token), juga yang sudah kedaluwarsa atau dicabut.",
        tags=[TAG_ACCOUNT],
    ),
    retrieve=extend_schema(summary="Satu token API menurut id", parameters=[ID], tags=[TAG_ACCOUNT]),
)
class ApiTokenViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.ApiTokenSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.api_tokens(self.request.user)

    def get_object(self):
        return access.get_visible_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(
        summary="Cabut token API",
        description=(
            "Token berhenti berlaku seketika. Token pribadi dicabut pemiliknya; token integrasi aplikasi OPD "
            "hanya oleh administrator (403 bagi pemiliknya)."
        ),
        request=None,
        parameters=[ID],
        responses=serializers.ApiTokenSerializer,
        tags=[TAG_ACCOUNT],
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk):
        token = services.revoke_api_token(actor=request.user, token=self.get_object())
        return Response(self.get_serializer(token).data)


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Unknown addresses under /api/ answer in the error format too, whatever the method."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @property
    def default_response_headers(self):
        headers = super().default_response_headers
        headers.pop("Allow")  # an unknown address allows no method
        return headers

    def initial(self, request, *args, **kwargs):
        raise exceptions.NotFound()
