import random

from django.core.management.base import BaseCommand, CommandError

from masterdata import demo
from masterdata.models import FiscalYear


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
        random.seed(seed)
        results = demo.seed_users()
        self.stdout.write(self.style.SUCCESS(f"Data demo tahun {year} siap."))
        self.stdout.write("")
        self.stdout.write("Akun demo (kata sandi sama untuk semua; ubah lewat variabel DEMO_PASSWORD):")
        for user, created in results:
            opd = f"  [{user.opd_code}]" if user.opd_code else ""
            note = "" if created else "  (sudah ada)"
            self.stdout.write(f"  {user.username:<14} {user.role:<10}{opd}{note}")
        self.stdout.write(f"  kata sandi: {demo.demo_password()}")
