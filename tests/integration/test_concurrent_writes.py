"""Concurrent writers of one target, through gunicorn: the stored status is the rule's.

The issue's reproduction: eight gunicorn workers, twenty client threads, two hundred
responses to one target, all on the same date with random positions. On one date the later
created response is the latest, so each writer must derive the status after every response
committed before its own, which only a lock on the target row guarantees.
"""

import random
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests
from rest_framework.authtoken.models import Token

from recommendations.choices import Position
from recommendations.models import Target
from tests.factories import EditorFactory, TargetFactory
from tests.integration.conftest import ROOT
from tests.stack.harness import free_port, port_open, wait_until

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WORKERS = 8
THREADS = 20
POSTS = 200
WAIT = 90


@pytest.fixture
def web(service_env, tmp_path):
    """gunicorn with eight workers on a free loopback port, on this test's database."""
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "tracker.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(WORKERS),
            "--timeout", "60",
        ],
        cwd=ROOT,
        env={**service_env, "ALLOWED_HOSTS": "127.0.0.1"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        wait_until(lambda: port_open(port), timeout=WAIT, what="gunicorn")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=WAIT)
        log.close()


def test_two_hundred_concurrent_responses_leave_the_status_of_the_latest(web, service_env):
    target = TargetFactory(response_due=date(2026, 12, 7))
    token = Token.objects.create(user=EditorFactory(username="concurrent-editor")).key
    positions = [random.choice(Position.values) for _ in range(POSTS)]

    def post(position: str) -> int:
        answer = requests.post(
            f"{web}/api/responses/",
            json={"target": target.pk, "position": position, "date": "2026-12-01"},
            headers={"Authorization": f"Token {token}"},
            timeout=WAIT,
        )
        return answer.status_code

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        codes = list(pool.map(post, positions))

    assert codes == [201] * POSTS
    check = subprocess.run(
        [sys.executable, "manage.py", "recompute_statuses", "--check"],
        cwd=ROOT,
        env=service_env,
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    target = Target.objects.get(pk=target.pk)
    latest = target.responses.order_by("-date", "-pk").first()
    assert target.responses.count() == POSTS
    assert target.status == latest.position
