"""Request-wide concerns: the request id and client address for the audit trail (without threading them
through services), the language of the address (/en/…), security headers, a clear 503 when the embedded
database is busy, and the portal's 404 page in DEBUG."""

import contextvars
import re
import sys
import uuid

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import OperationalError
from django.dispatch import receiver
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from .api_base import error_response

_request_context = contextvars.ContextVar("request_context", default=None)
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def current_request_context():
    """(request_id, ip_address) of the request being served, or ("", None) outside a request."""
    return _request_context.get() or ("", None)


class PathLanguageMiddleware:
    """The language of a request is its address's: English under /en/ (the public pages' English version,
    bondowoso/urls.py), Indonesian everywhere else. Unlike Django's LocaleMiddleware it reads no cookie and no
    Accept-Language, so no response varies by them (no `Vary: Accept-Language` splitting caches) and a staff
    page, the API and open data are always Indonesian. The language is restored after the request, so nothing
    after it in the same thread inherits English."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_context.set((request_id, request.META.get("REMOTE_ADDR") or None))
        try:
            response = self.get_response(request)
        finally:
            _request_context.reset(token)
        response["X-Request-ID"] = request_id
        return response


API_PREFIX = "/api/"


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every answer (settings.CONTENT_SECURITY_POLICY), and no storing of what
    only a signed-in user may see or of any API answer (it may hold a draft or a token)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        if request.path.startswith(API_PREFIX) or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response


# Seconds a client is told to wait when the database is busy: a few of SQLite's queued writers.
BUSY_RETRY_AFTER = 5


def is_database_busy(error):
    """SQLite's "database is locked" (or "database table is locked") after its busy timeout ran out."""
    return isinstance(error, OperationalError) and "is locked" in str(error)


@receiver(got_request_exception)
def _note_busy_database(sender, request=None, **kwargs):
    # Sent while Django handles any uncaught exception, from a view or a middleware, in DEBUG too.
    if request is not None and is_database_busy(sys.exc_info()[1]):
        request.database_busy = True


class DatabaseBusyMiddleware:
    """Turns the 500 of a request that found the database busy into a 503 that says so.

    The failed request's transaction was rolled back, so nothing was written. The page is a plain template
    (no base layout) because rendering the layout would read the busy database again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, "database_busy", False):
            return response
        message = _("Basis data sedang sibuk melayani pengguna lain; tidak ada yang disimpan. Coba lagi sebentar lagi.")
        headers = {"Retry-After": str(BUSY_RETRY_AFTER)}
        if request.path.startswith(API_PREFIX):
            return error_response(503, "database_busy", message, headers=headers)
        return HttpResponse(render_to_string("503.html", {"message": message}), status=503, headers=headers)


class NotFoundPageMiddleware:
    """Portal pages answer their Indonesian 404 page in DEBUG too, where Django would show its technical one
    (which also lists every URL pattern). Without DEBUG, Django's handler404 renders the same template.

    A view's Http404 arrives at `process_exception`; an address no pattern matches leaves the request
    without a `resolver_match`. The API answers its own JSON 404 either way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and request.resolver_match is None and self._applies(request):
            return _not_found(request)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self._applies(request):
            return _not_found(request)
        return None

    @staticmethod
    def _applies(request):
        return settings.DEBUG and not request.path.startswith(API_PREFIX)


def _not_found(request):
    return render(request, "404.html", status=404)
