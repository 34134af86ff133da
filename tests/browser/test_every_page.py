"""Every page of every role, in one browser: signed in as each role, visit every page of the URLconf that the
role may open (its ids from a small seeded year) at 1366×768 and at 360×740 (the citizen each public page in
Indonesian and in English), and find no console error, no table wider than its place (at 1366 px none scrolls;
on a phone a table may scroll inside its focusable region) and no WCAG 2.1 A/AA violation.

A new route must be named below, as a page with the ids to open it or as no page (a form's target, an htmx
fragment), so that it cannot be left out unnoticed."""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse, translate_url

from budgeting.models import Rka
from budgeting.services import apbd as apbd_services
from budgeting.services import dpa as dpa_services
from masterdata.models import AuditEvent, FiscalYear, User
from planning.models import Proposal, Renja
from reporting.services import jobs as job_services
from tests.browser.conftest import WCAG_21_AA, log_in
from tests.budgeting.factories import DAU, DINKES, adopt, small_apbd
from tests.planning.factories import submitted_proposal

WIDTHS = [(1366, 768), (360, 740)]
ROLES = ["opd.dinkes", "bappeda", "bpkad", "dprd", "inspektorat", "admin"]
CITIZEN = "warga"  # not signed in: the public pages are theirs, and only theirs are visited once for all
PUBLIC = {
    "public-home",
    "login",
    "usulan:home",
    "usulan:create",
    "usulan:track",
    "open-data",
    "transparency:apbd",
    "transparency:opd",
    "transparency:sub-kegiatan",
    "transparency:glossary",
    "transparency:versions",
    "transparency:compare",
    "transparency:search",
    "transparency:documents",
    "transparency:urusan",
    "transparency:urusan-node",
    "transparency:rekening",
    "transparency:rekening-node",
    "transparency:sumber-dana",
    "transparency:sumber-dana-node",
}

