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
