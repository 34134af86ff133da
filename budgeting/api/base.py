"""What every budgeting viewset shares: the document list/detail base and query-parameter reading."""

from rest_framework import serializers

from masterdata.viewsets import DetailMixin, ListMixin, PortalViewSet

from ..selectors import rka as rka_selectors


def query_of(serializer_class, request):
    """The query parameters as `serializer_class` reads them; `?change=` is a mistake, not "any change" (DRF
    reads a blank optional parameter as one not sent)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    blank = [name for name in serializer.fields if request.query_params.get(name) == ""]
    if blank:
        message = "Tidak boleh kosong; hapus parameter bila tak dipakai."
        raise serializers.ValidationError({name: [serializers.ErrorDetail(message, code="blank")] for name in blank})
    return serializer.validated_data


class DocumentViewSet(ListMixin, DetailMixin, PortalViewSet):
    # A budget document with a lifecycle: its detail carries the history of its moves.

    def get_detail(self, pk):
        document = super().get_detail(pk)
        document.transitions = list(rka_selectors.transitions_of(document))
        return document
