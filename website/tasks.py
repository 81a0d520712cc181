"""The public site's Celery task: a search's or a chart's counts, counted again after a
write (website/selectors.py recounted()); and the queueing of such counts, the campaign
page's too."""

import logging

from celery import shared_task
from django.conf import settings
from kombu.exceptions import OperationalError

from website import selectors

logger = logging.getLogger(__name__)


@shared_task
def counts_recount(name: str, query: str, version: str) -> None:
    selectors.recounted(name, query, version)


def queue_recount(name: str, query: str, version: str) -> None:
    """Queue the counting of `name`'s counts for `query` (queue_count())."""
    queue_count(counts_recount, name, query, version)


def queue_count(task, *args) -> None:
    """Queue a count of data_version.lasting_read() (`task` with `args`), at once or never:
    with the broker down the reader is still served, the last counts, which are counted in a
    request once they are too old; and a count still queued by then is dropped."""
    try:
        task.apply_async(args, expires=settings.TRACKER_LASTING_COUNTS_MAX_SECONDS, retry=False)
    except OperationalError as error:
        logger.warning("%s%s not queued for counting: %s", task.name, args, error)
