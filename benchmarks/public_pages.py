"""The public pages under concurrent load on gunicorn, side by side with the same server's /healthz/.

A Bondowoso-scale published year is seeded in a throwaway database; gunicorn (the production server) serves
it on a free loopback port, and a bounded load (CONCURRENCY clients, ROUND_SECONDS per round) asks in turn
/healthz/ and each public page: the home page, an OPD's page and a sub-kegiatan's page (where the public
site has no such page yet, the public API answer that a page of it would read stands in, and the table says
so). Each page must reach at least RATIO_LIMIT of the requests per second of /healthz/ measured in the
rounds beside it. Only 127.0.0.1 is ever asked; the run stops by itself.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks.harness import YEAR, ThrowawayDatabase, database_url, seed_year

CONCURRENCY = 8
ROUND_SECONDS = 3.0
ROUNDS = 3
WORKERS = 2  # the machine's cores
RATIO_LIMIT = 0.5
MAX_REQUESTS_PER_ROUND = 50_000  # a bound on the load, whatever the speed
ROOT = Path(__file__).resolve().parent.parent


def _cases():
    """(label, address) of the pages to load: home, the largest OPD, its largest sub-kegiatan."""
    from django.db.models import Sum
    from django.urls import reverse

    from budgeting.models import ApbdVersion, RkaLine

    murni = ApbdVersion.objects.get(fiscal_year__year=YEAR, kind=ApbdVersion.Kind.MURNI)
    lines = RkaLine.objects.filter(rka__version=murni, akun=RkaLine.Akun.BELANJA)
    opd = lines.values("rka__opd_id", "rka__opd__code").annotate(t=Sum("amount")).order_by("-t").first()
    sub = (  # a sub-kegiatan of the OPD's own programs (an X.XX one is read under its realised code)
        lines.filter(rka__opd_id=opd["rka__opd_id"])
        .exclude(sub_kegiatan__sub_kegiatan__code__startswith="X")
        .values("sub_kegiatan__sub_kegiatan_id", "sub_kegiatan__sub_kegiatan__code")
        .annotate(t=Sum("amount"))
        .order_by("-t")
        .first()
    )
    opd_code, sub_code = opd["rka__opd__code"], sub["sub_kegiatan__sub_kegiatan__code"]
    return [
        ("home page /", reverse("public-home")),
        (f"OPD {opd_code} page", reverse("transparency:opd", args=[YEAR, opd_code])),
        (f"sub-kegiatan {sub_code} page", reverse("transparency:sub-kegiatan", args=[YEAR, opd_code, sub_code])),
    ]


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the throwaway database on a free loopback port, stopped on exit."""

    def __init__(self, settings_dict):
        self.port = _free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(settings_dict),
            "DJANGO_SETTINGS_MODULE": "bondowoso.settings.test",
            # One address asks everything here; the per-address limit of the public API is not what is measured.
            "PUBLIC_API_RATE": "100000000/min",
        }

    def __enter__(self):
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "bondowoso.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={WORKERS}",
            "--log-level=warning",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _get(self.port, "/healthz/") == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.process.terminate()
        raise RuntimeError("gunicorn did not answer /healthz/ within 60 s")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


def _get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _print_package_download(port):
    """The whole year's lines as one streamed CSV (the Fiscal Data Package's resource): time and size."""
    from django.urls import reverse

    path = reverse("opendata:lines", args=[YEAR, 1, "csv"])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    started = time.perf_counter()
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        size = len(response.read())
    finally:
        connection.close()
    print(f"{path}: {response.status}, {size / 1e6:.1f} MB streamed in {time.perf_counter() - started:.1f} s")


def _round(port, path):
    """Requests per second of CONCURRENCY clients asking `path` for ROUND_SECONDS; any non-200 fails the run."""
    done, failures = [0], []
    lock = threading.Lock()
    stop_at = time.monotonic() + ROUND_SECONDS

    def client():
        while time.monotonic() < stop_at:
            status = _get(port, path)
            with lock:
                done[0] += 1
                if status != 200:
                    failures.append(status)
                if done[0] >= MAX_REQUESTS_PER_ROUND:
                    return

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{path}: {len(failures)} answers were not 200 (first {failures[0]})")
    return done[0] / (time.monotonic() - started)


def run():
    with ThrowawayDatabase(shared_file=True) as database:
        from django.db import connection

        started = time.perf_counter()
        seed_year()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        cases = _cases()
        connection.close()  # gunicorn's workers open their own
        print(
            f"\nPublic pages on gunicorn ({WORKERS} workers, {CONCURRENCY} clients, {connection.vendor}); "
            f"year {YEAR} seeded in {time.perf_counter() - started:.0f} s"
        )
        ok = True
        with Server(database.connection.settings_dict) as server:
            for _, path in cases:  # each once before measuring: caches warm as on a live site
                _get(server.port, path)
            _print_package_download(server.port)
            print(f"{'case':<62} {'req/s':>8} {'healthz req/s':>14} {'ratio':>6}  limit")
            for label, path in cases:
                pages, probes = [], []
                for _ in range(ROUNDS):  # side by side: the probe and the page in turn
                    probes.append(_round(server.port, "/healthz/"))
                    pages.append(_round(server.port, path))
                page_rate, probe_rate = statistics.median(pages), statistics.median(probes)
                ratio = page_rate / probe_rate
                within = ratio >= RATIO_LIMIT
                ok = ok and within
                verdict = f">= {RATIO_LIMIT:g} " + ("ok" if within else "FAILED")
                print(f"{label:<62} {page_rate:>8.1f} {probe_rate:>14.1f} {ratio:>6.2f}  {verdict}")
        return ok
