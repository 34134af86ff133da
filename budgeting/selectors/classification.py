"""Every classification of an RKA line as a code computed in the database.

Codes are fixed-width, so each level is a prefix of the line's sub-kegiatan or account code. The X.XX
supporting programs count under the OPD's own (first) bidang, as the stored totals and the Perda lampiran show
them (X.XX.01 of Dinas Kesehatan is 1.02.01). Public facts read lines with these codes; the LRA reads
realization through the line it was recorded on (`prefix="line__"`).
"""

from django.db.models import Case, CharField, F, When
from django.db.models.functions import Concat, Substr

# Length of each level's code: a prefix of the sub-rincian-objek or of the sub-kegiatan code.
ACCOUNT_LEVELS = {"akun": 1, "kelompok": 3, "jenis": 6, "objek": 9, "rincian": 12}
ACTIVITY_LEVELS = {"urusan": 1, "bidang": 4, "program": 7, "kegiatan": 12, "sub_kegiatan": None}


def _realised(length, prefix):
    """The urusan/bidang/program/kegiatan/sub-kegiatan code a belanja line counts under (None: the full code)."""
    sub_field = f"{prefix}sub_kegiatan__sub_kegiatan__code"
    sub = F(sub_field)
    opd_code = f"{prefix}rka__opd__code"
    own = Substr(opd_code, 1, 4)
    if length is None:
        realised = Concat(own, Substr(sub, 5), output_field=CharField())
        plain = sub
    elif length > 4:
        realised = Concat(own, Substr(sub, 5, length - 4), output_field=CharField())
        plain = Substr(sub, 1, length)
    else:
        realised = Substr(opd_code, 1, length)
        plain = Substr(sub, 1, length)
    return Case(When(**{f"{sub_field}__startswith": "X"}, then=realised), default=plain, output_field=CharField())


def code_expressions(prefix=""):
    """{classification: expression of its code} for lines reached through `prefix` (e.g. "line__")."""
    codes = {
        "opd": F(f"{prefix}rka__opd__code"),
        "rekening": F(f"{prefix}account__code"),
        "sumber_dana": F(f"{prefix}funding_source__code"),
    }
    codes |= {key: _realised(length, prefix) for key, length in ACTIVITY_LEVELS.items()}
    codes |= {key: Substr(f"{prefix}account__code", 1, length) for key, length in ACCOUNT_LEVELS.items()}
    return codes
