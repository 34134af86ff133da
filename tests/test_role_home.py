"""Each role's home is its task list: OPD staff their Renja and RKA of the current year with what waits for them,
Bappeda and TAPD their inboxes in every year with something waiting; in constant queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgeting.models import RkaComment
from budgeting.services import rka as rka_services
from masterdata.models import FiscalYear, User
from planning import services as planning_services
from tests.budgeting.factories import budget_setup, documents_for_year
from tests.factories import UserFactory
from tests.planning.factories import FINAL_MOVES, move_renja, renja_with_lines, staff_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(reference_data):
    """2024 as the current year (a fresh load makes the calendar year current)."""
    FiscalYear.objects.update(is_current=False)
    FiscalYear.objects.filter(pk=reference_data.pk).update(is_current=True)
    return reference_data


def home_of(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_opd_staff_see_their_renja_and_rka_with_pagu_plafon_and_what_waits(client, year):
    setup = budget_setup(year)
    rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())  # 10 x Rp 10.000
    bappeda = UserFactory(role=User.Role.BAPPEDA)
    renja = renja_with_lines(opd_=setup.opd, fiscal_year=year, count=2, actor=setup.staff)
    renja = move_renja(renja, "submit", "return", staff=setup.staff, bappeda=bappeda)
    planning_services.comment_renja(actor=bappeda, renja=renja, text="Lengkapi lokasi.")
    RkaComment.objects.create(rka=setup.rka, author=setup.finance, text="Rincikan belanja ATK.")

    html, _ = home_of(client, setup.staff)

    assert "Renja 2024 dikembalikan Bappeda" in html
    assert "2 catatan Bappeda pada Renja 2024" in html  # the note of the return and one more
    assert "1 catatan asistensi TAPD pada RKA APBD murni 2024" in html
    assert f"RKA {setup.version}</a> masih draf" in html
    assert "Rp 300.000.000" in html  # two Renja lines of Rp 150.000.000
    assert "Rp 100.000" in html and "Rp 1.000.000" in html and "Rp 900.000" in html  # pagu, plafon, sisa
    assert 'href="/realisasi/"' in html  # the OPD enters its realization from the menu


def test_an_answered_note_no_longer_waits(client, year):
    setup = budget_setup(year)
    line = rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    RkaComment.objects.create(rka=setup.rka, line=line, author=setup.finance, text="Harga terlalu tinggi.")
    RkaComment.objects.create(rka=setup.rka, line=line, author=setup.staff, text="Sudah disesuaikan.")

    html, _ = home_of(client, setup.staff)

    assert "catatan asistensi" not in html


def test_notes_on_a_final_renja_or_an_approved_rka_are_not_asked_for(client, year):
    setup = budget_setup(year)
    rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    RkaComment.objects.create(rka=setup.rka, author=setup.finance, text="Rincikan belanja ATK.")
    rka_services.transition_rka(actor=setup.staff, rka=setup.rka, action="submit")
    rka_services.transition_rka(actor=setup.finance, rka=setup.rka, action="approve")
    bappeda = UserFactory(role=User.Role.BAPPEDA)
    renja = renja_with_lines(opd_=setup.opd, fiscal_year=year, count=1, actor=setup.staff)
    planning_services.comment_renja(actor=bappeda, renja=renja, text="Lengkapi lokasi.")
    move_renja(renja, *FINAL_MOVES, staff=setup.staff, bappeda=bappeda)

    html, _ = home_of(client, setup.staff)

    assert "belum dijawab." not in html and "masih draf" not in html
    assert "Tidak ada yang menunggu Anda saat ini." in html


def test_opd_staff_without_a_renja_are_told_to_make_one_and_nothing_else_waits(client, year):
    html, _ = home_of(client, staff_of(budget_setup(year).opd))
    assert "Renja 2024 belum dibuat" in html and reverse("planning:renja-list") in html


def test_opd_home_reads_the_same_number_of_queries_for_more_documents(client, year):
    setup = budget_setup(year)
    _, few = home_of(client, setup.staff)
    for _ in range(3):
        documents_for_year(year, [setup.opd])
    renja_with_lines(opd_=setup.opd, fiscal_year=year, count=3, actor=setup.staff)
    RkaComment.objects.create(rka=setup.rka, author=setup.finance, text="Catatan")
    _, many = home_of(client, setup.staff)
    assert many == few


def test_bappeda_sees_waiting_renja_of_every_year_not_only_the_current_one(client, year):
    next_year = FiscalYear.objects.get(year=2025)
    bappeda = UserFactory(role=User.Role.BAPPEDA)
    renja = renja_with_lines(opd_=budget_setup(year).opd, fiscal_year=next_year, count=1)
    move_renja(renja, "submit", staff=renja_staff(renja), bappeda=bappeda)

    html, _ = home_of(client, bappeda)

    assert "1 Renja 2025 menunggu verifikasi" in html
    assert f"{reverse('planning:inbox')}?tahun=2025&amp;status=submitted" in html
    # The inbox opens on the current year and points at the year where a Renja waits.
    inbox = client.get(reverse("planning:inbox")).content.decode()
    assert "Renja juga menunggu verifikasi di tahun lain" in inbox and "?tahun=2025&amp;status=submitted" in inbox


def renja_staff(renja):
    return User.objects.filter(opd=renja.opd, role=User.Role.OPD_STAFF).first()


def test_bappeda_with_nothing_waiting_is_told_so(client, year):
    html, _ = home_of(client, UserFactory(role=User.Role.BAPPEDA))
    assert "Tidak ada Renja yang menunggu verifikasi" in html


def test_tapd_sees_rka_waiting_per_version_in_constant_queries(client, year):
    setup = budget_setup(year)
    rka_services.add_rka_line(actor=setup.staff, rka=setup.rka, **setup.line_values())
    rka_services.transition_rka(actor=setup.staff, rka=setup.rka, action="submit")

    html, few = home_of(client, setup.finance)

    assert f"1 RKA {setup.version} menunggu asistensi TAPD" in html
    assert f"{reverse('budgeting:rka-inbox')}?versi={setup.version.pk}" in html
    for rka in documents_for_year(year, [setup.opd]).rkas.all():
        rka.state = rka.State.SUBMITTED
        rka.save(update_fields=["state"])
    html, many = home_of(client, setup.finance)
    assert html.count("menunggu asistensi TAPD") == 2
    assert many == few


@pytest.mark.parametrize("role", [User.Role.BAPPEDA, User.Role.DPRD, User.Role.AUDITOR, User.Role.ADMIN])
def test_home_pages_read_a_constant_number_of_queries(client, year, role):
    user = UserFactory(role=role)
    _, few = home_of(client, user)
    documents_for_year(year, [budget_setup(year).opd])
    _, many = home_of(client, user)
    assert many == few


def test_amounts_in_the_task_list_are_rupiah(client, year):
    setup = budget_setup(year, ceiling=Decimal("2500000"))
    html, _ = home_of(client, setup.staff)
    assert "Rp 2.500.000" in html
