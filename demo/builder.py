"""What every stage's builder stands on: one fiscal year, the random source every choice is drawn from, the
scale, the clock the year is written on (`clock.py`), and the year's funding sources. A stage plans its year
in memory first, then writes it through the domain services in the order the cycle runs, as the people who
would do it, each step at its moment."""

import math

from masterdata.models import Account, FundingSource


class YearBuilder:
    def __init__(self, fiscal_year, rng, scale, clock):
        self.fy = fiscal_year
        self.year = fiscal_year.year
        self.rng = rng
        self.scale = scale
        self.clock = clock
        # Lines are charged to a sub rincian objek source of the year's own reference version.
        self.funding = {
            source.code: source
            for source in FundingSource.objects.filter(
                version_id=fiscal_year.reference_version_id,
                level=Account.Level.SUB_RINCIAN_OBJEK,
                is_active=True,
            )
        }

    def scaled(self, count_at_scale_1, minimum=1):
        """How many of something the scale asks for (lines, proposals), never fewer than `minimum`."""
        return max(minimum, round(count_at_scale_1 * self.scale))

    def log_uniform(self, low, high):
        """A value between `low` and `high`, each order of magnitude as likely as the next (costs, prices)."""
        return math.exp(self.rng.uniform(math.log(low), math.log(high)))
