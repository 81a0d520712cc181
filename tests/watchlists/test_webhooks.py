"""Webhooks through a real receiver on loopback (tests/webhook_receiver.py) that verifies
every signature with the `standardwebhooks` library: delivered once, retried with a growing
wait while the receiver is down (the clock moved by hand), public fields only, the endpoint
disabled after failing and its owner told through a real SMTP server, sent again from the
admin; and the guard that keeps requests off private addresses."""

import ipaddress
import socket
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.watchlists.conftest import TODAY, at, recommend, recommend_with_private_rows
from watchlists import services, webhooks
from watchlists.choices import DeliveryStatus
from watchlists.models import WebhookDelivery, WebhookEndpoint, new_webhook_secret

pytestmark = pytest.mark.django_db

PRIVATE = "zzprivate"


def send_at(moment, django_capture_on_commit_callbacks) -> int:
    """A run of the delivery task (beat's, each minute) at `moment`."""
    with (
        time_machine.travel(moment, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        return webhooks.deliveries_send()


@pytest.fixture
def endpoint(alice, receiver, clock):
    watchlist = services.watchlist_create(
        owner=alice, name="China", query="state=CHN", language="ko", subscribed=False
    )
    made = webhooks.endpoint_create(watchlist=watchlist, url=receiver.url)
    receiver.secret = made.secret
    clock.move_to(at(TODAY, 6) + timedelta(minutes=5))
    return made


def test_a_new_matching_recommendation_reaches_the_receiver_once(
    endpoint, receiver, coi, sweep_and_send
):
    recommend(body=coi)

    sweep_and_send()
    sweep_and_send()  # a second sweep, the same day: nothing new

    (request,) = receiver.received()
    delivery = WebhookDelivery.objects.get()
    assert request["id"] == f"evt_{delivery.event_id}"
    assert request["payload"]["type"] == "new_recommendation"
    assert request["payload"]["watchlist"] == endpoint.watchlist_id
    assert request["payload"]["occurred_on"] == "2026-12-07"
    assert request["payload"]["data"]["paragraph"] == "1221 (a)"
    assert request["headers"]["Host"] == f"127.0.0.1:{receiver.port}"
    assert receiver.rejected == []
    assert (delivery.status, delivery.attempts, delivery.response_code) == (
        DeliveryStatus.DELIVERED,
        1,
        204,
    )


def test_an_endpoint_made_later_hears_of_later_events_only(
    alice, receiver, coi, sweep_and_send, clock, django_capture_on_commit_callbacks
):
    watchlist = services.watchlist_create(owner=alice, name="China", query="state=CHN")
    recommend(body=coi)
    sweep_and_send()
    endpoint = webhooks.endpoint_create(watchlist=watchlist, url=receiver.url)
    receiver.secret = endpoint.secret

    clock.move_to(at(TODAY, 8))
    recommend(body=coi, text="Stop forced repatriation.")
    sweep_and_send(TODAY + timedelta(days=1))

    (request,) = receiver.received()
    assert "repatriation" in request["payload"]["data"]["excerpt"].lower()


def test_while_the_receiver_is_down_the_event_waits_longer_each_time_and_arrives_once_back(
    endpoint, receiver, coi, sweep_and_send, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_RETRY_BACKOFF = 60
    receiver.stop()
    recommend(body=coi)

    sweep_and_send()  # 07:00, refused
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "NewConnectionError" in delivery.last_error
    assert delivery.next_attempt_at == at(TODAY) + timedelta(seconds=60)

    # Not due yet: nothing is tried.
    assert send_at(at(TODAY) + timedelta(seconds=30), django_capture_on_commit_callbacks) == 0
    assert WebhookDelivery.objects.get().attempts == 1
    # Due, and still down: the wait doubles.
    send_at(at(TODAY) + timedelta(seconds=61), django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at == at(TODAY) + timedelta(seconds=61 + 120)

    receiver.start()
    assert send_at(at(TODAY) + timedelta(seconds=150), django_capture_on_commit_callbacks) == 0
    assert send_at(at(TODAY) + timedelta(seconds=190), django_capture_on_commit_callbacks) == 1
    assert send_at(at(TODAY) + timedelta(hours=1), django_capture_on_commit_callbacks) == 0

    (request,) = receiver.received()
    assert request["id"] == f"evt_{delivery.event_id}"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.DELIVERED,
        3,
        "",
    )
    assert WebhookEndpoint.objects.get().failures_in_row == 0


def test_a_webhook_carries_public_fields_only(endpoint, receiver, coi, sweep_and_send, clock):
    recommend_with_private_rows(coi)

    sweep_and_send()

    requests = receiver.received()
    assert {request["payload"]["type"] for request in requests} >= {
        "new_recommendation",
        "new_response",
        "new_assessment",
        "status_changed",
    }
    for request in requests:
        assert PRIVATE not in str(request["payload"]).lower()
        assert PRIVATE not in str(request["headers"]).lower()


def test_an_endpoint_that_keeps_failing_is_disabled_and_its_owner_told_in_their_language(
    endpoint,
    receiver,
    coi,
    sweep_and_send,
    settings,
    smtp_settings,
    admin_client,
    django_capture_on_commit_callbacks,
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOK_RETRY_BACKOFF = 60
    receiver.failing = True
    recommend(body=coi)

    sweep_and_send()
    send_at(at(TODAY) + timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert smtp_settings.mailbox.received() == []
    send_at(at(TODAY) + timedelta(minutes=3), django_capture_on_commit_callbacks)

    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert endpoint.failures_in_row == 3
    assert "HTTP 500" in endpoint.disabled_reason
    (message,) = smtp_settings.mailbox.received()
    assert message["To"] == "alice@example.org"
    assert "웹훅" in message["Subject"]  # the watchlist's language: Korean
    assert receiver.url in message.get_body(("plain",)).get_content()
    # Disabled: nothing more is tried.
    assert send_at(at(TODAY, 12), django_capture_on_commit_callbacks) == 0
    assert len(receiver.received()) == 3

    # Fixed and enabled again, the delivery is sent again from the admin.
    receiver.failing = False
    webhooks.endpoint_update(endpoint=endpoint, enabled=True)
    delivery = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        answer = admin_client.post(
            "/admin/watchlists/webhookdelivery/",
            {"action": "send_again", "_selected_action": [delivery.pk]},
        )
    assert answer.status_code == 302
    (request,) = receiver.received()
    assert request["id"] == f"evt_{delivery.event_id}"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code) == (DeliveryStatus.DELIVERED, 204)


def test_an_endpoint_failing_for_a_day_is_disabled_whatever_the_count(
    endpoint,
    receiver,
    coi,
    sweep_and_send,
    settings,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 100
    receiver.failing = True
    recommend(body=coi)
    sweep_and_send()

    send_at(at(TODAY) + timedelta(hours=23), django_capture_on_commit_callbacks)
    assert WebhookEndpoint.objects.get().enabled
    send_at(at(TODAY) + timedelta(hours=24), django_capture_on_commit_callbacks)

    assert not WebhookEndpoint.objects.get().enabled
    assert [message.to for message in mailoutbox] == [["alice@example.org"]]


# The guard.


@pytest.mark.parametrize("address", ["10.0.0.1", "169.254.169.254", "::1", "127.0.0.1"])
def test_a_private_address_is_refused_before_any_connection(address, settings):
    settings.TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False

    with pytest.raises(webhooks.WebhookError) as refused:
        webhooks.resolved_address(address, 443)

    assert refused.value.permanent
    assert "refused address" in str(refused.value)


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address refused, not one bound
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
    ],
)
def test_the_guard_refuses_every_kind_of_non_public_address(address, settings):
    settings.TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    assert not webhooks.address_allowed(ipaddress.ip_address(address))


def test_the_guard_lets_public_addresses_through(settings):
    settings.TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    assert webhooks.address_allowed(ipaddress.ip_address("93.184.215.14"))
    assert webhooks.address_allowed(ipaddress.ip_address("2606:2800:21f:cb07::1"))


def test_a_host_name_that_resolves_to_loopback_is_refused_when_posting(settings):
    settings.TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False

    with pytest.raises(webhooks.WebhookError) as refused:
        webhooks.post("https://localhost:9/hook", b"{}", {})

    assert refused.value.permanent


def test_a_delivery_to_a_refused_address_fails_at_once(
    endpoint, receiver, coi, sweep_and_send, settings, django_capture_on_commit_callbacks
):
    settings.TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    recommend(body=coi)

    sweep_and_send()

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "127.0.0.1" in delivery.last_error
    assert receiver.received() == []


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://10.0.0.1/hook", "private network"),
        ("https://169.254.169.254/latest/meta-data/", "private network"),
        ("https://[::1]/hook", "private network"),
        ("https://localhost/hook", "private network"),
        ("http://hooks.example.org/", "Use an https URL"),
        ("ftp://hooks.example.org/", "Only http and https"),
        ("https://user:pass@hooks.example.org/", "user name and password"),
    ],
)
def test_a_refused_url_is_an_error_naming_the_field_when_saved(url, message, settings, alice):
    settings.TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    watchlist = services.watchlist_create(owner=alice, name="China", query="state=CHN")

    errors = webhooks.url_errors(url)

    assert any(message in error for error in errors)
    with pytest.raises(Exception) as refused:
        webhooks.endpoint_create(watchlist=watchlist, url=url)
    assert "url" in refused.value.message_dict


def test_the_connection_goes_to_the_address_checked_whatever_dns_answers_next(
    receiver, monkeypatch
):
    """DNS rebinding: a name that resolves to an allowed address when checked, and to
    another one right after, is still reached at the address checked; the Host header
    keeps the name."""
    answers = iter(["127.0.0.1", "10.0.0.1"])
    resolve = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host != "hooks.test":
            return resolve(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    webhook_id = "evt_1"
    data = '{"type": "test"}'
    receiver.secret = new_webhook_secret()
    headers = webhooks.signed_headers(
        secret=receiver.secret, webhook_id=webhook_id, data=data, now=timezone.now()
    )

    assert webhooks.post(f"http://hooks.test:{receiver.port}/", data.encode(), headers) == 204

    (request,) = receiver.received()
    assert request["headers"]["Host"] == f"hooks.test:{receiver.port}"
    assert next(answers) == "10.0.0.1"  # resolved once
