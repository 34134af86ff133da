"""The portal speaks Indonesian only, and its labels read as written: state labels keep their capitals
mid-sentence, a pergeseran's draft is no RAPBD, OPDs are named, a DPRD pokir is not a citizen's proposal."""

import pytest
from django.urls import NoReverseMatch, reverse

from budgeting.services import apbd as apbd_services
from masterdata.models import Opd, User
from tests.budgeting.factories import adopt, small_apbd
from tests.factories import UserFactory
from tests.planning.factories import submitted_proposal

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_a_browser_asking_for_english_still_gets_indonesian_pages_and_no_language_switch(client, reference_data):
    client.force_login(UserFactory(role=User.Role.ADMIN, is_staff=True))
    home = client.get(reverse("home"), **ENGLISH_BROWSER).content.decode()
    assert '<html lang="id">' in home and ">Perencanaan<" in home and ">Keluar (" in home
    assert "Bahasa" not in home and 'name="language"' not in home
    admin = client.get(reverse("admin:index"), **ENGLISH_BROWSER).content.decode()
    assert "Tambah" in admin and ">Add<" not in admin
    with pytest.raises(NoReverseMatch):
        reverse("set_language")


def test_state_labels_keep_their_capitals_mid_sentence(client, reference_data):
    small = small_apbd(reference_data)
    client.force_login(small.finance)
    html = client.get(reverse("budgeting:rka-list"), {"versi": small.version.pk, "status": "approved"}).content
    html = html.decode()
    assert "RKA berstatus disetujui TAPD" in html and "disetujui tapd" not in html


def test_a_pergeseran_draft_is_not_called_rapbd(client, reference_data):
    small = small_apbd(reference_data)
    adopt(small.version, small.finance, publish=True)
    shift = apbd_services.create_shift_version(actor=small.finance, fiscal_year=reference_data)
    rka = shift.rkas.get(opd__code=next(iter(small.rkas)))
    client.force_login(small.finance)
    html = client.get(reverse("budgeting:rka-detail", args=[rka.pk])).content.decode()
    assert f"{shift} (Draf)" in html and "(Draf (RAPBD))" not in html


def test_the_public_form_offers_opds_by_name_without_codes(client, reference_data):
    html = client.get(reverse("usulan:create")).content.decode()
    dinkes = Opd.objects.get(name="Dinas Kesehatan")
    assert f'<option value="{dinkes.pk}">Dinas Kesehatan</option>' in html
    assert dinkes.code not in html


def test_a_pokir_is_tracked_as_a_dprd_proposal_not_a_citizens_one(client, reference_data):
    dprd = UserFactory(role=User.Role.DPRD)
    pokir = submitted_proposal(dprd, "pokir", reference_data, proposer_name="Komisi D DPRD")
    html = client.get(reverse("usulan:track", args=[pokir.tracking_code])).content.decode()
    assert "Pokok-pokok pikiran DPRD" in html
    assert ">Usulan warga</a></p>" not in html
