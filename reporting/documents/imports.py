"""Excel imports as jobs: any number of rows (up to IMPORT_MAX_ROWS), all of them or none, every bad row listed
in the job's error with its line number and reason."""

import json

from django.core.exceptions import ValidationError

from budgeting.excel import import_rka_file
from budgeting.models import Rka
from budgeting.selectors.rka import rka_for
from masterdata import access
from masterdata.selectors import find_fiscal_year

from ..services.realization import import_realization
from . import params as read
from .base import JobKind, Spec

IMPORT_MAX_ROWS = 200_000


class ImportKind(JobKind):
    """An import: no file comes out, its result is what was imported."""

    extension = ""
    what = ""  # what the file holds, for the refusal of a request without one

    def combine(self, job, paths, output):
        return json.loads(paths[0].read_text())

    def spec(self, upload, title, params, opd):
        if upload is None:
            raise ValidationError({"file": f"Pilih berkas {self.what} (.xlsx atau .csv)."})
        return Spec(title=f"{title} dari {upload.name}", filename=upload.name, params=params, opd=opd)


class RkaImport(ImportKind):
    key = "rka-import"
    label = "Impor rincian RKA"
    what = "rincian"

    def prepare(self, actor, params, upload=None):
        read.only(params, extra=("rka",))
        rka = rka_for(actor, read.whole_number(params, "rka"))
        access.require(actor, "budgeting.edit_rka", rka)
        return self.spec(upload, f"Impor rincian RKA {rka.opd.name} {rka.version}", {"rka": rka.pk}, rka.opd)

    def run_part(self, job, part, path, beat, *, index=0, count=1):
        rka = Rka.objects.select_related("version__fiscal_year", "opd").get(pk=job.params["rka"])
        with job.upload.open("rb") as source:
            lines = import_rka_file(
                actor=job.requested_by, rka=rka, source=source, filename=job.filename, max_rows=IMPORT_MAX_ROWS
            )
        path.write_text(json.dumps({"imported": len(lines), "rka": rka.pk}))


class RealizationImport(ImportKind):
    key = "realization-import"
    label = "Impor realisasi"
    what = "realisasi"

    def prepare(self, actor, params, upload=None):
        read.only(params, extra=("year",))
        access.require(actor, "reporting.enter_realization")
        fiscal_year = find_fiscal_year(read.whole_number(params, "year"))
        if fiscal_year is None:
            raise ValidationError({"year": "Tahun anggaran tidak dikenal."})
        own_opd = actor.opd if access.rka_opd_of(actor) else None  # OPD staff import for their own OPD
        return self.spec(upload, f"Impor realisasi {fiscal_year.year}", {"year": fiscal_year.year}, own_opd)

    def run_part(self, job, part, path, beat, *, index=0, count=1):
        with job.upload.open("rb") as source:
            recorded = import_realization(
                actor=job.requested_by,
                fiscal_year=find_fiscal_year(job.params["year"]),
                source=source,
                filename=job.filename,
                max_rows=IMPORT_MAX_ROWS,
            )
        path.write_text(json.dumps({"imported": recorded}))
