"""The watchlists as their owner reads and writes them through the API."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recommendations.api.serializers import TrackerModelSerializer
from watchlists import links
from watchlists.models import Watchlist, WatchlistEvent, WebhookEndpoint

SUBSCRIBED_HELP = _("Whether the owner receives its events in an e-mail digest.")


class WatchlistSerializer(TrackerModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:watchlist-detail")
    subscribed = serializers.BooleanField(read_only=True, help_text=SUBSCRIBED_HELP)
    calendar_url = serializers.SerializerMethodField(
        help_text=_("The private iCalendar feed: keep it secret; regenerate it to revoke it.")
    )

    class Meta:
        model = Watchlist
        fields = [
            "id",
            "api_url",
            "name",
            "language",
            "resource",
            "query",
            "deadline_days",
            "subscribed",
            "calendar_url",
            "checked_up_to",
            "created_at",
        ]
        read_only_fields = ["checked_up_to", "created_at"]

    @extend_schema_field(serializers.URLField())
    def get_calendar_url(self, watchlist) -> str:
        return links.calendar_url(watchlist)


class WatchlistWriteSerializer(TrackerModelSerializer):
    subscribed = serializers.BooleanField(required=False, help_text=SUBSCRIBED_HELP)

    class Meta:
        model = Watchlist
        fields = ["name", "language", "resource", "query", "deadline_days", "subscribed"]


class WatchlistEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = WatchlistEvent
        fields = [
            "id",
            "kind",
            "occurred_on",
            "deadline",
            "recommendation",
            "target",
            "calendar_event",
            "payload",
            "created_at",
        ]


class WebhookEndpointSerializer(TrackerModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:webhook-detail")

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "api_url",
            "watchlist",
            "url",
            "enabled",
            "disabled_reason",
            "failures_in_row",
            "failing_since",
            "created_at",
        ]
        read_only_fields = fields


class WebhookEndpointSecretSerializer(WebhookEndpointSerializer):
    """The answer to a creation or a rotation: the only time the secret is shown."""

    secret = serializers.CharField(
        read_only=True,
        help_text=_("Verify the signatures with it (Standard Webhooks); it is shown only now."),
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookEndpointWriteSerializer(TrackerModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["watchlist", "url", "enabled"]

    def get_fields(self):
        fields = super().get_fields()
        # One of the user's own watchlists; another's is "does not exist", as in the API.
        # (The schema is generated with no user.)
        reader = self.reader()
        fields["watchlist"].queryset = (
            Watchlist.objects.filter(owner=reader)
            if reader is not None and reader.is_authenticated
            else Watchlist.objects.none()
        )
        return fields
