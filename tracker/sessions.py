"""Sessions kept in the database and read from the shared cache (Redis).

Django's cached_db engine: a signed-in request reads its session from Redis rather than with
a query, and the database keeps every session through a restart of Redis. Only where the
cache is shared by every process (settings.SESSION_ENGINE): a cache of each process's own
would go on serving a session that another process ended at logout.

With Redis down, sessions are read and created with the database alone: the cache only saves
time. Ending one still needs Redis, as in Django's engine: a session left in a cache that
comes back would be valid again, so a logout that cannot reach it fails rather than seem done.
"""

import logging

from django.contrib.sessions.backends import cached_db, db
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            return super().load()
        except RedisError as error:
            logger.warning("cache unavailable, session read from the database: %s", error)
            return db.SessionStore.load(self)

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except RedisError as error:
            logger.warning("cache unavailable, session looked up in the database: %s", error)
            return db.SessionStore.exists(self, session_key)
