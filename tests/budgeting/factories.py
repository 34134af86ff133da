"""A locked KUA-PPAS, a draft APBD version and an OPD's RKA with one sub-kegiatan, ready for lines."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from budgeting.models import ApbdVersion, Ceiling, Dpa, KuaPpas, Rka, RkaLine, RkaSubKegiatan
from budgeting.services import apbd as apbd_services
from budgeting.services import kua as kua_services
from budgeting.services import rka as rka_services
from masterdata.models import Account, FundingSource, Nomenclature, Opd, StandardPriceItem, User
from planning.models import Renja, RenjaLine, Rkpd
from tests.factories import UserFactory

ATK_ACCOUNT = "5.1.02.01.01.0024"
MAMIN_ACCOUNT = "5.1.02.01.01.0052"
DAU = "1.2.01.01.02.0001"
DINKES = "1.02.0.00.0.00.01.00"


@dataclass
class BudgetSetup:
    fiscal_year: object
    kua: KuaPpas
    version: ApbdVersion
    opd: Opd
    rka: Rka
    sub_kegiatan: RkaSubKegiatan
    staff: User
    finance: User
    ceiling: Ceiling

    def account(self, code=ATK_ACCOUNT):
        return Account.objects.get(version_id=self.fiscal_year.reference_version_id, code=code)

    def funding(self, code=DAU):
        return FundingSource.objects.get(version_id=self.fiscal_year.reference_version_id, code=code)

    def line_values(self, **overrides):
        values = {
            "sub_kegiatan": self.sub_kegiatan,
            "account": self.account(),
            "description": "Alat tulis kantor",
            "volume_1": Decimal("10"),
            "unit_1": "paket",
            "unit_price": Decimal("10000"),
            "funding_source": self.funding(),
        }
        values.update(overrides)
        return values


def budget_setup(fiscal_year, *, ceiling=Decimal("1000000"), opd_code=DINKES, sub_kegiatan_code="1.02.02.2.01.0001"):
    opd = Opd.objects.get(code=opd_code)
    kua = KuaPpas.objects.create(
        fiscal_year=fiscal_year,
        number=1,
        state=KuaPpas.State.LOCKED,
        agreement_number="170/01/2023",
        agreement_date=datetime.date(2023, 8, 1),
    )
    opd_ceiling = Ceiling.objects.create(kua_ppas=kua, opd=opd, amount=ceiling)
    version = ApbdVersion.objects.create(fiscal_year=fiscal_year, number=1, kind=ApbdVersion.Kind.MURNI, kua_ppas=kua)
    rka = Rka.objects.create(version=version, opd=opd)
    node = Nomenclature.objects.get(version_id=fiscal_year.reference_version_id, code=sub_kegiatan_code)
    sub = RkaSubKegiatan.objects.create(
        rka=rka,
        sub_kegiatan=node,
        location="Kabupaten Bondowoso",
        output_indicator="Jumlah layanan",
        output_target=Decimal("12"),
        output_unit="dokumen",
    )
    staff = UserFactory(role=User.Role.OPD_STAFF, opd=opd)
    finance = UserFactory(role=User.Role.FINANCE)
    return BudgetSetup(fiscal_year, kua, version, opd, rka, sub, staff, finance, opd_ceiling)


# --- A small year with hand-computed numbers, from the final Renja to an RAPBD --------------------

PPKD = "5.02.0.00.0.00.01.00"  # BPKAD, also PPKD
BAPENDA = "5.02.0.00.0.00.02.0000"
SUB_A = "1.02.02.2.01.0001"  # Pembangunan Rumah Sakit (Dinas Kesehatan)
SUB_B = "X.XX.01.2.02.0001"  # Penyediaan Gaji dan Tunjangan ASN (supporting program, under 1.02)
SUB_C = "5.02.02.2.01.0001"  # Koordinasi dan Penyusunan KUA dan PPAS (BPKAD)
SUB_D = "5.02.04.2.01.0001"  # Perencanaan pengelolaan pajak daerah (Bapenda)

# Renja pagu indikatif per OPD and sub-kegiatan: the first KUA-PPAS ceilings are their sums.
RENJA_PAGU = {
    DINKES: {SUB_A: Decimal("700000000.00"), SUB_B: Decimal("300000000.00")},
    PPKD: {SUB_C: Decimal("500000000.00")},
    BAPENDA: {SUB_D: Decimal("100000000.00")},
}

# label, OPD, sub-kegiatan (None for pendapatan/pembiayaan), account, amount. The year balances exactly:
# pendapatan 1.020.000.000,00 - belanja 1.027.345.678,90 = defisit 7.345.678,90, covered by
# pembiayaan netto 50.000.000,00 - 42.654.321,10 = 7.345.678,90.
SMALL_LINES = [
    ("L1", DINKES, SUB_A, "5.2.03.01.01.0001", "600000000.00"),
    ("L2", DINKES, SUB_A, "5.1.02.01.01.0024", "12345678.90"),
    ("L3", DINKES, SUB_B, "5.1.01.01.01.0001", "250000000.00"),
    ("L4", DINKES, None, "4.1.02.01.01.0001", "80000000.00"),
    ("L5", PPKD, SUB_C, "5.1.02.02.01.0003", "45000000.00"),
    ("L6", PPKD, SUB_C, "5.3.01.01.01.0001", "100000000.00"),
    ("L7", PPKD, None, "4.2.01.01.01.0001", "900000000.00"),
    ("L8", PPKD, None, "6.1.01.01.01.0001", "50000000.00"),
    ("L9", PPKD, None, "6.2.02.01.01.0001", "42654321.10"),
    ("L10", BAPENDA, SUB_D, "5.1.02.01.01.0052", "20000000.00"),
    ("L11", BAPENDA, None, "4.1.01.11.01.0001", "40000000.00"),
]


def node(fiscal_year, code):
    return Nomenclature.objects.get(version_id=fiscal_year.reference_version_id, code=code)


def account(fiscal_year, code):
    return Account.objects.get(version_id=fiscal_year.reference_version_id, code=code)


def funding(fiscal_year, code=DAU):
    return FundingSource.objects.get(version_id=fiscal_year.reference_version_id, code=code)


def final_renja(fiscal_year, opd, pagu_by_sub):
    renja = Renja.objects.create(opd=opd, fiscal_year=fiscal_year, stage=Renja.Stage.FINAL, state=Renja.State.VERIFIED)
    for code, pagu in pagu_by_sub.items():
        RenjaLine.objects.create(
            renja=renja,
            sub_kegiatan=node(fiscal_year, code),
            location=f"Lokasi {code}",
            output_indicator=f"Keluaran {code}",
            output_target=Decimal("4"),
            output_unit="paket",
            pagu_indikatif=pagu,
            pagu_indikatif_next=pagu,
        )
    return renja


def final_rkpd(fiscal_year, pagu=RENJA_PAGU):
    """Final Renja of the OPDs in `pagu` and the year's final RKPD over them."""
    renjas = [final_renja(fiscal_year, Opd.objects.get(code=code), subs) for code, subs in pagu.items()]
    rkpd = Rkpd.objects.create(
        fiscal_year=fiscal_year,
        state=Rkpd.State.FINAL,
        total_pagu=sum(sum(subs.values()) for subs in pagu.values()),
    )
    rkpd.renjas.set(renjas)
    return rkpd


