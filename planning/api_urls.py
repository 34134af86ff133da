"""Routes of the planning API, included under /api/v1/ by bondowoso/api_urls.py."""

from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("rpjmd", api.RpjmdViewSet, basename="api-rpjmd")
router.register("rpjmd-goals", api.RpjmdGoalViewSet, basename="api-rpjmd-goal")
router.register("rpjmd-targets", api.RpjmdTargetViewSet, basename="api-rpjmd-target")
router.register("renstra", api.RenstraViewSet, basename="api-renstra")
router.register("renstra-programs", api.RenstraProgramViewSet, basename="api-renstra-program")
router.register("proposals", api.ProposalViewSet, basename="api-proposal")
router.register("renja", api.RenjaViewSet, basename="api-renja")
router.register("renja-lines", api.RenjaLineViewSet, basename="api-renja-line")
router.register("rkpd", api.RkpdViewSet, basename="api-rkpd")

urlpatterns = router.urls
