"""Every page of the portal apps (from the URLconf) and every API operation (from the OpenAPI schema), asked by
every caller, against one table (tests/access_table.py, ARCHITECTURE.md "Who may do what").

Objects of Dinas Kesehatan are asked for by its own staff, by another OPD's staff and by each role, and a
missing id by everyone. A refused read answers 404 as a missing object does (403 for a page without one); a
refused action on a visible object answers 403; anonymous callers are sent to the login page, or answered
401 by the API. Actions are sent (empty, so they reach the permission check) inside a transaction that is
rolled back; a permitted one answers anything but a refusal or a server error.
"""

import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from budgeting.models import ApbdVersion, Ceiling, Dpa, KuaAccountLine, KuaPpas, Rka
from budgeting.services import apbd as apbd_services
from budgeting.services import dpa as dpa_services
from masterdata import services as masterdata_services
from masterdata.models import Account, AuditEvent, FiscalYear, FundingSource, Nomenclature, Opd, User
from planning.models import Proposal, Renja, RenjaLine
from reporting.models import Job
from tests import access_table as table
from tests.budgeting.factories import BAPENDA, DAU, DINKES, adopt, price_item, small_apbd
from tests.factories import UserFactory
from tests.planning.factories import RenstraProgramFactory, renja_with_lines, submitted_proposal
from transparency.models import Feedback

pytestmark = pytest.mark.django_db
PORTAL_APPS = ("masterdata.", "planning.", "budgeting.", "reporting.", "transparency.")
MISSING = 999999
YEAR = 2025  # a page that opens a document of a year is told the next one


def portal_routes():
    """(name, names of its arguments) of every page of the portal apps. The API is asked operation by
    operation below; Django admin is left out: who enters it is one rule (masterdata.access.can_enter_admin),
    tested with its pages in tests/test_admin.py."""

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver) and pattern.namespace != "admin" and str(pattern.pattern) != "api/":
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "")
                if module.startswith(PORTAL_APPS):
                    name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                    yield name, list(pattern.pattern.regex.groupindex)

    return sorted(walk(get_resolver().url_patterns))


def api_operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (operation["operationId"], method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    )


def test_every_page_and_operation_has_a_row():
    assert sorted({name for name, _ in portal_routes()} - set(table.PAGES)) == []
    assert sorted({operation for operation, _, _ in api_operations()} - set(table.OPERATIONS)) == []
    assert sorted(set(table.PAGES) - {name for name, _ in portal_routes()}) == []
    assert sorted(set(table.OPERATIONS) - {operation for operation, _, _ in api_operations()}) == []


