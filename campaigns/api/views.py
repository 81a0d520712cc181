from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response as APIResponse

from campaigns import selectors, services
from campaigns.api import serializers
from campaigns.choices import SuggestionVerdict
from campaigns.models import Campaign, CampaignLink
from campaigns.views import DOCX_CONTENT_TYPE, docx_response
from recommendations.api.filters import ID_MAX
from recommendations.api.views import ExpensiveReadMixin, MethodFirstMixin
from recommendations.models import Recommendation

SUGGESTIONS_MAX = 50


class CampaignViewSet(MethodFirstMixin, ExpensiveReadMixin, viewsets.ReadOnlyModelViewSet):
    endpoint_description = _(
        "Campaigns: one demand followed across every mechanism, with its scorecard, the "
        "actors that fell silent, its timeline and its brief. A private campaign is shown "
        "to its staff only."
    )
    serializer_class = serializers.CampaignSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    filterset_class = None

    def get_queryset(self):
        campaigns = Campaign.objects.visible_to(self.request.user).order_by("name")
        if self.action not in ("list", "retrieve"):
            return campaigns  # the selectors read what each action shows
        return campaigns.prefetch_related(
            "states",
            "bodies",
            "themes",
            "organizations",
            "watched_states",
            "watched_bodies",
            Prefetch(
                "links", queryset=CampaignLink.objects.select_related("recommendation__document")
            ),
        )

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.CampaignSummarySerializer
        return serializers.CampaignSerializer

    @extend_schema(responses=serializers.ScorecardSerializer, summary=_("The scorecard"))
    @action(detail=True, pagination_class=None)
    def scorecard(self, request, slug=None):
        campaign = self.get_object()
        links = selectors.campaign_links(campaign, request.user)
        scorecard = selectors.campaign_scorecard(campaign, links)
        return APIResponse(serializers.ScorecardSerializer(scorecard).data)

    @extend_schema(
        responses=serializers.ActorSilenceSerializer(many=True),
        summary=_("Who spoke and who stayed silent"),
    )
    @action(detail=True, pagination_class=None)
    def silence(self, request, slug=None):
        actors = selectors.campaign_silence(self.get_object(), reader=request.user)
        return APIResponse(serializers.ActorSilenceSerializer(actors, many=True).data)

    @extend_schema(
        responses=serializers.TimelineEntrySerializer(many=True), summary=_("The timeline")
    )
    @action(detail=True, pagination_class=None)
    def timeline(self, request, slug=None):
        campaign = self.get_object()
        links = selectors.campaign_links(campaign, request.user)
        entries = selectors.campaign_timeline(campaign, links)
        return APIResponse(serializers.TimelineEntrySerializer(entries, many=True).data)

    @extend_schema(
        responses={
            (200, DOCX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("The brief as a Word file.")
            )
        },
        summary=_("The brief, as a Word file"),
    )
    @action(detail=True, pagination_class=None)
    def brief(self, request, slug=None):
        return docx_response(self.get_object(), request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "like",
                {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                description=_("Recommendations like this one; else like any linked one."),
            ),
            OpenApiParameter(
                "limit",
                {"type": "integer", "minimum": 1, "maximum": SUGGESTIONS_MAX},
                description=_("How many, at most 50 (5 by default)."),
            ),
        ],
        responses=serializers.SuggestionSerializer(many=True),
        summary=_("Recommendations that say the same thing"),
        methods=["GET"],
    )
    @extend_schema(
        request=serializers.SuggestionVerdictSerializer,
        responses={204: None},
        summary=_("Accept (link) or dismiss a suggestion"),
        methods=["POST"],
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def suggestions(self, request, slug=None):
        campaign = self.get_object()
        if request.method == "POST":
            return self._decide(request, campaign)
        like = self._recommendation(request.query_params.get("like"), "like")
        limit = _whole_number(request.query_params.get("limit", "5"), "limit", SUGGESTIONS_MAX)
        self.expensive_read_check()
        found = selectors.suggestions(campaign, like=like, limit=limit)
        return APIResponse(
            serializers.SuggestionSerializer(
                found, many=True, context=self.get_serializer_context()
            ).data
        )

    def _decide(self, request, campaign):
        if not Campaign.objects.staffed_by(request.user).filter(pk=campaign.pk).exists():
            raise PermissionDenied(_("Only the campaign's staff decide on its suggestions."))
        verdict = serializers.SuggestionVerdictSerializer(data=request.data)
        verdict.is_valid(raise_exception=True)
        data = verdict.validated_data
        recommendation = self._recommendation(data["recommendation"], "recommendation")
        like = self._recommendation(data.get("like"), "like")
        if like and not campaign.links.filter(recommendation=like).exists():
            raise ValidationError({"like": [_("Not a recommendation this campaign links.")]})
        if data["verdict"] == SuggestionVerdict.ACCEPTED:
            services.suggestion_accept(
                campaign=campaign,
                recommendation=recommendation,
                like=like,
                note=data.get("note", ""),
                user=request.user,
            )
        else:
            services.suggestion_dismiss(
                campaign=campaign, recommendation=recommendation, user=request.user
            )
        return APIResponse(status=204)

    @staticmethod
    def _recommendation(value, name: str) -> Recommendation | None:
        """The recommendation a parameter names; a 400 naming it when there is none."""
        if value in (None, ""):
            return None
        number = _whole_number(str(value), name, ID_MAX)
        recommendation = Recommendation.objects.filter(pk=number).first()
        if recommendation is None:
            raise ValidationError(
                {name: [_("No recommendation with the pk %(missing)s.") % {"missing": number}]}
            )
        return recommendation


def _whole_number(value: str, name: str, maximum: int) -> int:
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= maximum:
        raise ValidationError({name: [_("A whole number from 1 to %(max)d.") % {"max": maximum}]})
    return int(value)
