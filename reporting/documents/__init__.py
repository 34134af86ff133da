"""Every kind of job by its key: the documents (PDF), the Excel exports and the Excel imports."""

from django.core.exceptions import ValidationError

from .apbd import DpaPdf, PenjabaranPdf, PenjabaranXlsx, RingkasanPdf, RingkasanXlsx
from .lra import LraPdf, LraXlsx

KINDS = {
    kind.key: kind
    for kind in (LraPdf(), LraXlsx(), RingkasanPdf(), RingkasanXlsx(), PenjabaranPdf(), PenjabaranXlsx(), DpaPdf())
}


def kind_for(key):
    if key not in KINDS:
        raise ValidationError({"kind": f"Jenis pekerjaan tidak dikenal: pilih salah satu dari {', '.join(KINDS)}."})
    return KINDS[key]
