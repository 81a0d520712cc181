"""A watchlist's iCalendar feed (RFC 5545), written with the `icalendar` library from its
stored calendar entries.

Calendar clients (Google Calendar, Outlook, Thunderbird) poll the feed and match each item by
its UID: an entry's UID never changes, its SEQUENCE rises with every change of its date, and
an item that went away stays in the feed as STATUS:CANCELLED, so a client removes it rather
than keep a stale copy. The UN gives days, not times: every item is an all-day event (DATE
values, DTEND the day after, as RFC 5545 section 3.6.1 describes an anniversary)."""

from datetime import timedelta

import icalendar
from django.utils import translation

from watchlists import messages
from watchlists.links import public_page_url
from watchlists.models import CalendarEntry, Watchlist

PRODUCT_ID = "-//UN recommendations tracker//Watchlists//EN"
# How often a client should fetch the feed again; the sweep refreshes it daily.
REFRESH_INTERVAL = timedelta(hours=12)


def _vevent(entry: CalendarEntry) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", entry.uid())
    event.add("dtstamp", entry.updated_at)
    event.add("created", entry.created_at)
    event.add("last-modified", entry.updated_at)
    event.add("dtstart", entry.date)
    event.add("dtend", entry.date + timedelta(days=1))
    event.add("sequence", entry.sequence)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    event.add("summary", messages.calendar_summary(entry.kind, entry.payload))
    description = messages.calendar_description(entry.kind, entry.payload)
    if description:
        event.add("description", description)
    event.add("url", public_page_url(entry.payload.get("recommendation")))
    return event


def feed(watchlist: Watchlist, entries: list[CalendarEntry]) -> bytes:
    """The feed, in the watchlist's language."""
    with translation.override(watchlist.language):
        calendar = icalendar.Calendar()
        calendar.add("prodid", PRODUCT_ID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", watchlist.name)
        calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", REFRESH_INTERVAL)
        for entry in entries:
            calendar.add_component(_vevent(entry))
        if not entries:
            # RFC 5545 wants at least one component (icalendar's validate() checks it): a
            # feed with no item yet holds a time zone definition, which no client shows.
            calendar.add_component(icalendar.Timezone.from_tzid("UTC"))
        return calendar.to_ical()
