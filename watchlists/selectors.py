"""Reads of the watchlists: the query a watchlist saves, checked and run by the API's own
FilterSets; what the sweep finds to report; the calendar's items. Every payload holds public
fields only, as recommendations/visibility.py decides: whoever reads it may see it."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Left
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext

from recommendations import visibility
from recommendations.api.filters import (
    RecommendationFilterSet,
    RecommendationsAndTargetsFilterSet,
    TargetFilterSet,
)
from recommendations.choices import Digest, TargetStatus
from recommendations.models import (
    Assessment,
    Event,
    Recommendation,
    ReminderPreference,
    Response,
    Target,
)
from recommendations.reminders import digest_is_due
from recommendations.status import status_in
from watchlists.choices import CalendarItemKind, Resource, WatchlistEventKind
from watchlists.models import (
    CalendarEntry,
    Subscription,
    Watchlist,
    WatchlistEvent,
    WebhookEndpoint,
)

FILTERSETS: dict[str, type[RecommendationsAndTargetsFilterSet]] = {
    Resource.RECOMMENDATIONS: RecommendationFilterSet,
    Resource.TARGETS: TargetFilterSet,
}
# How a list is shown, not what it matches: a saved query may carry them (copied from a
# browser's address bar), and they are left out.
PRESENTATION_PARAMETERS = frozenset({"ordering", "page", "cursor", "page_size", "format"})


def query_filterset(*, resource: str, query: str) -> RecommendationsAndTargetsFilterSet:
    """The list's FilterSet bound to the saved query, as the API binds a request's."""
    filterset_class = FILTERSETS[resource]
    params = QueryDict(query, mutable=True)
    for name in PRESENTATION_PARAMETERS:
        params.pop(name, None)
    return filterset_class(params, queryset=filterset_class._meta.model.objects.all(), request=None)


def query_errors(*, resource: str, query: str) -> list[str]:
    """What is wrong with a query, one sentence per parameter, naming it; none if it is good.

    The same checks as the API's list (a value that names nothing is refused), and two of a
    saved search's own: every parameter is one of the list's filters (a typo would watch
    everything), and at least one is given."""
    filterset = query_filterset(resource=resource, query=query)
    params = filterset.data
    known = set(filterset.base_filters) - PRESENTATION_PARAMETERS
    errors = [
        gettext("%(parameter)s: not a filter of this list.") % {"parameter": name}
        for name in sorted(set(params) - known)
    ]
    if not any(value for name, value in params.items() if name in known):
        errors.append(gettext("Give at least one filter: a watchlist of everything is too much."))
    if not filterset.is_valid():
        errors += [
            gettext("%(parameter)s: %(reason)s") % {"parameter": name, "reason": reason}
            for name, reasons in filterset.errors.items()
            for reason in reasons
        ]
    return errors


# The sweep.


@dataclass(frozen=True)
class Watched:
    """What a watchlist's query matches now: its targets and their recommendations."""

    targets: QuerySet[Target]
    recommendations: QuerySet[Recommendation]


def watched(watchlist: Watchlist) -> Watched | None:
    """The rows the saved query matches, as the API's list would; None when the query no
    longer validates (a theme it names was deleted since)."""
    filterset = query_filterset(resource=watchlist.resource, query=watchlist.query)
    if not filterset.is_valid():
        return None
    targets = filterset.matching_targets(Target.objects.order_by())
    if watchlist.resource == Resource.RECOMMENDATIONS:
        recommendations = filterset.matching_recommendations(Recommendation.objects.order_by())
    else:
        recommendations = Recommendation.objects.filter(
            pk__in=targets.values("recommendation_id")
        ).order_by()
    return Watched(targets=targets, recommendations=recommendations)


@dataclass(frozen=True)
class Window:
    """What a sweep looks at: writes after `since` up to `until`, deadlines from `today` to
    `horizon`."""

    since: datetime
    until: datetime
    today: date
    horizon: date


def _written_in(model, window: Window, history_type: str = "+") -> QuerySet:
    """The ids of `model`'s rows created (or changed) in the window, by their history."""
    return model.history.model.objects.filter(
        history_type=history_type,
        history_date__gt=window.since,
        history_date__lte=window.until,
    )


EXCERPT_LENGTH = 300


def target_columns(path: str = "") -> dict:
    """Of a target, what every event about it shows (public fields only), read through
    `path` from a row that points at it ("target" from a response)."""
    prefix = f"{path}__" if path else ""
    return {
        "payload_target": F(f"{path}_id" if path else "pk"),
        "payload_recommendation": F(f"{prefix}recommendation_id"),
        "payload_state": F(f"{prefix}state__code"),
        "payload_state_name": F(f"{prefix}state__name"),
        "payload_body": F(f"{prefix}body__acronym"),
        "payload_document_id": F(f"{prefix}recommendation__document_id"),
        "payload_symbol": F(f"{prefix}recommendation__document__symbol"),
        "payload_title": F(f"{prefix}recommendation__document__title"),
        "payload_paragraph": F(f"{prefix}recommendation__paragraph"),
        "payload_text": Left(f"{prefix}recommendation__text", EXCERPT_LENGTH + 1),
        "payload_status": F(f"{prefix}status"),
    }


