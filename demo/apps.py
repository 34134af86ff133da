from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The Bondowoso demo year, built through the domain apps' services; no domain app imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
