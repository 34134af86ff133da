from django.core.management.base import BaseCommand, CommandError

from ...audit import verify_chain


class Command(BaseCommand):
    help = "Periksa rantai hash jejak audit; gagal (kode keluar bukan 0) pada baris pertama yang diubah atau dihapus."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                f"Jejak audit RUSAK pada kejadian #{report.first_bad_sequence}: {report.problem} "
                f"({report.checked} kejadian sebelumnya utuh)."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Jejak audit utuh: {report.checked} kejadian; hash terakhir {report.head_hash}.")
        )