def _excerpt(text: str) -> str:
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[: EXCERPT_LENGTH - 1].rstrip() + "…"


def _document(document_id, symbol, title, private: visibility.PrivateDocuments) -> str:
    """The document as a public reader may see it: "" for a private one."""
    if document_id is None or document_id in private.ids:
        return ""
    return symbol or title or ""


def target_payload(row: dict, private: visibility.PrivateDocuments) -> dict:
    return {
        "target": row["payload_target"],
        "recommendation": row["payload_recommendation"],
        "state": row["payload_state"],
        "state_name": row["payload_state_name"],
        "body": row["payload_body"],
        "document": _document(
            row["payload_document_id"], row["payload_symbol"], row["payload_title"], private
        ),
        "paragraph": row["payload_paragraph"],
        "excerpt": _excerpt(row["payload_text"] or ""),
        "status": row["payload_status"],
    }


@dataclass(frozen=True)
class Found:
    """An event a finder found: its key, the rows it is about and its payload."""

    kind: str
    subject_id: int
    occurred_on: date
    payload: dict
    deadline: date | None = None
    recommendation_id: int | None = None
    target_id: int | None = None
    calendar_event_id: int | None = None


def new_recommendations(watched: Watched, window: Window, private) -> list[Found]:
    """Recommendations that match and are new: created in the window, or given in it a
    target the query matches (a new addressee is news to whoever watches it)."""
    new_targets = watched.targets.filter(pk__in=_written_in(Target, window).values("id"))
    found = watched.recommendations.filter(
        Q(created_at__gt=window.since, created_at__lte=window.until)
        | Q(pk__in=new_targets.values("recommendation_id"))
    )
    rows = list(
        Recommendation.objects.filter(pk__in=found.values("pk"))
        .order_by("pk")
        .values(
            "pk",
            "document_id",
            "document__symbol",
            "document__title",
            "paragraph",
            "issued_on",
            "issued_by__acronym",
            "created_at",
            excerpt_text=Left("text", EXCERPT_LENGTH + 1),
        )
    )
    addressees = defaultdict(list)
    for target in (
        Target.objects.filter(recommendation__in=[row["pk"] for row in rows])
        .order_by("pk")
        .values("recommendation_id", "state__code", "state__name", "body__acronym", "status")
    ):
        addressees[target["recommendation_id"]].append(
            {
                "state": target["state__code"],
                "state_name": target["state__name"],
                "body": target["body__acronym"],
                "status": target["status"],
            }
        )
    return [
        Found(
            kind=WatchlistEventKind.NEW_RECOMMENDATION,
            subject_id=row["pk"],
            occurred_on=row["issued_on"] or timezone.localdate(row["created_at"]),
            recommendation_id=row["pk"],
            payload={
                "recommendation": row["pk"],
                "document": _document(
                    row["document_id"], row["document__symbol"], row["document__title"], private
                ),
                "paragraph": row["paragraph"],
                "excerpt": _excerpt(row["excerpt_text"]),
                "issued_on": row["issued_on"].isoformat() if row["issued_on"] else None,
                "issued_by": row["issued_by__acronym"],
                "addressees": addressees[row["pk"]],
            },
        )
        for row in rows
    ]


def new_responses(watched: Watched, window: Window, private) -> list[Found]:
    """Responses recorded in the window on a matching target."""
    rows = (
        Response.objects.filter(
            target__in=watched.targets.values("pk"),
            pk__in=_written_in(Response, window).values("id"),
        )
        .order_by("pk")
        .values(
            "pk",
            "position",
            "date",
            "document_id",
            "document__symbol",
            "document__title",
            **target_columns("target"),
        )
    )
    return [
        Found(
            kind=WatchlistEventKind.NEW_RESPONSE,
            subject_id=row["pk"],
            occurred_on=row["date"],
            recommendation_id=row["payload_recommendation"],
            target_id=row["payload_target"],
            payload={
                **target_payload(row, private),
                "position": row["position"],
                "date": row["date"].isoformat(),
                "source": _document(
                    row["document_id"], row["document__symbol"], row["document__title"], private
                ),
            },
        )
        for row in rows
    ]


