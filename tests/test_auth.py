"""Login, logout, role home pages and throttled failed logins, through HTTP."""

import pytest
from django.urls import reverse

from masterdata.models import User
from tests.factories import DEFAULT_PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

HEADINGS = {
    User.Role.OPD_STAFF: "Beranda OPD: ",
    User.Role.BAPPEDA: "Beranda Bappeda (BP4D)",
    User.Role.FINANCE: "Beranda BPKAD / TAPD",
    User.Role.DPRD: "Beranda DPRD",
    User.Role.AUDITOR: "Beranda Auditor (Inspektorat)",
    User.Role.ADMIN: "Beranda Administrator",
}


def test_login_page_is_indonesian(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="id">' in html
    assert "Nama pengguna" in html and "Kata sandi" in html


@pytest.mark.parametrize("role", list(User.Role))
def test_each_role_lands_on_its_own_home(client, reference_data, role):
    user = user_with_role(role)
    response = client.post(reverse("login"), {"username": user.username, "password": DEFAULT_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    html = response.content.decode()
    assert HEADINGS[role] in html
    others = [heading for other, heading in HEADINGS.items() if other != role]
    assert not any(heading in html for heading in others)
    if role == User.Role.OPD_STAFF:
        assert f"Beranda OPD: {user.opd.name}" in html


def test_home_needs_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_wrong_password_shows_indonesian_error(client, reference_data):
    user = user_with_role(User.Role.BAPPEDA)
    response = client.post(reverse("login"), {"username": user.username, "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_failed_logins_are_throttled(client, reference_data):
    user = user_with_role(User.Role.BAPPEDA)
    for _ in range(5):
        client.post(reverse("login"), {"username": user.username, "password": "salah"})
    locked = client.post(reverse("login"), {"username": user.username, "password": DEFAULT_PASSWORD})
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.content.decode()
    # Another user from the same address is not locked out.
    other = user_with_role(User.Role.FINANCE)
    response = client.post(reverse("login"), {"username": other.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_logout_by_post_returns_to_public_home(client, reference_data):
    user = user_with_role(User.Role.DPRD)
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("public-home")
    assert client.get(reverse("home")).status_code == 302


def test_public_home_for_anonymous(client, reference_data):
    response = client.get(reverse("public-home"))
    assert response.status_code == 200
    assert "Anggaran Kabupaten Bondowoso" in response.content.decode()


def test_request_id_is_echoed_or_made(client):
    response = client.get(reverse("public-home"), HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    made = client.get(reverse("public-home"), HTTP_X_REQUEST_ID="bad id with spaces")
    assert len(made["X-Request-ID"]) == 32


def test_refused_page_answers_403_in_indonesian(client, reference_data):
    client.force_login(user_with_role(User.Role.BAPPEDA))
    response = client.get(reverse("audit-list"))
    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


def test_missing_page_answers_404_in_indonesian(client, reference_data):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "tidak ditemukan" in response.content.decode()
