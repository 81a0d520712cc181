"""The campaigns in the admin: a private campaign is listed and shown to its staff only, and
changed by them; the change page shows its scorecard, silence table and suggestions, and
links to its brief. Writes go through campaigns.services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from campaigns import selectors, services
from campaigns.choices import SuggestionVerdict
from campaigns.models import Campaign, CampaignLink, MentionReview, SilenceAlert
from recommendations.admin import WRITES, ServiceWritesAdmin, Writes
from recommendations.models import Recommendation

WRITES.update(
    {
        Campaign: Writes(
            services.campaign_create,
            services.campaign_update,
            services.campaign_delete,
            "campaign",
        ),
        CampaignLink: Writes(
            services.link_create, services.link_update, services.link_delete, "link"
        ),
        MentionReview: Writes(
            services.mention_review_create,
            services.mention_review_update,
            services.mention_review_delete,
            "review",
        ),
    }
)


class CampaignLinkInline(admin.TabularInline):
    model = CampaignLink
    extra = 0
    autocomplete_fields = ["recommendation"]
    fields = ["recommendation", "note"]


class MentionReviewInline(admin.StackedInline):
    model = MentionReview
    extra = 0
    autocomplete_fields = ["document"]
    fields = ["document", "mentions", "names_state", "quote", "paragraph"]


@admin.register(Campaign)
class CampaignAdmin(ServiceWritesAdmin, SimpleHistoryAdmin):
    list_display = ["name", "public", "silence_alert_days"]
    list_filter = ["public"]
    search_fields = ["name", "goal"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = [
        "states",
        "bodies",
        "themes",
        "organizations",
        "staff",
        "watched_states",
        "watched_bodies",
    ]
    inlines = [CampaignLinkInline, MentionReviewInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "goal", "public", "staff"]}),
        (_("What it addresses"), {"fields": ["states", "bodies", "themes", "organizations"]}),
        (
            _("Silence"),
            {"fields": ["watched_states", "watched_bodies", "silence_alert_days"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_view_permission(self, request, obj=None):
        # Every page of one campaign asks this, its history's too, which finds a private
        # campaign through its history records when get_queryset() hides it.
        allowed = super().has_view_permission(request, obj)
        return allowed and (
            obj is None or Campaign.objects.visible_to(request.user).filter(pk=obj.pk).exists()
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._staffs(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self._staffs(request, obj))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a reverting POST on the view permission alone: only the
        # campaign's staff change it, from whichever page.
        if request.method == "POST":
            campaign = (
                Campaign.objects.filter(pk=object_id).first() if object_id.isdigit() else None
            )
            if campaign is None or not self.has_change_permission(request, campaign):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    @staticmethod
    def _staffs(request, campaign: Campaign) -> bool:
        return Campaign.objects.staffed_by(request.user).filter(pk=campaign.pk).exists()

    def get_urls(self):
        return [
            path(
                "<int:campaign_id>/suggestions/<int:recommendation_id>/<str:verdict>/",
                self.admin_site.admin_view(self.suggestion_decide),
                name="campaigns_campaign_suggestion",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        campaign = self.get_object(request, object_id)
        if (
            campaign is not None
            and request.method == "GET"
            and self.has_view_or_change_permission(request, campaign)
        ):
            links = selectors.campaign_links(campaign, request.user)
            extra_context = {
                **(extra_context or {}),
                "scorecard": selectors.campaign_scorecard(campaign, links),
                "silence": selectors.campaign_silence(campaign, reader=request.user),
                "asks": selectors.campaign_asks(campaign, links),
                "suggestions": selectors.suggestions(campaign),
                "may_decide": self._staffs(request, campaign),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def suggestion_decide(self, request, campaign_id: int, recommendation_id: int, verdict: str):
        campaign = get_object_or_404(self.get_queryset(request), pk=campaign_id)
        if not self.has_view_or_change_permission(request, campaign):
            raise PermissionDenied
        if request.method != "POST" or verdict not in SuggestionVerdict.values:
            return redirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
        if not self._staffs(request, campaign):
            self.message_user(
                request, _("Only the campaign's staff decide on its suggestions."), messages.ERROR
            )
        else:
            recommendation = get_object_or_404(Recommendation, pk=recommendation_id)
            if verdict == SuggestionVerdict.ACCEPTED:
                services.suggestion_accept(
                    campaign=campaign, recommendation=recommendation, user=request.user
                )
                self.message_user(request, _("Linked to the campaign."))
            else:
                services.suggestion_dismiss(
                    campaign=campaign, recommendation=recommendation, user=request.user
                )
                self.message_user(request, _("Dismissed: it will not be suggested again."))
        return redirect(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))


@admin.register(SilenceAlert)
class SilenceAlertAdmin(admin.ModelAdmin):
    list_display = ["campaign", "actor", "last_spoke", "silent_days", "recipient", "sent_at"]
    list_filter = ["sent_at"]
    list_select_related = ["campaign", "state", "body"]

    def get_queryset(self, request):
        # The recipients' addresses are the staff's own business, public campaign or not.
        return (
            super()
            .get_queryset(request)
            .filter(campaign__in=Campaign.objects.staffed_by(request.user))
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