def _year(reference_data):
    """The objects the table speaks of, with one user per caller."""
    small = small_apbd(reference_data)
    murni = adopt(small.version, small.finance, publish=True)
    dpas = {dpa.opd.code: dpa for dpa in dpa_services.prepare_dpas(actor=small.finance, version=murni)}
    shift = apbd_services.create_shift_version(actor=small.finance, fiscal_year=reference_data)
    rka = Rka.objects.get(version=shift, opd__code=DINKES)
    sub = rka.sub_kegiatan_set.order_by("pk").first()
    next_year = FiscalYear.objects.get(year=2025)
    dinkes = Opd.objects.get(code=DINKES)
    renja = renja_with_lines(opd_=dinkes, fiscal_year=next_year, count=1, actor=small.staff[DINKES])
    kua = KuaPpas.objects.create(fiscal_year=next_year, number=1)
    account = Account.objects.get(version_id=next_year.reference_version_id, code="4.1.01.11.01.0001")
    bappeda = UserFactory(role=User.Role.BAPPEDA)
    proposal = submitted_proposal(bappeda, "kecamatan", reference_data, suggested_opd=dinkes)
    program = RenstraProgramFactory(renstra__opd=dinkes)
    users = {
        table.OWN: small.staff[DINKES],
        table.OTHER: small.staff[BAPENDA],
        table.BAPPEDA: bappeda,
        table.FINANCE: small.finance,
        table.DPRD: UserFactory(role=User.Role.DPRD),
        table.AUDITOR: UserFactory(role=User.Role.AUDITOR),
        table.ADMIN: UserFactory(role=User.Role.ADMIN),
        table.ANONYMOUS: None,
    }
    objects = {
        "renja": renja.pk,
        "renja-line": RenjaLine.objects.filter(renja=renja).first().pk,
        "proposal": proposal.pk,
        "code": proposal.tracking_code,
        "kua": kua.pk,
        "kua-line": KuaAccountLine.objects.create(kua_ppas=kua, account=account, amount=Decimal("1000")).pk,
        "ceiling": Ceiling.objects.create(kua_ppas=kua, opd=dinkes, amount=Decimal("1000000")).pk,
        "opd": dinkes.pk,
        "rka": rka.pk,
        "section": f"sk{sub.pk}",
        "rka-line": rka.lines.order_by("pk").first().pk,
        "shift": shift.pk,
        "murni": murni.pk,
        "dpa": dpas[DINKES].pk,
        "cash-key": f"g5s{small.sub(DINKES, sub.sub_kegiatan.code).pk}",
        "audit": AuditEvent.objects.order_by("sequence").first().sequence,
        "rpjmd": program.rpjmd_target.goal.rpjmd_id,
        "rpjmd-goal": program.rpjmd_target.goal_id,
        "rpjmd-target": program.rpjmd_target_id,
        "renstra": program.renstra_id,
        "renstra-program": program.pk,
        "year": reference_data.year,
        "opd-code": DINKES,
        "feedback": Feedback.objects.create(fiscal_year=reference_data, opd=dinkes, text="Puskesmas perlu dokter.").pk,
        "sub-code": small.lines["L1"].sub_kegiatan.sub_kegiatan.code,
        "bidang-code": "1.02",
        "akun-code": "5",
        "source-code": DAU,
        "murni-number": murni.number,
        "table": "opd",
        "format": "csv",
        "public-kind": "lampiran-i-xlsx",
        "account": account.pk,
        "funding-source": FundingSource.objects.filter(version_id=reference_data.reference_version_id).first().pk,
        "nomenclature": sub.sub_kegiatan_id,
        "opds": dinkes.pk,
        "token": masterdata_services.issue_api_token(user=small.staff[DINKES]).pk,
        "standard-price": price_item(reference_data, code="1.1.1", price="50000", accounts=[account]).pk,
        "job": _done_job(small.staff[DINKES], dinkes, shift),
    }
    return users, objects


def _done_job(requester, opd, version):
    job = Job.objects.create(
        kind="dpa-pdf",
        params={"version": version.pk, "opd": opd.code},
        title=f"DPA-SKPD {opd.name}",
        filename="dpa.pdf",
        requested_by=requester,
        opd=opd,
        state=Job.State.DONE,
    )
    job.file.save("dpa.pdf", ContentFile(b"%PDF-1.7"))
    return job.pk


# Which object fills each URL argument of a page, by the page's section of the portal.
PAGE_OBJECTS = [
    ("audit-", {"sequence": "audit"}),
    ("planning:proposal", {"pk": "proposal"}),
    ("usulan:track", {"code": "code"}),
    ("planning:", {"pk": "renja", "line_pk": "renja-line"}),
    ("budgeting:kua-", {"pk": "kua", "line_pk": "kua-line"}),
    ("budgeting:ceiling-", {"pk": "kua", "ceiling_pk": "ceiling", "opd_pk": "opd"}),
    ("budgeting:dpa-list", {"pk": "murni"}),
    ("budgeting:dpa-prepare", {"pk": "murni"}),
    ("budgeting:apbd-", {"pk": "shift"}),
    ("budgeting:dpa-", {"pk": "dpa"}),
    ("budgeting:cash-plan-", {"pk": "dpa", "key": "cash-key"}),
    ("budgeting:", {"pk": "rka", "section": "section", "line_pk": "rka-line"}),
    ("opendata:", {"year": "year", "number": "murni-number", "key": "table", "extension": "format"}),
    ("transparency:feedback-", {"year": "year", "code": "opd-code"}),
    ("feedback:", {"pk": "feedback"}),
    ("reporting:rka-import", {"pk": "rka"}),
    ("reporting:job", {"pk": "job"}),
    ("reporting:public-document", {"year": "year", "number": "murni-number", "kind": "public-kind"}),
    ("transparency:urusan-node", {"year": "year", "code": "bidang-code"}),
    ("transparency:rekening-node", {"year": "year", "code": "akun-code"}),
    ("transparency:sumber-dana-node", {"year": "year", "code": "source-code"}),
    ("transparency:", {"year": "year", "code": "opd-code", "sub_code": "sub-code"}),
]

