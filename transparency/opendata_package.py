"""A published APBD version as an Open Fiscal Data Package (Fiscal Data Package 1.0): a datapackage.json
describing one CSV of its budget lines, with the fiscal model (measures, dimensions) and each column's
fiscal concept (`columnType`).

Dimensions: administrative = OPD; functional = urusan, bidang; activity = program, kegiatan, sub-kegiatan;
economic = the account from akun to sub rincian objek; the funding source; the phase (murni "approved",
amendments "adjusted"); the measure in IDR.

PROFILE_PATH is the profile kept in the repository, so the package validates without a network:
`frictionless validate` with the descriptor's profile pointing at it (see tests/transparency).
"""

from pathlib import Path

from django.urls import reverse

from .selectors import facts

PROFILE_PATH = Path(__file__).resolve().parent / "profiles" / "fiscal-data-package.json"
LINES_RESOURCE = "rincian"
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}

# column → (type, title, columnType of the Fiscal Data Package taxonomy or None)
LEVEL_TYPES = {
    "opd": "administrative-classification:generic:level1",
    "urusan": "functional-classification:generic:level1",
    "bidang": "functional-classification:generic:level2",
    "program": "activity:generic:program",
    "kegiatan": "activity:generic:subprogram",
    "sub_kegiatan": "activity:generic:project",
    "akun": "economic-classification:generic:level1",
    "kelompok": "economic-classification:generic:level2",
    "jenis": "economic-classification:generic:level3",
    "objek": "economic-classification:generic:level4",
    "rincian": "economic-classification:generic:level5",
    "rekening": "economic-classification:generic:level6",
    "sumber_dana": "fin-source:generic",
}


def _fields():
    fields = [
        {"name": "tahun", "type": "integer", "title": "Tahun anggaran", "columnType": "date:fiscal-year"},
        {"name": "versi", "type": "integer", "title": "Urutan versi APBD"},
        {
            "name": "jenis_versi",
            "type": "string",
            "title": "Jenis versi (murni, pergeseran, perubahan)",
            "constraints": {"enum": ["murni", "pergeseran", "perubahan"]},
        },
        {
            "name": "tahap",
            "type": "string",
            "title": "Tahap anggaran (approved: APBD murni; adjusted: pergeseran/perubahan)",
            "columnType": "phase:id",
            "constraints": {"enum": ["approved", "adjusted"]},
        },
        {
            "name": "id",
            "type": "integer",
            "title": "Nomor baris rincian",
            "columnType": "budget-line-id",
            "constraints": {"required": True, "unique": True},
        },
    ]
    for key, dimension in facts.DIMENSIONS.items():
        column_type = LEVEL_TYPES[key]
        fields.append(
            {
                "name": f"kode_{key}",
                "type": "string",
                "title": f"Kode {dimension.label}",
                "columnType": f"{column_type}:code",
            }
        )
        fields.append(
            {
                "name": f"nama_{key}",
                "type": "string",
                "title": f"Nama {dimension.label}",
                "columnType": f"{column_type}:label",
            }
        )
    fields += [
        {"name": "uraian", "type": "string", "title": "Uraian"},
        {"name": "lokasi", "type": "string", "title": "Lokasi"},
        {"name": "penerima", "type": "string", "title": "Penerima hibah/bansos"},
        {
            "name": "jumlah",
            "type": "number",
            "title": "Jumlah (rupiah)",
            "columnType": "value",
            "decimalChar": ".",
            "constraints": {"required": True, "minimum": 0},
        },
        {"name": "mata_uang", "type": "string", "title": "Mata uang", "columnType": "value-currency:code"},
    ]
    return fields