def finance_user():
    return UserFactory(role=User.Role.FINANCE)


def agreed_kua(fiscal_year, finance, *, lock=True):
    """The first KUA-PPAS of the year (ceilings from the RKPD), agreed and by default locked."""
    kua = kua_services.create_kua_ppas(actor=finance, fiscal_year=fiscal_year)
    kua_services.transition_kua(actor=finance, kua=kua, action="submit")
    kua_services.transition_kua(
        actor=finance,
        kua=kua,
        action="agree",
        agreement_number="050/12/430.6/2023",
        agreement_date=datetime.date(2023, 8, 14),
    )
    if lock:
        kua_services.transition_kua(actor=finance, kua=kua, action="lock")
    kua.refresh_from_db()
    return kua


@dataclass
class SmallApbd:
    fiscal_year: object
    kua: KuaPpas
    version: ApbdVersion
    finance: User
    staff: dict  # OPD code -> OPD staff user
    rkas: dict  # OPD code -> Rka
    lines: dict  # label -> RkaLine

    def sub(self, opd_code, sub_code, version=None):
        return RkaSubKegiatan.objects.get(
            rka__version=version or self.version, rka__opd__code=opd_code, sub_kegiatan__code=sub_code
        )

    def line_in(self, version, label):
        """The line of `version` that descends from the murni line `label`."""
        line = self.lines[label]
        for _ in range(version.number - self.version.number):
            line = RkaLine.objects.get(copied_from=line)
        return line

    def line_values(self, opd_code, sub_code, account_code, amount, version=None, description="Rincian baru"):
        return {
            "sub_kegiatan": self.sub(opd_code, sub_code, version) if sub_code else None,
            "account": account(self.fiscal_year, account_code),
            "description": description,
            "volume_1": Decimal("1"),
            "unit_1": "paket",
            "unit_price": Decimal(amount),
            "funding_source": funding(self.fiscal_year),
        }


