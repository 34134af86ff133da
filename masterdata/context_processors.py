from django.conf import settings
from django.urls import translate_url
from django.utils.translation import gettext as _

from . import access


def portal(request):
    user = getattr(request, "user", None)
    return {
        "portal_name": "SIPANDU Bondowoso",
        "portal_long_name": _("Portal Perencanaan dan Penganggaran Terpadu Kabupaten Bondowoso"),
        "language_versions": language_versions(request),
        "user_role": access.role_of(user) if user else None,
        "can_read_audit": bool(user and access.reads_audit(user)),
        "can_enter_admin": bool(user and access.can_enter_admin(user)),
        "debug": settings.DEBUG,
    }


def language_versions(request):
    """[(language code, absolute address)] of this page in each language when it has an English version (a
    public page, bondowoso/urls.py); [] for every other page, and for the answer to a form sent (its address
    takes only a POST). The query (the version, the order) is kept."""
    if request.method not in ("GET", "HEAD"):
        return []
    path = request.get_full_path()
    versions = [(code, translate_url(path, code)) for code, _name in settings.LANGUAGES]
    if len({url for _code, url in versions}) == 1:
        return []
    return [(code, request.build_absolute_uri(url)) for code, url in versions]