def new_assessments(watched: Watched, window: Window, private) -> list[Found]:
    """Assessments recorded in the window on a matching target. The source is left out:
    visibility.py may withhold it, and the grade says what matters."""
    rows = (
        Assessment.objects.filter(
            target__in=watched.targets.values("pk"),
            pk__in=_written_in(Assessment, window).values("id"),
        )
        .order_by("pk")
        .values(
            "pk",
            "implementation",
            "scale",
            "raw_grade",
            "assessed_on",
            **target_columns("target"),
        )
    )
    return [
        Found(
            kind=WatchlistEventKind.NEW_ASSESSMENT,
            subject_id=row["pk"],
            occurred_on=row["assessed_on"],
            recommendation_id=row["payload_recommendation"],
            target_id=row["payload_target"],
            payload={
                **target_payload(row, private),
                "implementation": row["implementation"],
                "scale": row["scale"],
                "grade": row["raw_grade"],
                "assessed_on": row["assessed_on"].isoformat(),
            },
        )
        for row in rows
    ]


def status_changes(watched: Watched, window: Window, private) -> list[Found]:
    """Targets whose status changed in the window: each history record of a matching target
    whose status differs from the record before it."""
    history = Target.history.model.objects
    before = (
        history.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")
        .values("status")[:1]
    )
    changes = list(
        _written_in(Target, window, history_type="~")
        .filter(id__in=watched.targets.values("pk"))
        .annotate(status_before=Subquery(before))
        .exclude(status_before=F("status"))
        .exclude(status_before__isnull=True)
        .order_by("history_id")
        .values("history_id", "id", "history_date", "status", "status_before")
    )
    targets = {
        row["payload_target"]: row
        for row in Target.objects.filter(pk__in={change["id"] for change in changes}).values(
            **target_columns()
        )
    }
    return [
        Found(
            kind=WatchlistEventKind.STATUS_CHANGED,
            subject_id=change["history_id"],
            occurred_on=timezone.localdate(change["history_date"]),
            recommendation_id=targets[change["id"]]["payload_recommendation"],
            target_id=change["id"],
            payload={
                **target_payload(targets[change["id"]], private),
                "status_before": change["status_before"],
                "status": change["status"],
            },
        )
        for change in changes
        if change["id"] in targets  # deleted since
    ]


def _deadlines(watched: Watched, window: Window, private, *, field: str, kind: str, targets):
    rows = targets.filter(
        **{f"{field}__gte": window.today, f"{field}__lte": window.horizon}
    ).values(due=F(field), **target_columns())
    return [
        Found(
            kind=kind,
            subject_id=row["payload_target"],
            deadline=row["due"],
            occurred_on=row["due"],
            recommendation_id=row["payload_recommendation"],
            target_id=row["payload_target"],
            payload={**target_payload(row, private), "due": row["due"].isoformat()},
        )
        for row in rows.order_by("due", "pk")
    ]


def deadlines_coming(watched: Watched, window: Window, private) -> list[Found]:
    """Response deadlines nobody has answered yet, and follow-up deadlines, from today to
    the horizon: each date once (a moved deadline is reported again)."""
    awaiting = watched.targets.filter(
        status_in([TargetStatus.AWAITING_RESPONSE], today=window.today)
    )
    return [
        *_deadlines(
            watched,
            window,
            private,
            field="response_due",
            kind=WatchlistEventKind.RESPONSE_DUE,
            targets=awaiting,
        ),
        *_deadlines(
            watched,
            window,
            private,
            field="follow_up_due",
            kind=WatchlistEventKind.FOLLOW_UP_DUE,
            targets=watched.targets,
        ),
    ]


def calendar_events(watched: Watched, *, first_day: date, last_day: date | None = None):
    """The UN calendar's events concerning the matching targets' states and bodies, or the
    bodies that issued their recommendations, from `first_day` (to `last_day`)."""
    events = Event.objects.filter(date__gte=first_day)
    if last_day is not None:
        events = events.filter(date__lte=last_day)
    concerned = (
        Q(states__in=watched.targets.filter(state__isnull=False).values("state_id"))
        | Q(bodies__in=watched.targets.filter(body__isnull=False).values("body_id"))
        | Q(bodies__in=watched.recommendations.filter(issued_by__isnull=False).values("issued_by"))
    )
    ids = Event.objects.filter(concerned).values("pk")
    return [
        {
            "event": event.pk,
            "name": event.name,
            "kind": event.kind,
            "date": event.date.isoformat(),
            "estimated": event.estimated,
            "states": [state.code for state in event.states.all()],
            "bodies": [body.acronym for body in event.bodies.all()],
        }
        for event in events.filter(pk__in=ids)
        .prefetch_related("states", "bodies")
        .order_by("date", "pk")
    ]