# Operations whose object is named in the body: (the field, the object, the rest of a valid body).
BODY_OBJECTS = {"v1_ceilings_create": ("kua_ppas", "kua", {"opd": DINKES, "amount": "1"})}

# Which object fills the path of each API operation, by the path's first segment.
API_OBJECTS = {
    "auth": "token",
    "accounts": "account",
    "funding-sources": "funding-source",
    "nomenclature": "nomenclature",
    "opds": "opds",
    "standard-prices": "standard-price",
    "rpjmd": "rpjmd",
    "rpjmd-goals": "rpjmd-goal",
    "rpjmd-targets": "rpjmd-target",
    "renstra": "renstra",
    "renstra-programs": "renstra-program",
    "proposals": "proposal",
    "renja": "renja",
    "renja-lines": "renja-line",
    "rkpd": "year",
    "kua-ppas": "kua",
    "kua-account-lines": "kua-line",
    "ceilings": "ceiling",
    "apbd-versions": "shift",
    "rka": "rka",
    "rka-lines": "rka-line",
    "dpa": "dpa",
    "public": "year",
    "jobs": "job",
}


# What a page's own links add: the versions compared, the picker's form, the year (its RKPD is the object).
PAGE_QUERIES = {
    "budgeting:version-diff": "?lama={murni}&baru={shift}",
    **dict.fromkeys(("budgeting:account-search", "budgeting:item-search", "budgeting:amount-preview"), "?prefix=add"),
    "planning:sub-kegiatan-search": "?prefix=add",
    "planning:rkpd": "?tahun={year}",
    "transparency:compare": "?dari={year}-{murni-number}&ke={year}-{murni-number}",
}
OBJECT_IN_QUERY = {"planning:rkpd"}


def _page_arguments(name, arguments, objects, missing):
    if not arguments:
        return {}
    for prefix, sources in PAGE_OBJECTS:
        if name.startswith(prefix):
            values = {argument: objects[sources[argument]] for argument in arguments}
            if missing:
                values = {
                    key: ("ZZZZ-9999" if key == "code" else MISSING if isinstance(value, int) else value)
                    for key, value in values.items()
                }
            return values
    raise AssertionError(f"{name}: which object fills {arguments}?")


def answer_of(response, api):
    """What a caller was told: ok, invalid (a permitted request refused for its content or state), forbidden,
    missing, login, unauthenticated, or error."""
    status = response.status_code
    if status >= 500:
        return "error"
    if status == 404:
        return "missing"
    if status == 401 or (api and status == 403 and "not_authenticated" in response.content.decode()):
        return "unauthenticated"
    if status == 403:
        return "forbidden"
    if status in (301, 302) and reverse("login") in response.get("Location", ""):
        return "login"
    if status in (400, 409, 422):
        return "invalid"
    return "ok" if status < 400 else f"status {status}"


def expected(rule, caller, *, has_object, missing, api):
    if caller == table.ANONYMOUS and caller not in rule.readers:
        return {"unauthenticated"} if api else {"login"}
    if missing:
        return {"missing"}
    if caller not in rule.readers:
        return {"missing"} if has_object else {"forbidden"}
    if not rule.action:
        return {"ok"}
    return {"ok", "invalid"} if caller in rule.writers else {"forbidden"}


