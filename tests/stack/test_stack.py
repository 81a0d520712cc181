"""The production stack, proven: the seed case end to end, then faults, then a load burst.

Runs with `make stack-test` (and in .ci/run): gunicorn with two workers, a Celery worker and
beat, a Redis server of its own, aiosmtpd and a fresh PostgreSQL database, driven over HTTP
and SMTP. After every fault the test checks that no reminder was lost and none doubled.
"""

import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from email.header import decode_header, make_header
from pathlib import Path

import pytest

from tests.stack.harness import Api, Stack, port_open, wait_until

pytestmark = pytest.mark.stack

OUTPUT_DIR = Path(os.environ.get("TEST_OUTPUT_DIR", "test-output")) / "stack"
TODAY = date.today()
CAMPAIGNER = "campaigner@example.org"
RESULTS: dict = {"faults_survived": [], "requests": 0, "server_errors": 0}


@pytest.fixture(scope="module")
def stack():
    if os.environ.get("DATABASE_URL", "").startswith("postgres") is False and not port_open(5432):
        pytest.fail("the stack test needs PostgreSQL on 127.0.0.1:5432")
    stack = Stack(OUTPUT_DIR)
    stack.env.update(
        {
            # Short enough for a test, long enough to mean something: see the README.
            "REMINDER_RETRY_BACKOFF": "2",
            "REMINDER_MAX_RETRIES": "6",
            "REMINDER_CLAIM_TIMEOUT": "10",
            "TRACKER_ANON_THROTTLE": "100000/min",
        }
    )
    stack.create_database()
    try:
        stack.mailbox.start()
        stack.start_redis()
        stack.start_web()
        stack.start_worker()
        stack.start_beat()
        stack.manage("load_demo")
        stack.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import Group, User; "
            f"u = User.objects.create_user('campaigner', '{CAMPAIGNER}', 'x', is_staff=True); "
            "u.groups.add(Group.objects.get(name='Editors'))",
        )
        stack.token = stack.manage("create_token", "campaigner").stdout.strip().split()[-1]
        yield stack
    finally:
        stack.stop_all()
        stack.drop_database()
        (OUTPUT_DIR / "results.json").write_text(json.dumps(RESULTS, indent=2))


@pytest.fixture(scope="module")
def api(stack) -> Api:
    return Api(stack.base_url, stack.token)


def readable(message) -> str:
    """The subject and every text part, decoded from their transfer encodings."""
    parts = [str(make_header(decode_header(message["Subject"] or "")))]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            parts.append(
                part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            )
    return "\n".join(parts)


def mails_to(stack: Stack, needle: str) -> list:
    return [m for m in stack.mailbox.received() if needle in readable(m)]


def sweep(stack: Stack, on: date | None = None) -> None:
    args = ["send_reminders"] + (["--date", on.isoformat()] if on else [])
    stack.manage(*args)


def overdue_target(api: Api, paragraph: str) -> tuple[int, int]:
    """A new recommendation to China from the COI, its response due yesterday, owned by us."""
    status, documents = api.get("/api/documents/?symbol=A/HRC/25/CRP.1")
    assert status == 200
    document_id = documents["results"][0]["id"]
    status, recommendation = api.post(
        "/api/recommendations/",
        {
            "text": f"Respect the principle of non-refoulement ({paragraph}).",
            "document": document_id,
            "paragraph": paragraph,
            "issued_by": "COI-DPRK",
            "themes": ["non-refoulement"],
            "issued_on": (TODAY - timedelta(days=100)).isoformat(),
            "owner": "campaigner",
        },
    )
    assert status == 201, recommendation
    status, target = api.post(
        "/api/targets/",
        {
            "recommendation": recommendation["id"],
            "state": "CHN",
            "response_due": (TODAY - timedelta(days=1)).isoformat(),
        },
    )
    assert status == 201, target
    return recommendation["id"], target["id"]


def test_the_seed_case_end_to_end(stack, api):
    recommendation_id, target_id = overdue_target(api, "1221 (a) stack")
    status, body = api.get(f"/api/recommendations/{recommendation_id}/status/")
    assert status == 200
    assert body["targets"][0]["status"] == "response_overdue"

    sweep(stack)
    sweep(stack)  # a second sweep adds nothing
    wait_until(lambda: mails_to(stack, "1221 (a) stack"), timeout=60, what="the reminder e-mail")
    time.sleep(3)  # anything doubled would arrive by now
    [mail] = mails_to(stack, "1221 (a) stack")
    assert mail["To"] == CAMPAIGNER
    assert "A/HRC/25/CRP.1" in readable(mail)

    status, response = api.post(
        "/api/responses/",
        {"target": target_id, "position": "rejected", "date": TODAY.isoformat()},
    )
    assert status == 201, response
    status, body = api.get(f"/api/recommendations/{recommendation_id}/status/")
    assert body["targets"][0]["status"] == "rejected"

    sweep(stack, TODAY + timedelta(days=30))  # when the overdue reminder would repeat
    time.sleep(5)
    assert len(mails_to(stack, "1221 (a) stack")) == 1


