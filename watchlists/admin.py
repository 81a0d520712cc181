"""Watchlists in the admin: every staff member keeps their own (as their reminder
preference); superusers, who hold the models' permissions, see and change everyone's and
the public visitors' subscriptions. Writes go through watchlists.services."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from recommendations.admin import adopt, form_values
from watchlists import links, services
from watchlists.models import Subscription, Watchlist, WatchlistEvent


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


@admin.register(Watchlist)
class WatchlistAdmin(OwnRowsAdmin):
    list_display = ["name", "owner", "resource", "query", "language", "checked_up_to"]
    list_filter = ["resource", "language"]
    search_fields = ["name", "query", "owner__username"]
    list_select_related = ["owner"]
    readonly_fields = ["calendar_feed", "checked_up_to", "created_at"]
    actions = ["calendar_token_regenerate"]

    def has_change_permission(self, request, obj=None):
        return self._manages_all(request, "change") or self._own(request, obj)

    def has_add_permission(self, request):
        return request.user.is_staff

    def has_delete_permission(self, request, obj=None):
        return self._manages_all(request, "delete") or self._own(request, obj)

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

    def delete_queryset(self, request, queryset):
        for watchlist in queryset:
            self.delete_model(request, watchlist)

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
