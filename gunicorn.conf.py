"""Gunicorn's settings, read from the working directory: one JSON line per request on stdout."""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# A worker recycled now and then keeps a slow leak from becoming an outage.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
access_log_format = (
    '{"time": "%(t)s", "level": "INFO", "logger": "gunicorn.access", "method": "%(m)s", '
    '"path": "%(U)s", "query": "%(q)s", "status": %(s)s, "bytes": "%(B)s", '
    '"duration_ms": %(M)s, "remote": "%(h)s", "user_agent": "%(a)s"}'
)
