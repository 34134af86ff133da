"""API token authentication: `Authorization: Token <key>` with a portal token that has neither expired nor
been revoked, of an active user."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken
from .services import hash_token_key


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token_key(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Token ini sudah dicabut; minta token baru."), code="token_revoked")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(
                _("Token ini sudah kedaluwarsa; minta token baru lewat POST /api/v1/auth/token/."),
                code="token_expired",
            )
        return token.user, token
