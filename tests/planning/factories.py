"""Planning test data: factories for the five-year targets, and Renja built through the services."""

from decimal import Decimal

import factory

from masterdata.models import Nomenclature, Opd, User
from planning import selectors, services
from planning.models import Renstra, RenstraProgram, Rpjmd, RpjmdGoal, RpjmdTarget
from tests.factories import UserFactory

DINKES_CODE = "1.02.0.00.0.00.01.00"
PUPR_CODE = "1.03.0.00.0.00.01.00"


class RpjmdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rpjmd
        django_get_or_create = ("first_year",)

    first_year = 2021
    title = factory.LazyAttribute(lambda o: f"RPJMD Kabupaten Bondowoso {o.first_year}-{o.first_year + 4}")


class RpjmdGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RpjmdGoal

    rpjmd = factory.SubFactory(RpjmdFactory)
    code = factory.Sequence(lambda n: f"T{n + 1}")
    statement = factory.Sequence(lambda n: f"Meningkatnya kualitas pelayanan publik {n}")


class RpjmdTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RpjmdTarget

    goal = factory.SubFactory(RpjmdGoalFactory)
    code = factory.Sequence(lambda n: f"S{n + 1}")
    statement = factory.Sequence(lambda n: f"Meningkatnya derajat kesehatan masyarakat {n}")
    indicator = "Angka harapan hidup"
    unit = "tahun"
    baseline = Decimal("69.50")
    target_1 = Decimal("69.80")
    target_2 = Decimal("70.10")
    target_3 = Decimal("70.40")
    target_4 = Decimal("70.70")
    target_5 = Decimal("71.00")


class RenstraFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Renstra

    opd = factory.LazyFunction(lambda: Opd.objects.get(code=DINKES_CODE))
    rpjmd = factory.SubFactory(RpjmdFactory)


def program_of(opd, code=None):
    """A program of the shipped nomenclature the OPD may plan (its first bidang's, or the one named)."""
    programs = Nomenclature.objects.filter(
        level=Nomenclature.Level.PROGRAM, code__startswith=f"{opd.bidang_codes[0]}."
    ).order_by("code", "version_id")
    return programs.filter(code=code).first() if code else programs.first()


class RenstraProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RenstraProgram

    renstra = factory.SubFactory(RenstraFactory)
    program = factory.LazyAttribute(lambda o: program_of(o.renstra.opd))
    rpjmd_target = factory.SubFactory(RpjmdTargetFactory, goal__rpjmd=factory.SelfAttribute("...renstra.rpjmd"))
    indicator = "Persentase fasilitas kesehatan terakreditasi"
    unit = "persen"
    baseline = Decimal("60.00")
    target_1 = Decimal("65.00")
    target_2 = Decimal("70.00")
    target_3 = Decimal("75.00")
    target_4 = Decimal("80.00")
    target_5 = Decimal("85.00")


def opd(code=DINKES_CODE):
    return Opd.objects.get(code=code)


def staff_of(opd_, **kwargs):
    return UserFactory(role=User.Role.OPD_STAFF, opd=opd_, **kwargs)


def sub_kegiatan_for(opd_, fiscal_year, count, *, offset=0):
    """Sub-kegiatan the OPD may plan in the year, in code order."""
    return list(selectors.allowed_sub_kegiatan(opd_, fiscal_year).order_by("code")[offset : offset + count])


def line_values(sub_kegiatan, **overrides):
    return {
        "sub_kegiatan": sub_kegiatan,
        "location": "Kecamatan Maesan",
        "output_indicator": f"Jumlah {sub_kegiatan.name[:60]}",
        "output_target": Decimal("12"),
        "output_unit": "unit",
        "pagu_indikatif": Decimal("150000000.00"),
        "pagu_indikatif_next": Decimal("165000000.00"),
        **overrides,
    }


def renja_with_lines(*, opd_, fiscal_year, count, actor=None, **overrides):
    """A draft Renja of `count` lines, written through the services by the OPD's own staff."""
    actor = actor or staff_of(opd_)
    renja = services.create_renja(actor=actor, opd=opd_, fiscal_year=fiscal_year)
    for sub_kegiatan in sub_kegiatan_for(opd_, fiscal_year, count):
        services.add_renja_line(actor=actor, renja=renja, **line_values(sub_kegiatan, **overrides))
    return renja


def move_renja(renja, *actions, staff, bappeda):
    """Run lifecycle moves in order; `submit` by the OPD's staff, the others by Bappeda."""
    for action in actions:
        actor = staff if action == "submit" else bappeda
        note = "Perbaiki indikator keluaran." if action == "return" else ""
        renja = services.transition_renja(actor=actor, renja=renja, action=action, note=note)
    return renja


FINAL_MOVES = ("submit", "verify", "advance", "submit", "verify", "advance", "submit", "verify", "finalise")


MAESAN_CODE, SUCOLOR_CODE = "35.11.01", "35.11.01.2001"  # a kecamatan and one of its desa


def proposal_values(**overrides):
    """The fields of a valid proposal from Desa Sucolor, Kecamatan Maesan."""
    from masterdata.models import Region

    return {
        "title": "Rehabilitasi saluran irigasi Dusun Krajan",
        "description": "Saluran bocor sehingga sawah di hilir kekurangan air.",
        "kecamatan": Region.objects.get(code=MAESAN_CODE),
        "village": Region.objects.get(code=SUCOLOR_CODE),
        "proposer_name": "Pemerintah Desa Sucolor",
        "estimated_cost": Decimal("250000000.00"),
        **overrides,
    }


def submitted_proposal(actor, source, fiscal_year, **overrides):
    """A proposal submitted through the service (citizens pass AnonymousUser())."""
    return services.submit_proposal(actor=actor, source=source, fiscal_year=fiscal_year, **proposal_values(**overrides))