def un_events_coming(watched: Watched, window: Window, private) -> list[Found]:
    return [
        Found(
            kind=WatchlistEventKind.UN_EVENT,
            subject_id=event["event"],
            deadline=date.fromisoformat(event["date"]),
            occurred_on=date.fromisoformat(event["date"]),
            calendar_event_id=event["event"],
            payload=event,
        )
        for event in calendar_events(watched, first_day=window.today, last_day=window.horizon)
    ]


FINDERS = (
    new_recommendations,
    new_responses,
    new_assessments,
    status_changes,
    deadlines_coming,
    un_events_coming,
)


def events_found(watched: Watched, window: Window) -> list[Found]:
    """Everything to report in the window, recorded or not: a fixed number of queries."""
    private = visibility.private_documents()
    return [found for finder in FINDERS for found in finder(watched, window, private)]


# The calendar: what the feed holds, from 180 days back on.

CALENDAR_PAST_DAYS = 180


def calendar_first_day(today: date) -> date:
    return today - timedelta(days=CALENDAR_PAST_DAYS)


def calendar_items(watched: Watched, *, today: date) -> dict[tuple[str, int], tuple[date, dict]]:
    """Each dated item of the feed now, by (kind, subject id): its date and payload."""
    first_day = calendar_first_day(today)
    private = visibility.private_documents()
    items = {}
    for field, kind in (
        ("response_due", CalendarItemKind.RESPONSE_DUE),
        ("follow_up_due", CalendarItemKind.FOLLOW_UP_DUE),
    ):
        rows = watched.targets.filter(**{f"{field}__gte": first_day}).values(
            due=F(field), **target_columns()
        )
        for row in rows:
            items[(kind, row["payload_target"])] = (row["due"], target_payload(row, private))
    for event in calendar_events(watched, first_day=first_day):
        items[(CalendarItemKind.UN_EVENT, event["event"])] = (
            date.fromisoformat(event["date"]),
            event,
        )
    return items


def feed_entries(watchlist: Watchlist, *, today: date) -> QuerySet[CalendarEntry]:
    return watchlist.calendar_entries.filter(date__gte=calendar_first_day(today)).order_by(
        "date", "pk"
    )


# The digests.

DIGEST_EVENTS_MAX = 200


def pending_events(subscription: Subscription) -> list[WatchlistEvent]:
    """The events a subscription has not been e-mailed yet, oldest first, at most
    DIGEST_EVENTS_MAX (the rest go in the next digest)."""
    return list(
        WatchlistEvent.objects.filter(
            watchlist_id=subscription.watchlist_id, pk__gt=subscription.emailed_up_to
        ).order_by("pk")[:DIGEST_EVENTS_MAX]
    )


def digests_due(*, today: date) -> list[int]:
    """The active subscriptions with events to e-mail whose digest is due today: daily, or
    weekly for an owner who chose a weekly digest for their reminders (on Mondays, or once
    an event has waited a week). One query."""
    waiting = WatchlistEvent.objects.filter(
        watchlist_id=OuterRef("watchlist_id"), pk__gt=OuterRef("emailed_up_to")
    ).order_by("pk")
    weekly = ReminderPreference.objects.filter(user=OuterRef("user_id"), digest=Digest.WEEKLY)
    rows = (
        Subscription.objects.active()
        .annotate(oldest=Subquery(waiting.values("created_at")[:1]), weekly=Exists(weekly))
        .filter(oldest__isnull=False)
        .order_by("pk")
        .values_list("pk", "oldest", "weekly")
    )
    return [
        pk
        for pk, oldest, is_weekly in rows
        if digest_is_due(weekly=is_weekly, oldest=oldest, today=today)
    ]


def canonical_query(query: str) -> str:
    """The query as it is saved: parameters sorted, empty and presentation ones left out,
    so that one search is one public watchlist whatever order its parameters came in."""
    params = QueryDict(query)
    kept = sorted(
        (name, value)
        for name, values in params.lists()
        if name not in PRESENTATION_PARAMETERS
        for value in values
        if value
    )
    return urlencode(kept)


def watchlists_of(user) -> QuerySet[Watchlist]:
    """A user's own watchlists, whether they receive each by e-mail."""
    owner_subscribed = Subscription.objects.active().filter(
        watchlist=OuterRef("pk"), user=OuterRef("owner")
    )
    return (
        Watchlist.objects.filter(owner=user)
        .annotate(subscribed=Exists(owner_subscribed))
        .order_by("name", "pk")
    )


def watchlist_events(watchlist: Watchlist) -> QuerySet[WatchlistEvent]:
    return watchlist.events.order_by("-pk")


def webhook_endpoints_of(user) -> QuerySet[WebhookEndpoint]:
    """The webhook endpoints of a user's own watchlists."""
    return WebhookEndpoint.objects.filter(watchlist__owner=user).order_by("watchlist", "pk")
