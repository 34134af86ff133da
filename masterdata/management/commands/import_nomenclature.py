import datetime

from ... import services
from ..base import FileImportCommand


class Command(FileImportCommand):
    help = (
        "Muat daftar nomenklatur Kepmendagri yang lebih baru (CSV/XLSX: kode,level,nama,kode_induk[,pemda,aktif]) "
        "sebagai versi baru untuk satu tahun anggaran. Satu baris salah: tidak ada yang dimuat."
    )

    def add_base_argument(self, parser, *args, **kwargs):
        # `--version` names the reference version here, not Django's version.
        if "--version" not in args:
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--version", dest="version_name", required=True, help="nama versi baru")
        parser.add_argument("--year", type=int, required=True, help="tahun anggaran yang memakai versi ini")
        parser.add_argument("--regulation-number", default="")
        parser.add_argument("--regulation-name", default="")
        parser.add_argument("--regulation-date", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD")
        parser.add_argument("--replace-year", action="store_true", help="ganti versi tahun yang sudah ada")

    def handle(self, *args, **options):
        result = self.run_import(
            services.import_nomenclature,
            source=options["file"],
            version_name=options["version_name"],
            year=options["year"],
            regulation_number=options["regulation_number"],
            regulation_name=options["regulation_name"],
            regulation_date=options["regulation_date"],
            replace_year=options["replace_year"],
        )
        for level, count in result.per_level.items():
            self.stdout.write(f"  {level:<14} {count:>6}")
        self.stdout.write(
            self.style.SUCCESS(f"Versi '{options['version_name']}' dimuat untuk tahun {options['year']}.")
        )
