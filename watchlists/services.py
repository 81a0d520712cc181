"""Every write of the watchlists: the watchlist itself (from the API, the admin and the
search page), its subscriptions (the owner's, and a public visitor's with double opt-in),
the sweep that records its events and refreshes its calendar, and the digests.

The sweep follows the reminders' design (docs/reminders.md): the database is the record.
Each watchlist is swept in its own transaction, under its row's lock: the events found are
written with one `bulk_create(ignore_conflicts=True)` under a unique key, and the watermark
(`checked_up_to`) moves in the same commit. A sweep that dies loses nothing (the watermark
did not move); a sweep run twice, or two at once, records nothing twice (the key)."""

import logging
from datetime import date, datetime, timedelta
from functools import partial
from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext

from recommendations.services import row_create, row_update
from watchlists import emails, selectors, webhooks
from watchlists.models import (
    CalendarEntry,
    Subscription,
    Watchlist,
    WatchlistEvent,
    new_calendar_token,
)

logger = logging.getLogger(__name__)

# A sweep reads the writes since its watermark less this margin: a write that was slow to
# commit carries an earlier time than others already seen. The unique key absorbs the overlap.
SWEEP_LOOKBACK = timedelta(hours=1)
# A visitor who asks again for the same subscription gets a new confirmation e-mail after
# this long, not at every click: the form cannot be used to flood an address.
CONFIRMATION_RESEND_AFTER = timedelta(minutes=10)
WATCHLIST_NAME_LENGTH = 200


# Watchlists.


def _sweep_on_commit(watchlist_id: int) -> None:
    """Fill a new or changed watchlist's calendar without waiting for the daily sweep."""
    from watchlists.tasks import watchlist_sweep as watchlist_sweep_task

    transaction.on_commit(partial(watchlist_sweep_task.delay, watchlist_id))


def _latest_event_id(watchlist: Watchlist) -> int:
    return watchlist.events.aggregate(latest=Max("pk"))["latest"] or 0


def _owner_subscription_set(watchlist: Watchlist, *, subscribed: bool) -> None:
    """The owner hears of the watchlist by e-mail, from now on, or no more."""
    owner = watchlist.owner
    if not subscribed:
        Subscription.objects.filter(
            watchlist=watchlist, user=owner, unsubscribed_at__isnull=True
        ).update(unsubscribed_at=timezone.now())
        return
    if not owner.email:
        raise ValidationError(
            {"subscribed": gettext("Your account has no e-mail address to send the digest to.")}
        )
    now = timezone.now()
    Subscription.objects.update_or_create(
        watchlist=watchlist,
        email=owner.email.lower(),
        defaults={
            "user": owner,
            "language": watchlist.language,
            "confirmed_at": now,
            "unsubscribed_at": None,
            "emailed_up_to": _latest_event_id(watchlist),
        },
    )


def owner_subscribed(watchlist: Watchlist) -> bool:
    return watchlist.subscriptions.active().filter(user=watchlist.owner_id).exists()


@transaction.atomic
def watchlist_create(*, owner, user=None, subscribed: bool = True, **fields) -> Watchlist:
    """A user's watchlist; the owner gets its digest unless `subscribed` is false."""
    if "query" in fields:
        fields["query"] = selectors.canonical_query(fields["query"])
    watchlist = row_create(model=Watchlist, user=user, owner=owner, **fields)
    if subscribed:
        _owner_subscription_set(watchlist, subscribed=True)
    _sweep_on_commit(watchlist.pk)
    return watchlist


@transaction.atomic
def watchlist_update(
    *, watchlist: Watchlist, user=None, subscribed: bool | None = None, **fields
) -> Watchlist:
    if "query" in fields:
        fields["query"] = selectors.canonical_query(fields["query"])
    watchlist = row_update(row=watchlist, user=user, **fields)
    if "language" in fields:
        watchlist.subscriptions.filter(user=watchlist.owner_id).update(language=watchlist.language)
    if subscribed is not None and watchlist.owner_id:
        if subscribed != owner_subscribed(watchlist):
            _owner_subscription_set(watchlist, subscribed=subscribed)
    if {"query", "resource", "deadline_days"} & set(fields):
        _sweep_on_commit(watchlist.pk)
    return watchlist


@transaction.atomic
def watchlist_delete(*, watchlist: Watchlist, user=None) -> None:
    # Its events, endpoints and their delivery log go with it (CASCADE).
    watchlist.delete()


def watchlist_calendar_token_regenerate(*, watchlist: Watchlist) -> Watchlist:
    """A new secret address for the calendar feed: the old one answers 404 from now on."""
    watchlist.calendar_token = new_calendar_token()
    watchlist.save(update_fields=["calendar_token"])
    return watchlist


# Public visitors: double opt-in.


