from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from campaigns.api.views import CampaignViewSet
from recommendations.api import views
from watchlists.api.views import WatchlistViewSet, WebhookEndpointViewSet

app_name = "api"


class Router(DefaultRouter):
    # No `.json` suffix routes: a natural key may itself contain a dot.
    include_format_suffixes = False


router = Router()
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("targets", views.TargetViewSet, basename="target")
router.register("responses", views.ResponseViewSet, basename="response")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("documents", views.DocumentViewSet, basename="document")
router.register("bodies", views.BodyViewSet, basename="body")
router.register("states", views.StateViewSet, basename="state")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("upr-sessions", views.UprSessionViewSet, basename="upr-session")
router.register("events", views.EventViewSet, basename="event")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("grade-mappings", views.GradeMappingViewSet, basename="grade-mapping")
router.register("watchlists", WatchlistViewSet, basename="watchlist")
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

urlpatterns = [
    path("stats/", views.StatsView.as_view(), name="stats"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    *router.urls,
]
