"""Webhooks end to end: the sweep, Redis, a real `celery worker`, and a receiver on loopback
that verifies every signature and drops a repeated webhook-id (tests/webhook_receiver.py)."""

import pytest

from tests.factories import BodyFactory, UserFactory
from tests.watchlists.conftest import recommend
from watchlists import services, webhooks
from watchlists.choices import DeliveryStatus
from watchlists.models import WebhookDelivery
from watchlists.tasks import deliveries_send as deliveries_send_task

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUCCEEDED = r"Task watchlists\.tasks\.deliveries_send\[.+\] succeeded in .+: 1$"
WAIT = 90


@pytest.fixture
def endpoint(service_env, receiver):
    """Alice's watchlist of recommendations to China, posting to the receiver; the workers
    may reach loopback too."""
    service_env["TRACKER_WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = "true"
    alice = UserFactory(username="alice")
    watchlist = services.watchlist_create(
        owner=alice, name="China", query="state=CHN", subscribed=False
    )
    made = webhooks.endpoint_create(watchlist=watchlist, url=receiver.url)
    receiver.secret = made.secret
    return made


def a_new_recommendation_swept() -> None:
    """A new recommendation to China, and the sweep beat would run: its commit queues the
    delivery for the worker."""
    recommend(body=BodyFactory(acronym="COI-DPRK", kind="inquiry"))
    services.watchlists_sweep()


def test_a_new_matching_recommendation_reaches_the_receiver_once(endpoint, receiver, start_worker):
    worker = start_worker()

    a_new_recommendation_swept()
    services.watchlists_sweep()  # the same again: nothing new to queue
    request = receiver.requests.get(timeout=WAIT)
    worker.wait_for(SUCCEEDED)

    delivery = WebhookDelivery.objects.get()
    assert request["id"] == f"evt_{delivery.event_id}"
    assert request["payload"]["type"] == "new_recommendation"
    assert (delivery.status, delivery.attempts, delivery.response_code) == (
        DeliveryStatus.DELIVERED,
        1,
        204,
    )
    assert webhooks.deliveries_send() == 0
    assert receiver.received() == []
    assert receiver.rejected == []


def test_a_worker_killed_while_posting_loses_nothing_and_the_receiver_acts_once(
    endpoint, receiver, start_worker, service_env
):
    worker = start_worker()
    receiver.stall_next()

    a_new_recommendation_swept()
    assert receiver.in_flight.wait(timeout=WAIT), worker.tail()
    worker.kill()
    receiver.release()  # the connection closes unanswered: the sender cannot know

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 0)
    assert delivery.claimed_at is not None
    # The next run, once the dead delivery's claim has expired (here: at once).
    service_env["WEBHOOK_CLAIM_TIMEOUT"] = "0"
    restarted = start_worker()
    deliveries_send_task.delay()
    restarted.wait_for(SUCCEEDED)

    first, again = receiver.received()
    assert first["id"] == again["id"] == f"evt_{delivery.event_id}"
    assert list(receiver.events) == [first["id"]]  # deduplicated by webhook-id: acted on once
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.claimed_at) == (
        DeliveryStatus.DELIVERED,
        1,
        None,
    )
