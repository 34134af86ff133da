"""What every API of the portal shares: pagination, the one error format and its OpenAPI description, and
the pieces its operations are documented with (`Operations`, the common responses).

Every error, whatever raised it, answers `{"errors": [{"code", "message", "field"}]}`: `field` is the
dotted path of the offending input (`lines.2.volume`) or null, `message` is Indonesian.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import StaleObject, TransitionNotAllowed
from .importers import InvalidFile
from .parsers import UnreadableBody

# Text input may hold anything but NUL, which Django refuses (and PostgreSQL cannot store); documented so.
TEXT_PATTERN = r"^[^\x00]*$"
# Keys under which DRF serializers and Django forms (django-filter) report errors of no single field.
NON_FIELD_KEYS = frozenset({api_settings.NON_FIELD_ERRORS_KEY, "__all__"})


class PortalPagination(PageNumberPagination):
    """Pages of 50 rows (`page_size` up to 500); a malformed page or size is a 400, not silently ignored."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    last_page_strings = ()
    invalid_page_message = gettext_lazy("Halaman {page_number} tidak ada.")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return self._bounded_int(raw, self.page_size_query_param, maximum=self.max_page_size)

    def get_page_number(self, request, paginator):
        return self._bounded_int(request.query_params.get(self.page_query_param, "1"), self.page_query_param)

    @staticmethod
    def _bounded_int(raw, name, maximum=None):
        well_formed = raw.isascii() and raw.isdigit()
        # int() refuses very long digit strings; such a number is past any page anyway.
        value = (int(raw) if len(raw) <= 18 else 10**18) if well_formed else 0
        if value < 1 or (maximum is not None and value > maximum):
            if maximum is None:
                message = _("Harus berupa bilangan bulat 1 atau lebih.")
            else:
                message = _("Harus berupa bilangan bulat antara 1 dan %(maximum)d.") % {"maximum": maximum}
            raise exceptions.ValidationError({name: [message]}, code="invalid")
        return value

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
                parameter["description"] = _("Jumlah baris per halaman (bawaan %(default)d, paling banyak %(max)d).")
                parameter["description"] %= {"default": self.page_size, "max": self.max_page_size}
            else:
                parameter["description"] = _("Nomor halaman, mulai dari 1.")
        return parameters


class Conflict(exceptions.APIException):
    """A lifecycle move that does not apply now, or a save based on an old version (409)."""

    status_code = 409
    default_code = "conflict"


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "request_too_large"


def exception_handler(exc, context):
    """DRF's handler (status, headers, rollback), then the body rewritten into the one error format."""
    extra = {}
    if isinstance(exc, Http404):
        # Django's own 404 messages name models; every missing object reads the same.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    elif isinstance(exc, DjangoValidationError):
        # Services refuse bad input with Django's ValidationError, keyed by the input's field names.
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, TransitionNotAllowed):
        extra = {"current": exc.current, "allowed": exc.allowed}
        exc = Conflict(str(exc), code="transition_not_allowed")
    elif isinstance(exc, StaleObject):
        extra = {"current": exc.current}
        exc = Conflict(str(exc), code="stale")
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(body_too_large_message())
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ValidationError(*_too_many_parts(exc))
    elif isinstance(exc, InvalidFile):
        # An upload's bad rows: one error per problem, under `file.<line>` (line 0: the whole file).
        by_line = {}
        for error in exc.errors:
            by_line.setdefault(str(error.line), []).append(exceptions.ErrorDetail(str(error), code="invalid_row"))
        exc = exceptions.ValidationError({"file": by_line})
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django logs it and answers 500
    if isinstance(exc, exceptions.ValidationError):
        errors = list(_flatten(exc.detail, ()))
    else:
        errors = [{**_api_error(exc, context.get("request")), **extra}]
    response.data = {"errors": errors}
    return response


def body_too_large_message():
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return _("Isi permintaan terlalu besar (paling banyak %(size)s MB di luar berkas unggahan).") % {
        "size": f"{megabytes:.1f}".replace(".", ",")
    }


def _too_many_parts(exc):
    if isinstance(exc, TooManyFilesSent):
        return _("Terlalu banyak berkas dalam satu permintaan."), "too_many_files"
    return _("Terlalu banyak bidang dalam satu permintaan."), "too_many_fields"


def error_response(status, code, message, headers=None):
    """An answer in the error format for requests that fail before (or outside) a DRF view."""
    return JsonResponse({"errors": [{"code": code, "message": message, "field": None}]}, status=status, headers=headers)


