from django.conf import settings

from . import access


def portal(request):
    user = getattr(request, "user", None)
    return {
        "portal_name": "SIPANDU Bondowoso",
        "portal_long_name": "Portal Perencanaan dan Penganggaran Terpadu Kabupaten Bondowoso",
        "user_role": access.role_of(user) if user else None,
        "can_read_audit": bool(user and access.reads_audit(user)),
        "can_enter_admin": bool(user and access.can_enter_admin(user)),
        "debug": settings.DEBUG,
    }
