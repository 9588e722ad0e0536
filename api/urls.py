from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework import routers

from api import views

app_name = "api"


class Router(routers.DefaultRouter):
    APIRootView = views.ApiRootView
    include_format_suffixes = False


router = Router()
router.register("partenariats", views.PartnershipViewSet, basename="partnership")
router.register("collectivites", views.AuthorityViewSet, basename="authority")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("reseaux", views.NetworkViewSet, basename="network")
router.register("adhesions", views.MembershipViewSet, basename="membership")
router.register("preconisations", views.ProposalViewSet, basename="proposal")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    *router.urls,
    # Ends with a slash so that /api/partenariats still redirects to /api/partenariats/.
    re_path(r"^.*/$", views.not_found),
]
