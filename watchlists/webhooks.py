"""Webhooks: a watchlist's events posted to its endpoints' URLs, signed as the Standard
Webhooks specification says (https://www.standardwebhooks.com/).

The database is the queue, as for the reminders (docs/reminders.md):

- The sweep records a watchlist's events and, in the same transaction, under the
  watchlist's lock, queues a `WebhookDelivery` per event and enabled endpoint
  (`deliveries_queue`): one `bulk_create`, a unique (endpoint, event), and each endpoint's
  watermark moved in the same commit, so nothing is queued twice or missed.
- `deliveries_send` claims one due row at a time (`SELECT ... FOR UPDATE SKIP LOCKED`, then
  an UPDATE that repeats the expected state), posts it outside any transaction, with a
  timeout, and records the outcome on the row that it still holds. A failure waits longer
  each time (`retry_wait`), up to WEBHOOK_MAX_ATTEMPTS. A worker killed while posting holds
  a claim that expires after WEBHOOK_CLAIM_TIMEOUT: the next run posts it again, with the
  same `webhook-id`, which the receiver uses to drop the repeat.
- An endpoint that fails WEBHOOK_DISABLE_AFTER_FAILURES times in a row, or keeps failing
  for WEBHOOK_DISABLE_AFTER_HOURS, is disabled and its owner told by e-mail.

The guard against server-side request forgery: a URL's host is resolved once, every
address it resolves to must be public (not private, loopback, link-local, multicast,
reserved...) unless TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS is true, and the connection
goes to the address checked, not to a second lookup that could answer otherwise (DNS
rebinding); the Host header and the TLS server name stay the URL's host name.
"""

import ipaddress
import json
import logging
import socket
import time
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext
from standardwebhooks import Webhook

from watchlists import emails
from watchlists.choices import DeliveryStatus
from watchlists.models import (
    Watchlist,
    WatchlistEvent,
    WebhookDelivery,
    WebhookEndpoint,
    new_webhook_secret,
)

logger = logging.getLogger(__name__)

USER_AGENT = "un-recommendations-tracker-webhooks/1"
CONNECT_TIMEOUT = 5  # seconds; WEBHOOK_TIMEOUT bounds each read of the answer
ERROR_MAX_CHARS = 1000


class WebhookError(Exception):
    """A delivery that did not reach a 2xx answer. `permanent`: trying again cannot help
    (the address is refused), so the delivery fails at once."""

    def __init__(self, message: str, *, response_code: int | None = None, permanent=False):
        super().__init__(message)
        self.response_code = response_code
        self.permanent = permanent


# The guard.


def address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an outbound request may connect to this address."""
    if settings.TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def allows_plain_http() -> bool:
    return settings.DEBUG or settings.TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS


def url_errors(url: str) -> list[str]:
    """What is wrong with a webhook URL, checked when it is saved; [] if nothing. A host
    name is not resolved here (its addresses can change): the delivery checks them."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return [gettext("Enter a valid URL.")]
    if parts.scheme not in {"http", "https"}:
        return [gettext("Only http and https URLs can receive webhooks.")]
    if parts.scheme == "http" and not allows_plain_http():
        return [gettext("Use an https URL: the events are sent over TLS only.")]
    if not parts.hostname:
        return [gettext("Enter a valid URL.")]
    if parts.username or parts.password:
        return [gettext("Leave the user name and password out of the URL.")]
    if port == 0:
        return [gettext("Enter a valid URL.")]
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        if parts.hostname.rstrip(".").lower().endswith("localhost") and not (
            settings.TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS
        ):
            return [gettext("This address is on a private network; webhooks go to public ones.")]
        return []
    if not address_allowed(address):
        return [gettext("This address is on a private network; webhooks go to public ones.")]
    return []


def resolved_address(host: str, port: int) -> str:
    """The address to connect to: the host resolved once, and every address it resolves to
    allowed (a name that resolves to one public and one private address is refused)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise WebhookError(f"DNS: {host}: {error}") from error
    addresses = [ipaddress.ip_address(sockaddr[0].split("%")[0]) for *_, sockaddr in found]
    refused = [str(address) for address in addresses if not address_allowed(address)]
    if refused or not addresses:
        raise WebhookError(
            f"{host} resolves to a refused address: {', '.join(refused)}", permanent=True
        )
    return str(addresses[0])


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST to the checked address; returns the status code of a 2xx answer, raises
    WebhookError otherwise. Redirects are not followed: one could lead anywhere."""
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = resolved_address(parts.hostname, port)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    timeout = urllib3.Timeout(connect=CONNECT_TIMEOUT, read=settings.WEBHOOK_TIMEOUT)
    if https:
        # The connection goes to the address; the certificate is checked against the name.
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    try:
        with pool:
            response = pool.urlopen(
                "POST",
                path,
                body=body,
                headers={**headers, "Host": parts.netloc},
                redirect=False,
                assert_same_host=False,
                preload_content=False,
            )
            response.close()  # the answer's body is not read: a receiver cannot make us wait
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise WebhookError(f"{type(error).__name__}: {error}") from error
    if not 200 <= response.status < 300:
        raise WebhookError(f"HTTP {response.status}", response_code=response.status)
    return response.status


