"""Gunicorn's settings, read from the working directory: one JSON line per request on stdout."""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads, not the default sync worker. A sync worker tells the master it is alive only
# between requests, so a CSV export streamed for longer than `timeout` (a large one, or a
# slow reader) was killed mid-row. A gthread worker's main loop beats about once a second
# while its threads stream: `timeout` then only catches a worker that has hung, never a
# long download (gunicorn's docs, `timeout`: "For the non sync workers it just means that
# the worker process is still communicating and is not tied to the length of time required
# to handle a single request"). tests/integration/test_export_streaming.py holds it to that.
# Each thread keeps a database connection of its own: workers x threads in all.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# A worker recycled now and then keeps a slow leak from becoming an outage. Not often: the
# new worker takes a second or more to start Django, and the requests that wait for it show
# in the latency. At 2,000, a worker answering cached reads at a few hundred a second was
# recycled every few seconds, and a second was the benchmark's p99 (docs/benchmarks.md).
max_requests = 100_000
max_requests_jitter = 10_000
accesslog = "-"
access_log_format = (
    '{"time": "%(t)s", "level": "INFO", "logger": "gunicorn.access", "method": "%(m)s", '
    '"path": "%(U)s", "query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", '
    '"duration_ms": %(M)s, "remote": "%(h)s", "user_agent": "%(a)s"}'
)


def post_request(worker, req, environ, resp):
    # A request leaves a few thousand objects in reference cycles (model instances and their
    # prefetched relations, DRF's bound fields), promoted to the oldest generation while it
    # runs. Left to the automatic collector they piled up, and about one request in ten paid
    # a full collection of the lot, a hundred milliseconds and more (docs/benchmarks.md).
    # Freed here, once the response is sent, each request pays for its own.
    gc.collect()
    if not FROZEN:
        # What the worker loaded to serve its first request (Django, the URLconf, the views,
        # the catalogues) lives as long as it does: frozen, out of the collector's way, each
        # collection reads only what the requests made since. A request another thread was
        # serving at that moment is frozen too: a few objects never freed, once per worker.
        gc.freeze()
        FROZEN.append(True)


FROZEN: list[bool] = []
