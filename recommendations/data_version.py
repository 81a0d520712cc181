"""Reads cached until the tracker's records change.

Every committed write to the records (admin, API, import, recompute) replaces the token in
`DataVersion`; a cached read is keyed on the token it read first. The token changes after
the write's commit, so a read that sees the new token also sees the new rows, and what was
cached under the old token is never served again. The token is random, not a counter: a test
database flushed and refilled can never meet an entry cached for the rows it had before.
"""

import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import QueryDict
from django.utils import timezone
from redis.exceptions import RedisError

from recommendations.models import DataVersion

T = TypeVar("T")

logger = logging.getLogger(__name__)

# Rows that are not the tracker's records: reminders, import jobs and silence alerts change
# all day long and no page depends on them.
UNCOUNTED = {
    "dataversion",
    "event",
    "importjob",
    "reminder",
    "reminderchange",
    "reminderpreference",
    "reminderrule",
    "remindersweep",
    "silencealert",
}


def data_version() -> str:
    """The current token (one new one for a database that has none yet)."""
    version = DataVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    if version is None:
        version = DataVersion.objects.get_or_create(pk=1, defaults={"token": _new_token()})[0].token
    return version


def data_changed() -> None:
    """Make every cached read stale once the current transaction commits."""
    transaction.on_commit(_replace_token)


def cached_read(
    name: str,
    params: QueryDict,
    compute: Callable[[], T],
    kept: Callable[[T], bool] = lambda found: True,
    version: str | None = None,
) -> T:
    """compute(), or what it returned for the same name and query parameters since the last
    write, today: some filters compare dates with today's. What `kept` refuses is not stored.
    A caller reading several at once may give the `version` it read for all of them."""
    key = _read_key(name, version or data_version(), _digest(params))
    try:
        found = cache.get(key)
    except RedisError as error:
        # The cache only saves time: with Redis down, reads are slower, not failing.
        logger.warning("cache unavailable, %s computed uncached: %s", name, error)
        return compute()
    if found is None:
        found = compute()
        if not kept(found):
            return found
        try:
            cache.set(key, found, settings.TRACKER_CACHED_READ_SECONDS)
        except RedisError as error:
            logger.warning("cache unavailable, %s not stored: %s", name, error)
    return found


@dataclass(frozen=True)
class Counted(Generic[T]):
    """Counts and when they were counted; `current` is False for counts made before the last
    write, shown while a worker counts again."""

    value: T
    counted_at: datetime
    current: bool = True


def lasting_read(
    name: str,
    params: QueryDict,
    compute: Callable[[], T],
    recount: Callable[[str], object],
    version: str | None = None,
) -> Counted[T]:
    """compute() for the current data version, as cached_read(); but after a write, the last
    counts for the same name and parameters at once, with recount(version) called (once per
    write) to queue their counting for the worker, which stores them with counted(). Counts older
    than TRACKER_LASTING_COUNTS_MAX_SECONDS, or of another day, are counted in the request.

    A count over every match of a broad search takes seconds at a million recommendations,
    and every write makes it stale: without this, the first reader after each write waits.
    Off (every read counts at once) unless the worker shares the cache: settings. A caller
    reading several counts at once may give the `version` it read for all of them."""
    if not settings.TRACKER_LASTING_COUNTS:
        return Counted(cached_read(name, params, compute, version=version), timezone.now())
    version, digest = version or data_version(), _digest(params)
    now_key, last_key = _read_key(name, version, digest), _last_key(name, digest)
    try:
        found = cache.get_many([now_key, last_key])
    except RedisError as error:
        logger.warning("cache unavailable, %s counted uncached: %s", name, error)
        return Counted(compute(), timezone.now())
    if now_key in found:
        return found[now_key]
    last = found.get(last_key)
    max_age = timedelta(seconds=settings.TRACKER_LASTING_COUNTS_MAX_SECONDS)
    if last is None or timezone.now() - last.counted_at > max_age:
        return _stored(name, version, digest, compute)
    if _claimed(name, version, digest):
        recount(version)
    return replace(last, current=False)


def counted(
    name: str, params: QueryDict, compute: Callable[[], T], *, queued_at: str
) -> Counted[T] | None:
    """compute() now (the worker's count that lasting_read() queued at data version
    `queued_at`), stored as the current and the last counts for name and parameters. If
    writes came since, it counts for the current version, which it claims, so that no reader
    of that version queues another count: under writes faster than the worker counts, each
    count is of the latest data, and none is skipped for good. Nothing is counted if the
    current version's counts are stored already, or another count claimed them: a burst of
    writes is counted once, not once each."""
    version, digest = data_version(), _digest(params)
    if queued_at != version and not _claimed(name, version, digest):
        return None
    try:
        stored = cache.get(_read_key(name, version, digest))
    except RedisError:
        stored = None
    return stored or _stored(name, version, digest, compute)


def _claimed(name: str, version: str, digest: str) -> bool:
    """Whether this caller is the first to claim the counting of `version`'s counts."""
    try:
        return cache.add(
            f"recount:{name}:{version}:{digest}", True, settings.TRACKER_LASTING_COUNTS_MAX_SECONDS
        )
    except RedisError as error:
        logger.warning("cache unavailable, %s not counted again: %s", name, error)
        return False


def _stored(name: str, version: str, digest: str, compute: Callable[[], T]) -> Counted[T]:
    # The keys and the time of the count are those of its start: a count that runs past
    # midnight is yesterday's, counted again by the day's first reader.
    keys = [_read_key(name, version, digest), _last_key(name, digest)]
    started = timezone.now()
    found = Counted(compute(), started)
    try:
        cache.set_many(dict.fromkeys(keys, found), settings.TRACKER_CACHED_READ_SECONDS)
    except RedisError as error:
        logger.warning("cache unavailable, %s not stored: %s", name, error)
    return found


def _digest(params: QueryDict) -> str:
    return hashlib.sha256(repr(sorted(params.lists())).encode()).hexdigest()


def _read_key(name: str, version: str, digest: str) -> str:
    return f"read:{name}:{version}:{timezone.localdate().isoformat()}:{digest}"


def _last_key(name: str, digest: str) -> str:
    return f"last:{name}:{timezone.localdate().isoformat()}:{digest}"


def _new_token() -> str:
    return uuid.uuid4().hex


def _replace_token() -> None:
    DataVersion.objects.update_or_create(pk=1, defaults={"token": _new_token()})


def _on_write(sender, **kwargs) -> None:
    data_changed()


def _on_relation_change(sender, action: str, **kwargs) -> None:
    if action.startswith("post_"):
        data_changed()


def connect_signals() -> None:
    """Every save, delete or many-to-many change of a record; bulk writes call data_changed()
    themselves, since they send no signals. History rows come with a record's write."""
    models = [
        *apps.get_app_config("recommendations").get_models(),
        # A campaign made private must leave the cached public pages at once.
        *apps.get_app_config("campaigns").get_models(),
    ]
    for model in models:
        name = model._meta.model_name
        if name in UNCOUNTED or name.startswith("historical"):
            continue
        post_save.connect(_on_write, sender=model, dispatch_uid=f"data-version-save-{name}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"data-version-delete-{name}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _on_relation_change,
                sender=field.remote_field.through,
                dispatch_uid=f"data-version-{name}-{field.name}",
            )
