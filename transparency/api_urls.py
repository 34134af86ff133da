"""The public API under /api/v1/public/ (read-only, no sign-in, CORS open: see settings CORS_URLS_REGEX)."""

from django.urls import path

from . import api

urlpatterns = [
    path("apbd/", api.VersionListView.as_view(), name="api-public-versions"),
    path("apbd/<int:year>/facts/", api.FactsView.as_view(), name="api-public-facts"),
    path("apbd/<int:year>/aggregate/", api.AggregateView.as_view(), name="api-public-aggregate"),
]
