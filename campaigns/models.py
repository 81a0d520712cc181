"""A campaign: one demand followed across every mechanism that made it, the actors it
watches for silence, and what its editors decided about suggested recommendations.

The campaign's asks are not a model of their own: an NGO's demand is a `Recommendation`
issued by the organisations that signed the letter (its `Document`), addressed to a state or
a body with a deadline (`Target.response_due`), answered by `Response`s and reminded like any
other. The asks of a campaign are the linked recommendations its organisations issued
(selectors.campaign_asks), grouped by the letter or statement that made them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.choices import Mention, SuggestionVerdict


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CampaignQuerySet":
        """What `user` may see: public campaigns, and the private ones they staff (all of
        them for a superuser). The one rule every page, API answer and export calls."""
        if user is not None and user.is_active and user.is_superuser:
            return self
        if user is None or not user.is_authenticated:
            return self.filter(public=True)
        return self.filter(Q(public=True) | Q(staff=user)).distinct()

    def staffed_by(self, user) -> "CampaignQuerySet":
        """What `user` may change: the campaigns they staff (all of them for a superuser)."""
        if user.is_active and user.is_superuser:
            return self
        return self.filter(staff=user)


class Campaign(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    goal = models.TextField(_("goal"), help_text=_("The demand, as the campaign states it."))
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Public campaigns are visible to everyone; private ones to their staff."),
    )
    states = models.ManyToManyField(
        "recommendations.State",
        blank=True,
        related_name="campaigns",
        verbose_name=_("states addressed"),
    )
    bodies = models.ManyToManyField(
        "recommendations.Body",
        blank=True,
        related_name="campaigns",
        verbose_name=_("bodies addressed"),
    )
    themes = models.ManyToManyField(
        "recommendations.Theme", blank=True, related_name="campaigns", verbose_name=_("themes")
    )
    organizations = models.ManyToManyField(
        "recommendations.Organization",
        blank=True,
        related_name="campaigns",
        verbose_name=_("organizations running it"),
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="campaigns",
        verbose_name=_("staff"),
        help_text=_("They see a private campaign, change it and receive its silence alerts."),
    )
    watched_states = models.ManyToManyField(
        "recommendations.State",
        blank=True,
        related_name="watching_campaigns",
        verbose_name=_("states watched for silence"),
    )
    watched_bodies = models.ManyToManyField(
        "recommendations.Body",
        blank=True,
        related_name="watching_campaigns",
        verbose_name=_("bodies watched for silence"),
    )
    silence_alert_days = models.PositiveIntegerField(
        _("silence alert after (days)"),
        default=365,
        help_text=_("Alert the staff when a watched actor has said nothing for this long."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class CampaignLink(models.Model):
    """A recommendation the campaign follows, from any mechanism, and why it matters."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="links", verbose_name=_("campaign")
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.CASCADE,
        related_name="campaign_links",
        verbose_name=_("recommendation"),
    )
    note = models.TextField(_("why it matters"), blank=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "recommendation__issued_on", "pk"]
        verbose_name = _("linked recommendation")
        verbose_name_plural = _("linked recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "recommendation"], name="campaign_link_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.recommendation}"


class SuggestionDecision(models.Model):
    """An editor's answer to a suggested recommendation: accepted (then linked) or
    dismissed (then never suggested again to this campaign)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("campaign")
    )
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recommendation"),
    )
    verdict = models.CharField(_("verdict"), max_length=16, choices=SuggestionVerdict.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion decision")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "recommendation"], name="suggestion_decision_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recommendation}: {self.get_verdict_display()}"


class MentionReview(models.Model):
    """An editor's reading of one document by a watched actor: does it mention the demand,
    does it name the state, and where."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("campaign")
    )
    document = models.ForeignKey(
        "recommendations.Document",
        on_delete=models.CASCADE,
        related_name="mention_reviews",
        verbose_name=_("document"),
    )
    mentions = models.CharField(_("mentions the demand"), max_length=8, choices=Mention.choices)
    names_state = models.BooleanField(_("names the state"), default=False)
    quote = models.TextField(_("quote"), blank=True)
    paragraph = models.CharField(_("paragraph"), max_length=50, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "document__date", "pk"]
        verbose_name = _("silence review")
        verbose_name_plural = _("silence reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "document"], name="mention_review_unique_document"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document}: {self.get_mentions_display()}"


class SilenceAlert(models.Model):
    """A watched actor silent past the campaign's threshold, told to each staff member once:
    one row per actor, last word and recipient, so a sweep run twice records it once."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("campaign")
    )
    state = models.ForeignKey(
        "recommendations.State",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("state"),
    )
    body = models.ForeignKey(
        "recommendations.Body",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("body"),
    )
    last_spoke = models.DateField(_("last spoke"), null=True, blank=True)
    recipient = models.EmailField(_("recipient"))
    silent_days = models.PositiveIntegerField(_("silent for (days)"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("silence alert")
        verbose_name_plural = _("silence alerts")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__isnull=True) ^ Q(body__isnull=True),
                name="silence_alert_one_actor",
            ),
            models.UniqueConstraint(
                fields=["campaign", "state", "body", "last_spoke", "recipient"],
                nulls_distinct=False,
                name="silence_alert_once_per_last_word",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.actor}"

    @property
    def actor(self):
        return self.state or self.body
