"""What users and attackers send, to every write of the portal: every write operation of the OpenAPI schema
and every form of every page, each sent by a caller allowed to make it (tests/access_table.py).

The corpus: numbers far too large, Arabic-Indic and full-width digits, padded and exponent numbers, lone
surrogates, JSON nested past any input, broken JSON, bodies over the upload limit, wrong types, SQL-ish and
HTML text. Every answer is below 500; an API refusal is in the error shape; a refused request writes nothing
(every write of the portal leaves an audit event, so none may appear), and a bad number is never accepted.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from masterdata.models import AuditEvent
from tests import access_table as table
from tests.test_access_matrix import API_OBJECTS, BODY_OBJECTS, _client, _page_arguments, _year, portal_routes

pytestmark = pytest.mark.django_db

# (value, whether it must be refused): a bad number or a wrong type always; long or hostile text may be
# taken as text where the field takes text.
NUMBERS = [(value, True) for value in ("9" * 40, "١٢٣", "１２３", " 5 ", "1e6", "NaN", "-Infinity", 10**40)]
INTEGERS = [(value, True) for value in (10**40, "١٢٣", "\ud800", -(10**40))]
TEXTS = [
    ("\ud800", True),
    (12345, True),  # a number where the schema says text
    ({"nested": "object"}, True),
    (["a list"], True),
    ("x" * 70000, False),
    ("'; DROP TABLE masterdata_opd; --", False),
]
BODIES = [
    ("nested", "[" * 5000 + "]" * 5000),
    ("broken", '{"amount": '),
    ("not an object", "[1, 2, 3]"),
    ("a string", '"teks"'),
]
# Who sends each write: the first of these callers the table lets make it.
WRITER_ORDER = [table.OWN, table.FINANCE, table.BAPPEDA, table.ADMIN, table.DPRD, table.ANONYMOUS]
SKIPPED_OPERATIONS = {"v1_auth_token_create"}  # every attempt is a login attempt: the throttle answers (test_api)


def _schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _bad_values(prop):
    kind, fmt = prop.get("type"), prop.get("format", "")
    if kind == "string" and (fmt == "decimal" or r"\d" in prop.get("pattern", "")):
        return NUMBERS
    if kind in ("integer", "number"):
        return INTEGERS
    if kind == "array":
        return [("not a list", True), ([["nested"] * 3] * 3, True), (["\ud800"], True)]
    if kind == "boolean":
        return [("\ud800", True), (2, True)]
    return TEXTS


def _write_operations():
    schema = _schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            rule = table.OPERATIONS[operation["operationId"]]
            if method == "get" or not rule.action or operation["operationId"] in SKIPPED_OPERATIONS:
                continue
            writer = next((caller for caller in WRITER_ORDER if caller in rule.writers), None)
            if writer is None:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body_schema = content.get("application/json", {}).get("schema")
            props = _resolve(schema, body_schema).get("properties", {}) if body_schema else None
            yield operation["operationId"], method.upper(), path, writer, props


def _url(path, objects):
    segment = path.removeprefix("/api/v1/").split("/")[0]
    url = re.sub(r"\{(id|year)\}", str(objects[API_OBJECTS[segment]]), path) if "{" in path else path
    if segment in ("rka-lines", "renja-lines") and "{" in path:
        url += "?version=1"
    return url


def _is_error_shape(response):
    try:
        body = response.json()
    except ValueError:
        return False
    return (
        isinstance(body, dict)
        and bool(body.get("errors"))
        and all({"code", "message", "field"} <= set(error) for error in body["errors"])
    )


def _send(client, method, url, raw):
    with transaction.atomic():
        events = AuditEvent.objects.count()
        response = client.generic(method, url, raw, content_type="application/json")
        written = AuditEvent.objects.count() - events
        transaction.set_rollback(True)
    return response, written


def test_every_write_operation_refuses_the_corpus(reference_data):
    users, objects = _year(reference_data)
    clients = {caller: _client(user, api=True) for caller, user in users.items()}
    wrong, sent = [], 0
    for operation, method, path, writer, props in _write_operations():
        url = _url(path, objects)
        base = {}
        if operation in BODY_OBJECTS:
            field, source, rest = BODY_OBJECTS[operation]
            base = {field: objects[source], **rest}
        if props is None:  # an operation that reads no body (a delete, a revoke) ignores one
            continue
        cases = [(f"body {name}", raw, True) for name, raw in BODIES]
        over = json.dumps({"note": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
        cases.append(("body over the limit", over, True))
        for name, prop in props.items():
            if prop.get("readOnly"):
                continue
            for value, must_refuse in _bad_values(prop):
                # json.dumps escapes a lone surrogate as \ud800, which is how an attacker sends it.
                cases.append((f"{name}={str(value)[:20]!r}", json.dumps({**base, name: value}), must_refuse))
        for label, raw, must_refuse in cases:
            response, written = _send(clients[writer], method, url, raw)
            sent += 1
            problem = None
            if response.status_code >= 500:
                problem = f"answered {response.status_code}"
            elif response.status_code >= 400 and not _is_error_shape(response):
                problem = f"answered {response.status_code} outside the error shape: {response.content[:120]!r}"
            elif response.status_code < 400 and must_refuse:
                problem = f"accepted it ({response.status_code})"
            elif response.status_code >= 400 and written:
                problem = f"refused ({response.status_code}) but wrote {written} audit events"
            if problem:
                wrong.append(f"{method} {url} ({operation}, as {writer}) {label}: {problem}")
    assert sent > 500
    assert not wrong, "\n".join(wrong[:80]) + (f"\n… and {len(wrong) - 80} more" if len(wrong) > 80 else "")


# --- Pages ------------------------------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The POST forms of a page: action, and each field's name, default value and whether it takes a number."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._textarea, self._select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": {}, "numbers": set(), "texts": set()}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file"):
                return
            self._form["fields"][attrs["name"]] = attrs.get("value") or ""
            if attrs.get("inputmode") == "decimal" or kind == "number":
                self._form["numbers"].add(attrs["name"])
            elif kind in ("text", "search") and attrs["name"] != "csrfmiddlewaretoken":
                self._form["texts"].add(attrs["name"])
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form["fields"][self._textarea] = ""
            self._form["texts"].add(self._textarea)
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form["fields"].setdefault(self._select, "")
        elif tag == "option" and self._select and ("selected" in attrs or not self._form["fields"][self._select]):
            self._form["fields"][self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data


PAGE_NUMBERS = ["9" * 40, "١٢٣", "１٢٣", "1e6", "NaN", "99.999.999.999.999.999.999"]
PAGE_TEXTS = ["x" * 70000, "<script>alert(1)</script>", "'; DROP TABLE masterdata_opd; --"]
PAGE_CALLERS = [table.OWN, table.FINANCE, table.BAPPEDA, table.DPRD, table.ADMIN]


def _forms_of_pages(client, caller, objects):
    """The POST forms found on every page the caller may open."""
    for name, arguments in portal_routes():
        rule = table.PAGES[name]
        if rule.action or caller not in rule.readers or name in ("logout",):
            continue
        url = reverse(name, kwargs=_page_arguments(name, arguments, objects, missing=False))
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            yield url, form


def _post(client, url, data):
    with transaction.atomic():
        events = AuditEvent.objects.count()
        response = client.post(url, data)
        written = AuditEvent.objects.count() - events
        transaction.set_rollback(True)
    return response, written


@pytest.mark.parametrize("caller", PAGE_CALLERS)
def test_every_form_refuses_bad_numbers_and_survives_hostile_text(reference_data, caller):
    users, objects = _year(reference_data)
    client = _client(users[caller], api=False)
    wrong, sent, seen = [], 0, set()
    for page, form in _forms_of_pages(client, caller, objects):
        action = form["action"] or page
        key = (action, tuple(sorted(form["fields"])))
        if key in seen or action.startswith(("/keluar", "/logout")) or reverse("logout") == action:
            continue
        seen.add(key)
        for field in sorted(form["numbers"]):
            for value in PAGE_NUMBERS:
                response, written = _post(client, action, {**form["fields"], field: value})
                sent += 1
                if response.status_code >= 500:
                    wrong.append(f"{action} {field}={value[:20]!r}: answered {response.status_code}")
                elif written:
                    wrong.append(
                        f"{action} {field}={value[:20]!r}: accepted ({response.status_code}, {written} events)"
                    )
        for field in sorted(form["texts"]):
            for value in PAGE_TEXTS:
                response, _ = _post(client, action, {**form["fields"], field: value})
                sent += 1
                if response.status_code >= 500:
                    wrong.append(f"{action} {field}={value[:20]!r}: answered {response.status_code}")
                elif "<script>alert(1)</script>" in response.content.decode(errors="replace"):
                    wrong.append(f"{action} {field}: echoed HTML unescaped")
    assert sent > 0 or caller in (table.DPRD, table.ADMIN)  # readers of the portal, writers only in the admin
    assert not wrong, "\n".join(wrong[:80]) + (f"\n… and {len(wrong) - 80} more" if len(wrong) > 80 else "")
