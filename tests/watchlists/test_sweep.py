"""The sweep: what it reports, once, whatever runs twice or dies half-way."""

from datetime import timedelta

import pytest
from django.db import DatabaseError

from recommendations import services as recommendation_services
from tests.factories import EventFactory, state
from tests.watchlists.conftest import TODAY, at, recommend, sweep
from watchlists import services
from watchlists.choices import WatchlistEventKind
from watchlists.models import CalendarEntry, Watchlist, WatchlistEvent

pytestmark = pytest.mark.django_db


def china_watchlist(owner, query="state=CHN", **fields):
    return services.watchlist_create(
        owner=owner, name="China", resource="recommendations", query=query, **fields
    )


def kinds() -> list[str]:
    return sorted(WatchlistEvent.objects.values_list("kind", flat=True))


def test_a_sweep_reports_new_recommendations_responses_assessments_status_and_deadlines(
    alice, coi, clock
):
    watchlist = china_watchlist(alice)
    clock.move_to(at(TODAY, 6) + timedelta(minutes=5))
    recommendation, target = recommend(body=coi, response_due=TODAY + timedelta(days=10))
    EventFactory(states=[state("CHN")], date=TODAY + timedelta(days=20), name="UPR of China")
    recommendation_services.response_create(target=target, position="rejected", date=TODAY)

    sweep()

    assert kinds() == sorted(
        [
            WatchlistEventKind.NEW_RECOMMENDATION,
            WatchlistEventKind.NEW_RESPONSE,
            WatchlistEventKind.STATUS_CHANGED,
            WatchlistEventKind.UN_EVENT,
        ]
    )  # the response came before the due date: it is no longer coming
    new = WatchlistEvent.objects.get(kind=WatchlistEventKind.NEW_RECOMMENDATION)
    assert new.watchlist == watchlist
    assert new.recommendation == recommendation
    assert new.payload["document"] == "A/HRC/25/CRP.1"
    assert new.payload["addressees"] == [
        {"state": "CHN", "state_name": "China", "body": None, "status": "rejected"}
    ]
    change = WatchlistEvent.objects.get(kind=WatchlistEventKind.STATUS_CHANGED)
    assert (change.payload["status_before"], change.payload["status"]) == (
        "awaiting_response",
        "rejected",
    )


def test_a_deadline_coming_is_reported_once_and_again_when_it_moves(alice, coi, clock):
    china_watchlist(alice, query="body=COI-DPRK")
    _, target = recommend(body=coi, response_due=TODAY + timedelta(days=10))

    sweep()
    sweep(TODAY + timedelta(days=1))
    recommendation_services.target_update(target=target, response_due=TODAY + timedelta(days=20))
    sweep(TODAY + timedelta(days=2))

    deadlines = WatchlistEvent.objects.filter(kind=WatchlistEventKind.RESPONSE_DUE)
    assert sorted(deadlines.values_list("deadline", flat=True)) == [
        TODAY + timedelta(days=10),
        TODAY + timedelta(days=20),
    ]


def test_the_sweep_run_twice_records_each_event_once(alice, coi, clock):
    china_watchlist(alice)
    clock.move_to(at(TODAY, 6) + timedelta(minutes=5))
    recommend(body=coi, response_due=TODAY + timedelta(days=3))

    first = sweep()
    second = sweep(hour=8)

    assert first["recorded"] == 2
    assert second["recorded"] == 0
    assert WatchlistEvent.objects.count() == 2


def test_a_sweep_that_dies_half_way_loses_nothing(alice, coi, clock, monkeypatch):
    watchlist = china_watchlist(alice)
    clock.move_to(at(TODAY, 6) + timedelta(minutes=5))
    recommend(body=coi)

    def killed(*args, **kwargs):
        raise DatabaseError("the connection dropped")

    with monkeypatch.context() as patched:
        patched.setattr(services, "_calendar_refresh", killed)
        with pytest.raises(DatabaseError):
            sweep()
    assert WatchlistEvent.objects.count() == 0
    assert Watchlist.objects.get().checked_up_to == watchlist.checked_up_to

    sweep(TODAY + timedelta(days=3))

    assert kinds() == [WatchlistEventKind.NEW_RECOMMENDATION]


def test_what_was_there_before_the_watchlist_is_not_new(alice, coi, clock):
    clock.move_to(at(TODAY - timedelta(days=3)))
    recommend(body=coi)
    clock.move_to(at(TODAY, 6))
    china_watchlist(alice)

    sweep()

    assert kinds() == []


def test_a_recommendation_to_other_states_is_not_reported(alice, coi, clock):
    china_watchlist(alice, query="state=PRK")
    clock.move_to(at(TODAY, 6) + timedelta(minutes=5))
    recommend(body=coi)

    sweep()

    assert kinds() == []


def test_the_sweep_takes_a_fixed_number_of_queries_per_watchlist(
    alice, coi, clock, django_assert_max_num_queries
):
    china_watchlist(alice)
    clock.move_to(at(TODAY, 6) + timedelta(minutes=5))
    for paragraph in range(5):
        recommend(body=coi, text=f"Grant UNHCR access ({paragraph}).")

    with django_assert_max_num_queries(30):
        sweep()

    assert WatchlistEvent.objects.count() == 5
    assert CalendarEntry.objects.count() == 0