def _ask(client, method, url, *, action, api, body=None):
    if not action:
        return client.generic(method, url)
    with transaction.atomic():
        send = getattr(client, method.lower())
        if not api:
            response = send(url, {"tahun": YEAR, "action": "reject"})  # a move some pages name in the body
        else:  # an import is an upload
            response = send(url, body or {}, format="multipart" if "/import" in url else "json")
        transaction.set_rollback(True)
    return response


def _client(user, api):
    client = APIClient(raise_request_exception=False) if api else Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("caller", table.CALLERS)
def test_every_page_answers_each_caller_as_the_table_says(reference_data, caller):
    users, objects = _year(reference_data)
    client = _client(users[caller], api=False)
    wrong = []
    for name, arguments in portal_routes():
        rule = table.PAGES[name]
        for missing in (False, True) if arguments else (False,):
            url = reverse(name, kwargs=_page_arguments(name, arguments, objects, missing))
            url += PAGE_QUERIES.get(name, "").format(**objects)
            method = "POST" if rule.action else "GET"
            got = answer_of(_ask(client, method, url, action=rule.action, api=False), api=False)
            has_object = bool(arguments) or name in OBJECT_IN_QUERY
            want = expected(rule, caller, has_object=has_object, missing=missing, api=False)
            if got not in want:
                wrong.append(f"{method} {url} ({name}): {got}, expected {' or '.join(sorted(want))}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("caller", table.CALLERS)
def test_every_api_operation_answers_each_caller_as_the_table_says(reference_data, caller):
    users, objects = _year(reference_data)
    client = _client(users[caller], api=True)
    wrong = []
    for operation, method, path in api_operations():
        rule = table.OPERATIONS[operation]
        segment = path.removeprefix("/api/v1/").split("/")[0]
        compares = segment == "apbd-versions" and "/diff/" in path  # the versions are in the query
        has_object = "{" in path or compares or operation in BODY_OBJECTS
        for missing in (False, True) if has_object else (False,):
            body = {}
            if operation in BODY_OBJECTS:
                field, source, rest = BODY_OBJECTS[operation]
                body = {field: MISSING if missing else objects[source], **rest}
            url = path
            if "{" in path:
                url = re.sub(r"\{(id|year)\}", str(MISSING if missing else objects[API_OBJECTS[segment]]), path)
            if compares:
                url += f"?from={objects['murni']}&to={MISSING if missing else objects['shift']}"
            if segment == "reports":  # the version is in the query
                url += f"?version={objects['murni']}"
            if method == "DELETE" and segment in ("rka-lines", "renja-lines"):
                url += "?version=1"
            got = answer_of(_ask(client, method, url, action=rule.action, api=True, body=body), api=True)
            want = expected(rule, caller, has_object=has_object, missing=missing, api=True)
            if got not in want:
                wrong.append(f"{method} {url} ({operation}): {got}, expected {' or '.join(sorted(want))}")
    assert not wrong, "\n".join(wrong)


def test_the_year_of_the_matrix_is_what_the_table_assumes(reference_data):
    """The table's readers depend on these states: a draft Renja and KUA-PPAS, a draft pergeseran on a
    published murni, a draft DPA and a moderated proposal."""
    _, objects = _year(reference_data)
    assert Renja.objects.get(pk=objects["renja"]).state == Renja.State.DRAFT
    assert KuaPpas.objects.get(pk=objects["kua"]).state == KuaPpas.State.DRAFT
    assert ApbdVersion.objects.get(pk=objects["shift"]).state == ApbdVersion.State.DRAFT
    assert ApbdVersion.objects.get(pk=objects["murni"]).state == ApbdVersion.State.PUBLISHED
    assert Dpa.objects.get(pk=objects["dpa"]).state == Dpa.State.DRAFT
    assert Proposal.objects.get(pk=objects["proposal"]).is_moderated
    assert Nomenclature.objects.get(pk=objects["nomenclature"]).level == Nomenclature.Level.SUB_KEGIATAN
