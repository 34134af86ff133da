from django.core.management.base import BaseCommand, CommandError

from .. import importers


class FileImportCommand(BaseCommand):
    """A command that loads one CSV/XLSX file all or nothing."""

    def run_import(self, load, *, source, **kwargs):
        """`load(source=..., **kwargs)`; a missing file or bad rows end the command, every bad row on stderr."""
        try:
            return load(source=source, **kwargs)
        except FileNotFoundError as exc:
            raise CommandError(f"Berkas tidak ditemukan: {source}") from exc
        except importers.InvalidFile as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(str(exc)) from exc