def test_a_worker_killed_mid_delivery_loses_nothing_and_doubles_nothing(stack, api):
    overdue_target(api, "worker-kill")
    stack.mailbox.hold_seconds = 8
    stack.mailbox.holding.clear()
    sweep(stack)
    assert stack.mailbox.holding.wait(timeout=60), "the delivery never reached the SMTP server"
    stack.kill("worker", signal.SIGKILL)
    stack.mailbox.hold_seconds = 0
    assert mails_to(stack, "worker-kill") == []

    stack.start_worker()
    time.sleep(12)  # past REMINDER_CLAIM_TIMEOUT: the claim of the dead worker is stale
    sweep(stack)
    wait_until(lambda: mails_to(stack, "worker-kill"), timeout=90, what="the re-sent reminder")
    time.sleep(5)
    assert len(mails_to(stack, "worker-kill")) == 1
    RESULTS["faults_survived"].append("celery worker SIGKILLed mid-delivery")


def test_redis_down_for_a_minute(stack, api):
    stack.kill("redis", signal.SIGTERM)
    down_since = time.monotonic()

    status, _ = api.get("/api/recommendations/?state=CHN")
    assert status == 200
    status, ready = api.get("/readyz")
    assert status == 503
    assert ready["components"]["broker"]["status"] == "down"
    assert ready["components"]["database"]["status"] == "ok"
    overdue_target(api, "redis-down")
    stack.manage("send_reminders", check=False)  # records the reminder; cannot queue it

    time.sleep(max(0.0, 60 - (time.monotonic() - down_since)))
    stack.start_redis()
    wait_until(lambda: api.get("/readyz")[0] == 200, timeout=60, what="readyz after Redis")
    sweep(stack)
    wait_until(lambda: mails_to(stack, "redis-down"), timeout=90, what="the held-back reminder")
    time.sleep(5)
    assert len(mails_to(stack, "redis-down")) == 1
    RESULTS["faults_survived"].append("Redis stopped for 60 s")


def test_smtp_down_then_up(stack, api):
    stack.mailbox.stop()
    overdue_target(api, "smtp-down")
    sweep(stack)
    time.sleep(5)  # the first tries fail against a closed port
    stack.mailbox.start()
    wait_until(lambda: mails_to(stack, "smtp-down"), timeout=120, what="the retried reminder")
    time.sleep(5)
    assert len(mails_to(stack, "smtp-down")) == 1
    RESULTS["faults_survived"].append("SMTP server down, then up")


def test_a_gunicorn_worker_killed(stack, api):
    victim = stack.gunicorn_worker_pids()[0]
    os.kill(victim, signal.SIGKILL)
    wait_until(
        lambda: (
            len(stack.gunicorn_worker_pids()) == 2 and victim not in stack.gunicorn_worker_pids()
        ),
        timeout=30,
        what="gunicorn to replace its worker",
    )
    codes = [api.get("/api/recommendations/?state=CHN")[0] for _ in range(20)]
    assert codes == [200] * 20
    RESULTS["faults_survived"].append("a gunicorn worker SIGKILLed")


def test_database_connections_terminated_between_requests(stack, api):
    assert api.get("/api/recommendations/")[0] == 200
    assert stack.terminate_connections() >= 1

    codes = [api.get("/api/recommendations/?state=CHN")[0] for _ in range(10)]
    assert codes == [200] * 10
    overdue_target(api, "pg-terminated")
    stack.terminate_connections()
    sweep(stack)
    wait_until(lambda: mails_to(stack, "pg-terminated"), timeout=60, what="the reminder")
    RESULTS["faults_survived"].append("PostgreSQL connections terminated (pg_terminate_backend)")


def test_a_load_burst_gets_no_server_error(stack, api):
    status, listing = api.get("/api/recommendations/?page_size=20")
    ids = [row["id"] for row in listing["results"]]
    paths = [
        "/api/recommendations/",
        "/api/recommendations/?state=CHN&theme=non-refoulement",
        *(f"/api/recommendations/{pk}/status/" for pk in ids[:5]),
    ]

    def hit(index: int) -> int:
        return api.get(paths[index % len(paths)])[0]

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(hit, range(2000)))

    RESULTS["requests"] = len(codes)
    RESULTS["server_errors"] = sum(code >= 500 for code in codes)
    assert RESULTS["server_errors"] == 0
    assert set(codes) == {200}


MARKERS = ["1221 (a) stack", "worker-kill", "redis-down", "smtp-down", "pg-terminated"]


def test_nothing_was_lost_or_doubled(stack):
    """Every reminder the stack recorded was sent, and each arrived exactly once."""
    result = stack.manage(
        "shell",
        "-c",
        "from recommendations.models import Reminder; import collections; "
        "print(dict(collections.Counter(Reminder.objects.values_list('status', flat=True))))",
    )
    statuses = json.loads(result.stdout.strip().splitlines()[-1].replace("'", '"'))
    arrivals = {marker: len(mails_to(stack, marker)) for marker in MARKERS}
    RESULTS["reminders"] = statuses
    RESULTS["emails"] = len(stack.mailbox.received())
    RESULTS["lost"] = sum(count for status, count in statuses.items() if status != "sent")
    RESULTS["doubled"] = sum(max(0, count - 1) for count in arrivals.values())
    assert RESULTS["lost"] == 0
    assert RESULTS["doubled"] == 0
    assert arrivals == dict.fromkeys(MARKERS, 1)