# A page's arguments from the seeded year; a route answering anything but 200 for a role is not that role's page.
PAGES = {
    "public-home": lambda s: [],
    "home": lambda s: [],
    "login": lambda s: [],
    "audit-list": lambda s: [],
    "audit-detail": lambda s: [s["audit_sequence"]],
    "planning:home": lambda s: [],
    "planning:renja-list": lambda s: [],
    "planning:renja-detail": lambda s: [s["renja"].pk],
    "planning:inbox": lambda s: [],
    "planning:rkpd": lambda s: [],
    "planning:proposal-board": lambda s: [],
    "planning:proposal-create": lambda s: [],
    "planning:proposal-detail": lambda s: [s["proposal"].pk],
    "usulan:home": lambda s: [],
    "usulan:create": lambda s: [],
    "usulan:track": lambda s: [s["proposal"].tracking_code],
    "budgeting:home": lambda s: [],
    "budgeting:kua-list": lambda s: [],
    "budgeting:kua-detail": lambda s: [s["kua"].pk],
    "budgeting:ceiling-table": lambda s: [s["kua"].pk],
    "budgeting:ceiling-opd": lambda s: [s["kua"].pk, s["rka"].opd_id],
    "budgeting:rka-list": lambda s: [],
    "budgeting:rka-inbox": lambda s: [],
    "budgeting:rka-detail": lambda s: [s["rka"].pk],
    "budgeting:rka-section": lambda s: [s["rka"].pk, f"sk{s['sub'].pk}"],
    "budgeting:line-edit": lambda s: [s["rka"].pk, s["line"].pk],
    "budgeting:line-delete": lambda s: [s["rka"].pk, s["line"].pk],
    "budgeting:apbd-list": lambda s: [],
    "budgeting:version-diff": lambda s: [],
    "budgeting:apbd-detail": lambda s: [s["murni"].pk],
    "budgeting:apbd-publish": lambda s: [s["murni"].pk],
    "budgeting:dpa-list": lambda s: [s["murni"].pk],
    "budgeting:dpa-detail": lambda s: [s["dpa"].pk],
    "open-data": lambda s: [],
    "transparency:apbd": lambda s: [s["murni"].fiscal_year.year],
    "transparency:opd": lambda s: [s["murni"].fiscal_year.year, DINKES],
    "transparency:sub-kegiatan": lambda s: [s["murni"].fiscal_year.year, DINKES, s["murni_sub"]],
    "transparency:glossary": lambda s: [],
    "transparency:versions": lambda s: [s["murni"].fiscal_year.year],
    "transparency:compare": lambda s: [],
    "transparency:search": lambda s: [s["murni"].fiscal_year.year],
    "feedback:list": lambda s: [],
    "transparency:documents": lambda s: [s["murni"].fiscal_year.year],
    "reporting:lra": lambda s: [],
    "reporting:semester": lambda s: [],
    "reporting:year-end": lambda s: [],
    "reporting:performance": lambda s: [],
    "reporting:consistency": lambda s: [],
    "reporting:realization": lambda s: [],
    "reporting:jobs": lambda s: [],
    "reporting:job": lambda s: [s["job"].pk],
    "transparency:urusan": lambda s: [s["murni"].fiscal_year.year],
    "transparency:urusan-node": lambda s: [s["murni"].fiscal_year.year, s["murni_sub"][:12]],  # a kegiatan: its OPDs
    "transparency:rekening": lambda s: [s["murni"].fiscal_year.year],
    "transparency:rekening-node": lambda s: [s["murni"].fiscal_year.year, "5.1.02.01.01"],  # a rincian objek: lines
    "transparency:sumber-dana": lambda s: [s["murni"].fiscal_year.year],
    "transparency:sumber-dana-node": lambda s: [s["murni"].fiscal_year.year, DAU],
}
# What a page's own links add to its address.
QUERIES = {
    "transparency:search": lambda s: "?q=kesehatan",
    "transparency:compare": lambda s: f"?dari={s['murni'].fiscal_year.year}-1&ke={s['murni'].fiscal_year.year}-1",
}
NOT_PAGES = {
    "transparency:feedback-submit",
    "feedback:moderate",
    "feedback:answer",
    # Form targets (POST) and what answers them.
    "logout",
    "planning:renja-create",
    "planning:line-add",
    "planning:renja-comment",
    "planning:renja-transition",
    "planning:rkpd-action",
    "planning:proposal-decide",
    "usulan:sent",
    "budgeting:kua-create",
    "budgeting:kua-line-add",
    "budgeting:kua-transition",
    "budgeting:ceiling-add",
    "budgeting:ceiling-opd-add",
    "budgeting:rka-sub-kegiatan-add",
    "budgeting:rka-transition",
    "budgeting:rka-comment",
    "reporting:rka-import",
    "reporting:job-request",
    "reporting:realization-record",
    "reporting:realization-month",
    "reporting:realization-progress",
    "reporting:realization-import",
    "reporting:job-retry",
    "budgeting:line-add",
    "budgeting:apbd-create",
    "budgeting:apbd-transition",
    "budgeting:dpa-prepare",
    "budgeting:dpa-issue",
    # htmx fragments, and the rows they swap (without htmx these send back to their page).
    "planning:sub-kegiatan-search",
    "planning:line-row",
    "planning:line-edit",
    "planning:line-delete",
    "usulan:village-options",
    "budgeting:kua-account-search",
    "budgeting:kua-line-edit",
    "budgeting:ceiling-edit",
    "budgeting:ceiling-delete",
    "budgeting:account-search",
    "budgeting:item-search",
    "budgeting:amount-preview",
    "budgeting:line-row",
    "budgeting:cash-plan-edit",
    "budgeting:cash-plan-preview",
    # Downloads (open data, documents) and the probes of the load balancer.
    "reporting:job-download",
    "reporting:public-document",  # a redirect: to the document's file, or to its job while it is made
    "opendata:package-latest",
    "opendata:package",
    "opendata:lines",
    "opendata:aggregate",
    "opendata:table-latest",
    "opendata:table",
    "healthz",
    "readyz",
}
ELSEWHERE = ("admin/", "api/")  # the admin and the API have tests of their own

OVERFLOW = """(wide) => {
  const problems = [];
  const page = document.documentElement;
  if (page.scrollWidth > page.clientWidth + 1) problems.push(`page ${page.scrollWidth}px > ${page.clientWidth}px`);
  for (const table of document.querySelectorAll("main table")) {
    const region = table.closest(".table-scroll");
    if (region) {
      if (region.getAttribute("role") !== "region" || region.getAttribute("tabindex") !== "0"
          || !(region.getAttribute("aria-label") || region.getAttribute("aria-labelledby"))) {
        problems.push(`region of table ${table.id || table.className} not focusable or unnamed`);
      }
      // On a laptop (1366 px) every table fits without scrolling; on a phone it may scroll in its region.
      if (wide && region.scrollWidth > region.clientWidth + 1) {
        problems.push(`table ${table.id || table.className} ${region.scrollWidth}px > ${region.clientWidth}px`);
      }
      continue;
    }
    const width = table.getBoundingClientRect().width, room = table.parentElement.clientWidth;
    if (width > room + 1) problems.push(`table ${table.className} ${Math.round(width)}px > ${room}px`);
  }
  return problems;
}"""


