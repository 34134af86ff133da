"""The query of the public API, read strictly: drill-downs, cuts, order and paging in OpenSpending's babbage
style (`drilldown=opd|akun`, `cut=akun:5|opd:1.02.0.00.0.00.01.0000`, `order=sum:desc`). Every malformed or
unknown parameter is a 400 in the portal's error format, naming the parameter."""

import re

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from .selectors import facts

KEYS = "|".join(facts.DIMENSIONS)
CODE = r"[0-9A-Za-z.]{1,40}"
ORDER_KEYS = f"{KEYS}|sum|count"
PATTERNS = {
    "drilldown": rf"^({KEYS})(\|({KEYS}))*$",
    "cut": rf"^({KEYS}):{CODE}(;{CODE})*(\|({KEYS}):{CODE}(;{CODE})*)*$",
    "order": rf"^({ORDER_KEYS})(:(asc|desc))?(\|({ORDER_KEYS})(:(asc|desc))?)*$",
    "aggregates": r"^(sum|count)(\|(sum|count))*$",
}
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100


def _fail(name, message):
    raise ValidationError({name: [message]}, code="invalid")


def refuse_unknown(params, allowed):
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        _fail(
            unknown[0], _("Parameter tidak dikenal. Yang dapat dipakai: %(allowed)s.") % {"allowed": ", ".join(allowed)}
        )


def _matching(params, name):
    raw = params.get(name)
    if raw is None:
        return None
    if not re.fullmatch(PATTERNS[name], raw):
        _fail(name, _("Format tidak sesuai (lihat dokumentasi API)."))
    return raw


def _positive(params, name, default, maximum=None):
    raw = params.get(name)
    if raw is None:
        return default
    value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else 0  # longer: past any page
    if value < 1 or (maximum is not None and value > maximum):
        if maximum is None:
            _fail(name, _("Harus berupa bilangan bulat 1 atau lebih."))
        _fail(name, _("Harus berupa bilangan bulat antara 1 dan %(maximum)d.") % {"maximum": maximum})
    return value


def version_number(params):
    return _positive(params, "versi", None)


def cuts(params):
    """{key: [codes]}: a line is kept when, for every key, its code is one of the key's codes."""
    raw = _matching(params, "cut")
    result = {}
    for part in raw.split("|") if raw else ():
        key, values = part.split(":", 1)
        result.setdefault(key, []).extend(values.split(";"))
    return result


def drilldown(params):
    raw = _matching(params, "drilldown")
    return list(dict.fromkeys(raw.split("|"))) if raw else []  # each key once, in the order given


def order(params, drilled):
    """[(key, descending)] by sum, count or a drilled-down dimension. A dimension not drilled down has many
    codes in each cell and orders nothing: it is left out, and the answer's `order` shows what applied."""
    raw = _matching(params, "order")
    result = []
    for part in raw.split("|") if raw else ():
        key, _colon, direction = part.partition(":")
        if (key in ("sum", "count") or key in drilled) and key not in {applied for applied, _ in result}:
            result.append((key, direction == "desc"))
    return result


def aggregates(params):
    raw = _matching(params, "aggregates")
    return list(dict.fromkeys(raw.split("|"))) if raw else list(facts.AGGREGATES)


def paging(params):
    page = _positive(params, "page", 1)
    size = _positive(params, "pagesize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    return page, size
