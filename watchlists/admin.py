"""Watchlists in the admin: every staff member keeps their own (as their reminder
preference); superusers, who hold the models' permissions, see and change everyone's and
the public visitors' subscriptions. Writes go through watchlists.services."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from recommendations.admin import adopt, form_values
from watchlists import links, services, webhooks
from watchlists.models import (
    Subscription,
    Watchlist,
    WatchlistEvent,
    WebhookDelivery,
    WebhookEndpoint,
)


class OwnRowsAdmin(admin.ModelAdmin):
    """Any staff member reaches their own rows; the model's permissions reach everyone's."""

    owner_path = "owner"

    def _manages_all(self, request, action: str) -> bool:
        return request.user.has_perm(f"watchlists.{action}_{self.model._meta.model_name}")

    def owner_id(self, obj) -> int | None:
        return obj.owner_id

    def _own(self, request, obj) -> bool:
        return request.user.is_staff and (obj is None or self.owner_id(obj) == request.user.pk)

    def has_module_permission(self, request):
        return request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self._manages_all(request, "view") or self._own(request, obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._manages_all(request, "view"):
            return queryset
        return queryset.filter(**{self.owner_path: request.user})


class OwnRowsWritableAdmin(OwnRowsAdmin):
    """Own rows any staff member adds, changes and deletes; deleted through a service, one
    at a time."""

    def has_change_permission(self, request, obj=None):
        return self._manages_all(request, "change") or self._own(request, obj)

    def has_add_permission(self, request):
        return request.user.is_staff

    def has_delete_permission(self, request, obj=None):
        return self._manages_all(request, "delete") or self._own(request, obj)

    def delete_queryset(self, request, queryset):
        for row in queryset:
            self.delete_model(request, row)


@admin.register(Watchlist)
class WatchlistAdmin(OwnRowsWritableAdmin):
    list_display = ["name", "owner", "resource", "query", "language", "checked_up_to"]
    list_filter = ["resource", "language"]
    search_fields = ["name", "query", "owner__username"]
    list_select_related = ["owner"]
    readonly_fields = ["calendar_feed", "checked_up_to", "created_at"]
    actions = ["calendar_token_regenerate"]

    def get_fields(self, request, obj=None):
        fields = ["name", "language", "resource", "query", "deadline_days"]
        if self._manages_all(request, "change"):
            fields = ["owner", *fields]
        return [*fields, *self.readonly_fields] if obj else fields

    @admin.display(description=_("calendar feed"))
    def calendar_feed(self, watchlist: Watchlist) -> str:
        url = links.calendar_url(watchlist)
        return format_html('<a href="{}">{}</a>', url, url)

    def save_model(self, request, obj, form, change):
        values = form_values(form)
        if change:
            adopt(obj, services.watchlist_update(watchlist=obj, user=request.user, **values))
            return
        owner = values.pop("owner", None) or request.user
        adopt(obj, services.watchlist_create(owner=owner, user=request.user, **values))

    def delete_model(self, request, obj):
        services.watchlist_delete(watchlist=obj, user=request.user)

    @admin.action(description=_("Regenerate the calendar address (the old one stops working)"))
    def calendar_token_regenerate(self, request, queryset):
        changed = 0
        for watchlist in queryset:
            if self.has_change_permission(request, watchlist):
                services.watchlist_calendar_token_regenerate(watchlist=watchlist)
                changed += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d calendar address regenerated.",
                "%(count)d calendar addresses regenerated.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS,
        )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Who receives what: addresses are personal data, for superusers only."""

    list_display = [
        "email",
        "watchlist",
        "confirmed_at",
        "unsubscribed_at",
        "last_emailed_at",
        "attempts",
        "last_error",
    ]
    list_filter = ["language"]
    search_fields = ["email", "watchlist__name"]
    list_select_related = ["watchlist"]
    readonly_fields = [
        "watchlist",
        "user",
        "email",
        "language",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
        "last_emailed_at",
        "emailed_up_to",
        "attempts",
        "last_error",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WatchlistEvent)
