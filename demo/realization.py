"""The demo's execution of the budget: realization from January through September, written month by month on
the clock through the same services as the OPDs, BPKAD and its payment system.

Each OPD reports a month's realization in the first days of the next: salaries every month, barang/jasa now
and then, capital works late in the year (July to September, paid by SP2D pushed by BPKAD's payment system),
and revenue month by month. BPKAD closes January to June once reported. Realization follows the lines
through the pergeseran: months after it are recorded on the DPPA.
"""

import datetime
from decimal import ROUND_DOWN, Decimal

from budgeting.models import RkaLine, RkaSubKegiatan
from masterdata.money import CENT
from reporting.selectors import realization as realization_selectors
from reporting.services import realization as realization_services

LAST_MONTH = 9
CLOSED_MONTHS = range(1, 7)
SALARY_LINES, GOODS_LINES, WORKS_LINES = 2, 3, 2  # per OPD, at scale 1
REVENUE_LINES = 4
PROGRESS_SUBS = 3  # sub-kegiatan per OPD that report physical progress


class RealizationBuilder:
    def __init__(self, builder):
        self.builder = builder
        self.clock = builder.clock
        self.rng = builder.rng
        self.year = builder.year
        self.finance = builder.finance
        self.entries = 0
        self.pushed = 0
        self.progress = 0
        self._chosen_of = {}

    def months(self, months):
        for month in months:
            self._report(month)
            self._progress(month)
            if month in CLOSED_MONTHS:
                self._close(month)

    def _chosen(self, dpa):
        """The lines an OPD realizes: the same ones every month (by code and description, so a DPPA's copy of
        a line is chosen like the line), the largest few of each kind."""
        lines = RkaLine.objects.filter(rka_id=dpa.rka_id).select_related("account", "sub_kegiatan__sub_kegiatan")
        order = ("-amount", "sub_kegiatan__sub_kegiatan__code", "account__code", "description", "pk")

        def first(prefix, count):
            return list(lines.filter(account__code__startswith=prefix).order_by(*order)[: self.builder.scaled(count)])

        return {
            "salary": first("5.1.01", SALARY_LINES),
            "goods": first("5.1.02", GOODS_LINES),
            "works": first("5.2", WORKS_LINES),
            "revenue": first("4", REVENUE_LINES),
        }

    def _report(self, month):
        self.clock.at(self.builder.on(self.year, month + 1, 5, hour=9))
        records = []
        for opd in self.builder.opds:
            dpa = realization_selectors.current_dpa(opd.pk, self.builder.fy)
            if dpa is None:
                continue
            if dpa.pk not in self._chosen_of:
                self._chosen_of[dpa.pk] = self._chosen(dpa)
            chosen = self._chosen_of[dpa.pk]
            operator = self.builder.operators[opd.pk]
            for line in chosen["salary"] + chosen["revenue"]:
                self._record(operator, line, month, line.amount / 12 * Decimal(self.rng.uniform(0.9, 1.0)))
            for line in chosen["goods"]:
                if self.rng.random() < 0.4:
                    self._record(operator, line, month, line.amount * Decimal(self.rng.uniform(0.05, 0.2)))
            if month >= 7:
                records += [
                    self._sp2d(opd, line, month, len(records) + index) for index, line in enumerate(chosen["works"])
                ]
            self.clock.later(minutes=7)
        if records:
            realization_services.push_sp2d(
                actor=self.finance, key=f"demo-sp2d-{self.year}-{month:02d}", records=records
            )
            self.pushed += len(records)
            self.entries += len(records)

    def _record(self, operator, line, month, amount):
        amount = min(amount.quantize(CENT, ROUND_DOWN), line.amount - realization_selectors.realized_on(line))
        if amount > 0:
            realization_services.record_realization(actor=operator, line=line, month=month, amount=amount)
            self.entries += 1

    def _sp2d(self, opd, line, month, number):
        share = {7: Decimal("0.25"), 8: Decimal("0.3"), 9: Decimal("0.2")}[month]
        return {
            "number": f"{number + 1:05d}/SP2D/LS/{month:02d}/{self.year}",
            "date": datetime.date(self.year, month, 25),
            "opd": opd.code,
            "sub_kegiatan": line.sub_kegiatan.sub_kegiatan.code,
            "account": line.account.code,
            "amount": (line.amount * share).quantize(CENT, ROUND_DOWN),
        }

    def _progress(self, month):
        """Each OPD reports its sub-kegiatan's physical progress (works late, the rest evenly) and, at a quarter's
        end, the output achieved so far."""
        for opd in self.builder.opds:
            dpa = realization_selectors.current_dpa(opd.pk, self.builder.fy)
            if dpa is None:
                continue
            subs = RkaSubKegiatan.objects.filter(rka_id=dpa.rka_id).select_related("sub_kegiatan")
            for sub in subs.order_by("sub_kegiatan__code")[:PROGRESS_SUBS]:  # the same ones on a DPPA
                works = sub.sub_kegiatan_id % 3 == 0  # a third are construction: nothing to show before July
                share = Decimal(min(100, max(0, (month - 6) * 30)) if works else month * 100 // 12)
                achieved = (sub.output_target * share / 100).quantize(CENT, ROUND_DOWN) if month % 3 == 0 else None
                realization_services.record_progress(
                    actor=self.builder.operators[opd.pk],
                    opd=opd,
                    sub_kegiatan_code=sub.sub_kegiatan.code,
                    fiscal_year=self.builder.fy,
                    month=month,
                    physical_percent=share,
                    output_achieved=achieved,
                )
                self.progress += 1

    def _close(self, month):
        self.clock.at(self.builder.on(self.year, month + 1, 12, hour=13))
        for opd in self.builder.opds:
            realization_services.move_month(
                actor=self.finance, fiscal_year=self.builder.fy, opd=opd, month=month, action="close"
            )
            self.clock.later(minutes=1)
