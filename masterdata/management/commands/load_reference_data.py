from django.core.management.base import BaseCommand, CommandError

from ... import importers, services


class Command(BaseCommand):
    help = "Muat data referensi (nomenklatur, kode rekening, sumber dana, OPD) dari salinan CSV proyek."

    def handle(self, *args, **options):
        try:
            results = services.load_reference_data()
        except importers.InvalidFile as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from exc
        for result in results:
            self.stdout.write(f"{result.label}:")
            for level, count in result.per_level.items():
                self.stdout.write(f"  {level:<20} {count:>6}")
            self.stdout.write(f"  baru {result.created}, diperbarui {result.updated}")
        if any(result.changed for result in results):
            self.stdout.write(self.style.SUCCESS("Data referensi dimuat."))
        else:
            self.stdout.write("Tidak ada perubahan: data referensi sudah sama dengan berkas.")
