"""The compose file's services as processes on loopback, for the stack test.

There is no Docker engine on CI's machines, so the stack test starts what docker-compose.yml
describes as local processes: a fresh database on the machine's PostgreSQL, a Redis server
of its own on a free port, an aiosmtpd server in this process, gunicorn with two workers, a
Celery worker and Celery beat. Only processes started here are ever stopped or killed, by
their own pid: never the machine's PostgreSQL or Redis.
"""

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
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


class Api:
    def __init__(self, base_url: str, token: str | None = None):
        self.base_url = base_url
        self.token = token

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(  # noqa: S310 - loopback URL built by the test
            self.base_url + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            payload = error.read()
            try:
                return error.code, json.loads(payload or b"null")
            except json.JSONDecodeError:
                return error.code, {"raw": payload.decode(errors="replace")}

    def get(self, path: str) -> tuple[int, dict]:
        return self.request("GET", path)

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        return self.request("POST", path, body)


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


def postgres_bin_dir() -> Path:
    """The machine's PostgreSQL server binaries (Debian keeps them out of PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))
    if found:
        return found[-1].parent
    on_path = shutil.which("pg_basebackup")
    if on_path is None:
        raise RuntimeError("PostgreSQL's server binaries (initdb, pg_basebackup) are not installed")
    return Path(on_path).parent


class PostgresWithReplica:
    """A PostgreSQL primary of its own on a free loopback port and a streaming replica of it,
    copied with `pg_basebackup -R`, on another: both in a temporary folder, both stopped by
    `pg_ctl` on their own data folders. The replica applies each commit `apply_delay` after
    the primary made it, so a read served by it shows a write late, measurably.

    PostgreSQL refuses to run as root: as root, its commands run as the postgres user.
    """

    def __init__(self, apply_delay: str = "10s"):
        self.bin_dir = postgres_bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="tracker-replica-"))
        self.primary_dir = self.dir / "primary"
        self.replica_dir = self.dir / "replica"
        self.primary_port = free_port()
        self.replica_port = free_port()
        self.apply_delay = apply_delay
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.dir, self.user)

    def url(self, port: int, database: str = "tracker") -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{database}"

    def run(self, program: str, *args: str) -> None:
        subprocess.run(
            [str(self.bin_dir / program), *args],
            user=self.user,
            cwd=self.dir,
            check=True,
            capture_output=True,
            timeout=120,
        )

    def configure(self, data_dir: Path, port: int, *settings: str) -> None:
        # The last value in postgresql.conf wins: what a replica copied from its primary too.
        with open(data_dir / "postgresql.conf", "a") as conf:
            conf.write(
                "\n".join(
                    [
                        f"port = {port}",
                        "listen_addresses = '127.0.0.1'",
                        f"unix_socket_directories = '{self.dir}'",
                        "fsync = off",
                        *settings,
                    ]
                )
                + "\n"
            )

    def pg_ctl(self, data_dir: Path, action: str) -> None:
        log = self.dir / f"{data_dir.name}.log"
        fast = ["-m", "fast"] if action == "stop" else []
        self.run("pg_ctl", "-D", str(data_dir), "-l", str(log), "-w", "-t", "60", *fast, action)

    def start_primary(self) -> None:
        self.run("initdb", "-D", str(self.primary_dir), "-U", "postgres", "--auth=trust")
        self.configure(
            self.primary_dir,
            self.primary_port,
            "wal_level = replica",
            "max_wal_senders = 4",
        )
        with open(self.primary_dir / "pg_hba.conf", "a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        self.pg_ctl(self.primary_dir, "start")
        with psycopg.connect(self.url(self.primary_port, "postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE tracker")

    def start_replica(self) -> None:
        """A copy of the primary as it is now (after a checkpoint made at once, not spread over
        minutes), then streaming from it, readable (hot standby)."""
        self.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
            "-D", str(self.replica_dir), "-R", "-X", "stream", "--checkpoint=fast",
        )  # fmt: skip
        self.configure(
            self.replica_dir,
            self.replica_port,
            "hot_standby = on",
            f"recovery_min_apply_delay = '{self.apply_delay}'",
        )
        self.pg_ctl(self.replica_dir, "start")

    def stop_replica(self) -> None:
        self.pg_ctl(self.replica_dir, "stop")

    def replica_running(self) -> bool:
        return (self.replica_dir / "postmaster.pid").exists()

    def stop_all(self, logs_to: Path) -> None:
        """Stop both servers, keep their logs in logs_to, remove their data."""
        for data_dir in (self.replica_dir, self.primary_dir):
            if (data_dir / "postmaster.pid").exists():
                self.pg_ctl(data_dir, "stop")
            log = self.dir / f"{data_dir.name}.log"
            if log.exists():
                shutil.copy(log, logs_to / f"postgres-{data_dir.name}.log")
        shutil.rmtree(self.dir, ignore_errors=True)


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
