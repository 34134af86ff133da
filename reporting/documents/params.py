"""Reading a job's parameters strictly: every bad one is a 400 naming it, an unreadable object a 404."""

from django.core.exceptions import ValidationError
from django.http import Http404

from budgeting.selectors.apbd import apbd_version_for
from masterdata.models import Opd


def whole_number(params, key):
    value = params.get(key)
    if isinstance(value, bool) or not (
        isinstance(value, int) or (isinstance(value, str) and value.isascii() and value.isdigit())
    ):
        raise ValidationError({key: f"Isi {key} dengan bilangan bulat."})
    if not 0 < int(value) < 2**31:
        raise ValidationError({key: f"{key} di luar rentang."})
    return int(value)


def choice(params, key, choices, default):
    value = params.get(key, default)
    if value in (None, ""):
        return default
    if not isinstance(value, str) or value not in choices:
        raise ValidationError({key: f"Pilih salah satu dari: {', '.join(choices)}."})
    return value


def version(actor, params, key="version"):
    """The APBD version the job reads, as the actor may see it (404 otherwise)."""
    return apbd_version_for(actor, whole_number(params, key))


def opd(params, *, required=False):
    code = params.get("opd")
    if code in (None, ""):
        if required:
            raise ValidationError({"opd": "Pilih OPD."})
        return None
    if not isinstance(code, str) or len(code) > 40:
        raise ValidationError({"opd": "Kode OPD tidak dikenal."})
    found = Opd.objects.filter(code=code).first()
    if found is None:  # a missing reference answers 404, as everywhere in the API
        raise Http404(f"OPD dengan kode {code} tidak ditemukan.")
    return found


# Every kind's parameters; a kind ignores those of the others (the form of a page may carry them).
JOB_PARAMS = ("version", "periode", "dimensi", "rincian", "opd", "triwulan", "jenis", "lama", "kua")


def only(params, extra=()):
    """Refuse parameters no kind knows (a typo would otherwise be ignored silently)."""
    if not isinstance(params, dict):
        raise ValidationError({"params": "Parameter harus berupa objek JSON."})
    unknown = sorted(set(params) - set(JOB_PARAMS) - set(extra))
    if unknown:
        raise ValidationError({"params": f"Parameter tidak dikenal: {', '.join(map(str, unknown))}."})
