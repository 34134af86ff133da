"""What every budgeting viewset shares: the document list/detail base and query-parameter reading."""

from masterdata.viewsets import DetailMixin, ListMixin, PortalViewSet

from ..selectors import rka as rka_selectors


def query_of(serializer_class, request):
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class DocumentViewSet(ListMixin, DetailMixin, PortalViewSet):
    # A budget document with a lifecycle: its detail carries the history of its moves.

    def get_detail(self, pk):
        document = super().get_detail(pk)
        document.transitions = list(rka_selectors.transitions_of(document))
        return document
