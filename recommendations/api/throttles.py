import logging

from django.conf import settings
from redis.exceptions import RedisError
from rest_framework.throttling import AnonRateThrottle

logger = logging.getLogger(__name__)


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients, counted per address at TRACKER_ANON_THROTTLE.

    DRF reads its rates once, at import; this reads the setting per request instead.
    """

    def get_rate(self) -> str:
        return settings.TRACKER_ANON_THROTTLE

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except RedisError as error:
            # The counts live in Redis. While it is down the public records stay readable,
            # unthrottled, rather than every anonymous read failing.
            logger.warning("cache unavailable, anonymous request not throttled: %s", error)
            return True


class ExpensiveReadThrottle(AnonymousThrottle):
    """Anonymous reads that cost a full-text search or aggregates over every matching row,
    counted a second time, apart, at the lower TRACKER_ANON_EXPENSIVE_THROTTLE.

    Not a default throttle: only a view knows when a read is expensive (stats are cheap
    when their counts are cached), so `ExpensiveReadMixin` counts those reads, and only
    those; cheap reads never use up this allowance.
    """

    scope = "anon_expensive"

    def get_rate(self) -> str:
        return settings.TRACKER_ANON_EXPENSIVE_THROTTLE
