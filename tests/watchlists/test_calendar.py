"""The iCalendar feed: parsed back by `icalendar`, checked against RFC 5545 by two
validators (docs/watchlists.md says why two), stable UIDs, SEQUENCE and cancellations."""

from datetime import date, timedelta

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

from recommendations import services as recommendation_services
from tests.factories import EventFactory, state
from tests.watchlists.conftest import TODAY, private_letter, recommend, sweep
from watchlists import services

pytestmark = pytest.mark.django_db


def feed_of(client, watchlist) -> bytes:
    response = client.get(f"/watchlists/calendar/{watchlist.calendar_token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def valid(feed: bytes) -> icalendar.Calendar:
    """The feed, parsed back; fails unless it is valid RFC 5545."""
    text = feed.decode("utf-8")
    IcsCalendarStream.calendar_from_ics(text)  # every value by its type and enumeration
    vobject.readOne(text).validate(raiseException=True)  # required, at-most-once properties
    calendar = icalendar.Calendar.from_ical(feed)
    calendar.validate()
    assert not [component.errors for component in calendar.walk() if component.errors]
    return calendar


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def watchlist(alice, clock):
    return services.watchlist_create(owner=alice, name="China", query="state=CHN", language="en")


def test_the_feed_holds_deadlines_and_un_events_as_all_day_events(client, watchlist, coi):
    _, target = recommend(
        body=coi, response_due=TODAY + timedelta(days=10), follow_up_due=date(2027, 6, 1)
    )
    review = EventFactory(states=[state("CHN")], date=date(2027, 1, 20), name="UPR of China")
    sweep()

    calendar = valid(feed_of(client, watchlist))

    found = events(calendar)
    assert len(found) == 3
    response_due = found[f"watchlist-{watchlist.pk}-response_due-{target.pk}@testserver"]
    assert response_due["SUMMARY"] == "Response due: China — A/HRC/25/CRP.1 para 1221 (a)"
    assert response_due.decoded("DTSTART") == TODAY + timedelta(days=10)
    assert response_due["DTSTART"].params["VALUE"] == "DATE"
    assert response_due.decoded("DTEND") == TODAY + timedelta(days=11)
    assert response_due["SEQUENCE"] == 0
    assert response_due["STATUS"] == "CONFIRMED"
    upr = found[f"watchlist-{watchlist.pk}-un_event-{review.pk}@testserver"]
    assert upr["SUMMARY"] == "UPR of China"
    assert upr.decoded("DTSTART") == date(2027, 1, 20)
    assert str(calendar["X-WR-CALNAME"]) == "China"


def test_a_moved_deadline_keeps_its_uid_and_raises_its_sequence(client, watchlist, coi):
    _, target = recommend(body=coi, response_due=TODAY + timedelta(days=10))
    sweep()
    uid = f"watchlist-{watchlist.pk}-response_due-{target.pk}@testserver"

    recommendation_services.target_update(target=target, response_due=TODAY + timedelta(days=30))
    sweep(TODAY + timedelta(days=1))

    moved = events(valid(feed_of(client, watchlist)))[uid]
    assert moved.decoded("DTSTART") == TODAY + timedelta(days=30)
    assert moved["SEQUENCE"] == 1
    sweep(TODAY + timedelta(days=2))  # nothing moved: nothing changes
    assert events(valid(feed_of(client, watchlist)))[uid]["SEQUENCE"] == 1


def test_a_deadline_that_goes_away_is_cancelled_and_comes_back_with_a_higher_sequence(
    client, watchlist, coi
):
    _, target = recommend(body=coi, response_due=TODAY + timedelta(days=10))
    sweep()
    uid = f"watchlist-{watchlist.pk}-response_due-{target.pk}@testserver"

    recommendation_services.target_update(target=target, response_due=None)
    sweep(TODAY + timedelta(days=1))
    cancelled = events(valid(feed_of(client, watchlist)))[uid]
    recommendation_services.target_update(target=target, response_due=TODAY + timedelta(days=10))
    sweep(TODAY + timedelta(days=2))
    back = events(valid(feed_of(client, watchlist)))[uid]

    assert (cancelled["STATUS"], cancelled["SEQUENCE"]) == ("CANCELLED", 1)
    assert (back["STATUS"], back["SEQUENCE"]) == ("CONFIRMED", 2)


def test_a_new_watchlists_feed_is_valid_before_anything_is_in_it(client, watchlist):
    assert events(valid(feed_of(client, watchlist))) == {}


def test_a_private_document_never_reaches_the_feed(client, watchlist, coi):
    recommend(body=coi, document=private_letter(coi), response_due=TODAY + timedelta(days=5))
    sweep()

    feed = feed_of(client, watchlist)

    assert b"zzprivate" not in feed.lower()
    (item,) = valid(feed).walk("VEVENT")
    assert item["SUMMARY"] == "Response due: China — para 1221 (a)"


def test_the_feed_is_written_in_the_watchlists_language(client, watchlist, coi):
    services.watchlist_update(watchlist=watchlist, language="ko")
    recommend(body=coi, response_due=TODAY + timedelta(days=10))
    sweep()

    summaries = [
        str(event["SUMMARY"]) for event in valid(feed_of(client, watchlist)).walk("VEVENT")
    ]

    assert summaries and all("중국" in summary for summary in summaries)


def test_an_unknown_calendar_token_is_a_404(client, db):
    assert client.get("/watchlists/calendar/no-such-token.ics").status_code == 404
