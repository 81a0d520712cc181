"""/api/webhooks/: the endpoints of a user's own watchlists, the secret shown once."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory
from watchlists import services
from watchlists.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.org/tracker"


@pytest.fixture
def api(alice):
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def watchlist(alice):
    return services.watchlist_create(owner=alice, name="China", query="state=CHN")


def test_an_endpoint_is_made_with_its_secret_shown_once_and_rotated_on_demand(api, watchlist):
    answer = api.post("/api/webhooks/", {"watchlist": watchlist.pk, "url": URL}, format="json")

    assert answer.status_code == 201
    made = answer.json()
    assert made["secret"].startswith("whsec_")
    assert (made["watchlist"], made["url"], made["enabled"]) == (watchlist.pk, URL, True)
    assert "secret" not in api.get("/api/webhooks/").json()["results"][0]
    assert "secret" not in api.get(f"/api/webhooks/{made['id']}/").json()

    rotated = api.post(f"/api/webhooks/{made['id']}/secret/")

    assert rotated.status_code == 200
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != made["secret"]
    assert WebhookEndpoint.objects.get().secret == rotated.json()["secret"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"url": "https://10.0.0.1/hook"}, "url", "private network"),
        ({"url": "https://169.254.169.254/latest/"}, "url", "private network"),
        ({"url": "https://[::1]:8000/"}, "url", "private network"),
        ({"url": "http://hooks.example.org/"}, "url", "Use an https URL"),
        ({"url": "ftp://hooks.example.org/"}, "url", "Only http and https"),
        ({"url": "not a url"}, "url", "Enter a valid URL"),
        ({"url": 7}, "url", "Enter a valid URL"),
        ({"url": URL, "watchlist": "1"}, "watchlist", "Expected an integer id"),
        ({"url": URL, "watchlist": 2**63}, "watchlist", "does not exist"),
        ({"url": URL, "enabled": "maybe"}, "enabled", "Must be a valid boolean"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, watchlist, body, field, message):
    answer = api.post("/api/webhooks/", {"watchlist": watchlist.pk, **body}, format="json")

    assert answer.status_code == 400
    assert list(answer.json()) == [field]
    assert any(message in reason for reason in answer.json()[field])
    assert not WebhookEndpoint.objects.exists()


def test_another_users_watchlist_and_endpoints_are_not_found(api, watchlist):
    bob = UserFactory(username="bob")
    bobs = services.watchlist_create(owner=bob, name="Mine", query="state=CHN")
    endpoint = WebhookEndpoint.objects.create(watchlist=bobs, url=URL)

    made = api.post("/api/webhooks/", {"watchlist": bobs.pk, "url": URL}, format="json")
    assert made.status_code == 400
    assert "does not exist" in made.json()["watchlist"][0]
    assert api.get("/api/webhooks/").json()["results"] == []
    for method in ("get", "patch", "delete"):
        assert getattr(api, method)(f"/api/webhooks/{endpoint.pk}/").status_code == 404
    assert api.post(f"/api/webhooks/{endpoint.pk}/secret/").status_code == 404
    assert APIClient().get("/api/webhooks/").status_code == 401


def test_turned_on_again_an_endpoint_forgets_its_failures(api, watchlist):
    endpoint = WebhookEndpoint.objects.create(
        watchlist=watchlist, url=URL, enabled=False, disabled_reason="HTTP 500", failures_in_row=20
    )

    answer = api.patch(f"/api/webhooks/{endpoint.pk}/", {"enabled": True}, format="json")

    assert answer.status_code == 200
    assert (answer.json()["enabled"], answer.json()["failures_in_row"]) == (True, 0)
    assert answer.json()["disabled_reason"] == ""


def test_an_endpoint_stays_with_its_watchlist(api, watchlist, alice):
    other = services.watchlist_create(owner=alice, name="Other", query="state=PRK")
    endpoint = WebhookEndpoint.objects.create(watchlist=watchlist, url=URL)

    answer = api.patch(f"/api/webhooks/{endpoint.pk}/", {"watchlist": other.pk}, format="json")

    assert answer.status_code == 400
    assert list(answer.json()) == ["watchlist"]


def test_a_watchlist_with_deliveries_can_be_deleted(api, watchlist, coi):
    from tests.watchlists.conftest import recommend, sweep

    WebhookEndpoint.objects.create(watchlist=watchlist, url=URL, queued_up_to=0)
    recommend(body=coi)
    sweep()
    assert WebhookEndpoint.objects.get().deliveries.exists()

    assert api.delete(f"/api/watchlists/{watchlist.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()
