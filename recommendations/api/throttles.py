from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    """Anonymous clients, counted per address at TRACKER_ANON_THROTTLE.

    DRF reads its rates once, at import; this reads the setting per request instead.
    """

    def get_rate(self) -> str:
        return settings.TRACKER_ANON_THROTTLE
