"""Measure pages and API calls in-process against a throwaway database, as ratios to a trivial request.

Every figure printed comes from one run: the trivial authenticated request is measured in the same
process, on the same database, just before the cases it is compared with.
"""

import os
import statistics
import time
from dataclasses import dataclass

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bondowoso.settings.test")


@dataclass
class Timing:
    name: str
    samples: list

    @property
    def p50(self):
        return statistics.median(self.samples)

    @property
    def p95(self):
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(name, call, *, repeat=50, warmup=5):
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return Timing(name, samples)


def report(baseline, timings, limits=None):
    """Print each case against the baseline; return False when a case breaks its limit (ratio of p95)."""
    limits = limits or {}
    ok = True
    print(f"{'case':<48} {'p50 ms':>9} {'p95 ms':>9} {'p95 ratio':>10}  limit")
    print(f"{baseline.name:<48} {baseline.p50 * 1000:>9.2f} {baseline.p95 * 1000:>9.2f} {1:>10.2f}")
    for timing in timings:
        ratio = timing.p95 / baseline.p95
        limit = limits.get(timing.name)
        verdict = "" if limit is None else (f"<= {limit:g}x ok" if ratio <= limit else f"<= {limit:g}x FAILED")
        ok = ok and (limit is None or ratio <= limit)
        print(f"{timing.name:<48} {timing.p50 * 1000:>9.2f} {timing.p95 * 1000:>9.2f} {ratio:>10.2f}  {verdict}")
    return ok


class ThrowawayDatabase:
    """A fresh test database for the run (PostgreSQL when DATABASE_URL says so), dropped afterwards."""

    def __enter__(self):
        import django
        from django.db import connection
        from django.test.utils import setup_test_environment

        django.setup()
        setup_test_environment()
        self.connection = connection
        self.old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        return self

    def __exit__(self, *exc):
        from django.test.utils import teardown_test_environment

        self.connection.creation.destroy_test_db(self.old_name, verbosity=0)
        teardown_test_environment()  # so that the next benchmark of the run can set it up again
