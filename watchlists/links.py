"""The links a watchlist's e-mails and pages carry: signed (django.core.signing), so the link
alone is the proof, with no login and nothing stored. An unsubscribe link never expires (an
old digest's link must still work); a confirmation link expires after a week."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from watchlists.models import Subscription, Watchlist

CONFIRM_SALT = "watchlists.subscription.confirm"
UNSUBSCRIBE_SALT = "watchlists.subscription.unsubscribe"
CONFIRMATION_MAX_AGE = timedelta(days=7)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def confirm_url(subscription: Subscription) -> str:
    token = signing.dumps(subscription.pk, salt=CONFIRM_SALT, compress=True)
    return _absolute(reverse("watchlists:confirm", args=[token]))


def unsubscribe_url(subscription: Subscription) -> str:
    token = signing.dumps(subscription.pk, salt=UNSUBSCRIBE_SALT, compress=True)
    return _absolute(reverse("watchlists:unsubscribe", args=[token]))


def calendar_url(watchlist: Watchlist) -> str:
    return _absolute(reverse("watchlists:calendar", args=[watchlist.calendar_token]))


def public_page_url(recommendation_id: int | None) -> str:
    if recommendation_id is None:
        return _absolute(reverse("website:home"))
    return _absolute(reverse("website:recommendation", args=[recommendation_id]))


def confirm_token_subscription_id(token: str) -> int | None:
    """The subscription a confirmation link names, or None for a forged or expired one."""
    try:
        return signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None


def unsubscribe_token_subscription_id(token: str) -> int | None:
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
