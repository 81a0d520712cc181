"""The watchlists' e-mails, each in the subscription's language, three templates each: the
digest (with a one-click unsubscribe, RFC 8058) and the confirmation of a public visitor's
subscription. Everything shown comes from the events' payloads: public fields only."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from watchlists import links, messages
from watchlists.models import Subscription, WatchlistEvent, WebhookEndpoint


def _message(template: str, context: dict, *, to: str, headers=None) -> EmailMultiAlternatives:
    # One line, whatever the template's line breaks: a header cannot hold a newline.
    subject = " ".join(render_to_string(f"emails/{template}-subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject,
        render_to_string(f"emails/{template}-body.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers=headers,
    )
    message.attach_alternative(
        render_to_string(f"emails/{template}-body.html", context), "text/html"
    )
    return message


def digest_message(
    subscription: Subscription, events: list[WatchlistEvent]
) -> EmailMultiAlternatives:
    watchlist = subscription.watchlist
    unsubscribe = links.unsubscribe_url(subscription)
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    with translation.override(subscription.language):
        context = {
            "watchlist": watchlist,
            "items": [messages.event_item(event.kind, event.payload) for event in events],
            "count": len(events),
            "unsubscribe_url": unsubscribe,
            "calendar_url": links.calendar_url(watchlist),
        }
        return _message(
            "watchlist-digest",
            context,
            to=subscription.email,
            headers={
                # RFC 2369 and RFC 8058: a mail client's "unsubscribe" button POSTs
                # List-Unsubscribe=One-Click to the link, which needs no login.
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"<watchlist-{watchlist.pk}.{host}>",
            },
        )


def confirmation_message(subscription: Subscription) -> EmailMultiAlternatives:
    with translation.override(subscription.language):
        context = {
            "watchlist": subscription.watchlist,
            "confirm_url": links.confirm_url(subscription),
            "search_url": f"{settings.SITE_URL}/search/?{subscription.watchlist.query}",
        }
        return _message("watchlist-confirm", context, to=subscription.email)


def endpoint_disabled_message(endpoint: WebhookEndpoint) -> EmailMultiAlternatives:
    """To the owner of a watchlist whose webhook endpoint was disabled, in its language."""
    watchlist = endpoint.watchlist
    with translation.override(watchlist.language):
        context = {"watchlist": watchlist, "endpoint": endpoint}
        return _message("webhook-disabled", context, to=watchlist.owner.email)
