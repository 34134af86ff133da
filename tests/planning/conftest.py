"""Fixtures shared by the planning tests: the shipped reference year, Dinkes and PUPR with a staff member
each, a Bappeda planner, and a draft Dinkes Renja."""

import pytest

from masterdata.models import User
from tests.factories import user_with_role
from tests.planning.factories import PUPR_CODE, opd, renja_with_lines, staff_of


@pytest.fixture
def year(reference_data):
    return reference_data


@pytest.fixture
def dinkes(year):
    return opd()


@pytest.fixture
def pupr(year):
    return opd(PUPR_CODE)


@pytest.fixture
def dinkes_staff(dinkes):
    return staff_of(dinkes)


@pytest.fixture
def pupr_staff(pupr):
    return staff_of(pupr)


@pytest.fixture
def bappeda(year):
    return user_with_role(User.Role.BAPPEDA)


@pytest.fixture
def renja(dinkes, dinkes_staff, year):
    """A draft Renja of Dinkes with two lines, written by its own staff."""
    return renja_with_lines(opd_=dinkes, fiscal_year=year, count=2, actor=dinkes_staff)
