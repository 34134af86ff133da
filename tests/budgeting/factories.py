"""A locked KUA-PPAS, a draft APBD version and an OPD's RKA with one sub-kegiatan, ready for lines."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from budgeting.models import ApbdVersion, Ceiling, KuaPpas, Rka, RkaSubKegiatan
from masterdata.models import Account, FundingSource, Nomenclature, Opd, User
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
        fiscal_year=fiscal_year, number=1, state=KuaPpas.State.LOCKED, agreement_number="170/01/2023",
        agreement_date=datetime.date(2023, 8, 1),
    )
    opd_ceiling = Ceiling.objects.create(kua_ppas=kua, opd=opd, amount=ceiling)
    version = ApbdVersion.objects.create(fiscal_year=fiscal_year, number=1, kind=ApbdVersion.Kind.MURNI, kua_ppas=kua)
    rka = Rka.objects.create(version=version, opd=opd)
    node = Nomenclature.objects.get(version_id=fiscal_year.reference_version_id, code=sub_kegiatan_code)
    sub = RkaSubKegiatan.objects.create(
        rka=rka, sub_kegiatan=node, location="Kabupaten Bondowoso", output_indicator="Jumlah layanan",
        output_target=Decimal("12"), output_unit="dokumen",
    )
    staff = UserFactory(role=User.Role.OPD_STAFF, opd=opd)
    finance = UserFactory(role=User.Role.FINANCE)
    return BudgetSetup(fiscal_year, kua, version, opd, rka, sub, staff, finance, opd_ceiling)
