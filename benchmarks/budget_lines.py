"""A Bondowoso-scale budget year (about 50,000 RKA lines, seeded in the run): saving one RKA line and getting
the RKA's new totals and remaining ceiling, against a trivial authenticated request; and consolidating the
whole year's RAPBD, against an absolute limit."""

import json
import time
from decimal import Decimal

from benchmarks.harness import YEAR, ThrowawayDatabase, measure, measure_against, report, seed_year

OPD_USER = "opd.dinkes"  # a demo OPD operator with a password; Dinkes has one of the largest RKAs
SAVE_LIMIT = 5  # p95 of a line save, as a multiple of the trivial request's p95
CONSOLIDATION_SECONDS = 2.0
LINE_SAVE_API = "save one RKA line via PATCH /api/v1/rka-lines/{id}/"
LINE_SAVE_SERVICE = "save one RKA line: update + totals + ceilings"


def _queries(call):
    """How many SQL statements one call runs (a save that takes the ceiling lock: every second one does)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            call()
        counts.append(len(captured))
    return max(counts)


def run():
    with ThrowawayDatabase():
        from django.db import connection, transaction
        from django.test import Client

        from budgeting.models import ApbdVersion, RkaLine
        from budgeting.selectors import apbd as apbd_selectors
        from budgeting.services import apbd as apbd_services
        from budgeting.services import rka as rka_services
        from masterdata.models import FiscalYear, User

        started = time.perf_counter()
        summary = seed_year()
        seeded = time.perf_counter() - started
        finance, staff = User.objects.get(username="bpkad"), User.objects.get(username=OPD_USER)
        murni = ApbdVersion.objects.get(fiscal_year__year=YEAR, kind=ApbdVersion.Kind.MURNI)
        # Adopted versions are frozen; lines are saved in the next pergeseran, an editable copy of the year.
        shift = apbd_services.create_shift_version(actor=finance, fiscal_year=FiscalYear.objects.get(year=YEAR))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # What autovacuum does after bulk loads; done now so that it does not run during the measurement.
                cursor.execute("VACUUM ANALYZE")
        line = (
            RkaLine.objects.filter(
                rka__version=shift, rka__opd=staff.opd, account__code__startswith="5.1.02", standard_price=None
            )
            .order_by("-amount", "pk")
            .first()
        )
        # Down and back up in turn: every second save takes the ceiling lock (the OPD is at its ceiling).
        prices = [line.unit_price - Decimal(1000), line.unit_price]
        print(
            f"\nBudget year {YEAR} on {connection.vendor}: {summary.lines:,} RKA lines per version, "
            f"{RkaLine.objects.count():,} in all versions; seeded (planning and budget) in {seeded:.0f} s"
        )

        client = Client()
        client.force_login(staff)

        def me():
            response = client.get("/api/v1/me/")
            assert response.status_code == 200, response.status_code

        state = {"saves": 0, "line": line}

        def next_price():
            state["saves"] += 1
            return prices[state["saves"] % 2]

        def save_with_services():
            current = state["line"]
            with transaction.atomic():
                saved = rka_services.update_rka_line(
                    actor=staff, line=current, expected_version=current.version, unit_price=next_price()
                )
            assert saved.standing.totals and saved.standing.ceilings
            state["line"] = saved

        def save_over_http():
            current = state["line"]
            body = {"version": current.version, "unit_price": str(next_price())}
            response = client.patch(
                f"/api/v1/rka-lines/{current.pk}/", data=json.dumps(body), content_type="application/json"
            )
            assert response.status_code == 200, (response.status_code, response.content[:500])
            answer = response.json()
            assert answer["totals"] and answer["ceilings"], answer
            current.version = answer["line"]["version"]

        cases = [measure_against(me, LINE_SAVE_SERVICE, save_with_services)]
        queries = {LINE_SAVE_SERVICE: _queries(save_with_services)}
        state["line"].refresh_from_db()
        cases.append(measure_against(me, LINE_SAVE_API, save_over_http))
        queries[LINE_SAVE_API] = _queries(save_over_http)
        queries["/api/v1/me/"] = _queries(me)
        print("queries per call: " + ", ".join(f"{name.split(':')[0]}: {count}" for name, count in queries.items()))
        ok = report(cases, limits={LINE_SAVE_SERVICE: SAVE_LIMIT, LINE_SAVE_API: SAVE_LIMIT})

        def consolidate():
            apbd_selectors.rollup_rows(murni)  # ringkasan by account level, OPD, urusan, bidang and program
            apbd_selectors.balance(murni)

        consolidation = measure("consolidation of the RAPBD", consolidate, repeat=10, warmup=2)
        within = consolidation.p95 < CONSOLIDATION_SECONDS
        verdict = f"< {CONSOLIDATION_SECONDS:g} s " + ("ok" if within else "FAILED")
        print(
            f"{'consolidation of the whole RAPBD (rollups + balance)':<52} "
            f"{consolidation.p50 * 1000:>8.2f} {consolidation.p95 * 1000:>8.2f} {'':>12} {'':>10}  {verdict}"
        )
        return ok and within