def _flatten(detail, path):
    """Walk nested serializer errors; dict keys and list positions make the dotted field path."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _flatten(value, path if key in NON_FIELD_KEYS else (*path, str(key)))
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            # A list of messages belongs to one field; a list of objects is many nested inputs.
            yield from _flatten(item, (*path, str(index)) if isinstance(item, dict | list) else path)
    else:
        yield {
            "code": getattr(detail, "code", None) or "invalid",
            "message": str(detail),
            "field": ".".join(path) or None,
        }


def _api_error(exc, request):
    code = getattr(exc.detail, "code", None) or exc.default_code
    return {"code": code, "message": _message(exc, code, request), "field": None}


def _message(exc, code, request):
    """Indonesian text for the errors DRF itself raises (often untranslated or with English details)."""
    if code == "not_authenticated":
        return _("Kredensial autentikasi tidak diberikan: sertakan token atau masuk terlebih dahulu.")
    if code == "authentication_failed":
        return _("Kredensial autentikasi tidak valid (token salah, atau pengguna nonaktif).")
    if code == "method_not_allowed":
        return _("Metode %(method)s tidak diizinkan pada alamat ini.") % {"method": request.method}
    if code == "unsupported_media_type":
        return _("Jenis media %(media_type)s tidak didukung.") % {"media_type": request.content_type or "-"}
    if code == "not_acceptable":
        return _("Format jawaban yang diminta header Accept tidak tersedia.")
    if code == "parse_error" and not isinstance(exc, UnreadableBody):
        return _("Isi permintaan tidak dapat dibaca (format rusak).")
    if code == "throttled":
        if exc.wait is None:
            return _("Terlalu banyak permintaan. Coba lagi nanti.")
        return _("Terlalu banyak permintaan. Coba lagi dalam %(seconds)d detik.") % {"seconds": max(1, round(exc.wait))}
    if code == "permission_denied" and str(exc.detail).startswith("CSRF Failed"):
        return _("Token CSRF tidak ada atau tidak valid; muat ulang halaman lalu coba lagi.")
    if str(exc.detail) == str(exc.default_detail):
        if code == "permission_denied":
            return _("Anda tidak berwenang melakukan tindakan ini.")
        if code == "not_found":
            return _("Data tidak ditemukan.")
    # Raised by the portal itself with its own (Indonesian) message.
    return str(exc.detail)


# --- OpenAPI descriptions of operations ---------------------------------------------------------

ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Id.")
CONFLICT_TRANSITION = OpenApiResponse(
    description=(
        "Tindakan tidak berlaku pada status sekarang: galat `transition_not_allowed` memuat juga `current` "
        "(tahap/status sekarang) dan `allowed` (tindakan yang berlaku)."
    )
)
CONFLICT_STALE = OpenApiResponse(
    description="Baris sudah diubah orang lain: galat `stale` memuat juga `current`, nilai baris yang terbaru."
)
MISSING_REFERENCE = OpenApiResponse(
    description="Kode atau id yang dirujuk masukan tidak ada atau bukan milik Anda; `field` menunjuk masukannya."
)
IMPORT_NOTE = (
    " Semua baris atau tidak sama sekali: bila ada satu baris bermasalah tidak ada yang dimuat, dan jawaban 400 "
    "memuat satu galat per masalah dengan `field` = `file.<nomor baris>` (baris 1 = judul kolom, `file.0` = "
    "seluruh berkas)."
)


class Operations:
    """`extend_schema` for the operations under one tag; an operation on one object takes its path parameter."""

    def __init__(self, tag, path_parameter=ID):
        self.tag = tag
        self.path_parameter = path_parameter

    def collection(self, summary, description=None, **kwargs):
        return extend_schema(summary=summary, description=description, tags=[self.tag], **kwargs)

    def item(self, summary, description=None, *, parameters=(), **kwargs):
        return self.collection(summary, description, parameters=[self.path_parameter, *parameters], **kwargs)

    def move(self, summary, request, detail, description=None):
        """A lifecycle action: it answers the object's detail, or 409 when it does not apply now."""
        return self.item(summary, description, request=request, responses={200: detail, 409: CONFLICT_TRANSITION})


ERROR_RESPONSE_SCHEMA = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string", "description": "Kode galat yang stabil (mis. `required`, `not_found`)."},
                    "message": {"type": "string", "description": "Pesan untuk manusia, dalam bahasa Indonesia."},
                    "field": {
                        "type": "string",
                        "nullable": True,
                        "description": "Jalur bidang bertitik (mis. `lines.2.volume`); null bila bukan galat bidang.",
                    },
                },
                "required": ["code", "message", "field"],
            },
        }
    },
    "required": ["errors"],
}
ERROR_DESCRIPTIONS = {
    "400": "Masukan tidak valid; `field` menunjuk bidang atau parameter yang salah.",
    "401": "Belum masuk, atau token tidak valid.",
    "403": "Tidak berwenang.",
    "404": "Data atau halaman tidak ditemukan.",
    "415": "Jenis media isi permintaan tidak didukung.",
    "429": "Terlalu banyak permintaan.",
}


def document_errors(result, generator, request, public):
    """drf-spectacular hook: every operation lists the errors it can answer, each in the one error format.

    A view documents errors the schema cannot reveal (429 of a throttled view) with
    `responses={429: OpenApiResponse(description=...)}`; this hook gives them the error body.
    """
    result.setdefault("components", {}).setdefault("schemas", {})["ErrorResponse"] = ERROR_RESPONSE_SCHEMA
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation["responses"]
            for status in _likely_errors(operation):
                responses.setdefault(status, {"description": ERROR_DESCRIPTIONS[status]})
            for status, response in responses.items():
                if status.startswith("4"):
                    response["content"] = body
    return result


def require_union_bodies(result, generator, request, public):
    """drf-spectacular hook: a body that is one of several shapes (a PolymorphicProxySerializer), each with
    required fields, is itself required, as a body of one shape is."""
    schemas = result.get("components", {}).get("schemas", {})
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                shape = schemas.get(media.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1], {})
                if shape.get("oneOf"):
                    operation["requestBody"]["required"] = True
    return result


def _likely_errors(operation):
    locations = {parameter["in"] for parameter in operation.get("parameters", [])}
    query = {parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "query"}
    has_body = "requestBody" in operation
    if has_body or query:
        yield "400"
    # Operations open to anonymous callers carry an empty security requirement (or none at all).
    security = operation.get("security", [])
    if security and {} not in security:
        yield "401"
        yield "403"
    if "path" in locations or "page" in query:
        yield "404"
    if has_body:
        yield "415"
