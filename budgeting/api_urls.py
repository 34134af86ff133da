"""Routes of the budgeting API, included under /api/v1/ by bondowoso/api_urls.py."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("kua-ppas", api.KuaPpasViewSet, basename="api-kua-ppas")
router.register("kua-account-lines", api.KuaAccountLineViewSet, basename="api-kua-account-line")
router.register("ceilings", api.CeilingViewSet, basename="api-ceiling")
router.register("apbd-versions", api.ApbdVersionViewSet, basename="api-apbd-version")
router.register("rka", api.RkaViewSet, basename="api-rka")
router.register("rka-lines", api.RkaLineViewSet, basename="api-rka-line")
router.register("dpa", api.DpaViewSet, basename="api-dpa")

urlpatterns = router.urls
