from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "transparency"

    def ready(self):
        from planning import views as planning_views

        from .selectors.published import proposal_budget

        # A proposal's public page shows the published budget that answers it.
        planning_views.PROPOSAL_TRACK_EXTRAS.append(lambda proposal: {"budget": proposal_budget(proposal)})
