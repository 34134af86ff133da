"""Ceilings API: every ceiling a user may read; finance sets and deletes them on a draft KUA-PPAS."""

from drf_spectacular.utils import extend_schema_view

from masterdata import access
from masterdata.api_base import (
    CONFLICT_TRANSITION,
    MISSING_REFERENCE,
    Operations,
)
from masterdata.viewsets import ListMixin, PortalViewSet, RetrieveMixin

from .. import filters as budget_filters
from ..selectors import ceilings as ceiling_selectors
from ..serializers import ceilings as ceiling_serializers
from ..services import ceilings as ceiling_services
from .kua import DELETED

CEILING = Operations("Plafon")


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
        request=ceiling_serializers.CeilingInputSerializer,
        responses={200: ceiling_serializers.CeilingSerializer, 404: MISSING_REFERENCE, 409: CONFLICT_TRANSITION},
    ),
    partial_update=CEILING.item(
        "Ubah jumlah plafon (pejabat keuangan, saat draf)",
        request=ceiling_serializers.CeilingPatchSerializer,
        responses={200: ceiling_serializers.CeilingSerializer, 409: CONFLICT_TRANSITION},
    ),
    destroy=CEILING.item("Hapus plafon (pejabat keuangan, saat draf)", responses=DELETED),
)
class CeilingViewSet(ListMixin, RetrieveMixin, PortalViewSet):
    # A new ceiling names its KUA-PPAS in the body: one the caller may not read answers 404 (on that field)
    # before the service refuses the change.
    writers = dict.fromkeys(("partial_update", "destroy"), "budgeting.change_kua_ppas")
    serializer_class = ceiling_serializers.CeilingSerializer
    filterset_class = budget_filters.CeilingFilterSet

    def get_queryset(self):
        return ceiling_selectors.visible_ceilings(self.request.user)

    def _saved(self, ceiling):
        return self.answer(access.get_visible_or_404(self.get_queryset(), pk=ceiling.pk))

    def create(self, request):
        return self._saved(
            ceiling_services.set_ceiling(actor=request.user, **self.valid(ceiling_serializers.CeilingInputSerializer))
        )

    def partial_update(self, request, pk):
        ceiling = self.get_object()
        amount = self.valid(ceiling_serializers.CeilingPatchSerializer)["amount"]
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