def small_apbd(fiscal_year, *, approve=True, lines=SMALL_LINES):
    """The murni RAPBD of the small year, its lines entered by each OPD's staff (and approved by TAPD)."""
    final_rkpd(fiscal_year)
    finance = finance_user()
    kua = agreed_kua(fiscal_year, finance)
    version = apbd_services.create_murni_version(actor=finance, kua=kua)
    rkas = {rka.opd.code: rka for rka in Rka.objects.filter(version=version).select_related("opd")}
    staff = {code: UserFactory(role=User.Role.OPD_STAFF, opd=rka.opd) for code, rka in rkas.items()}
    setup = SmallApbd(fiscal_year, kua, version, finance, staff, rkas, {})
    for label, opd_code, sub_code, account_code, amount in lines:
        setup.lines[label] = rka_services.add_rka_line(
            actor=staff[opd_code],
            rka=rkas[opd_code],
            **setup.line_values(opd_code, sub_code, account_code, amount, description=label),
        )
    if approve:
        approve_all(version, staff, finance)
    return setup


def approve_all(version, staff, finance, opd_codes=None):
    for rka in Rka.objects.filter(version=version).select_related("opd", "version"):
        if opd_codes is not None and rka.opd.code not in opd_codes:
            continue
        rka_services.transition_rka(actor=staff[rka.opd.code], rka=rka, action="submit")
        rka_services.transition_rka(actor=finance, rka=rka, action="approve")


ADOPTION_DETAILS = {
    "agree": {"dprd_agreement_date": datetime.date(2023, 11, 28)},
    "evaluate": {
        "evaluation_number": "100.3.3.1/1234/013/2023",
        "evaluation_date": datetime.date(2023, 12, 12),
        "evaluation_corrections": "Tidak ada koreksi yang mengubah jumlah.",
    },
    "adopt": {
        "perda_number": "12 Tahun 2023",
        "perda_date": datetime.date(2023, 12, 20),
        "perbup_number": "75 Tahun 2023",
        "perbup_date": datetime.date(2023, 12, 21),
    },
}
SHIFT_ADOPTION = {"perbup_number": "20 Tahun 2024", "perbup_date": datetime.date(2024, 4, 2)}


def adopt(version, finance, *, publish=False):
    """Take a version from draft to adopted (and published): DPRD, Gubernur and Perda for murni/perubahan."""
    if version.kind == ApbdVersion.Kind.PERGESERAN:
        steps = [("approve", {}), ("adopt", SHIFT_ADOPTION)]
    else:
        steps = [("submit", {}), *((action, ADOPTION_DETAILS[action]) for action in ("agree", "evaluate", "adopt"))]
    if publish:
        steps.append(("publish", {}))
    for action, details in steps:
        version = apbd_services.transition_apbd(actor=finance, version=version, action=action, **details)
    return version


# --- Rows for the API and Excel tests ---------------------------------------------------------


def price_item(fiscal_year, *, code, price, accounts, name="Makan dan minum rapat", unit="orang/kali"):
    """A standard-price item of the year that may be charged to the given accounts."""
    item = StandardPriceItem.objects.create(
        fiscal_year=fiscal_year, kind="SSH", code=code, name=name, unit=unit, price=Decimal(price)
    )
    item.accounts.set(accounts)
    return item


def documents_for_year(fiscal_year, opds):
    """A locked KUA-PPAS with an OPD ceiling per OPD, and a draft APBD version with an RKA and a DPA per OPD:
    rows for list pages, made directly (what they hold does not matter there)."""
    number = KuaPpas.objects.filter(fiscal_year=fiscal_year).count() + 1
    kua = KuaPpas.objects.create(
        fiscal_year=fiscal_year,
        number=number,
        state=KuaPpas.State.LOCKED,
        agreement_number=f"050/{number}/{fiscal_year.year}",
        agreement_date=datetime.date(fiscal_year.year - 1, 8, 1),
    )
    version = ApbdVersion.objects.create(
        fiscal_year=fiscal_year,
        number=ApbdVersion.objects.filter(fiscal_year=fiscal_year).count() + 1,
        kind=ApbdVersion.Kind.MURNI,
        kua_ppas=kua,
    )
    for opd in opds:
        Ceiling.objects.create(kua_ppas=kua, opd=opd, amount=Decimal("1000000"))
        rka = Rka.objects.create(version=version, opd=opd)
        Dpa.objects.create(version=version, rka=rka, opd=opd)
    return version