def portal_routes(resolver=None, namespace=""):
    """Names of the URLconf's routes in the portal's own namespaces."""
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern) not in ELSEWHERE:
                names |= portal_routes(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def seed_small_year(reference_data):
    """A published murni year with DPAs, a draft pergeseran open for the OPDs, Renja, RKPD and proposals."""
    FiscalYear.objects.update(is_current=False)
    FiscalYear.objects.filter(pk=reference_data.pk).update(is_current=True)
    small = small_apbd(reference_data)
    murni = adopt(small.version, small.finance, publish=True)
    dpa_services.prepare_dpas(actor=small.finance, version=murni)
    shift = apbd_services.create_shift_version(actor=small.finance, fiscal_year=reference_data)
    rka = Rka.objects.get(version=shift, opd__code=DINKES)
    line = rka.lines.filter(sub_kegiatan__isnull=False).select_related("sub_kegiatan").first()
    dprd = User.objects.get(username="dprd")
    proposal = submitted_proposal(dprd, Proposal.Source.POKIR, reference_data)
    submitted_proposal(User.objects.get(username="opd.dinkes"), Proposal.Source.FORUM_OPD, reference_data)
    return {
        "kua": small.kua,
        "murni": murni,
        "murni_sub": small.lines["L1"].sub_kegiatan.sub_kegiatan.code,
        "rka": rka,
        "sub": line.sub_kegiatan,
        "line": line,
        "dpa": murni.dpas.get(opd__code=DINKES),
        "renja": Renja.objects.get(opd__code=DINKES, fiscal_year=reference_data),
        "proposal": proposal,
        "audit_sequence": AuditEvent.objects.latest("sequence").sequence,
        "job": job_services.request_job(actor=small.finance, kind="lra-pdf", params={"version": murni.pk}),
    }


def test_every_route_is_a_page_or_named_as_none():
    routes = portal_routes()
    assert not routes - PAGES.keys() - NOT_PAGES, "routes neither a page nor named as none"
    assert not (PAGES.keys() | NOT_PAGES) - routes, "names of routes that are gone"


@pytest.mark.browser
def test_every_page_of_every_role_fits_both_widths_without_errors_or_violations(
    browser, live_server, axe, demo_users, reference_data, subtests
):
    seeded = seed_small_year(reference_data)
    urls = {public: [] for public in (True, False)}
    for name, args in PAGES.items():
        query = QUERIES[name](seeded) if name in QUERIES else ""
        urls[name in PUBLIC].append(reverse(name, args=args(seeded)) + query)
    urls[True] += [english for url in urls[True] if (english := translate_url(url, "en")) != url]
    for username in [CITIZEN, *ROLES]:
        with subtests.test(role=username):
            context = browser.new_context(base_url=live_server.url, locale="id-ID", timezone_id="Asia/Jakarta")
            page = context.new_page()
            errors = console_errors(page)
            try:
                if username != CITIZEN:
                    log_in(page, username, settings.DEMO_PASSWORD)
                pages = urls[username == CITIZEN]
                problems = [problem for url in pages for problem in check_page(page, axe, url, errors)]
            finally:
                context.close()
            assert not problems, f"{username}:\n" + "\n".join(problems)


def console_errors(page):
    """The page's console errors and uncaught exceptions, as they come."""
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def check_page(page, axe, url, errors):
    """What is wrong with the page at each width (one load, then resized); nothing when the role may not open it."""
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS[0], strict=True)))
    errors.clear()
    if page.goto(url).status != 200:
        return []  # not this role's page (the access tests hold who may open what)
    problems = []
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        where = f"{url} @{width}px"
        problems += [f"{where}: {problem}" for problem in page.evaluate(OVERFLOW, width >= WIDTHS[0][0])]
        options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
        results = axe.run(page, options=options)
        if results.violations_count:
            problems.append(f"{where}: axe:\n{results.generate_report()}")
    return problems + [f"{url}: console: {error}" for error in errors]
