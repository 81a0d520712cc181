"""/api/watchlists/: each user sees and changes their own, and nobody else's."""

import pytest
from rest_framework.test import APIClient

from tests.factories import ThemeFactory, UserFactory
from watchlists.models import Subscription, Watchlist

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


def create(api, **fields):
    return api.post(
        "/api/watchlists/",
        {"name": "China", "resource": "recommendations", "query": "state=CHN", **fields},
        format="json",
    )


def test_a_user_saves_a_watchlist_and_receives_it_by_email(api, alice):
    ThemeFactory(slug="non-refoulement")

    answer = create(api, query="theme=non-refoulement&state=chn&page=2", language="ko")

    assert answer.status_code == 201
    body = answer.json()
    assert body["query"] == "state=chn&theme=non-refoulement"
    assert body["subscribed"] is True
    assert body["calendar_url"].startswith("http://testserver/watchlists/calendar/")
    assert Subscription.objects.get().email == "alice@example.org"
    assert Subscription.objects.get().language == "ko"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("state=XXX", "state: No state with the code XXX."),
        ("status=nonsense", "status: Select a valid choice. nonsense is not one of the"),
        ("colour=red", "colour: not a filter of this list."),
        ("", "This field may not be blank."),
        ("page=2", "Give at least one filter"),
    ],
)
def test_a_query_the_list_would_refuse_is_a_400_naming_the_field(api, query, message):
    answer = create(api, query=query)

    assert answer.status_code == 400
    assert list(answer.json()) == ["query"]
    assert any(reason.startswith(message) for reason in answer.json()["query"])
    assert not Watchlist.objects.exists()


def test_a_target_query_is_checked_by_the_target_filters(api):
    assert create(api, resource="targets", query="recommendation=999").status_code == 400
    assert create(api, resource="targets", query="state=CHN&overdue=true").status_code == 201


def test_another_users_watchlist_is_a_404_for_every_method(api):
    theirs = Watchlist.objects.create(
        owner=UserFactory(username="bob"), name="Bob's", query="state=CHN"
    )
    url = f"/api/watchlists/{theirs.pk}/"

    assert api.get("/api/watchlists/").json()["results"] == []
    assert api.get(url).status_code == 404
    assert api.patch(url, {"name": "Mine"}, format="json").status_code == 404
    assert api.delete(url).status_code == 404
    assert api.get(f"{url}events/").status_code == 404
    assert api.post(f"{url}calendar-token/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Bob's"


def test_an_anonymous_client_is_told_to_authenticate():
    assert APIClient().get("/api/watchlists/").status_code == 401


def test_the_owner_changes_unsubscribes_and_deletes_it(api):
    watchlist = create(api).json()
    url = f"/api/watchlists/{watchlist['id']}/"

    changed = api.patch(url, {"name": "PRC", "subscribed": False}, format="json")

    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["subscribed"]) == ("PRC", False)
    assert Subscription.objects.active().count() == 0
    assert api.delete(url).status_code == 204
    assert not Watchlist.objects.exists()


def test_regenerating_the_calendar_address_revokes_the_old_one(api, client):
    watchlist = create(api).json()
    old = watchlist["calendar_url"].removeprefix("http://testserver")

    answer = api.post(f"/api/watchlists/{watchlist['id']}/calendar-token/")

    new = answer.json()["calendar_url"].removeprefix("http://testserver")
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_the_events_are_listed_newest_first(api, coi, clock):
    from datetime import timedelta

    from tests.watchlists.conftest import TODAY, at, recommend, sweep

    watchlist = create(api).json()
    clock.move_to(at(TODAY, 6) + timedelta(minutes=5))
    recommend(body=coi, response_due=TODAY + timedelta(days=3))
    sweep()

    events = api.get(f"/api/watchlists/{watchlist['id']}/events/").json()["results"]

    assert [event["kind"] for event in events] == ["response_due", "new_recommendation"]
    assert events[0]["payload"]["due"] == (TODAY + timedelta(days=3)).isoformat()
