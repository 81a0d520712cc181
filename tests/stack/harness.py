"""The compose file's services as processes on loopback, for the stack test.

There is no Docker engine on CI's machines, so the stack test starts what docker-compose.yml
describes as local processes: a fresh database on the machine's PostgreSQL, a Redis server
of its own on a free port, an aiosmtpd server in this process, gunicorn with two workers, a
Celery worker and Celery beat. Only processes started here are ever stopped or killed, by
their own pid: never the machine's PostgreSQL or Redis.
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("STACK_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Mailbox:
    """An aiosmtpd server that keeps what it accepts; it can be stopped and started again.

    With `hold_seconds` set it waits before answering DATA, so a test can kill the sender
    mid-delivery. As in SMTP, a message counts only once the server has answered 250: when
    the client dies first, aiosmtpd cancels this handler and nothing is kept.
    """

    def __init__(self, port: int):
        self.port = port
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        self.controller: Controller | None = None
        self.hold_seconds = 0.0
        self.holding = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.hold_seconds:
            self.holding.set()
            await asyncio.sleep(self.hold_seconds)
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None

    def received(self) -> list[Message]:
        with self.lock:
            return list(self.messages)


class Stack:
    def __init__(self, output_dir: Path):
        self.output_dir = output_dir
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.db_name = f"tracker_stack_{uuid.uuid4().hex[:8]}"
        self.web_port = free_port()
        self.redis_port = free_port()
        self.smtp_port = free_port()
        self.redis_dir = output_dir / "redis"
        self.mailbox = Mailbox(self.smtp_port)
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": "stack-test-only",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.db_name}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp_port),
            "EMAIL_TIMEOUT": "5",
            "SITE_URL": f"http://127.0.0.1:{self.web_port}",
            "CONN_MAX_AGE": "60",
            "LOG_FORMAT": "json",
        }

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    # The database ---------------------------------------------------------------------------

    def create_database(self) -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.db_name}"')
        self.manage("migrate", "--noinput")

    def drop_database(self) -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def terminate_connections(self) -> int:
        """End every server-side connection to the stack's database, as a restart would."""
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.db_name],
            ).fetchall()
        return len(rows)

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=300,
        )

    # Processes ------------------------------------------------------------------------------

    def spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.output_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def start_redis(self) -> None:
        self.redis_dir.mkdir(exist_ok=True)
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            raise RuntimeError("redis-server is not installed")
        self.spawn(
            "redis",
            [
                redis_server,
                "--port", str(self.redis_port),
                "--bind", "127.0.0.1",
                "--dir", str(self.redis_dir),
                "--appendonly", "yes",
                "--save", "",
            ],
        )  # fmt: skip
        wait_until(lambda: port_open(self.redis_port), timeout=20, what="redis")

    def start_web(self) -> None:
        self.spawn(
            "web",
            [
                sys.executable, "-m", "gunicorn", "tracker.wsgi",
                "--bind", f"127.0.0.1:{self.web_port}",
                "--workers", "2",
                "--timeout", "30",
                "--access-logfile", "-",
            ],
        )  # fmt: skip
        wait_until(lambda: port_open(self.web_port), timeout=60, what="gunicorn")

    def start_worker(self) -> None:
        self.spawn(
            "worker",
            [
                sys.executable, "-m", "celery", "-A", "tracker", "worker",
                "--loglevel", "INFO", "--concurrency", "1", "--without-gossip",
                "--without-mingle",
            ],
        )  # fmt: skip

    def start_beat(self) -> None:
        self.spawn(
            "beat",
            [
                sys.executable, "-m", "celery", "-A", "tracker", "beat",
                "--loglevel", "INFO",
                "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
            ],
        )  # fmt: skip

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        if process.poll() is None:
            os.killpg(process.pid, sig)
            process.wait(timeout=30)

    def gunicorn_worker_pids(self) -> list[int]:
        master = self.processes["web"].pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return [int(pid) for pid in children]

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            process = self.processes[name]
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
        self.mailbox.stop()
