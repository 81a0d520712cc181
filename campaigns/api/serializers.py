"""The campaign as the API answers it. Its staff are never shown: who works on a campaign
is the organisations' business, and their addresses are private."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns import selectors
from campaigns.choices import SuggestionVerdict
from campaigns.models import Campaign, CampaignLink
from recommendations.api.filters import ID_MAX
from recommendations.api.serializers import IdentityLink, ReaderMixin, TrackerModelSerializer


class CampaignLinkSerializer(ReaderMixin, serializers.ModelSerializer):
    recommendation_url = IdentityLink(
        view_name="api:recommendation-detail", source="recommendation", read_only=True
    )
    citation = serializers.SerializerMethodField(help_text=_("Symbol and paragraph."))

    class Meta:
        model = CampaignLink
        fields = ["recommendation", "recommendation_url", "citation", "note"]

    def get_citation(self, link) -> str:
        return selectors.citation(self.shown(link.recommendation))


class CampaignSummarySerializer(TrackerModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:campaign-detail", lookup_field="slug"
    )

    class Meta:
        model = Campaign
        fields = ["slug", "api_url", "name", "goal", "public"]


class CampaignSerializer(TrackerModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:campaign-detail", lookup_field="slug"
    )
    states = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    bodies = serializers.SlugRelatedField(slug_field="acronym", many=True, read_only=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    organizations = serializers.StringRelatedField(many=True, read_only=True)
    watched_states = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    watched_bodies = serializers.SlugRelatedField(slug_field="acronym", many=True, read_only=True)
    links = CampaignLinkSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "slug",
            "api_url",
            "name",
            "goal",
            "public",
            "states",
            "bodies",
            "themes",
            "organizations",
            "watched_states",
            "watched_bodies",
            "silence_alert_days",
            "links",
        ]


class ScoreTargetSerializer(serializers.Serializer):
    recommendation = serializers.IntegerField(source="recommendation_id")
    citation = serializers.SerializerMethodField()
    status = serializers.CharField(source="today_status")

    def get_citation(self, target) -> str:
        return selectors.citation(target.recommendation)


class AddresseeScoreSerializer(serializers.Serializer):
    addressee = serializers.SerializerMethodField()
    addressee_type = serializers.SerializerMethodField()
    sentence = serializers.CharField(help_text=_("The scorecard in one quotable sentence."))
    recommendations = serializers.SerializerMethodField()
    mechanisms = serializers.IntegerField()
    since = serializers.IntegerField(allow_null=True)
    positions = serializers.DictField(child=serializers.IntegerField())
    implemented = serializers.IntegerField()
    targets = ScoreTargetSerializer(many=True)

    def get_addressee(self, score) -> str:
        return getattr(score.addressee, "code", None) or score.addressee.acronym

    def get_addressee_type(self, score) -> str:
        return "state" if hasattr(score.addressee, "code") else "body"

    def get_recommendations(self, score) -> int:
        return len(score.targets)


class ScorecardSerializer(serializers.Serializer):
    addressees = AddresseeScoreSerializer(many=True)
    mechanisms = serializers.DictField(
        child=serializers.IntegerField(), help_text=_("Recommendations per issuing mechanism.")
    )
    asks = serializers.IntegerField(help_text=_("The campaign's own asks, counted apart."))


class WordSerializer(serializers.Serializer):
    date = serializers.DateField(allow_null=True)
    label = serializers.CharField()
    symbol = serializers.CharField()
    spoke = serializers.BooleanField()
    mentions = serializers.CharField()
    names_state = serializers.BooleanField()
    quote = serializers.CharField()
    paragraph = serializers.CharField()
    note = serializers.CharField()


class ActorSilenceSerializer(serializers.Serializer):
    actor = serializers.CharField(source="key")
    actor_type = serializers.CharField(source="kind")
    name = serializers.SerializerMethodField()
    last_spoke = serializers.DateField(allow_null=True)
    silent_since_count = serializers.IntegerField(
        help_text=_("Occasions since the last word (or ever) without a word on the demand.")
    )
    words = WordSerializer(many=True)

    def get_name(self, actor) -> str:
        return actor.actor.localized_name()


class TimelineEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=selectors.TIMELINE_KINDS)
    label = serializers.CharField()
    detail = serializers.CharField()


class SuggestionSerializer(ReaderMixin, serializers.Serializer):
    id = serializers.IntegerField()
    api_url = IdentityLink(view_name="api:recommendation-detail", read_only=True)
    citation = serializers.SerializerMethodField()
    issued_by = serializers.CharField(source="issued_by.acronym", default=None, allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    text = serializers.CharField()
    score = serializers.FloatField()

    @extend_schema_field(serializers.CharField())
    def get_citation(self, recommendation) -> str:
        return selectors.citation(self.shown(recommendation))


class SuggestionVerdictSerializer(serializers.Serializer):
    recommendation = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    verdict = serializers.ChoiceField(choices=SuggestionVerdict.choices)
    like = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        required=False,
        help_text=_("The linked recommendation it was suggested as like: then a reiteration."),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)
