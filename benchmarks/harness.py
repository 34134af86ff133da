"""Measure pages and API calls in-process against a throwaway database, as ratios to a trivial request.

Every figure printed comes from one run: the trivial authenticated request is timed in the same process, on
the same database, in turn with each case it is compared with.
"""

import os
import statistics
import time
from dataclasses import dataclass, field

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bondowoso.settings.test")


@dataclass
class Timing:
    name: str
    samples: list
    baseline: list = field(default_factory=list)  # the trivial request, timed in turn with this case

    @property
    def p50(self):
        return statistics.median(self.samples)

    @property
    def p95(self):
        return _p95(self.samples)

    @property
    def ratio(self):
        return self.p95 / _p95(self.baseline)


def _p95(samples):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _timed(call):
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def measure(name, call, *, repeat=50, warmup=5):
    """Absolute timings of `call`."""
    for _ in range(warmup):
        call()
    return Timing(name, [_timed(call) for _ in range(repeat)])


def measure_against(baseline, name, call, *, repeat=100, warmup=5):
    """Time `call` and the baseline in turn, sample by sample, so that both meet the same machine: warm or cold
    caches, the garbage collector's rhythm, whatever else the host is doing. A baseline timed in a loop of its
    own runs with everything hot, which is not what a server meets between other requests."""
    for _ in range(warmup):
        baseline()
        call()
    timing = Timing(name, [])
    for _ in range(repeat):
        timing.baseline.append(_timed(baseline))
        timing.samples.append(_timed(call))
    return timing


def report(timings, limits=None):
    """Print each case against the trivial request timed with it; False when a case breaks its limit (p95 ratio)."""
    limits = limits or {}
    ok = True
    print(f"{'case':<52} {'p50 ms':>8} {'p95 ms':>8} {'trivial p95':>12} {'p95 ratio':>10}  limit")
    for timing in timings:
        limit = limits.get(timing.name)
        within = limit is None or timing.ratio <= limit
        verdict = "" if limit is None else f"<= {limit:g}x " + ("ok" if within else "FAILED")
        ok = ok and within
        print(
            f"{timing.name:<52} {timing.p50 * 1000:>8.2f} {timing.p95 * 1000:>8.2f} "
            f"{_p95(timing.baseline) * 1000:>12.2f} {timing.ratio:>10.2f}  {verdict}"
        )
    return ok


class ThrowawayDatabase:
    """A fresh test database for the run (PostgreSQL when DATABASE_URL says so), dropped afterwards. With
    `shared_file`, SQLite's is a file rather than memory, so that a server in another process can open it."""

    def __init__(self, shared_file=False):
        self.shared_file = shared_file

    def __enter__(self):
        import tempfile

        import django
        from django.db import connection
        from django.test.utils import setup_test_environment

        django.setup()
        setup_test_environment()
        self.connection = connection
        if self.shared_file and connection.vendor == "sqlite":
            folder = tempfile.mkdtemp(prefix="bench-")
            connection.settings_dict.setdefault("TEST", {})["NAME"] = f"{folder}/bench.sqlite3"
        self.old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        return self

    def __exit__(self, *exc):
        from django.test.utils import teardown_test_environment

        self.connection.creation.destroy_test_db(self.old_name, verbosity=0)
        teardown_test_environment()  # so that the next benchmark of the run can set it up again


YEAR = SEED = 2024


def seed_year(scale=1.0):
    """The Bondowoso demo year through the same services users call (realization included)."""
    import random

    from demo import budgeting as budget_demo
    from demo import planning as planning_demo
    from demo import reference as demo
    from masterdata import services

    services.load_reference_data()
    demo.seed_users()
    demo.seed_standard_prices(year=YEAR, rng=random.Random(SEED), scale=scale)
    planning_demo.seed_planning(year=YEAR, rng=random.Random(SEED), scale=scale)
    return budget_demo.seed_budget(random.Random(SEED), year=YEAR, scale=scale)


def database_url(settings_dict):
    """The throwaway database as another process (gunicorn, a Celery worker) reaches it."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user, password = settings_dict.get("USER") or "", settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host, port = settings_dict.get("HOST") or "127.0.0.1", settings_dict.get("PORT") or 5432
    # Persistent connections, as production runs (settings/production.py CONN_MAX_AGE).
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}?conn_max_age=60"
