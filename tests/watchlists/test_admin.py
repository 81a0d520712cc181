"""The admin: a staff member keeps their own watchlists; superusers see everyone's."""

import pytest

from tests.factories import UserFactory
from watchlists import services, webhooks
from watchlists.models import Watchlist, WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(username="staffer", is_staff=True)
    client.force_login(user)
    return user


def form(**fields):
    return {
        "name": "China",
        "language": "en",
        "resource": "recommendations",
        "query": "state=CHN",
        "deadline_days": "30",
        **fields,
    }


def test_a_staff_member_adds_a_watchlist_even_a_search_a_visitor_follows(client, staff):
    services.subscription_request(
        resource="recommendations", query="state=CHN", email="v@example.net", language="en"
    )

    answer = client.post("/admin/watchlists/watchlist/add/", form())

    assert answer.status_code == 302
    mine = Watchlist.objects.get(owner=staff)
    assert mine.subscriptions.get().email == "staffer@example.org"


def test_a_query_the_api_would_refuse_is_a_form_error_on_the_query(client, staff):
    answer = client.post("/admin/watchlists/watchlist/add/", form(query="state=XXX"))

    assert answer.status_code == 200
    assert "state: No state with the code XXX." in answer.context["adminform"].form.errors["query"]
    assert not Watchlist.objects.exists()


def test_a_staff_member_sees_only_their_own_and_a_superuser_everyones(client, staff, superuser):
    services.watchlist_create(owner=staff, name="Mine", query="state=CHN")
    theirs = services.watchlist_create(owner=superuser, name="Theirs", query="state=PRK")

    listed = client.get("/admin/watchlists/watchlist/").content.decode()
    other = client.get(f"/admin/watchlists/watchlist/{theirs.pk}/change/")
    client.force_login(superuser)
    everyone = client.get("/admin/watchlists/watchlist/").content.decode()

    assert "Mine" in listed and "Theirs" not in listed
    assert other.status_code == 302  # not found among theirs
    assert "Mine" in everyone and "Theirs" in everyone


def test_regenerating_the_calendar_address_in_the_admin(client, staff):
    watchlist = services.watchlist_create(owner=staff, name="Mine", query="state=CHN")
    old = watchlist.calendar_token

    client.post(
        "/admin/watchlists/watchlist/",
        {"action": "calendar_token_regenerate", "_selected_action": [watchlist.pk]},
    )

    watchlist.refresh_from_db()
    assert watchlist.calendar_token != old


def test_an_endpoints_secret_is_shown_to_its_owner_only(admin_client, admin_user, alice):
    mine = services.watchlist_create(owner=admin_user, name="Mine", query="state=CHN")
    theirs = services.watchlist_create(owner=alice, name="Theirs", query="state=CHN")
    own = webhooks.endpoint_create(watchlist=mine, url="https://hooks.example.org/a")
    other = WebhookEndpoint.objects.create(watchlist=theirs, url="https://hooks.example.org/b")

    page = admin_client.get(f"/admin/watchlists/webhookendpoint/{own.pk}/change/")
    assert own.secret in page.content.decode()
    page = admin_client.get(f"/admin/watchlists/webhookendpoint/{other.pk}/change/")
    assert page.status_code == 200
    assert other.secret not in page.content.decode()
