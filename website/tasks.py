"""The public site's Celery task: a search's counts, counted again after a write."""

import logging

from celery import shared_task
from kombu.exceptions import OperationalError

from website import selectors

logger = logging.getLogger(__name__)


@shared_task
def search_counts_recount(query: str, version: str) -> None:
    selectors.search_counts_recount(query, version)


def queue_search_recount(query: str, version: str) -> None:
    """Queue the counting of a search's counts. With the broker down the reader is still
    served, the last counts: they are counted in a request once they are too old."""
    try:
        search_counts_recount.delay(query, version)
    except OperationalError as error:
        logger.warning("a search's counts not queued for counting: %s", error)
