"""The base of every viewset of the portal's API, its list/detail mixins and the Excel pieces they share.

Views stay thin: reads come scoped from the selectors and masterdata.access (an object that is not yours
answers 404 like a missing one), writes go through the services, whose refusals the shared exception
handler turns into 403 (not allowed), 400 (invalid) and 409 (a move that does not apply, or a save based
on an old version).
"""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, status, viewsets
from rest_framework.response import Response

from . import access
from .errors import NOT_ALLOWED, StaleObject
from .serializer_base import ImportInputSerializer
from .spreadsheets import XLSX_CONTENT_TYPE

XLSX_RESPONSE = {(200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="Berkas Excel (.xlsx).")}


IMPORT_REQUEST = {"multipart/form-data": ImportInputSerializer}


STILL_USED = OpenApiResponse(description="Masih dirujuk data lain, sehingga tidak dapat dihapus.")


DELETED = {204: None, 400: STILL_USED}


def xlsx(content, filename):
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ActionPermission(permissions.IsAuthenticated):
    """Who may take a viewset's action at all: its `writers` name, per action, the permission (of the
    masterdata.access rules) that a change needs, checked on the document the object belongs to. Anyone else
    is refused 403 before the body is read (an object they may not read still answers 404 first); the services
    then say what the document's state allows."""

    message = NOT_ALLOWED

    def _needed(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return None
        return getattr(view, "writers", {}).get(view.action)

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        needed = self._needed(request, view)
        return needed is None or view.detail or request.user.has_perm(needed)

    def has_object_permission(self, request, view, obj):
        needed = self._needed(request, view)
        return needed is None or request.user.has_perm(needed, view.document_of(obj))


class PortalViewSet(viewsets.GenericViewSet):
    # PUT is not offered: every change is a PATCH of the fields that change.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_classes = [ActionPermission]
    writers = {}  # action -> the permission it needs (ActionPermission)

    def document_of(self, obj):
        """The document whose permission an action on `obj` needs (a line's RKA or Renja)."""
        return obj

    def checked(self, obj):
        """A visible object, once the caller may take this action on it."""
        self.check_object_permissions(self.request, obj)
        return obj

    def valid(self, serializer_class, *, partial=False, **context):
        serializer = serializer_class(
            data=self.request.data, partial=partial, context={**self.get_serializer_context(), **context}
        )
        serializer.is_valid(raise_exception=True)
        return serializer.resolve()

    def answer(self, instance, serializer_class=None, *, status_code=status.HTTP_200_OK):
        serializer_class = serializer_class or self.get_serializer_class()
        return Response(serializer_class(instance, context=self.get_serializer_context()).data, status=status_code)

    def page(self, queryset, serializer_class):
        rows = self.paginate_queryset(queryset)
        return self.get_paginated_response(
            serializer_class(rows, many=True, context=self.get_serializer_context()).data
        )

    def get_object(self):
        return self.checked(access.get_visible_or_404(self.get_queryset(), pk=self.kwargs["pk"]))

    def deleted(self, service, **objects):
        service(actor=self.request.user, **objects)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def imported(self, service, **objects):
        # The upload (ImportInputSerializer's `file`) goes to `service`; its bad rows answer 400 (see api_base).
        upload = self.valid(ImportInputSerializer)["file"]
        return service(actor=self.request.user, **objects, source=upload, filename=upload.name)

    def stale(self, exc, current):
        """The refusal of a save based on an old version, carrying the row as it is now."""
        data = self.get_serializer_class()(current, context=self.get_serializer_context()).data
        return StaleObject(str(exc), current=data)


class ListMixin:
    def list(self, request):
        return self.page(self.filter_queryset(self.get_queryset()), self.get_serializer_class())


class RetrieveMixin:
    def retrieve(self, request, pk):
        return self.answer(self.get_object())


class DetailMixin:
    # One object, and the answer to each change of its lifecycle, in `detail_serializer_class`.
    detail_serializer_class = None

    def get_detail(self, pk):
        return access.get_visible_or_404(self.get_queryset(), pk=pk)

    def answer_detail(self, pk, status_code=status.HTTP_200_OK):
        return self.answer(self.get_detail(pk), self.detail_serializer_class, status_code=status_code)

    def retrieve(self, request, pk):
        return self.answer_detail(pk)

    # A lifecycle action (or a decision) on `objects` with the input; answered with the detail.
    def act(self, service, input_class, **objects):
        for document in objects.values():
            self.checked(document)
        service(actor=self.request.user, **objects, **self.valid(input_class))
        return self.answer_detail(self.kwargs["pk"])
