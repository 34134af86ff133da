from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MasterdataConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "masterdata"
    verbose_name = _("Data induk")

    def ready(self):
        from . import access  # noqa: F401  (registers the rules permissions)