# The message.


def body(event: WatchlistEvent) -> str:
    """The JSON posted: the event's public payload, what it is and when."""
    return json.dumps(
        {
            "type": event.kind,
            "watchlist": event.watchlist_id,
            "event": event.pk,
            "occurred_on": event.occurred_on.isoformat(),
            "deadline": event.deadline.isoformat() if event.deadline else None,
            "data": event.payload,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def signed_headers(*, secret: str, webhook_id: str, data: str, now: datetime) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=webhook_id, timestamp=now, data=data),
    }


# Endpoints.


def _latest_event_id(watchlist: Watchlist) -> int:
    return watchlist.events.aggregate(latest=Max("pk"))["latest"] or 0


@transaction.atomic
def endpoint_create(*, watchlist: Watchlist, url: str, enabled: bool = True) -> WebhookEndpoint:
    """An endpoint hears of the events recorded from now on, not of the past ones."""
    watchlist = Watchlist.objects.select_for_update(no_key=True).get(pk=watchlist.pk)
    endpoint = WebhookEndpoint(
        watchlist=watchlist, url=url, enabled=enabled, queued_up_to=_latest_event_id(watchlist)
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def endpoint_update(*, endpoint: WebhookEndpoint, watchlist=None, **fields) -> WebhookEndpoint:
    """Change the URL or turn it on or off; turned on again, it starts afresh."""
    if watchlist is not None and watchlist.pk != endpoint.watchlist_id:
        raise ValidationError(
            {"watchlist": gettext("An endpoint cannot move to another watchlist.")}
        )
    if fields.get("enabled") and not endpoint.enabled:
        fields.update(disabled_reason="", failures_in_row=0, failing_since=None)
    for name, value in fields.items():
        setattr(endpoint, name, value)
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    endpoint.delete()


def endpoint_secret_rotate(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret: deliveries are signed with it from now on."""
    endpoint.secret = new_webhook_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint


# The queue.


def deliveries_queue(*, watchlist: Watchlist, now: datetime) -> int:
    """Queue the events past each enabled endpoint's watermark; run by the sweep in its
    transaction, under the watchlist's lock. Returns how many deliveries it queued."""
    endpoints = list(watchlist.webhook_endpoints.filter(enabled=True))
    if not endpoints:
        return 0
    since = min(endpoint.queued_up_to for endpoint in endpoints)
    event_ids = list(watchlist.events.filter(pk__gt=since).values_list("pk", flat=True))
    if not event_ids:
        return 0
    deliveries = [
        WebhookDelivery(endpoint=endpoint, event_id=event_id, next_attempt_at=now, created_at=now)
        for endpoint in endpoints
        for event_id in event_ids
        if event_id > endpoint.queued_up_to
    ]
    WebhookDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    WebhookEndpoint.objects.filter(pk__in=[endpoint.pk for endpoint in endpoints]).update(
        queued_up_to=max(event_ids)
    )
    send_on_commit()
    return len(deliveries)


def send_on_commit() -> None:
    from watchlists.tasks import deliveries_send as deliveries_send_task

    transaction.on_commit(deliveries_send_task.delay)


def deliveries_resend(*, delivery_ids: list[int]) -> int:
    """Post these deliveries again, whatever became of them (the admin's "Send again"):
    with the same webhook-id, so a receiver that had them drops them."""
    with transaction.atomic():
        count = WebhookDelivery.objects.filter(pk__in=delivery_ids).update(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_at=None,
        )
        send_on_commit()
    return count


# Delivering.


def retry_wait(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: WEBHOOK_RETRY_BACKOFF seconds, doubled at
    each failure, at most WEBHOOK_RETRY_BACKOFF_MAX."""
    seconds = settings.WEBHOOK_RETRY_BACKOFF * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.WEBHOOK_RETRY_BACKOFF_MAX))


def _stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.WEBHOOK_CLAIM_TIMEOUT)


def delivery_claim(*, now: datetime) -> WebhookDelivery | None:
    """The next due delivery, claimed: rows another worker is claiming are skipped, and the
    UPDATE repeats the conditions, so a row is claimed by one delivery only."""
    with transaction.atomic():
        due = WebhookDelivery.objects.due(now=now, stale_before=_stale_before(now))
        found = (
            due.order_by("next_attempt_at", "pk")
            .select_for_update(skip_locked=True, of=("self",))
            .values_list("pk", flat=True)
            .first()
        )
        if found is None or not due.filter(pk=found).update(claimed_at=now):
            return None
    return WebhookDelivery.objects.select_related("endpoint__watchlist__owner", "event").get(
        pk=found
    )


def delivery_attempt(*, delivery: WebhookDelivery, now: datetime) -> bool:
    """Post one claimed delivery and record what came of it; True if delivered."""
    endpoint = delivery.endpoint
    data = body(delivery.event)
    headers = signed_headers(
        secret=endpoint.secret, webhook_id=delivery.webhook_id(), data=data, now=timezone.now()
    )
    started = time.perf_counter()
    try:
        response_code = post(endpoint.url, data.encode(), headers)
    except WebhookError as error:
        duration_ms = round((time.perf_counter() - started) * 1000)
        _failure_record(delivery, error, duration_ms=duration_ms, now=now)
        return False
    duration_ms = round((time.perf_counter() - started) * 1000)
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk, claimed_at=delivery.claimed_at).update(
            status=DeliveryStatus.DELIVERED,
            attempts=F("attempts") + 1,
            response_code=response_code,
            last_error="",
            duration_ms=duration_ms,
            delivered_at=timezone.now(),
            claimed_at=None,
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failures_in_row=0, failing_since=None)
    return True


def _failure_record(
    delivery: WebhookDelivery, error: WebhookError, *, duration_ms: int, now: datetime
) -> None:
    attempts = delivery.attempts + 1
    final = error.permanent or attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk, claimed_at=delivery.claimed_at).update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
            attempts=attempts,
            response_code=error.response_code,
            last_error=str(error)[:ERROR_MAX_CHARS],
            duration_ms=duration_ms,
            next_attempt_at=now + retry_wait(attempts),
            claimed_at=None,
        )
        endpoint = (
            WebhookEndpoint.objects.select_for_update(of=("self",))
            .select_related("watchlist")
            .get(pk=delivery.endpoint_id)
        )
        endpoint.failures_in_row += 1
        endpoint.failing_since = endpoint.failing_since or now
        endpoint.save(update_fields=["failures_in_row", "failing_since"])
        if endpoint.enabled and endpoint_keeps_failing(endpoint, now=now):
            _endpoint_disable(endpoint, error)
    logger.info("Webhook delivery %s failed (attempt %s): %s", delivery.pk, attempts, error)


def endpoint_keeps_failing(endpoint: WebhookEndpoint, *, now: datetime) -> bool:
    """Failed too many times in a row, or failing for too long: time to stop trying."""
    too_long = timedelta(hours=settings.WEBHOOK_DISABLE_AFTER_HOURS)
    return endpoint.failures_in_row >= settings.WEBHOOK_DISABLE_AFTER_FAILURES or (
        endpoint.failing_since is not None and now - endpoint.failing_since >= too_long
    )


def _endpoint_disable(endpoint: WebhookEndpoint, error: WebhookError) -> None:
    endpoint.enabled = False
    # In the owner's language: the e-mail that tells them quotes it.
    with translation.override(endpoint.watchlist.language):
        endpoint.disabled_reason = gettext(
            "Disabled after %(count)d failed deliveries in a row; the last: %(error)s"
        ) % {"count": endpoint.failures_in_row, "error": str(error)[:ERROR_MAX_CHARS]}
    endpoint.save(update_fields=["enabled", "disabled_reason"])
    from watchlists.tasks import endpoint_disabled_notify as endpoint_disabled_notify_task

    transaction.on_commit(partial(endpoint_disabled_notify_task.delay, endpoint.pk))


def endpoint_disabled_notify(*, endpoint_id: int) -> bool:
    """Tell the owner their endpoint was disabled, in the watchlist's language. An SMTP
    error is raised, for the task to retry."""
    endpoint = (
        WebhookEndpoint.objects.select_related("watchlist__owner")
        .filter(pk=endpoint_id, enabled=False)
        .first()
    )
    if endpoint is None or endpoint.watchlist.owner is None or not endpoint.watchlist.owner.email:
        return False
    emails.endpoint_disabled_message(endpoint).send()
    return True


def deliveries_send(*, limit: int | None = None) -> int:
    """Post the due deliveries, one claim at a time, up to `limit` (WEBHOOK_BATCH); returns
    how many were delivered. Beat runs it each minute; the sweep queues it at once."""
    delivered = 0
    for _ in range(limit or settings.WEBHOOK_BATCH):
        now = timezone.now()
        delivery = delivery_claim(now=now)
        if delivery is None:
            break
        delivered += delivery_attempt(delivery=delivery, now=now)
    return delivered
