import datetime
import random

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from demo import reference
from demo.budgeting import seed_budget
from demo.clock import DemoClock
from demo.planning import seed_planning
from masterdata import importers, services
from masterdata.models import FiscalYear, StandardPriceItem, User
from masterdata.money import rupiah, total_of
from reporting.models import Realization, RealizationMonth


class Command(BaseCommand):
    help = "Bangun data demo Kabupaten Bondowoso untuk satu tahun anggaran (deterministik)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=2024)
        parser.add_argument("--scale", type=float, default=1.0, help="skala volume data (1.0 = ukuran Bondowoso)")
        parser.add_argument("--seed", type=int, default=2024, help="benih acak; hasil yang sama untuk benih yang sama")

    def handle(self, *args, year, scale, seed, **options):
        if not FiscalYear.objects.filter(year=year).exists():
            raise CommandError(f"Tahun anggaran {year} belum ada. Jalankan load_reference_data dahulu.")
        if scale <= 0:
            raise CommandError("--scale harus lebih dari 0.")
        rng = random.Random(seed)
        with DemoClock(year) as clock:
            results = reference.seed_users()
            services.set_current_fiscal_year(actor=None, fiscal_year=FiscalYear.objects.get(year=year))
            planning = seed_planning(year=year, rng=random.Random(seed), scale=scale, clock=clock)
            # The year's standard prices are set after the RKPD, before the KUA-PPAS and the RKA use them.
            clock.at(clock.on(datetime.date(year - 1, 6, 26), datetime.time(10)))
            try:
                prices = reference.seed_standard_prices(year=year, rng=rng, scale=scale)
            except importers.InvalidFile as exc:
                for error in exc.errors:
                    self.stderr.write(str(error))
                raise CommandError(f"Katalog standar harga demo tidak valid: {exc}") from exc
            try:
                budget = seed_budget(random.Random(seed), year=year, scale=scale, stdout=self.stdout, clock=clock)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc

        self.stdout.write(self.style.SUCCESS(f"Data demo tahun {year} siap (tahun anggaran berjalan: {year})."))
        self.stdout.write("")
        self.stdout.write("Akun demo (kata sandi sama untuk semua; ubah lewat variabel DEMO_PASSWORD):")
        for user, created in results:
            opd = f"  [{user.opd_code}]" if user.opd_code else ""
            note = "" if created else "  (sudah ada)"
            self.stdout.write(f"  {user.username:<14} {user.role:<10}{opd}{note}")
        self.stdout.write(f"  kata sandi: {reference.demo_password()}")

        self.stdout.write("")
        self.stdout.write("Yang ada sekarang:")
        self.stdout.write(f"  pengguna                {User.objects.count():>6}")
        per_kind = dict(
            StandardPriceItem.objects.filter(fiscal_year__year=year)
            .values("kind")
            .annotate(total=Count("pk"))
            .values_list("kind", "total")
        )
        self.stdout.write(f"  standar harga {year}      {sum(per_kind.values()):>6}")
        for kind in StandardPriceItem.Kind.values:
            self.stdout.write(f"    {kind:<20}  {per_kind.get(kind, 0):>6}")
        changes = f"baru {prices.created}, diperbarui {prices.updated}" if prices.changed else "tidak ada perubahan"
        self.stdout.write(f"  (katalog demo: {changes})")
        self.stdout.write(
            f"  usulan {year}             {planning.proposals:>6}  (diakomodasi {planning.proposals_accepted})"
        )
        self.stdout.write(f"  Renja {year} final        {planning.renjas_final:>6}  dari {planning.renjas} OPD")
        self.stdout.write(f"  baris Renja {year}        {planning.lines:>6}")
        self.stdout.write(
            f"  RKPD {year} ({planning.rkpd_state or '-'}): total pagu indikatif {rupiah(planning.rkpd_total)}"
        )
        if planning.created:
            self.stdout.write(
                f"  (perencanaan dibangun; {planning.operators_created} akun operator OPD lain dibuat tanpa kata sandi)"
            )
        else:
            self.stdout.write("  (perencanaan tahun ini sudah lengkap: tidak diubah)")
        self._budget_summary(budget)

    def _budget_summary(self, budget):
        year = budget.year
        if budget.kua_state:
            state = budget.kua_state_label.lower()
            self.stdout.write(
                f"  KUA-PPAS {year} ({state}): nota kesepakatan {budget.kua_agreement}, "
                f"plafon {budget.ceilings} OPD {rupiah(budget.ceiling_total)}"
            )
        if budget.murni_state:
            state = budget.murni_state_label.lower()
            self.stdout.write(f"  RKA {year}                {budget.rkas:>6}  (disetujui TAPD {budget.rkas_approved})")
            self.stdout.write(f"  rincian RKA {year}        {budget.lines:>6}")
            self.stdout.write(f"  APBD murni {year} ({state}): Perda {budget.perda}")
            for label, amount in (
                ("pendapatan", budget.pendapatan),
                ("belanja", budget.belanja),
                ("pembiayaan netto", budget.pembiayaan_netto),
            ):
                self.stdout.write(f"    {label:<20} {rupiah(amount):>24}")
            if budget.figures_year == year:
                self.stdout.write(f"    (sesuai ringkasan APBD Bondowoso {year} dari DJPK)")
            else:
                self.stdout.write(
                    f"    (angka ringkasan APBD Bondowoso {budget.figures_year} dari DJPK; tahun {year} belum dimuat)"
                )
            self.stdout.write(f"  DPA {year}                {budget.dpas:>6}  (diterbitkan {budget.dpas_issued})")
        if budget.shift_state:
            state = budget.shift_state_label.lower()
            self.stdout.write(
                f"  pergeseran 1 {year} ({state}): {budget.shift_lines} rincian berubah di {budget.shift_opds} OPD, "
                f"{budget.shift_dppas} DPPA diterbitkan"
            )
        realized = Realization.objects.filter(fiscal_year__year=year)
        if realized.exists():
            closed = RealizationMonth.objects.filter(fiscal_year__year=year, state=RealizationMonth.State.CLOSED)
            self.stdout.write(
                f"  realisasi {year}           {realized.count():>6}  entri s.d. bulan "
                f"{max(realized.values_list('month', flat=True))}, belanja "
                f"{rupiah(total_of(realized.filter(line__account__code__startswith='5')))}, "
                f"SP2D {realized.filter(source=Realization.Source.SP2D).count()}, bulan ditutup {closed.count()}"
            )
        if budget.created:
            self.stdout.write("  (anggaran dibangun)")
        else:
            self.stdout.write("  (anggaran tahun ini sudah lengkap: tidak diubah)")