def _public_watchlist(*, resource: str, query: str, language: str) -> Watchlist:
    """The visitors' watchlist of this search: one per search and language, shared by every
    address that subscribes to it."""
    lookup = {"owner": None, "resource": resource, "query": query, "language": language}
    found = Watchlist.objects.filter(**lookup).first()
    if found:
        return found
    name = gettext("Search: %(query)s") % {"query": query}
    try:
        with transaction.atomic():
            watchlist = row_create(model=Watchlist, name=name[:WATCHLIST_NAME_LENGTH], **lookup)
    except IntegrityError:  # saved at the same moment by another visitor
        return Watchlist.objects.get(**lookup)
    _sweep_on_commit(watchlist.pk)
    return watchlist


@transaction.atomic
def subscription_request(*, resource: str, query: str, email: str, language: str) -> Subscription:
    """A visitor asks to follow a search by e-mail: nothing is sent to them but a
    confirmation e-mail until they follow its link. Asking again for an active subscription
    sends nothing, and the answer is the same (nobody learns who is subscribed)."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from error
    watchlist = _public_watchlist(
        resource=resource, query=selectors.canonical_query(query), language=language
    )
    subscription, _ = Subscription.objects.get_or_create(
        watchlist=watchlist, email=email, defaults={"language": language}
    )
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.is_active:
        return subscription
    now = timezone.now()
    sent = subscription.confirmation_sent_at
    if sent and now - sent < CONFIRMATION_RESEND_AFTER and subscription.unsubscribed_at is None:
        return subscription
    subscription.confirmed_at = None
    subscription.unsubscribed_at = None
    subscription.confirmation_sent_at = now
    subscription.language = language
    subscription.save(
        update_fields=["confirmed_at", "unsubscribed_at", "confirmation_sent_at", "language"]
    )
    from watchlists.tasks import confirmation_send as confirmation_send_task

    transaction.on_commit(partial(confirmation_send_task.delay, subscription.pk))
    return subscription


def confirmation_send(*, subscription_id: int) -> bool:
    """Send the confirmation e-mail, unless the subscription is confirmed or gone. An SMTP
    error is raised, for the task to retry."""
    subscription = (
        Subscription.objects.select_related("watchlist")
        .filter(pk=subscription_id, confirmed_at__isnull=True)
        .first()
    )
    if subscription is None:
        return False
    emails.confirmation_message(subscription).send()
    return True


@transaction.atomic
def subscription_confirm(*, subscription_id: int) -> Subscription | None:
    """The link of the confirmation e-mail was followed: the digests start, with what
    happens from now on."""
    subscription = (
        Subscription.objects.select_for_update()
        .select_related("watchlist")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None or subscription.confirmed_at is not None:
        return subscription
    subscription.confirmed_at = timezone.now()
    subscription.unsubscribed_at = None
    subscription.emailed_up_to = _latest_event_id(subscription.watchlist)
    subscription.save(update_fields=["confirmed_at", "unsubscribed_at", "emailed_up_to"])
    return subscription


def subscription_unsubscribe(*, subscription_id: int) -> Subscription | None:
    """No more digests for this address from this watchlist; idempotent."""
    Subscription.objects.filter(pk=subscription_id, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )
    return Subscription.objects.select_related("watchlist").filter(pk=subscription_id).first()


# The sweep.


def _new_events(watchlist: Watchlist, found: list[selectors.Found], now) -> list[WatchlistEvent]:
    """Of the events found, those not recorded yet, once per key: one query."""
    recorded = set(
        watchlist.events.filter(subject_id__in={item.subject_id for item in found}).values_list(
            "kind", "subject_id", "deadline"
        )
    )
    new: dict[tuple, WatchlistEvent] = {}
    for item in found:
        key = (item.kind, item.subject_id, item.deadline)
        if key in recorded or key in new:
            continue
        new[key] = WatchlistEvent(
            watchlist=watchlist,
            kind=item.kind,
            subject_id=item.subject_id,
            deadline=item.deadline,
            recommendation_id=item.recommendation_id,
            target_id=item.target_id,
            calendar_event_id=item.calendar_event_id,
            occurred_on=item.occurred_on,
            payload=item.payload,
            created_at=now,
        )
    return list(new.values())


def _calendar_refresh(watchlist: Watchlist, watched: selectors.Watched, *, today, now) -> None:
    """Bring the stored calendar entries in line with the items now: new ones added, a moved
    or returning one's SEQUENCE raised, one gone cancelled (and its SEQUENCE raised). Three
    writes at most, whatever the number of entries."""
    items = selectors.calendar_items(watched, today=today)
    first_day = selectors.calendar_first_day(today)
    entries = {(entry.kind, entry.subject_id): entry for entry in watchlist.calendar_entries.all()}
    new, changed = [], []
    for key, (day, payload) in items.items():
        entry = entries.get(key)
        if entry is None:
            kind, subject_id = key
            new.append(
                CalendarEntry(
                    watchlist=watchlist,
                    kind=kind,
                    subject_id=subject_id,
                    date=day,
                    payload=payload,
                    created_at=now,
                    updated_at=now,
                )
            )
        elif entry.date != day or entry.cancelled or entry.payload != payload:
            if entry.date != day or entry.cancelled:
                entry.sequence += 1
            entry.date, entry.cancelled, entry.payload, entry.updated_at = day, False, payload, now
            changed.append(entry)
    gone = [
        entry.pk
        for key, entry in entries.items()
        if key not in items and not entry.cancelled and entry.date >= first_day
    ]
    CalendarEntry.objects.bulk_create(new, ignore_conflicts=True)
    CalendarEntry.objects.bulk_update(
        changed, ["date", "sequence", "cancelled", "payload", "updated_at"]
    )
    CalendarEntry.objects.filter(pk__in=gone).update(
        cancelled=True, sequence=F("sequence") + 1, updated_at=now
    )


def watchlist_sweep(*, watchlist_id: int, today: date, now: datetime) -> int:
    """Record what moved on one watchlist since its watermark, refresh its calendar, move the
    watermark: one transaction, under the watchlist's lock. Returns how many events it
    recorded."""
    with transaction.atomic():
        watchlist = Watchlist.objects.select_for_update(no_key=True).filter(pk=watchlist_id).first()
        if watchlist is None:
            return 0
        watched = selectors.watched(watchlist)
        if watched is None:
            # The query named a row since deleted: the owner sees the error in the admin or
            # the API; the watermark stays, so nothing is lost once it is corrected.
            logger.warning("Watchlist %s: its query no longer validates", watchlist.pk)
            return 0
        window = selectors.Window(
            since=watchlist.checked_up_to - SWEEP_LOOKBACK,
            until=now,
            today=today,
            horizon=today + timedelta(days=watchlist.deadline_days),
        )
        new = _new_events(watchlist, selectors.events_found(watched, window), now)
        WatchlistEvent.objects.bulk_create(new, ignore_conflicts=True)
        webhooks.deliveries_queue(watchlist=watchlist, now=now)
        _calendar_refresh(watchlist, watched, today=today, now=now)
        Watchlist.objects.filter(pk=watchlist.pk).update(checked_up_to=now)
    return len(new)


def watchlists_sweep(*, today: date | None = None, now: datetime | None = None) -> dict:
    """Sweep every watchlist somebody follows (an owner, or a confirmed subscriber), then
    queue the digests that are due."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    followed = Watchlist.objects.filter(
        Exists(Subscription.objects.active().filter(watchlist=OuterRef("pk")))
        | Exists(Watchlist.objects.filter(pk=OuterRef("pk"), owner__isnull=False))
    )
    recorded = sum(
        watchlist_sweep(watchlist_id=pk, today=today, now=now)
        for pk in followed.order_by("pk").values_list("pk", flat=True)
    )
    digests = selectors.digests_due(today=today)
    from watchlists.tasks import digest_deliver as digest_deliver_task

    for subscription_id in digests:
        transaction.on_commit(partial(digest_deliver_task.delay, subscription_id))
    return {"recorded": recorded, "digests": digests}


