from ... import standard_prices
from ..base import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Muat katalog standar harga (SSH/SBU/HSPK/ASB) satu tahun anggaran dari CSV/XLSX dengan kolom "
        "kode, jenis, nama, spesifikasi, satuan, harga, kode_rekening (pisahkan dengan ; atau ,), tkdn, aktif. "
        "Item dengan kode yang sama diperbarui, yang baru ditambahkan. Satu baris salah: tidak ada yang dimuat."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True, help="tahun anggaran katalog")
        parser.add_argument("--dry-run", action="store_true", help="hanya periksa berkas; tidak ada yang disimpan")

    def handle(self, *args, file, year, dry_run, **options):
        result = self.run_import(standard_prices.import_standard_prices, source=file, year=year, dry_run=dry_run)
        self.stdout.write(f"Standar harga tahun {year}: {result.total} item di berkas")
        for kind, count in sorted(result.per_kind.items()):
            self.stdout.write(f"  {kind:<5} {count:>6}")
        counts = f"baru {result.created}, diperbarui {result.updated}, tidak berubah {result.unchanged}"
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"Berkas valid (uji saja, tidak ada yang disimpan): {counts}."))
        elif result.changed:
            self.stdout.write(self.style.SUCCESS(f"Standar harga dimuat: {counts}."))
        else:
            self.stdout.write(f"Tidak ada perubahan: {counts}.")
