"""Real services for the integration tests: Redis as the broker, `celery worker` processes,
an SMTP server, and the pytest-django test database on PostgreSQL, which the worker and the
`manage.py` subprocesses open too. The tests commit (transactional_db), so they see its rows.

Locally they skip without REDIS_URL; under CI=true a missing service fails them."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from tracker.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
WAIT = 90  # seconds: the longest any step may take before the test gives up


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@pytest.fixture
def broker():
    """The Redis the settings name (REDIS_URL), its task queue emptied of earlier runs."""
    if not settings.REDIS_URL:
        _missing("the integration tests need REDIS_URL, e.g. redis://127.0.0.1:6379/12")
    try:
        redis.Redis.from_url(settings.REDIS_URL).ping()
    except redis.ConnectionError as error:
        _missing(f"Redis is not reachable at {settings.REDIS_URL}: {error}")
    celery_app.control.purge()
    return settings.REDIS_URL


def database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    socket_dir = db["OPTIONS"].get("host") or (db["HOST"] if db["HOST"].startswith("/") else "")
    if socket_dir:
        return f"postgres://{credentials}@/{db['NAME']}?host={socket_dir}"
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def service_env(transactional_db, broker, smtp_server) -> dict[str, str]:
    """The environment of the worker and of `manage.py`: this test's database, broker and
    mail server; two retries a second or two apart, so failing takes seconds, not an hour."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        "SITE_URL": settings.SITE_URL,
        "REMINDER_MAX_RETRIES": "2",
        "REMINDER_RETRY_BACKOFF": "1",
        "PYTHONUNBUFFERED": "1",
    }


class Worker:
    """A `celery -A tracker worker` subprocess (solo pool: the worker is the process that
    sends), whose log is read line by line as it comes."""

    def __init__(self, env: dict[str, str]):
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tracker",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "--hostname",
                f"reminders-test-{uuid.uuid4().hex[:8]}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for(r" ready\.$")

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, count: int = 1) -> list[str]:
        """Block until `count` new log lines match `pattern`; fail if the worker goes quiet."""
        found = []
        while len(found) < count:
            try:
                line = self.lines.get(timeout=WAIT)
            except queue.Empty:
                pytest.fail(f"worker: no line matching {pattern!r} in {WAIT}s:\n" + self.tail())
            self.log.append(line)
            if re.search(pattern, line):
                found.append(line)
        return found

    def tail(self) -> str:
        return "\n".join(self.log[-40:])

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=WAIT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=WAIT)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(service_env):
    """Start workers (several, one after the other, for restarts); all stopped at the end,
    before the test database is flushed."""
    workers: list[Worker] = []

    def start() -> Worker:
        workers.append(Worker(service_env))
        return workers[-1]

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def send_reminders(service_env):
    """Run `manage.py send_reminders` as cron or an operator would; returns the digests it
    queued."""

    def run(*args: str, **env: str) -> int:
        result = subprocess.run(
            [sys.executable, "manage.py", "send_reminders", *args],
            cwd=ROOT,
            env={**service_env, **env},
            capture_output=True,
            text=True,
            timeout=WAIT,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return int(re.search(r"(\d+) digests queued", result.stdout).group(1))

    return run