def _dimension(key, dimension, parent=None):
    code, name = f"kode_{key}", f"nama_{key}"
    entry = {
        "attributes": {
            code: {"source": code, "resource": LINES_RESOURCE},
            name: {"source": name, "resource": LINES_RESOURCE, "labelfor": code},
        },
        "primaryKey": code,
    }
    if parent:
        entry["attributes"][code]["parent"] = f"kode_{parent}"
    if dimension.kind in ("administrative", "functional", "economic"):
        entry["dimensionType"] = "classification"
        entry["classificationType"] = dimension.kind
    elif dimension.kind == "activity":
        entry["dimensionType"] = "activity"
    else:
        entry["dimensionType"] = "other"  # the funding source: a classification of no OFDP type
    return entry


# Each level of a hierarchy is its own dimension (the cube is drilled level by level); `parent` links them.
PARENTS = {
    "bidang": "urusan",
    "kegiatan": "program",
    "sub_kegiatan": "kegiatan",
    "kelompok": "akun",
    "jenis": "kelompok",
    "objek": "jenis",
    "rincian": "objek",
    "rekening": "rincian",
}


def _model(version):
    dimensions = {}
    for key, dimension in facts.DIMENSIONS.items():
        entry = _dimension(key, dimension)
        parent = PARENTS.get(key)
        if parent:
            entry["attributes"][f"kode_{key}"]["parent"] = f"kode_{parent}"
        dimensions[key] = entry
    dimensions["tahap"] = {
        "attributes": {"tahap": {"source": "tahap", "resource": LINES_RESOURCE}},
        "primaryKey": "tahap",
        "dimensionType": "other",
    }
    dimensions["tahun"] = {
        "attributes": {"tahun": {"source": "tahun", "resource": LINES_RESOURCE}},
        "primaryKey": "tahun",
        "dimensionType": "datetime",
    }
    return {
        "measures": {
            "jumlah": {
                "source": "jumlah",
                "resource": LINES_RESOURCE,
                "currency": facts.CURRENCY,
                "phase": facts.PHASE[version.kind],
            }
        },
        "dimensions": dimensions,
    }


def lines_path(version):
    """Where the version's CSV lies, relative to the year's folder of open data (/open-data/apbd/<year>/)."""
    return f"versi/{version.number}/{LINES_RESOURCE}.csv"


def descriptor(version, *, request, relative_to_year=True, profile="fiscal-data-package"):
    """The datapackage.json of a published version. Its resource path is relative, so the package reads the
    same whether it was fetched as the year's latest (/open-data/apbd/<year>/) or by version."""
    year = version.fiscal_year.year
    path = lines_path(version) if relative_to_year else f"{LINES_RESOURCE}.csv"
    homepage = request.build_absolute_uri(reverse("opendata:package", args=[year, version.number]))
    sources = [{"title": "Pemerintah Kabupaten Bondowoso", "path": request.build_absolute_uri("/")}]
    if version.perda_number:
        sources[0]["title"] += f", Perda APBD Nomor {version.perda_number}"
    return {
        "profile": profile,
        "name": f"apbd-bondowoso-{year}-versi-{version.number}",
        "title": f"{version} Kabupaten Bondowoso (versi {version.number})",
        "description": (
            f"Rincian anggaran {version} Kabupaten Bondowoso yang diterbitkan: satu baris per rincian RKA, dengan "
            "OPD, urusan dan bidang, program sampai sub-kegiatan, kode rekening sampai sub rincian objek, sumber "
            "dana dan jumlah dalam rupiah."
        ),
        "version": str(version.number),
        "homepage": homepage,
        "created": version.published_at.isoformat() if version.published_at else None,
        "countryCode": "ID",
        "granularity": "aggregated",
        "fiscalPeriod": {"start": f"{year}-01-01", "end": f"{year}-12-31"},
        "keywords": ["APBD", "anggaran", "Bondowoso", "fiscal"],
        "licenses": [LICENSE],
        "sources": sources,
        "resources": [
            {
                "name": LINES_RESOURCE,
                "title": f"Rincian {version}",
                "path": path,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": _fields(), "primaryKey": ["id"]},
            }
        ],
        "model": _model(version),
    }
