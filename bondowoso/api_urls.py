"""The API: version 1 under v1/, its OpenAPI schema and the interactive docs (assets served locally)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter, SimpleRouter

from budgeting.api import apbd as apbd_api
from budgeting.api import ceilings as ceiling_api
from budgeting.api import dpa as dpa_api
from budgeting.api import kua as kua_api
from budgeting.api import rka as rka_api
from masterdata import api as masterdata_api
from planning import api as planning_api
from reporting import api as reporting_api

router = DefaultRouter()
router.include_format_suffixes = False
router.register("realization", reporting_api.RealizationViewSet, basename="api-realization")
router.register("jobs", reporting_api.JobViewSet, basename="api-jobs")
router.register("nomenclature", masterdata_api.NomenclatureViewSet, basename="api-nomenclature")
router.register("accounts", masterdata_api.AccountViewSet, basename="api-account")
router.register("funding-sources", masterdata_api.FundingSourceViewSet, basename="api-funding-source")
router.register("opds", masterdata_api.OpdViewSet, basename="api-opd")
router.register("standard-prices", masterdata_api.StandardPriceViewSet, basename="api-standard-price")

# Planning and budgeting: routed alike, but not listed at the API root (which lists the reference data).
documents = SimpleRouter()
documents.register("rpjmd", planning_api.RpjmdViewSet, basename="api-rpjmd")
documents.register("rpjmd-goals", planning_api.RpjmdGoalViewSet, basename="api-rpjmd-goal")
documents.register("rpjmd-targets", planning_api.RpjmdTargetViewSet, basename="api-rpjmd-target")
documents.register("renstra", planning_api.RenstraViewSet, basename="api-renstra")
documents.register("renstra-programs", planning_api.RenstraProgramViewSet, basename="api-renstra-program")
documents.register("proposals", planning_api.ProposalViewSet, basename="api-proposal")
documents.register("renja", planning_api.RenjaViewSet, basename="api-renja")
documents.register("renja-lines", planning_api.RenjaLineViewSet, basename="api-renja-line")
documents.register("rkpd", planning_api.RkpdViewSet, basename="api-rkpd")
documents.register("kua-ppas", kua_api.KuaPpasViewSet, basename="api-kua-ppas")
documents.register("kua-account-lines", kua_api.KuaAccountLineViewSet, basename="api-kua-account-line")
documents.register("ceilings", ceiling_api.CeilingViewSet, basename="api-ceiling")
documents.register("apbd-versions", apbd_api.ApbdVersionViewSet, basename="api-apbd-version")
documents.register("rka", rka_api.RkaViewSet, basename="api-rka")
documents.register("rka-lines", rka_api.RkaLineViewSet, basename="api-rka-line")
documents.register("dpa", dpa_api.DpaViewSet, basename="api-dpa")
documents.register("auth/tokens", masterdata_api.ApiTokenViewSet, basename="api-api-token")

v1_patterns = [
    path("me/", masterdata_api.MeView.as_view(), name="api-me"),
    path("reports/lra/", reporting_api.LraView.as_view(), name="api-lra"),
    path("reports/semester/", reporting_api.SemesterView.as_view(), name="api-report-semester"),
    path("reports/year-end/", reporting_api.YearEndView.as_view(), name="api-report-year-end"),
    path("reports/performance/", reporting_api.PerformanceView.as_view(), name="api-report-performance"),
    path("reports/consistency/", reporting_api.ConsistencyView.as_view(), name="api-report-consistency"),
    path("auth/token/", masterdata_api.TokenView.as_view(), name="api-token"),
    path("public/", include("transparency.api_urls")),
    path("", include(router.urls)),
    path("", include(documents.urls)),
]

urlpatterns = [
    path("v1/", include(v1_patterns)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file, and the template its styles: no inline code.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    # Last: any other address under /api/ (ending in "/", so APPEND_SLASH still redirects) is a JSON 404.
    re_path(r"^[\s\S]*/$", masterdata_api.NotFoundView.as_view()),  # [\s\S]: a newline in the address too
]