class WatchlistEventAdmin(OwnRowsAdmin):
    """What the sweep recorded: read only."""

    owner_path = "watchlist__owner"
    list_display = ["watchlist", "kind", "occurred_on", "deadline", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["watchlist"]
    readonly_fields = [
        "watchlist",
        "kind",
        "subject_id",
        "deadline",
        "recommendation",
        "target",
        "calendar_event",
        "occurred_on",
        "payload",
        "created_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def owner_id(self, obj) -> int | None:
        return obj.watchlist.owner_id


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(OwnRowsWritableAdmin):
    """The endpoints of one's own watchlists; the secret is shown on the endpoint's page to
    its owner only, for setting up the receiver."""

    owner_path = "watchlist__owner"
    list_display = ["url", "watchlist", "enabled", "failures_in_row", "failing_since"]
    list_filter = ["enabled"]
    list_select_related = ["watchlist"]
    readonly_fields = [
        "secret",
        "disabled_reason",
        "failures_in_row",
        "failing_since",
        "created_at",
    ]
    actions = ["endpoints_enable", "secrets_rotate"]

    def owner_id(self, obj) -> int | None:
        return obj.watchlist.owner_id

    def get_fields(self, request, obj=None):
        fields = ["watchlist", "url", "enabled"]
        return [*fields, *self.get_readonly_fields(request, obj)[1:]] if obj else fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # The secret signs the owner's deliveries: shown to them, not to whoever manages all.
        own = self._own(request, obj)
        return ["watchlist", *(name for name in self.readonly_fields if own or name != "secret")]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "watchlist" and not self._manages_all(request, "change"):
            kwargs["queryset"] = Watchlist.objects.filter(owner=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        values = form_values(form)
        if change:
            adopt(obj, webhooks.endpoint_update(endpoint=obj, **values))
            return
        adopt(obj, webhooks.endpoint_create(**values))

    def delete_model(self, request, obj):
        webhooks.endpoint_delete(endpoint=obj)

    def _changeable(self, request, queryset):
        return [row for row in queryset if self.has_change_permission(request, row)]

    @admin.action(description=_("Enable again (failures forgotten)"))
    def endpoints_enable(self, request, queryset):
        endpoints = self._changeable(request, queryset)
        for endpoint in endpoints:
            webhooks.endpoint_update(endpoint=endpoint, enabled=True)
        self.message_user(
            request,
            ngettext("%(count)d endpoint enabled.", "%(count)d endpoints enabled.", len(endpoints))
            % {"count": len(endpoints)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Rotate the secret (the old one stops working)"))
    def secrets_rotate(self, request, queryset):
        endpoints = self._changeable(request, queryset)
        for endpoint in endpoints:
            webhooks.endpoint_secret_rotate(endpoint=endpoint)
        self.message_user(
            request,
            ngettext("%(count)d secret rotated.", "%(count)d secrets rotated.", len(endpoints))
            % {"count": len(endpoints)},
            messages.SUCCESS,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OwnRowsAdmin):
    """Each delivery and what came of its last attempt: read only, and sent again on
    demand."""

    owner_path = "endpoint__watchlist__owner"
    list_display = [
        "event",
        "endpoint",
        "status",
        "attempts",
        "response_code",
        "duration_ms",
        "next_attempt_at",
        "delivered_at",
        "last_error",
    ]
    list_filter = ["status"]
    list_select_related = ["endpoint__watchlist", "event__watchlist"]
    readonly_fields = [
        "endpoint",
        "event",
        "status",
        "attempts",
        "response_code",
        "last_error",
        "duration_ms",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    ]
    actions = ["send_again"]

    def owner_id(self, obj) -> int | None:
        return obj.endpoint.watchlist.owner_id

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send again"), permissions=["view"])
    def send_again(self, request, queryset):
        # The queryset is the user's own rows (get_queryset), or everyone's for those who
        # may view them all.
        count = webhooks.deliveries_resend(delivery_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued to be sent again.",
                "%(count)d deliveries queued to be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
