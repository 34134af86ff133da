"""A citizen's own tracking code answers at once: received and held for moderation, with nothing of its
content, until Bappeda moderates it; an unknown code answers the portal's Indonesian 404, in DEBUG too."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from planning import services
from tests.planning.factories import submitted_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(year):
    return submitted_proposal(AnonymousUser(), "citizen", year, proposer_contact="0812-3456-7890")


def track(client, code):
    return client.get(reverse("usulan:track", args=[code]))


@pytest.mark.parametrize("debug", [False, True])
def test_a_held_proposal_says_it_was_received_and_waits_for_moderation(client, held, settings, debug):
    settings.DEBUG = debug
    response = track(client, held.tracking_code)
    assert response.status_code == 200
    html = response.content.decode()
    assert held.tracking_code in html
    assert "sudah diterima" in html and "menunggu moderasi Bappeda" in html
    for private in (held.title, held.description, "Sucolor", "Maesan", "Pemerintah Desa", "250.000.000", "0812"):
        assert private not in html


def test_a_proposal_turned_away_by_moderation_says_so_without_its_content(client, held, bappeda):
    services.moderate_proposal(actor=bappeda, proposal=held, approve=False, note="Bukan kewenangan kabupaten.")
    html = track(client, held.tracking_code).content.decode()
    assert "tidak lolos moderasi" in html
    assert held.title not in html and "Bukan kewenangan" not in html


def test_a_moderated_proposal_shows_its_content(client, held, bappeda):
    services.moderate_proposal(actor=bappeda, proposal=held, approve=True, note="Layak dikaji.")
    html = track(client, held.tracking_code).content.decode()
    assert held.title in html and "menunggu moderasi Bappeda" not in html


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/usulan/U24-ZZZZZZ/", "/tidak-ada/", "/perencanaan/renja/999999/"])
def test_missing_pages_answer_the_indonesian_404_also_in_debug(client, year, bappeda, settings, debug, path):
    settings.DEBUG = debug
    client.force_login(bappeda)
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman atau data tidak ditemukan" in html
    assert f'href="{reverse("home")}"' in html
    assert "Page not found" not in html and "URLconf" not in html


def test_the_api_keeps_its_json_404_in_debug(client, year, settings):
    settings.DEBUG = True
    response = client.get("/api/v1/tidak-ada/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"


def test_a_server_error_answers_the_indonesian_500_with_a_way_back(client, year, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("rusak")

    monkeypatch.setattr("transparency.selectors.published.published_years", broken)
    client.raise_request_exception = False
    response = client.get(reverse("public-home"))
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="id">' in html and "Terjadi kesalahan" in html and 'href="/"' in html
