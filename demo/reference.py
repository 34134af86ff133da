"""The Bondowoso demo's reference stage: users of every role and the standard-price catalogue.

Generators take a `random.Random` so that the same seed always builds the same data.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction

from masterdata import services, standard_prices
from masterdata.models import Opd, User

from .tables import load

_TABLES = load("reference")

DINKES_CODE = "1.02.0.00.0.00.01.00"
PUPR_CODE = "1.03.0.00.0.00.01.00"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    first_name: str
    last_name: str
    opd_code: str | None = None


DEMO_USERS = [
    DemoUser("opd.dinkes", User.Role.OPD_STAFF, "Siti", "Aminah", DINKES_CODE),
    DemoUser("opd.pupr", User.Role.OPD_STAFF, "Bambang", "Wicaksono", PUPR_CODE),
    DemoUser("bappeda", User.Role.BAPPEDA, "Rahmat", "Hidayat"),
    DemoUser("bpkad", User.Role.FINANCE, "Dewi", "Lestari"),
    DemoUser("dprd", User.Role.DPRD, "Ahmad", "Fauzi"),
    DemoUser("inspektorat", User.Role.AUDITOR, "Yuliana", "Sari"),
    DemoUser("admin", User.Role.ADMIN, "Agus", "Santoso"),
]


def demo_password():
    return settings.DEMO_PASSWORD


@transaction.atomic
def seed_users():
    """Create the demo users that do not exist yet; returns (demo user, created) pairs."""
    opds = {opd.code: opd for opd in Opd.objects.filter(code__in=[u.opd_code for u in DEMO_USERS if u.opd_code])}
    results = []
    for demo in DEMO_USERS:
        existing = User.objects.filter(username=demo.username).first()
        if existing is None:
            services.create_user(
                actor=None,
                username=demo.username,
                password=demo_password(),
                role=demo.role,
                opd=opds.get(demo.opd_code),
                first_name=demo.first_name,
                last_name=demo.last_name,
            )
        results.append((demo, existing is None))
    return results


# --- Standard-price catalogue -------------------------------------------------------------------
#
# Prices are Bondowoso 2024 levels in Rupiah: market prices for goods and works, the Perpres 33/2020
# ceilings for regulated amounts (honoraria, uang harian, penginapan). Goods carry kode barang style
# codes (Permendagri 108/2016); SBU, HSPK and ASB items a code per group. An item is
# (name, specification, unit, price) with, where it differs from its family's, its own accounts.


@dataclass(frozen=True)
class PriceFamily:
    kind: str
    code_prefix: str
    accounts: tuple
    items: tuple
    tkdn: tuple | None = None  # range of TKDN % for domestic goods and works; None for services
    regulated: bool = False  # amounts fixed by regulation: no market spread, no quality variants


PRICE_FAMILIES = tuple(PriceFamily(**family) for family in _TABLES["price_families"])

# Extra rows when the catalogue is scaled above 1.0: the same item in another quality class.
QUALITY_VARIANTS = (("mutu ekonomis", Decimal("0.85")), ("mutu premium", Decimal("1.25")))


def _round_price(value):
    """Round to the step a price list would use at that magnitude (Rp 50 up to Rp 50.000)."""
    steps = ((1_000, 50), (10_000, 100), (100_000, 500), (1_000_000, 1_000), (10_000_000, 5_000))
    step = next((step for limit, step in steps if value < limit), 50_000)
    rounded = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return max(rounded, Decimal(step))


def _family_rows(family, rng, scale):
    count = len(family.items) if family.regulated and scale >= 1 else max(1, round(len(family.items) * scale))
    rows = []
    for index in range(count):
        name, specification, unit, base, *own_accounts = family.items[index % len(family.items)]
        price = Decimal(base)
        variant = index // len(family.items)
        if variant:
            label, factor = QUALITY_VARIANTS[(variant - 1) % len(QUALITY_VARIANTS)]
            cycle = (variant - 1) // len(QUALITY_VARIANTS) + 1
            specification = f"{specification}; {label}" + (f" {cycle}" if cycle > 1 else "")
            price *= factor
        if not family.regulated:
            price = _round_price(price * Decimal(rng.randint(970, 1060)) / 1000)
        tkdn = ""
        if family.tkdn:
            low, high = family.tkdn
            tkdn = Decimal(rng.randint(low * 100, high * 100)) / 100
        rows.append(
            {
                "kode": f"{family.code_prefix}.{index + 1:04d}",
                "jenis": family.kind,
                "nama": name,
                "spesifikasi": specification,
                "satuan": unit,
                "harga": price,
                "kode_rekening": ";".join(own_accounts[0] if own_accounts else family.accounts),
                "tkdn": tkdn,
            }
        )
    return rows


def standard_price_catalogue(rng, *, scale=1.0):
    """Rows (file columns as keys) of a plausible Bondowoso catalogue; ~500 items at scale 1.0.

    Regulated amounts (SBU) are not multiplied above scale 1.0: there is one honorarium per level.
    """
    return [row for family in PRICE_FAMILIES for row in _family_rows(family, rng, scale)]


def seed_standard_prices(*, year, rng, scale=1.0):
    """Load the demo catalogue through the same validation and service as a catalogue file."""
    rows = standard_price_catalogue(rng, scale=scale)
    return standard_prices.load_standard_prices(
        records=list(enumerate(rows, start=2)), year=year, source_name="katalog demo"
    )
