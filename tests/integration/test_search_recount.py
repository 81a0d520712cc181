"""A search's counts after a write, counted again by a real `celery worker` through Redis: the
first reader after the write reads the last counts, marked, and queues the count; once the
worker has made it, the next reader reads the current counts."""

import pytest
from django.test import Client

from recommendations import services
from tests.factories import BodyFactory, DocumentFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUCCEEDED = r"Task website\.tasks\.counts_recount\[.+\] succeeded"


def written(text: str):
    body = BodyFactory(acronym="CAT", name="Committee against Torture")
    return services.recommendation_create(
        text=text, issued_by=body, document=DocumentFactory(body=body)
    )


def search_page() -> str:
    response = Client().get("/search/", {"q": "torture"})
    assert response.status_code == 200
    return response.content.decode()


def test_the_worker_counts_a_search_again_after_a_write(settings, start_worker):
    settings.TRACKER_LASTING_COUNTS = True
    worker = start_worker()
    written("Prevent torture in prisons.")
    assert "1 recommendation<" in search_page()

    written("Investigate every allegation of torture.")
    after_the_write = search_page()
    worker.wait_for(SUCCEEDED)
    counted_again = search_page()

    assert "1 recommendation<" in after_the_write
    assert "are being made again" in after_the_write
    assert "2 recommendations<" in counted_again
    assert "are being made again" not in counted_again
