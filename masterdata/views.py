import math

from axes.helpers import get_cool_off
from django.contrib.auth import views as auth_views
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render

from . import selectors
from .api_base import body_too_large_message, error_response
from .forms import LoginForm
from .middleware import API_PREFIX

MALFORMED = "Permintaan tidak dapat diproses karena formatnya rusak."


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Refused before the password is checked, so a locked-out address learns nothing from it.
        wait = selectors.address_lockout(request)
        if wait is not None:
            return lockout_page(request, wait, per_address=True)
        return super().post(request, *args, **kwargs)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a user name is locked out from an address (AXES_LOCKOUT_CALLABLE)."""
    return lockout_page(request, get_cool_off(request), per_address=False)


def lockout_page(request, wait, *, per_address):
    seconds = max(1, math.ceil(wait.total_seconds()))
    context = {"per_address": per_address, "minutes": math.ceil(seconds / 60)}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def bad_request(request, exception):
    """handler400: a body over the upload limit (read by the CSRF check before any view) and other
    malformed requests, as an Indonesian page, or in the API's error format under /api/."""
    too_large = isinstance(exception, RequestDataTooBig)
    status = 413 if too_large else 400
    if request.path.startswith(API_PREFIX):
        code, message = ("request_too_large", body_too_large_message()) if too_large else ("bad_request", MALFORMED)
        return error_response(status, code, message)
    return render(request, "400.html", {"too_large": too_large}, status=status)
