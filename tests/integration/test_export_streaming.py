"""A CSV export through a real gunicorn, read slower than its worker timeout: it arrives whole.

gunicorn runs with gunicorn.conf.py, as in production, a timeout of 2 seconds and one worker,
against this test's database (transactional_db: the rows are committed, so gunicorn sees
them). The client asks for a small receive buffer and pauses longer than the timeout between
reads, so the worker is blocked writing the export for several timeouts in a row.
"""

import csv
import io
import os
import socket
import subprocess
import sys
import time
from itertools import islice

import pytest
from django.conf import settings

from recommendations.exports import EXPORT_COLUMNS
from recommendations.models import Recommendation, Target
from tests.factories import DocumentFactory, state
from tests.integration.conftest import ROOT, database_url

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(90),
]

WORKER_TIMEOUT = 2  # seconds, GUNICORN_TIMEOUT
PAUSES = 2
PAUSE = WORKER_TIMEOUT + 1.5  # seconds between reads: each pause outlasts the timeout
TARGETS = 2_000
# About 8 MB in all, twice what loopback's socket buffers may grow to (4 MB), so the worker
# is still writing through every pause.
TEXT = "Ratify the Optional Protocol to the Convention against Torture. " * 60
STARTUP = 30  # seconds gunicorn may take to listen


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn_server(transactional_db, tmp_path):
    """gunicorn as the Dockerfile starts it, on a free port; its log kept for the asserts."""
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "tracker.wsgi", "-c", "gunicorn.conf.py"),
            # gunicorn's control socket defaults to one path per user: one of its own here.
            *("--control-socket", str(tmp_path / "gunicorn.ctl")),
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_TIMEOUT": str(WORKER_TIMEOUT),
            "WEB_CONCURRENCY": "1",
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "false",
            "PYTHONUNBUFFERED": "1",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + STARTUP
        while not _listening(port):
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, f"gunicorn not listening in {STARTUP}s"
            time.sleep(0.1)
        yield port, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=STARTUP)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def many_targets() -> None:
    document = DocumentFactory()
    recommendations = Recommendation.objects.bulk_create(
        Recommendation(text=f"{TEXT}({n})", document=document, issued_by=document.body)
        for n in range(TARGETS)
    )
    china = state("CHN")
    Target.objects.bulk_create(
        islice((Target(recommendation=r, state=china) for r in recommendations), TARGETS)
    )


def slow_get(port: int, path: str) -> bytes:
    """The whole answer to a GET: 4 KB with a pause after it, PAUSES times, then the rest at
    full speed. HTTP/1.0, so the body is the bytes up to the close (no chunked encoding)."""
    with socket.socket() as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.settimeout(30)
        client.connect(("127.0.0.1", port))
        client.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        received = bytearray()
        for _ in range(PAUSES):
            received += client.recv(4096)
            time.sleep(PAUSE)  # the point of the test: a reader slower than the timeout
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        while chunk := client.recv(65536):
            received += chunk
    return bytes(received)


def test_a_csv_export_read_slower_than_the_worker_timeout_arrives_whole(gunicorn_server):
    port, log_path = gunicorn_server
    many_targets()

    answer = slow_get(port, "/api/targets/?format=csv")

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.0 200") or head.startswith(b"HTTP/1.1 200"), head[:200]
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    assert rows[0] == EXPORT_COLUMNS
    assert len(rows) - 1 == TARGETS
    assert body.endswith(b"\r\n")
    assert rows[-1][EXPORT_COLUMNS.index("text")] == f"{TEXT}({TARGETS - 1})"
    assert all(len(row) == len(EXPORT_COLUMNS) for row in rows)
    assert "WORKER TIMEOUT" not in log_path.read_text()
