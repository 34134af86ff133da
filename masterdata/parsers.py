"""The API's JSON parser (its own module: DRF's APIView imports the parser classes as it is defined)."""

import io

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers

# No input of the portal nests deeper than a few levels; anything deeper is refused before a serializer
# (or the API's error flattening) has to walk it recursively.
MAX_JSON_DEPTH = 20


class UnreadableBody(exceptions.ParseError):
    """A body the portal refuses to read; unlike DRF's parse errors its message is already Indonesian."""


class PortalJSONParser(parsers.JSONParser):
    """JSON as DRF reads it, within what the portal can hold and answer.

    The body is read up to Django's DATA_UPLOAD_MAX_MEMORY_SIZE (DRF's own parser reads it whole), its
    nesting is bounded, and text with a lone UTF-16 surrogate (`"\\ud800"`), which JSON allows but
    UTF-8, the database and every answer that echoes it cannot hold, is a field error.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestDataTooBig()
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError:
            raise _too_deep() from None
        _check_parsed(data)
        return data


def _too_deep():
    return UnreadableBody(
        _("Isi permintaan bersarang terlalu dalam (paling banyak %(depth)d tingkat).") % {"depth": MAX_JSON_DEPTH}
    )


def _check_parsed(data):
    """Walk parsed JSON without recursion; raise on the first too-deep value or unencodable text."""
    pending = [(data, (), 0)]
    while pending:
        value, path, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            raise _too_deep()
        if isinstance(value, dict):
            for key, item in value.items():
                if not _encodable(key):
                    raise _invalid_characters(path)
                pending.append((item, (*path, key), depth + 1))
        elif isinstance(value, list):
            pending.extend((item, (*path, str(index)), depth + 1) for index, item in enumerate(value))
        elif isinstance(value, str) and not _encodable(value):
            raise _invalid_characters(path)


def _encodable(text):
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _invalid_characters(path):
    detail = [
        exceptions.ErrorDetail(
            _("Teks memuat karakter yang tidak sah (surrogate Unicode tanpa pasangan)."), code="invalid_characters"
        )
    ]
    for key in reversed(path):
        detail = {key: detail}
    return exceptions.ValidationError(detail)
