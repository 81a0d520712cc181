"""A watchlist is a saved search: a query string of the API's recommendation or target list,
validated by the same FilterSet. A sweep records what moves on it as `WatchlistEvent` rows,
once each (a unique key); the e-mail digests, the iCalendar feed and, later, webhook
deliveries read those rows.

Who hears of it: each `Subscription`, an address with its language. The owner's is made with
the watchlist and needs no confirmation; a public visitor's waits for the link of the
confirmation e-mail (double opt-in). Whoever reads it, an event carries public fields only
(recommendations/visibility.py), so an e-mail, a feed or a webhook can show it to anyone.

A `WebhookEndpoint` posts a watchlist's events to a URL; each (endpoint, event) pair is one
`WebhookDelivery` row, the queue and the log of its attempts (watchlists/webhooks.py).
"""

import base64
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from watchlists.choices import CalendarItemKind, DeliveryStatus, Resource, WatchlistEventKind

CALENDAR_TOKEN_BYTES = 32
# Standard Webhooks: the secret is `whsec_` and the base64 of 24 to 64 random bytes.
WEBHOOK_SECRET_BYTES = 32


def new_calendar_token() -> str:
    return secrets.token_urlsafe(CALENDAR_TOKEN_BYTES)


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(WEBHOOK_SECRET_BYTES)).decode()


