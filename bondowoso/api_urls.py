"""The API: version 1 under v1/, its OpenAPI schema and the interactive docs (assets served locally)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from masterdata import api as masterdata_api

router = DefaultRouter()
router.include_format_suffixes = False
router.register("nomenclature", masterdata_api.NomenclatureViewSet, basename="api-nomenclature")
router.register("accounts", masterdata_api.AccountViewSet, basename="api-account")
router.register("funding-sources", masterdata_api.FundingSourceViewSet, basename="api-funding-source")
router.register("opds", masterdata_api.OpdViewSet, basename="api-opd")
router.register("standard-prices", masterdata_api.StandardPriceViewSet, basename="api-standard-price")

v1_patterns = [
    path("me/", masterdata_api.MeView.as_view(), name="api-me"),
    path("auth/token/", masterdata_api.TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
    path("", include("planning.api_urls")),
    path("", include("budgeting.api_urls")),
]

urlpatterns = [
    path("v1/", include(v1_patterns)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Last: any other address under /api/ (ending in "/", so APPEND_SLASH still redirects) is a JSON 404.
    re_path(r"^.*/$", masterdata_api.NotFoundView.as_view()),
]
