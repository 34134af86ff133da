"""The public tables of a published version, as open data offers them (CSV, XLSX, JSON): by OPD, by urusan,
bidang and program, by account and by funding source.

The first five read the totals stored at publication, the figures the public pages show; the funding
sources are summed from the lines (publication stores no such rollup).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from budgeting.selectors import apbd as apbd_selectors
from masterdata.money import ZERO

from .selectors import facts

Dimension = apbd_selectors.Dimension
KELOMPOK_BELANJA = (
    ("5.1", "belanja_operasi", "Belanja operasi"),
    ("5.2", "belanja_modal", "Belanja modal"),
    ("5.3", "belanja_tidak_terduga", "Belanja tidak terduga"),
    ("5.4", "belanja_transfer", "Belanja transfer"),
)


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    money: bool = False


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple
    rows: list

    def records(self):
        return [dict(zip((column.name for column in self.columns), row, strict=True)) for row in self.rows]


CODE, NAME = Column("kode", "Kode"), Column("nama", "Nama")
BELANJA_COLUMNS = (
    *(Column(name, title, money=True) for _, name, title in KELOMPOK_BELANJA),
    Column("belanja", "Jumlah belanja", money=True),
)


def _by_opd(version):
    columns = (
        CODE,
        NAME,
        Column("pendapatan", "Pendapatan", money=True),
        *BELANJA_COLUMNS,
        Column("penerimaan_pembiayaan", "Penerimaan pembiayaan", money=True),
        Column("pengeluaran_pembiayaan", "Pengeluaran pembiayaan", money=True),
    )
    rows = [
        (
            group.code,
            group.name,
            group.pendapatan,
            *(group.parts.get(kelompok, ZERO) for kelompok, _, _ in KELOMPOK_BELANJA),
            group.belanja,
            group.penerimaan_pembiayaan,
            group.pengeluaran_pembiayaan,
        )
        for group in apbd_selectors.stored_group_totals(version, Dimension.OPD)
    ]
    return columns, rows


def _belanja_by(dimension):
    def rows_of(version):
        rows = [
            (
                group.code,
                group.name,
                *(group.parts.get(kelompok, ZERO) for kelompok, _, _ in KELOMPOK_BELANJA),
                group.belanja,
            )
            for group in apbd_selectors.stored_group_totals(version, dimension)
        ]
        return (CODE, NAME, *BELANJA_COLUMNS), rows

    return rows_of


def _by_account(version):
    columns = (CODE, NAME, Column("tingkat", "Tingkat"), Column("jumlah", "Jumlah", money=True))
    rows = [
        (row.code, row.name, row.level, row.amount) for row in apbd_selectors.stored_rows(version, Dimension.ACCOUNT)
    ]
    return columns, rows


AKUN_COLUMNS = (("4", "pendapatan", "Pendapatan"), ("5", "belanja", "Belanja"), ("6", "pembiayaan", "Pembiayaan"))


def _by_funding_source(version):
    sums = facts.sums_by(version, "sumber_dana")
    names = facts.funding_source_names(version, sums.keys())
    columns = (CODE, NAME, *(Column(name, title, money=True) for _, name, title in AKUN_COLUMNS))
    rows = [
        (code, names.get(code, ""), *(sums[code].get(akun, ZERO) for akun, _, _ in AKUN_COLUMNS))
        for code in sorted(sums)
    ]
    return columns, rows


# key (the file's name) → (title, builder)
TABLES = {  # titles in the reader's language on the open-data page; the files are Indonesian
    "opd": (gettext_lazy("Anggaran per OPD"), _by_opd),
    "urusan": (gettext_lazy("Belanja per urusan"), _belanja_by(Dimension.URUSAN)),
    "bidang": (gettext_lazy("Belanja per bidang urusan"), _belanja_by(Dimension.BIDANG)),
    "program": (gettext_lazy("Belanja per program"), _belanja_by(Dimension.PROGRAM)),
    "rekening": (gettext_lazy("Anggaran per kode rekening (akun sampai objek)"), _by_account),
    "sumber-dana": (gettext_lazy("Anggaran per sumber dana"), _by_funding_source),
}


def public_table(version, key):
    title, build = TABLES[key]
    columns, rows = build(version)
    return Table(key, f"{title} — {version}", columns, rows)
