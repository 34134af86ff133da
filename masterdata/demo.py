"""The Bondowoso demo: deterministic users of every role (and, per stage, that stage's data)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from . import services
from .models import Opd, User

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
