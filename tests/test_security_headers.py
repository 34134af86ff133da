"""Every answer carries a Content-Security-Policy that allows only the portal's own scripts and styles;
signed-in pages and API answers are never stored by a browser or proxy; no template needs inline code."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template
from rest_framework.test import APIClient

from masterdata.models import User
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]


def policy_of(response):
    return dict(
        (part.split()[0], part.split()[1:]) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )


@pytest.mark.parametrize(
    "path", ["/", "/masuk/", "/usulan/", "/tidak-ada/", "/api/v1/me/", "/api/schema/", "/static/css/portal.css"]
)
def test_every_answer_carries_a_strict_policy(client, reference_data, path):
    policy = policy_of(client.get(path))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]


def test_signed_in_pages_and_api_answers_are_not_stored(client, reference_data):
    client.force_login(user_with_role(User.Role.BAPPEDA))
    for path in ("/beranda/", "/perencanaan/renja/", "/tidak-ada/", "/api/v1/me/", "/api/v1/opds/"):
        assert "no-store" in client.get(path)["Cache-Control"], path
    anonymous_api = APIClient().get("/api/v1/me/")
    assert anonymous_api.status_code == 401 and "no-store" in anonymous_api["Cache-Control"]


def test_the_public_home_may_be_cached_by_the_browser(client, reference_data):
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def test_the_api_docs_load_their_script_from_the_portal(client, reference_data):
    client.force_login(user_with_role(User.Role.BAPPEDA))
    html = client.get("/api/docs/").content.decode()
    assert "<style" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    init = re.search(r'<script src="([^"]*\?script[^"]*)"', html).group(1)
    assert client.get(init.replace("&amp;", "&"))["Content-Type"].startswith("application/javascript")


INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\shx-on\b", re.I), "hx-on attribute (evaluated as code)"),
    (re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I), "javascript: URL"),
]


def test_no_template_holds_inline_code():
    found = []
    for directory in TEMPLATE_DIRS:
        for template in directory.rglob("*.html"):
            text = template.read_text()
            for pattern, what in INLINE_CODE:
                found += [f"{template.relative_to(ROOT)}: {what}" for _ in pattern.finditer(text)]
    assert found == []


def test_htmx_runs_without_eval_or_injected_styles():
    html = get_template("base.html").template.source
    config = re.search(r'<meta name="htmx-config" content=\'([^\']*)\'', html).group(1)
    assert '"allowEval": false' in config and '"includeIndicatorStyles": false' in config
    assert "'unsafe-eval'" not in settings.CONTENT_SECURITY_POLICY
