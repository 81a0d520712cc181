from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from recommendations.api.views import ID, MethodFirstMixin, ServiceWriteMixin, written_as
from watchlists import selectors, services, webhooks
from watchlists.api import serializers
from watchlists.models import Watchlist, WebhookEndpoint


@written_as(serializers.WatchlistWriteSerializer, serializers.WatchlistSerializer)
class WatchlistViewSet(MethodFirstMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    endpoint_description = _(
        "Your watchlists: saved queries of the recommendations or targets list, checked by "
        "the same filters. Each reports what moves on it by e-mail and in a private "
        "calendar feed. You see and change only your own."
    )
    queryset = Watchlist.objects.all()
    serializer_class = serializers.WatchlistSerializer
    write_serializer_class = serializers.WatchlistWriteSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = None
    lookup_value_regex = ID

    def get_queryset(self):
        return selectors.watchlists_of(self.request.user)

    def create_row(self, data):
        return services.watchlist_create(owner=self.request.user, user=self.request.user, **data)

    def update_row(self, row, data):
        return services.watchlist_update(watchlist=row, user=self.request.user, **data)

    def delete_row(self, row):
        services.watchlist_delete(watchlist=row, user=self.request.user)

    # Named as every detail action is (recommendations/api/schema.py links a created row
    # to `<resource>_<action>_retrieve`), though it answers a page of events.
    @extend_schema(
        responses=serializers.WatchlistEventSerializer(many=True),
        summary=_("What the sweep recorded, newest first"),
        operation_id="watchlists_events_retrieve",
    )
    @action(detail=True)
    def events(self, request, pk=None):
        events = selectors.watchlist_events(self.get_object())
        page = self.paginate_queryset(events)
        data = serializers.WatchlistEventSerializer(page, many=True).data
        return self.get_paginated_response(data)

    @extend_schema(
        request=None,
        responses=serializers.WatchlistSerializer,
        summary=_("A new secret calendar address; the old one stops working"),
    )
    @action(detail=True, methods=["post"], url_path="calendar-token")
    def calendar_token(self, request, pk=None):
        watchlist = services.watchlist_calendar_token_regenerate(watchlist=self.get_object())
        return self._answer(watchlist)


@extend_schema_view(
    create=extend_schema(
        request=serializers.WebhookEndpointWriteSerializer,
        responses={201: serializers.WebhookEndpointSecretSerializer},
    ),
    update=extend_schema(
        request=serializers.WebhookEndpointWriteSerializer,
        responses=serializers.WebhookEndpointSerializer,
    ),
    partial_update=extend_schema(
        request=serializers.WebhookEndpointWriteSerializer,
        responses=serializers.WebhookEndpointSerializer,
    ),
)
class WebhookEndpointViewSet(MethodFirstMixin, ServiceWriteMixin, viewsets.ModelViewSet):
    endpoint_description = _(
        "Your watchlists' webhook endpoints: each posts its watchlist's events to a URL, "
        "signed as the Standard Webhooks specification says. The secret is shown once, when "
        "the endpoint is made or its secret rotated. You see and change only your own."
    )
    queryset = WebhookEndpoint.objects.all()
    serializer_class = serializers.WebhookEndpointSerializer
    write_serializer_class = serializers.WebhookEndpointWriteSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = None
    lookup_value_regex = ID

    def get_queryset(self):
        return selectors.webhook_endpoints_of(self.request.user)

    def _answer(self, row, **kwargs):
        if self.action not in ("create", "secret"):
            return super()._answer(row, **kwargs)
        data = serializers.WebhookEndpointSecretSerializer(
            row, context=self.get_serializer_context()
        ).data
        return Response(data, **kwargs)

    def create_row(self, data):
        return webhooks.endpoint_create(**data)

    def update_row(self, row, data):
        return webhooks.endpoint_update(endpoint=row, **data)

    def delete_row(self, row):
        webhooks.endpoint_delete(endpoint=row)

    @extend_schema(
        request=None,
        responses=serializers.WebhookEndpointSecretSerializer,
        summary=_("A new secret; deliveries are signed with it from now on"),
    )
    @action(detail=True, methods=["post"])
    def secret(self, request, pk=None):
        endpoint = webhooks.endpoint_secret_rotate(endpoint=self.get_object())
        return self._answer(endpoint)
