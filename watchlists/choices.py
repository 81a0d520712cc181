from django.db import models
from django.utils.translation import gettext_lazy as _


class Resource(models.TextChoices):
    """The API list whose query a watchlist saves, and whose FilterSet validates it."""

    RECOMMENDATIONS = "recommendations", _("Recommendations")
    TARGETS = "targets", _("Targets")


class WatchlistEventKind(models.TextChoices):
    """What a watchlist reports; each has one finder in selectors.py."""

    NEW_RECOMMENDATION = "new_recommendation", _("New recommendation")
    NEW_RESPONSE = "new_response", _("New response")
    NEW_ASSESSMENT = "new_assessment", _("New assessment")
    STATUS_CHANGED = "status_changed", _("Status changed")
    RESPONSE_DUE = "response_due", _("Response due soon")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due soon")
    UN_EVENT = "un_event", _("UN calendar event soon")


class CalendarItemKind(models.TextChoices):
    """The dated items of a watchlist's iCalendar feed."""

    RESPONSE_DUE = "response_due", _("Response due")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
    UN_EVENT = "un_event", _("UN calendar event")


class DeliveryStatus(models.TextChoices):
    """Where a webhook delivery stands: pending until the receiver answers 2xx or the last
    attempt fails."""

    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