class Watchlist(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="watchlists",
        verbose_name=_("owner"),
        help_text=_("Empty: saved by a public visitor, who follows it by e-mail."),
    )
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(
        _("language"),
        max_length=16,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of its e-mails and of its calendar."),
    )
    resource = models.CharField(
        _("list"), max_length=20, choices=Resource.choices, default=Resource.RECOMMENDATIONS
    )
    query = models.CharField(
        _("query"),
        max_length=2000,
        help_text=_(
            "The API list's query string, e.g. state=CHN&theme=non-refoulement; checked by "
            "the same filters as the API."
        ),
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("deadlines within (days)"),
        default=30,
        help_text=_("Report response and follow-up deadlines and UN events this many days ahead."),
    )
    # The sweep's watermark: everything written up to it has been looked at. A sweep reads
    # from a little before it (selectors.SWEEP_LOOKBACK), so a write committed late is seen.
    checked_up_to = models.DateTimeField(_("checked up to"), default=timezone.now)
    calendar_token = models.CharField(
        _("calendar token"),
        max_length=64,
        unique=True,
        default=new_calendar_token,
        editable=False,
        help_text=_("The secret part of the calendar feed's address; regenerate to revoke it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("watchlist")
        verbose_name_plural = _("watchlists")
        constraints = [
            # A public visitor's search is saved once; each address subscribes to it.
            models.UniqueConstraint(
                fields=["resource", "query", "language"],
                condition=Q(owner__isnull=True),
                name="watchlist_public_query_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Imported here: selectors reads this module.
        from watchlists.selectors import query_errors

        if self.query is not None and self.resource in Resource.values:
            errors = query_errors(resource=self.resource, query=self.query)
            if errors:
                raise ValidationError({"query": errors})


class SubscriptionQuerySet(models.QuerySet):
    def active(self) -> "SubscriptionQuerySet":
        """Confirmed and not unsubscribed: those the digests go to."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def claimable(self, *, claim: str, stale_before) -> "SubscriptionQuerySet":
        """Free, already this delivery's (a retry), or held by a delivery that died."""
        return self.filter(Q(claimed_by="") | Q(claimed_by=claim) | Q(claimed_at__lt=stale_before))


class Subscription(models.Model):
    """An address that hears of a watchlist's events by e-mail."""

    watchlist = models.ForeignKey(
        Watchlist,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("watchlist"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="watchlist_subscriptions",
        verbose_name=_("user"),
        help_text=_("The owner's own subscription; empty for a public visitor's."),
    )
    email = models.EmailField(_("e-mail"))
    language = models.CharField(
        _("language"), max_length=16, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    # The digest's watermark: the events up to this id have been e-mailed. Events of a
    # watchlist are recorded under its lock, so their ids only grow in commit order.
    emailed_up_to = models.BigIntegerField(_("e-mailed up to event"), default=0, editable=False)
    last_emailed_at = models.DateTimeField(_("last e-mailed at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=255, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True, editable=False)
    attempts = models.PositiveIntegerField(_("attempts"), default=0, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["watchlist", "email"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["watchlist", "email"], name="subscription_unique"),
        ]
        indexes = [
            # The digest sweep (services.digests_due) reads the active subscriptions.
            models.Index(
                fields=["watchlist"],
                condition=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
                name="subscription_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.watchlist}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class WatchlistEvent(models.Model):
    """Something that moved on a watchlist, recorded once by the sweep.

    Generic on purpose, for whatever delivers it (the digest, a webhook's delivery log): the
    kind, the rows it is about, and a payload of public fields, written when it is recorded,
    that is the whole message.
    """

    watchlist = models.ForeignKey(
        Watchlist, on_delete=models.CASCADE, related_name="events", verbose_name=_("watchlist")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=WatchlistEventKind.choices)
    # The row the kind is about: the recommendation, the response, the assessment, the
    # target's history record (a status change), the target (a deadline), the UN event.
    subject_id = models.BigIntegerField(_("subject id"))
    # Deadline kinds only: the date reported. A moved deadline is news again; the others
    # are reported once, whatever their dates do later.
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("recommendation"),
    )
    target = models.ForeignKey(
        "recommendations.Target",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("target"),
    )
    calendar_event = models.ForeignKey(
        "recommendations.Event",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("UN calendar event"),
    )
    occurred_on = models.DateField(_("occurred on"))
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("watchlist event")
        verbose_name_plural = _("watchlist events")
        constraints = [
            models.UniqueConstraint(
                fields=["watchlist", "kind", "subject_id", "deadline"],
                nulls_distinct=False,
                name="watchlist_event_once",
            ),
        ]
        indexes = [
            # The digests read a watchlist's events past a subscription's watermark.
            models.Index(fields=["watchlist", "id"], name="watchlist_event_by_id"),
        ]

    def __str__(self) -> str:
        return f"{self.watchlist}: {self.get_kind_display()} ({self.occurred_on})"


class CalendarEntry(models.Model):
    """One dated item of a watchlist's iCalendar feed, with the state a calendar client needs
    to follow it: a UID that never changes, a SEQUENCE raised at every change, and a
    cancellation when the item goes away."""

    watchlist = models.ForeignKey(
        Watchlist,
        on_delete=models.CASCADE,
        related_name="calendar_entries",
        verbose_name=_("watchlist"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=CalendarItemKind.choices)
    # The target (a due date) or the UN event.
    subject_id = models.BigIntegerField(_("subject id"))
    date = models.DateField(_("date"))
    sequence = models.PositiveIntegerField(_("sequence"), default=0)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("calendar entry")
        verbose_name_plural = _("calendar entries")
        constraints = [
            models.UniqueConstraint(
                fields=["watchlist", "kind", "subject_id"], name="calendar_entry_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"

    def uid(self) -> str:
        """Stable for the life of the item, whatever its date or its watchlist's token."""
        host = urlsplit(settings.SITE_URL).hostname or "localhost"
        return f"watchlist-{self.watchlist_id}-{self.kind}-{self.subject_id}@{host}"


class WebhookEndpoint(models.Model):
    """A URL a watchlist posts its events to, signed with the endpoint's own secret."""

    watchlist = models.ForeignKey(
        Watchlist,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("watchlist"),
    )
    url = models.URLField(
        _("URL"),
        max_length=2000,
        help_text=_("Where the events are posted; https, on a public address."),
    )
    secret = models.CharField(
        _("secret"), max_length=100, default=new_webhook_secret, editable=False
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    disabled_reason = models.TextField(_("why disabled"), blank=True)
    failures_in_row = models.PositiveIntegerField(_("failures in a row"), default=0)
    # The first failure of the current run of failures; empty once a delivery succeeds.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    # The queue's watermark: deliveries exist for the watchlist's events up to this id.
    # Events of a watchlist get ids in commit order (recorded under its lock), so the
    # events past it are exactly those not queued yet.
    queued_up_to = models.BigIntegerField(_("queued up to event"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["watchlist", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        # Imported here: webhooks reads this module.
        from watchlists.webhooks import url_errors

        if self.url:
            errors = url_errors(self.url)
            if errors:
                raise ValidationError({"url": errors})


class WebhookDeliveryQuerySet(models.QuerySet):
    def due(self, *, now, stale_before) -> "WebhookDeliveryQuerySet":
        """Pending, due, on an enabled endpoint, and free or held by a delivery that died."""
        return self.filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale_before),
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=now,
            endpoint__enabled=True,
        )


class WebhookDelivery(models.Model):
    """One event for one endpoint: queued once, attempted until delivered or given up."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    # An event goes only with what it was about (a deleted recommendation, target or user);
    # its deliveries go with it, so no deletion is ever refused for a log line.
    event = models.ForeignKey(
        WatchlistEvent, on_delete=models.CASCADE, related_name="+", verbose_name=_("event")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    response_code = models.PositiveSmallIntegerField(_("last response code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # Set by the delivery that is posting it; a claim older than WEBHOOK_CLAIM_TIMEOUT
    # belongs to a delivery that died, and is taken back.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once"),
        ]
        indexes = [
            # The retry sweep (webhooks.deliveries_due) reads the pending rows by due time.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.endpoint} — {self.event_id}"

    def webhook_id(self) -> str:
        """The same for every attempt, so a receiver drops a repeat."""
        return f"evt_{self.event_id}"