# The digests.


def _stale_before(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.REMINDER_CLAIM_TIMEOUT)


def digest_deliver(*, subscription_id: int, claim: str, final_attempt: bool) -> int:
    """E-mail a subscription the events it has not had; returns how many (0: nothing new,
    or another delivery holds it).

    Claimed with a guarded UPDATE, sent outside any transaction, then the watermark moves.
    An SMTP error is recorded on the subscription and raised for the task to retry; after
    the last try the claim is let go and the events wait for the next sweep."""
    now = timezone.now()
    claimed = (
        Subscription.objects.active()
        .filter(pk=subscription_id)
        .claimable(claim=claim, stale_before=_stale_before(now))
        .update(claimed_by=claim, claimed_at=now)
    )
    if not claimed:
        return 0
    ours = Subscription.objects.filter(pk=subscription_id, claimed_by=claim)
    subscription = Subscription.objects.select_related("watchlist").get(pk=subscription_id)
    events = selectors.pending_events(subscription)
    if not events:
        ours.update(claimed_by="")
        return 0
    try:
        emails.digest_message(subscription, events).send()
    except (SMTPException, OSError) as error:
        ours.update(
            attempts=F("attempts") + 1,
            last_error=f"{type(error).__name__}: {error}",
            claimed_at=timezone.now(),
            claimed_by="" if final_attempt else claim,
        )
        raise
    ours.update(
        emailed_up_to=events[-1].pk,
        claimed_by="",
        attempts=0,
        last_error="",
        last_emailed_at=timezone.now(),
    )
    return len(events)
