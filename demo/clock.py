"""The demo's clock: each step of the year happens at the moment it would in a real budget cycle.

The services stamp what they write with `timezone.now()` (history rows, created and updated times, audit
events), so the demo moves time itself, with time-machine, instead of passing dates to them. Time stands
still between moves, so the same seed gives the same moments, and it never moves backwards, so the audit
trail stays in time order.

A budget year is planned in the year before it: Musrenbang in the first quarter, the Renja through the
spring, the RKPD at mid-year, KUA-PPAS, RKA and adoption in the second half; DPA follow in January and a
pergeseran at mid-year.
"""

import contextlib
import datetime
import random
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings

# Office hours of the regional government, Monday to Friday.
OPENS, CLOSES = datetime.time(8), datetime.time(15)
WORKING_MINUTES = (CLOSES.hour - OPENS.hour) * 60


class DemoClock:
    """Time for one budget year's demo, starting on the first working day of the planning year."""

    def __init__(self, year):
        self.zone = ZoneInfo(settings.TIME_ZONE)
        # Its own random source: drawing moments must not change what the builders draw.
        self.rng = random.Random(year)
        self.start = self.on(datetime.date(year - 1, 1, 2))
        self._travel = time_machine.travel(self.start, tick=False)
        self._traveller = None

    def __enter__(self):
        self._traveller = self._travel.start()
        return self

    def __exit__(self, *exc_info):
        self._travel.stop()
        self._traveller = None

    def now(self):
        return datetime.datetime.now(self.zone)

    def at(self, moment):
        """Move to `moment`, or stay where the clock is if that is later."""
        if moment > self.now():
            self._traveller.move_to(moment)

    def later(self, **delta):
        """Move on by a timedelta's worth (minutes, hours, days) from now."""
        self.at(self.now() + datetime.timedelta(**delta))

    def at_office(self, day, time=OPENS):
        return datetime.datetime.combine(day, time, tzinfo=self.zone)

    @staticmethod
    def working_days(first, last):
        days = (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
        return [day for day in days if day.weekday() < 5]

    def spread(self, first, last, count):
        """`count` moments in time order over the office hours of the working days from `first` to `last`,
        about evenly apart, each somewhere in its share of the time."""
        days = self.working_days(first, last)
        share = len(days) * WORKING_MINUTES / max(count, 1)
        moments = []
        for index in range(count):
            minute = int(share * index + self.rng.uniform(0, share * 0.8))
            day, minute = divmod(minute, WORKING_MINUTES)
            moments.append(self.at_office(days[day]) + datetime.timedelta(minutes=minute))
        return moments

    def on(self, day, time=OPENS):
        """`time` on `day`, or on the first working day after it."""
        return self.at_office(self.working_days(day, day + datetime.timedelta(days=6))[0], time)

    def working_days_after(self, moment, count):
        """The same time of day `count` working days after `moment`."""
        day = moment.date()
        for _ in range(count):
            day = self.working_days(day + datetime.timedelta(days=1), day + datetime.timedelta(days=7))[0]
        return self.at_office(day, moment.time())


class Agenda:
    """Steps that happen on their own moments, interleaved: each is run in time order on the clock (steps
    of the same moment in the order they were added)."""

    def __init__(self, clock):
        self.clock = clock
        self.steps = []

    def add(self, moment, step, *args, **kwargs):
        self.steps.append((moment, len(self.steps), step, args, kwargs))

    def run(self):
        for moment, _, step, args, kwargs in sorted(self.steps, key=lambda item: item[:2]):
            self.clock.at(moment)
            step(*args, **kwargs)
        self.steps = []


def running(clock, year):
    """The clock a stage runs on: the caller's, or the year's own when the stage is run by itself."""
    return contextlib.nullcontext(clock) if clock is not None else DemoClock(year)
