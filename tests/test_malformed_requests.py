"""Malformed requests answer 4xx in the error shape (API) or an Indonesian page (HTML), never 500."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from masterdata.models import User
from planning.models import Proposal
from tests.budgeting.factories import budget_setup
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

API = "/api/v1"
DEEP = "[" * 5000 + "]" * 5000


def errors_of(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"} and body["errors"], body
    for error in body["errors"]:
        assert set(error) >= {"code", "message", "field"}
    return body["errors"]


def signed_in(role):
    client = APIClient()
    client.force_authenticate(user_with_role(role))
    return client


def test_deeply_nested_json_to_the_anonymous_token_endpoint_is_a_400():
    response = APIClient().post(f"{API}/auth/token/", DEEP, content_type="application/json")
    [error] = errors_of(response, 400)
    assert error["code"] == "parse_error"
    assert "bersarang terlalu dalam" in error["message"]


def test_moderately_nested_json_is_refused_before_any_serializer_walks_it(reference_data):
    nested = '{"title": ' + "[" * 200 + "]" * 200 + "}"
    response = signed_in(User.Role.BAPPEDA).post(f"{API}/proposals/", nested, content_type="application/json")
    assert errors_of(response, 400)[0]["code"] == "parse_error"
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (f"{API}/proposals/", '{"source": "\\ud800", "title": "x"}', "source"),
        (f"{API}/kua-ppas/", '{"year": 2024, "kind": "\\udfff"}', "kind"),
        (f"{API}/proposals/", '{"title": "ok", "lines": [{"a": "\\ud800x"}]}', "lines.0.a"),
        (f"{API}/proposals/", '{"\\ud800": 1}', None),
    ],
)
def test_a_lone_surrogate_is_a_field_error(reference_data, path, body, field):
    client = signed_in(User.Role.FINANCE if "kua" in path else User.Role.BAPPEDA)
    response = client.post(path, body, content_type="application/json")
    [error] = errors_of(response, 400)
    assert error["code"] == "invalid_characters"
    assert error["field"] == field
    assert "karakter" in error["message"]


def test_a_lone_surrogate_in_an_rka_action_changes_nothing(reference_data):
    setup = budget_setup(reference_data)
    client = APIClient()
    client.force_authenticate(setup.staff)
    response = client.post(
        f"{API}/rka/{setup.rka.pk}/transitions/", '{"action": "\\ud800"}', content_type="application/json"
    )
    assert errors_of(response, 400)[0]["field"] == "action"
    setup.rka.refresh_from_db()
    assert setup.rka.state == "draft"


def test_a_json_body_over_the_upload_limit_is_a_413(reference_data, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"title": "' + "x" * 2000 + '"}'
    response = signed_in(User.Role.BAPPEDA).post(f"{API}/proposals/", body, content_type="application/json")
    [error] = errors_of(response, 413)
    assert error["code"] == "request_too_large"
    assert "terlalu besar" in error["message"]


def test_a_form_body_over_the_upload_limit_to_the_api_is_a_413(reference_data, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    setup = budget_setup(reference_data)
    client = APIClient()
    client.force_login(setup.staff)  # session: the CSRF check reads the form body
    response = client.post(f"{API}/rka/{setup.rka.pk}/import/", {"note": "x" * 2000}, format="multipart")
    assert errors_of(response, 413)[0]["code"] == "request_too_large"


def test_a_form_body_to_the_json_api_is_a_415(reference_data):
    client = APIClient()
    client.force_login(user_with_role(User.Role.BAPPEDA))
    response = client.post(f"{API}/proposals/", {f"f{i}": "1" for i in range(20)}, format="multipart")
    assert errors_of(response, 415)[0]["code"] == "unsupported_media_type"


def test_a_form_over_the_upload_limit_answers_an_indonesian_page(client, reference_data, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(reverse("login"), {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "terlalu besar" in html
    assert 'href="/"' in html


def test_an_api_address_with_a_newline_is_a_json_404(client):
    response = client.get("/api/v1/public/apbd/20%0A24/aggregate/")
    assert errors_of(response, 404)[0]["code"] == "not_found"
