"""Every kind of job by its key: the documents (PDF), the Excel exports and the Excel imports.

The kinds in `API_KINDS` are asked for with JSON parameters; an import comes with its file (`rka-import`, from
the RKA page).
"""

from django.core.exceptions import ValidationError

from .apbd import DpaPdf, PenjabaranPdf, PenjabaranXlsx, RkaPdf, RkaXlsx
from .diff import DiffPdf, DiffXlsx
from .imports import ImportKind, RealizationImport, RkaImport
from .kua import KuaPdf, KuaXlsx
from .lra import LraPdf, LraXlsx
from .perda import RincianAkunPdf, RincianAkunXlsx, RingkasanPdf, RingkasanXlsx, UrusanPdf, UrusanXlsx
from .reports import (
    ConsistencyPdf,
    ConsistencyXlsx,
    PerformancePdf,
    PerformanceXlsx,
    SemesterPdf,
    SemesterXlsx,
    YearEndPdf,
    YearEndXlsx,
)

KINDS = {
    kind.key: kind
    for kind in (
        LraPdf(),
        LraXlsx(),
        SemesterPdf(),
        SemesterXlsx(),
        YearEndPdf(),
        YearEndXlsx(),
        PerformancePdf(),
        PerformanceXlsx(),
        ConsistencyPdf(),
        ConsistencyXlsx(),
        RingkasanPdf(),
        RingkasanXlsx(),
        UrusanPdf(),
        UrusanXlsx(),
        RincianAkunPdf(),
        RincianAkunXlsx(),
        PenjabaranPdf(),
        PenjabaranXlsx(),
        DpaPdf(),
        RkaPdf(),
        RkaXlsx(),
        KuaPdf(),
        KuaXlsx(),
        DiffPdf(),
        DiffXlsx(),
        RkaImport(),
        RealizationImport(),
    )
}


API_KINDS = [key for key, kind in KINDS.items() if not isinstance(kind, ImportKind)]

# The documents of a whole published version that anyone may have from the public register, each with the
# month that must be closed for every OPD first (a realization report is made once its months are final).
PUBLIC_KINDS = {
    "lampiran-i-pdf": None,
    "lampiran-i-xlsx": None,
    "lampiran-ii-pdf": None,
    "lampiran-ii-xlsx": None,
    "rincian-akun-pdf": None,
    "rincian-akun-xlsx": None,
    "penjabaran-pdf": None,
    "penjabaran-xlsx": None,
    "semester-pdf": 6,
    "semester-xlsx": 6,
    "tahunan-pdf": 12,
    "tahunan-xlsx": 12,
}


def kind_for(key):
    if key not in KINDS:
        raise ValidationError({"kind": f"Jenis pekerjaan tidak dikenal: pilih salah satu dari {', '.join(KINDS)}."})
    return KINDS[key]
