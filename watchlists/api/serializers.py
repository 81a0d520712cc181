"""The watchlists as their owner reads and writes them through the API."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from recommendations.api.serializers import TrackerModelSerializer
from watchlists import links
from watchlists.models import Watchlist, WatchlistEvent

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
