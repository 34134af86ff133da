import random
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from demo import reference as demo
from masterdata.models import AuditEvent, StandardPriceItem, User

pytestmark = pytest.mark.django_db


def seed(*args):
    out = StringIO()
    call_command("seed_demo", "--year", "2024", *args, stdout=out)
    return out.getvalue()


def state():
    items = StandardPriceItem.objects.filter(fiscal_year__year=2024)
    return {
        "users": sorted(User.objects.values_list("username", "role", "opd__code", "is_staff")),
        "items": sorted(items.values_list("code", "kind", "name", "price", "tkdn_percent")),
        "links": sorted(items.values_list("code", "accounts__code")),
        "events": AuditEvent.objects.count(),
    }


SMALL = ("--scale", "0.05")  # the whole planning year at full scale is exercised by `make run`


def test_seed_demo_twice_changes_nothing_and_prints_every_login(reference_data):
    global_random = random.getstate()
    first = seed(*SMALL)
    after_first = state()
    second = seed(*SMALL)
    assert state() == after_first
    # Seeded through its own generator: the global random state is left alone.
    assert random.getstate() == global_random

    for output in (first, second):
        for user in demo.DEMO_USERS:
            assert f"  {user.username} " in output
        assert f"kata sandi: {settings.DEMO_PASSWORD}" in output
    assert "(sudah ada)" not in first
    assert second.count("(sudah ada)") == len(demo.DEMO_USERS)

    catalogue = demo.standard_price_catalogue(random.Random(2024), scale=0.05)
    assert len(after_first["items"]) == len(catalogue)
    assert f"standar harga 2024      {len(catalogue):>6}" in second
    assert f"pengguna                {len(after_first['users']):>6}" in second
    assert f"baru {len(catalogue)}, diperbarui 0" in first
    assert "(katalog demo: tidak ada perubahan)" in second
    for user in demo.DEMO_USERS:
        assert User.objects.get(username=user.username).check_password(settings.DEMO_PASSWORD)


def test_scale_and_seed_shape_the_catalogue(reference_data):
    seed("--scale", "0.5", "--seed", "11")
    half = StandardPriceItem.objects.filter(fiscal_year__year=2024)
    expected = demo.standard_price_catalogue(random.Random(11), scale=0.5)
    assert sorted(half.values_list("code", flat=True)) == sorted(row["kode"] for row in expected)
    assert len(expected) < len(demo.standard_price_catalogue(random.Random(11)))


def test_bad_arguments_are_refused(reference_data):
    with pytest.raises(CommandError, match="belum ada"):
        call_command("seed_demo", "--year", "2099", stdout=StringIO())
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_demo", "--scale", "0", stdout=StringIO())
    assert not StandardPriceItem.objects.exists()
