"""Measure a generated database through gunicorn and wrk, against PostgreSQL's own floor.

    make bench SCALE=10000        # a fresh database, generated data, then this script

or, on a database bench/generate.py already filled:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench_10000 \\
        .venv/bin/python bench/run.py --scale 10000

It starts gunicorn (2 workers, DEBUG off) on loopback and, per endpoint, runs wrk for a fixed
time (one connection per worker) for p50 / p95 / p99 and requests/s. The SQL floor of an
endpoint is the SQL it runs (captured in-process on one request) run bare through psycopg
with EXPLAIN ANALYZE: the sum of the execution times; the ratio says how much the API adds
on top. The stats and the admin changelist (whose count is cached) are measured twice:
under wrk (answered from the cache) and once just after a write (computed). Then the CSV
export (time, the worker's peak RSS), the reminder sweep over every target and the import
rate (bench/import_rate.py, in a database of its own). The results go to
bench/results/<scale>-<timestamp>.json and bench/results/latest-<scale>.json.

The public pages (a state's, the generated campaign's, search by words and by facets) are read
anonymously, as the public reads them: under wrk they are answered from the cache, so each is
also timed in rounds of a write through the services (a response recorded on a target the
pages show) followed by one request of the page, which the write made stale. A watchlist on
the busiest state and the commonest theme is swept with nothing new and after as many writes,
and its calendar feed read in the same rounds of a write then one request.
"""

import argparse
import base64
import http.client
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
SERVER_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "TRACKER_ANON_THROTTLE": "100000000/min",
    # Full-text and aggregate reads are counted a second time, at their own rate.
    "TRACKER_ANON_EXPENSIVE_THROTTLE": "100000000/min",
}
# The generated data's "today": statuses and due dates were derived for it.
TODAY = date(2026, 11, 23)
CSV_ROWS = 100_000
WRK_CONNECTIONS = 2
MEANINGFUL_FLOOR_MS = 0.1
# Rounds of a write then one request of a public page: enough for a p95 (the 19th of 20).
PAGE_ROUNDS = 20

sys.path.insert(0, str(ROOT))
os.environ.update(SERVER_ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.profiles import profiled  # noqa: E402
from campaigns.models import Campaign  # noqa: E402
from recommendations import reminders, services  # noqa: E402
from recommendations.api.pagination import PAGE_SIZE  # noqa: E402
from recommendations.choices import Position, ReminderStatus  # noqa: E402
from recommendations.data_version import data_changed  # noqa: E402
from recommendations.models import (  # noqa: E402
    Recommendation,
    Reminder,
    ReminderRule,
    Target,
    Theme,
)
from recommendations.paginators import last_numbered_page  # noqa: E402
from tracker.celery import app as celery_app  # noqa: E402
from watchlists import services as watchlist_services  # noqa: E402
from watchlists.models import Watchlist  # noqa: E402


def editor_client() -> Client:
    """A staff editor logged in; the session is in the database, so gunicorn accepts it."""
    user, _ = User.objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True, "email": "bench@example.org"}
    )
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def reader_client() -> Client:
    """A signed-in reader who is not staff: the public's answers, computed for every request
    (`read_for_anonymous` in recommendations/api/views.py caches them for anonymous readers
    alone), as an anonymous reader's are when the cache does not hold them."""
    user, _ = User.objects.get_or_create(
        username="bench-reader", defaults={"email": "reader@example.org"}
    )
    client = Client()
    client.force_login(user)
    return client


def session_cookie(client: Client) -> str:
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def busiest_state() -> str:
    return (
        Target.objects.exclude(state=None)
        .values("state__code")
        .annotate(n=Count("pk"))
        .order_by("-n")[0]["state__code"]
    )


def commonest_theme() -> str:
    return Theme.objects.annotate(n=Count("recommendations")).order_by("-n")[0].slug


def endpoints() -> dict[str, str]:
    """The URLs measured, with values the generated data holds."""
    state = busiest_state()
    theme = commonest_theme()
    count = Recommendation.objects.count()
    pks = Recommendation.objects.order_by("pk").values_list("pk", flat=True)
    middle, deep = pks[count // 2], pks[count * 9 // 10]
    cursor = base64.b64encode(f"p={deep}".encode()).decode()
    # Page numbers stop at the first MAX_NUMBERED_ROWS rows: the deepest page allowed.
    deepest_page = min(max(1, math.ceil(count / PAGE_SIZE)), last_numbered_page(PAGE_SIZE))
    return {
        "list filtered (state+theme+status)": (
            f"/api/recommendations/?state={state}&theme={theme}&status=supported"
        ),
        "detail": f"/api/recommendations/{middle}/",
        "status": f"/api/recommendations/{middle}/status/",
        "stats (from the cache)": "/api/stats/",
        "full-text q=": "/api/recommendations/?q=torture",
        "deepest page by number": f"/api/recommendations/?page={deepest_page}",
        "deep page (cursor)": f"/api/recommendations/?cursor={cursor}",
        "admin changelist (filter+search)": (
            "/admin/recommendations/recommendation/?addressee_status=supported&q=torture"
        ),
    }


def bench_campaign() -> Campaign:
    """The public campaign bench/generate.py made: the one with the most links."""
    campaign = (
        Campaign.objects.filter(public=True).annotate(n=Count("links")).order_by("-n").first()
    )
    if campaign is None:
        raise SystemExit("No public campaign: fill the database with bench/generate.py.")
    return campaign


def pages(campaign: Campaign) -> dict[str, str]:
    """The public pages measured: the busiest state's, the campaign's, search by words and
    search by the facets the API's filtered list uses."""
    state = busiest_state()
    return {
        "state page (the busiest state)": f"/states/{state}/",
        "campaign page": f"/campaigns/{campaign.slug}/",
        "search q=torture": "/search/?q=torture",
        "search faceted (state+theme)": f"/search/?state={state}&theme={commonest_theme()}",
    }


def written_target(campaign: Campaign) -> Target:
    """The target the rounds write to: the busiest state's on a recommendation the campaign
    links, so that every page measured shows what changed."""
    targets = Target.objects.filter(state__code=busiest_state()).order_by("pk")
    return targets.filter(recommendation__campaign_links__campaign=campaign).first() or targets[0]


def csv_export_url() -> str:
    """The targets' CSV, cut by issue date at about CSV_ROWS rows (all of them below that)."""
    dates = Target.objects.order_by("recommendation__issued_on").values_list(
        "recommendation__issued_on", flat=True
    )
    if Target.objects.count() <= CSV_ROWS:
        return "/api/targets/?format=csv"
    return f"/api/targets/?format=csv&issued_on_before={dates[CSV_ROWS - 1].isoformat()}"


def sql_floor(client: Client, url: str, *, warm: bool = True) -> dict:
    """The endpoint's SQL, captured on one request, run bare with EXPLAIN ANALYZE.

    `warm` makes one request first, so the captured one runs no first-time lookups.
    """
    if warm:
        _read(client.get(url))
    with CaptureQueriesContext(connection) as captured:
        response = _read(client.get(url))
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    statements = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]
    execution = planning = 0.0
    with psycopg.connect(_dsn()) as bare:
        for sql in statements:
            # The best of three: the floor, with the pages in PostgreSQL's cache as under load.
            plans = [
                bare.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}").fetchone()[0][0]
                for _ in range(3)
            ]
            best = min(plans, key=lambda plan: plan["Execution Time"])
            execution += best["Execution Time"]
            planning += best["Planning Time"]
    return {
        "queries": len(captured.captured_queries),
        "sql_floor_ms": round(execution, 2),
        "sql_planning_ms": round(planning, 2),
    }


def profile_request(client: Client, url: str) -> dict:
    """One request of `url` under cProfile (bench/profiles.py): where its time goes."""
    return profiled(lambda: _read(client.get(url)))


def _read(response):
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def _dsn() -> str:
    database = settings.DATABASES["default"]
    return psycopg.conninfo.make_conninfo(
        dbname=database["NAME"],
        user=database["USER"],
        host=database["HOST"],
        port=str(database["PORT"] or 5432),
        password=database["PASSWORD"] or None,
    )


class Server:
    """gunicorn with two workers on loopback, and a Celery worker as in production (it counts
    a search's counts again after a write), for as long as the `with` lasts."""

    def __init__(self, port: int):
        self.port = port
        self.process = None
        self.celery = None
        # The access log of every request wrk makes: kept out of the report, in var/.
        (ROOT / "var").mkdir(exist_ok=True)
        self.log = (ROOT / "var" / "bench-gunicorn.log").open("w")
        self.celery_log = (ROOT / "var" / "bench-worker.log").open("w")

    def __enter__(self):
        # Tasks an earlier run left in the queue are not this run's.
        subprocess.run(
            [str(BIN / "celery"), "-A", "tracker", "purge", "-f"],
            cwd=ROOT,
            env=os.environ,
            stdout=self.celery_log,
            stderr=subprocess.STDOUT,
            check=True,
        )
        self.celery = subprocess.Popen(
            [str(BIN / "celery"), "-A", "tracker", "worker", "--pool=solo", "--loglevel=INFO"],
            cwd=ROOT,
            env=os.environ,
            stdout=self.celery_log,
            stderr=subprocess.STDOUT,
        )
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "tracker.wsgi",
                "--workers=2",
                # One connection per worker at a time: a gthread worker otherwise takes both
                # of wrk's connections now and then, and serves them in turn on one core
                # (one interpreter lock) while the other worker idles, which doubled a run's
                # latencies at random.
                "--worker-connections=1",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=os.environ,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200 and len(self.workers()) == 2:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise SystemExit("gunicorn did not answer within 30 s")

    def __exit__(self, *exc):
        for process in (self.process, self.celery):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                # The worker in the middle of a count: what it was counting is not measured.
                process.kill()
                process.wait()
        self.log.close()
        self.celery_log.close()

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def memory_kb(self, field: str) -> dict[int, int]:
        """VmRSS (now) or VmHWM (the peak so far) of each worker, in kB."""
        found = {}
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    found[pid] = int(line.split()[1])
        return found

    def recounted(self, path: str, timeout: float = 300) -> float:
        """Seconds until `path` shows counts made since the last write, the worker's (a page
        showing the last ones is sent `no-store`); 0 for a page with none to count."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            conn.close()
            if "no-store" not in (response.getheader("Cache-Control") or ""):
                return time.monotonic() - started
            # Each poll builds the page: not so often that it slows the worker's count.
            time.sleep(0.25)
        raise SystemExit(f"{path}: the worker did not count it again within {timeout} s")

    def get(self, path: str, headers: dict | None = None) -> tuple[int, int]:
        """Status and body lines of one GET, the body read as it streams."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        lines = 0
        while chunk := response.read(1 << 16):
            lines += chunk.count(b"\n")
        conn.close()
        return response.status, lines


def wrk(port: int, path: str, cookie: str, seconds: int) -> dict:
    """wrk's figures for `path` for `seconds` (latency.lua's JSON), one connection per gunicorn
    worker: both kept busy, and the latency is the server's, not a wait behind another
    connection's request."""
    output = subprocess.run(
        [
            "wrk",
            f"--threads={WRK_CONNECTIONS}",
            f"--connections={WRK_CONNECTIONS}",
            f"--duration={seconds}s",
            "--timeout=30s",
            f"--script={ROOT / 'bench' / 'latency.lua'}",
            *([f"--header=Cookie: {cookie}"] if cookie else []),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def csv_export(server: Server, path: str) -> dict:
    before = server.memory_kb("VmRSS")
    started = time.perf_counter()
    status, lines = server.get(path)
    seconds = time.perf_counter() - started
    peak = server.memory_kb("VmHWM")
    if status != 200:
        raise SystemExit(f"{path}: {status}")
    return {
        "url": path,
        "rows": lines - 1,
        "seconds": round(seconds, 2),
        "rows_per_s": round((lines - 1) / seconds),
        "worker_rss_before_mb": round(max(before.values()) / 1024, 1),
        "worker_peak_rss_mb": round(max(peak.values()) / 1024, 1),
        "worker_rss_growth_mb": round(max(peak[pid] - before[pid] for pid in peak) / 1024, 1),
    }


def measured_under_wrk(
    server: Server, args: argparse.Namespace, name: str, url: str, cookie: str
) -> dict:
    """wrk's figures for `url` read with `cookie` (none: anonymously), after one request:
    wrk measures the steady state, not the first computation."""
    server.get(url, headers={"Cookie": cookie} if cookie else None)
    measured = wrk(args.port, url, cookie, args.seconds)
    if measured["non_2xx"] or measured["socket_errors"]:
        raise SystemExit(f"{name}: {url} answered errors under load: {measured}")
    return measured


def _p50_to_floor(measured: dict, floor: dict) -> float | None:
    # An answer from the cache runs one lookup of a few microseconds: no floor to speak of.
    if floor["sql_floor_ms"] < MEANINGFUL_FLOOR_MS:
        return None
    return round(measured["p50_ms"] / floor["sql_floor_ms"], 1)


def first_after_a_write(server: Server, url: str, client: Client, cookie: str = "") -> dict:
    """The first answer after a write made the cached counts stale: computed, and against the
    floor of the SQL that computes it. `client` and `cookie` are the same user's."""
    data_changed_now()
    started = time.perf_counter()
    status, _ = server.get(url, headers={"Cookie": cookie} if cookie else None)
    ms = (time.perf_counter() - started) * 1000
    if status != 200:
        raise SystemExit(f"{url}: {status}")
    data_changed_now()
    floor = sql_floor(client, url, warm=False)
    data_changed_now()
    return {
        "url": url,
        "ms": round(ms, 1),
        **floor,
        "ms_to_sql_floor": round(ms / floor["sql_floor_ms"], 1),
        "profile": profile_request(client, url),
    }


def percentile(values: list[float], percent: int) -> float:
    """The nearest-rank percentile: a value measured, never one interpolated between two."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def page_after_writes(server: Server, url: str, target: Target, rounds: int) -> dict:
    """`rounds` times: a response recorded on `target` through the services (its status
    derived again, the data version replaced on commit), then `url` requested once,
    anonymously, and timed. Each round starts once the worker has counted the page again
    after the last one's write, as it would have between writes minutes apart: the rounds
    measure the first reader after a write, not the worker's backlog of earlier ones (how
    long each count took is kept). Then the SQL of the page as the first request after a
    write runs it, bare (the floor)."""
    timings, recounts = [], []
    for round_number in range(rounds):
        _responses_recorded(target, 1, first=round_number, reason="a public page")
        started = time.perf_counter()
        status, _ = server.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"{url}: {status} after a write")
        recounts.append(server.recounted(url))
    data_changed_now()
    floor = sql_floor(Client(), url, warm=False)
    data_changed_now()
    profile = profile_request(Client(), url)
    # The profile's request queued the worker's count: counted before the next page is
    # measured, not while it is.
    server.recounted(url)
    return {
        "rounds": rounds,
        "p50_ms": round(percentile(timings, 50), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "max_ms": round(max(timings), 1),
        "ms": [round(ms, 1) for ms in timings],
        "recounted_s": [round(seconds, 2) for seconds in recounts],
        **floor,
        "profile": profile,
    }


def data_changed_now() -> None:
    with transaction.atomic():
        data_changed()


def bench_watchlist() -> tuple[Watchlist, Target]:
    """A watchlist on the busiest state and the commonest theme, owned by the bench editor,
    and a target it matches for the rounds to write to."""
    state, theme = busiest_state(), commonest_theme()
    # Its creation queues a sweep on commit; the sweeps measured are the ones run here.
    celery_app.conf.broker_url = "memory://"
    watchlist = Watchlist.objects.filter(name="bench: busiest state and theme").first()
    if watchlist is None:
        watchlist = watchlist_services.watchlist_create(
            owner=User.objects.get(username="bench-editor"),
            name="bench: busiest state and theme",
            query=f"state={state}&theme={theme}",
            subscribed=False,
        )
    target = (
        Target.objects.filter(state__code=state, recommendation__themes__slug=theme)
        .order_by("pk")
        .first()
    )
    return watchlist, target


def _watchlist_swept(watchlist: Watchlist) -> dict:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        recorded = watchlist_services.watchlist_sweep(
            watchlist_id=watchlist.pk, today=TODAY, now=datetime.now(UTC)
        )
        seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 3),
        "queries": len(captured.captured_queries),
        "recorded": recorded,
    }


def watchlist_sweep(watchlist: Watchlist, target: Target, writes: int) -> dict:
    """The watchlist swept: first with nothing written since its last sweep, then after
    `writes` responses recorded on a target it matches. What it matches, and its calendar's
    size, say what a sweep scales with."""
    _watchlist_swept(watchlist)  # from its creation: its calendar filled, its watermark set
    quiet = _watchlist_swept(watchlist)
    _responses_recorded(target, writes)
    after = _watchlist_swept(watchlist)
    return {
        "url_query": watchlist.query,
        "matching_targets": Target.objects.filter(
            recommendation__themes__slug=commonest_theme(), state__code=busiest_state()
        ).count(),
        "calendar_entries": watchlist.calendar_entries.count(),
        "writes": writes,
        "nothing_written": quiet,
        "after_writes": after,
    }


def _responses_recorded(
    target: Target, writes: int, *, first: int = 0, reason: str = "a watchlist's read"
) -> None:
    """`writes` responses on `target` through the services, supported and noted in turn
    (counting from `first`), so that each changes what the pages show."""
    for number in range(first, first + writes):
        services.response_create(
            target=target,
            position=(Position.SUPPORTED, Position.NOTED)[number % 2],
            date=TODAY,
            today=TODAY,
            change_reason=f"bench: a write before {reason}",
        )


def feed_after_writes(server: Server, watchlist: Watchlist, target: Target, rounds: int) -> dict:
    """`rounds` times: a response recorded on a target the watchlist matches, then its
    calendar feed requested once (its token is the only credential) and timed."""
    url = f"/watchlists/calendar/{watchlist.calendar_token}.ics"
    timings = []
    for _ in range(rounds):
        _responses_recorded(target, 1)
        started = time.perf_counter()
        status, _ = server.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"{url}: {status} after a write")
    return {
        "entries": watchlist.calendar_entries.count(),
        "rounds": rounds,
        "p50_ms": round(percentile(timings, 50), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "max_ms": round(max(timings), 1),
        "ms": [round(ms, 1) for ms in timings],
        **sql_floor(Client(), url, warm=False),
    }


def _timed_sweep(today: date) -> dict:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        report = reminders.reminders_sweep(today=today)
        seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "queries": len(captured.captured_queries),
        "due": report.due,
        "recorded": report.recorded,
        "digests": len(report.digests),
        "full": report.full,
    }


SWEEP_WRITES = 20


def _a_days_writes(today: date) -> None:
    """An ordinary day's editing: answers recorded and due dates moved, through the services."""
    targets = list(Target.objects.filter(responses__isnull=True).order_by("pk")[:SWEEP_WRITES])
    for target in targets[: SWEEP_WRITES // 2]:
        services.response_create(
            target=target, position=Position.SUPPORTED, date=today, today=today
        )
    for target in targets[SWEEP_WRITES // 2 :]:
        services.target_update(target=target, response_due=today + timedelta(days=3), today=today)


def _plan_nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


def _node_ms(node: dict) -> float:
    return node["Actual Total Time"] * node["Actual Loops"]


def first_sweep_plan(today: date) -> dict:
    """Where the first sweep's time goes: its statement again under EXPLAIN ANALYZE, with no
    reminder recorded (as in a new installation), then rolled back. The foreign keys are
    checked at the statement's end (SET CONSTRAINTS ALL IMMEDIATE), not at the commit, so
    that the plan times them. Timing every row slows the plan down: read the parts' shares,
    not their sum."""
    rules = reminders.rules_to_sweep(ReminderRule.objects.order_by("pk"))
    sql, params = reminders.due_reminders_insert(rules, today=today, scope=None, now=timezone.now())
    with psycopg.connect(_dsn()) as bare, psycopg.ClientCursor(bare) as cursor:
        # In the transaction the plan runs in, which rolls the emptying back with the rest.
        cursor.execute(f"TRUNCATE {Reminder._meta.db_table}")  # noqa: S608
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0][0]
        bare.rollback()
    nodes = list(_plan_nodes(plan["Plan"]))
    # DISTINCT ON: a Unique over the due rows sorted by the key.
    unique = next(node for node in nodes if node["Node Type"] == "Unique")
    found = unique["Plans"][0]
    while found["Node Type"] in ("Sort", "Incremental Sort"):
        found = found["Plans"][0]
    checks = plan.get("Triggers", [])
    checked_ms = sum(trigger["Time"] for trigger in checks)
    total_ms = plan["Execution Time"]
    parts = {
        "finding the due reminders (every rule's queries)": _node_ms(found),
        "keeping one per key (sorted for DISTINCT ON)": _node_ms(unique) - _node_ms(found),
        "writing them with their indexes, and the rest": total_ms - _node_ms(unique) - checked_ms,
        f"checking their foreign keys ({sum(t['Calls'] for t in checks):,} checks)": checked_ms,
    }
    return {
        "what": "Its statement again under EXPLAIN ANALYZE",
        "profiled_ms": round(total_ms, 1),
        "parts": [{"part": part, "ms": round(ms, 1)} for part, ms in parts.items()],
    }


def reminder_sweep() -> dict:
    """The sweep over every target, each recommendation owned by one of 50 staff users: the
    first (the backlog, reading every target), again the same day, and the next day once the
    digests went out and after a few writes (reading what changed and crossed a threshold)."""
    User.objects.bulk_create(
        [User(username=f"bench-owner-{n}", email=f"owner{n}@example.org") for n in range(50)],
        ignore_conflicts=True,
    )
    owner_ids = list(
        User.objects.filter(username__startswith="bench-owner-").values_list("pk", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE recommendations_recommendation SET owner_id = (%s::bigint[])[1 + id %% %s]",
            [owner_ids, len(owner_ids)],
        )
        # As autovacuum would within a minute of a million rows changed: statistics that know
        # the recommendations have owners now. Swept at once with the statistics of before,
        # PostgreSQL took each owner for a handful of recommendations and joined every one of
        # the million to its owner to find the due few thousand of the next day.
        cursor.execute("ANALYZE recommendations_recommendation, auth_user")
    # Deliveries are queued on an in-memory broker: the sweep is what is measured.
    celery_app.conf.broker_url = "memory://"
    first = _timed_sweep(TODAY)
    same_day = _timed_sweep(TODAY)
    # After the sweeps timed, so that it warms nothing for them.
    plan = first_sweep_plan(TODAY)
    Reminder.objects.filter(status=ReminderStatus.PENDING).update(status=ReminderStatus.SENT)
    next_day = TODAY + timedelta(days=1)
    _a_days_writes(next_day)
    return {
        "targets": Target.objects.count(),
        **first,
        "plan": plan,
        "same_day": same_day,
        "next_day": {**_timed_sweep(next_day), "writes": SWEEP_WRITES},
    }


def import_rate() -> dict:
    """bench/import_rate.py, one round, in a database of its own (test_tracker_bench_import)."""
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}"
    with tempfile.TemporaryDirectory() as folder:
        profile = Path(folder) / "import-profile.json"
        output = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "import_rate.py"),
                "--rounds=1",
                f"--profile={profile}",
            ],
            env={**os.environ, "DATABASE_URL": f"{url}/tracker_bench_import"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        profiled_import = json.loads(profile.read_text())
    best = output.strip().splitlines()[-1]
    first, again = (float(part.split()[0].replace(",", "")) for part in best[6:].split(", "))
    return {
        "rows_per_s": first,
        "rows_per_s_again": again,
        "output": output.strip(),
        "profile": profiled_import,
    }


# The machine's speed, measured the same way in every run: runs on machines of the same kind
# have differed twofold with nothing changed in the code, and a run's figures are read
# against these. Best of a few: the least disturbed by whatever else the machine is doing.
REFERENCE_TRIES = 5
REFERENCE_SQL = "SELECT count(*) FROM generate_series(1, 2000000) AS n WHERE n % 7 = 3"


def _reference_python() -> None:
    rows = [
        {"id": n, "text": f"recommendation {n}", "themes": [n % 7, n % 11]} for n in range(20_000)
    ]
    json.dumps(sorted(rows, key=lambda row: (row["themes"], -row["id"])))


def _best_ms(run) -> float:
    times = []
    for _ in range(REFERENCE_TRIES):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return round(min(times), 1)


def machine_speed() -> dict:
    """A fixed piece of Python (build, sort and encode rows, as a page does) and a fixed query
    that reads no table (PostgreSQL's own CPU), each timed as the best of a few tries."""
    with connection.cursor() as cursor:

        def query() -> None:
            cursor.execute(REFERENCE_SQL)
            cursor.fetchone()

        return {"python_ms": _best_ms(_reference_python), "postgresql_ms": _best_ms(query)}


def machine() -> dict:
    meminfo = dict(
        line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if line
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(int(meminfo["MemTotal"].split()[0]) / 1024**2, 1),
        "load_average": os.getloadavg(),
        "postgresql": postgres,
        "speed": machine_speed(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--seconds", type=int, default=10, help="wrk's time per endpoint")
    parser.add_argument(
        "--rounds", type=int, default=PAGE_ROUNDS, help="writes then reads per public page"
    )
    args = parser.parse_args()

    editor = editor_client()
    cookie = session_cookie(editor)
    reader = reader_client()
    results = {
        "scale": args.scale,
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "data": {
            "recommendations": Recommendation.objects.count(),
            "targets": Target.objects.count(),
        },
        "wrk": {
            "connections": WRK_CONNECTIONS,
            "threads": WRK_CONNECTIONS,
            "seconds": args.seconds,
        },
        "endpoints": {},
        "pages": {},
    }
    urls = endpoints()
    campaign = bench_campaign()
    page_urls = pages(campaign)
    target = written_target(campaign)
    results["data"]["campaign_links"] = campaign.links.count()
    export_url = csv_export_url()
    connection.close()
    with Server(args.port) as server:
        # The export first, while the workers' peak RSS is still their resting size.
        results["csv_export"] = csv_export(server, export_url)
        results["csv_export"].update(sql_floor(Client(), export_url, warm=False))
        print(f"CSV export: {results['csv_export']}", flush=True)
        for name, url in urls.items():
            # The API as the public reads it; the admin as a logged-in editor. The stats'
            # first computation is measured on its own below.
            staff = url.startswith("/admin/")
            measured = measured_under_wrk(server, args, name, url, cookie if staff else "")
            floor = sql_floor(editor if staff else Client(), url)
            results["endpoints"][name] = {"url": url, **measured, **floor}
            results["endpoints"][name]["p50_to_sql_floor"] = _p50_to_floor(measured, floor)
            # Anonymous readers get the recommendations' answers from the cache: measured
            # again as a signed-in reader, who gets them computed, and profiled that way.
            profiled_as = editor if staff else Client()
            if url.startswith("/api/recommendations/"):
                profiled_as = reader
                computed = measured_under_wrk(server, args, name, url, session_cookie(reader))
                floor = sql_floor(reader, url)
                results["endpoints"][name]["computed"] = {
                    **computed,
                    **floor,
                    "p50_to_sql_floor": _p50_to_floor(computed, floor),
                }
            results["endpoints"][name]["profile"] = profile_request(profiled_as, url)
            print(f"{name}: {results['endpoints'][name]}", flush=True)
        results["stats_after_a_write"] = first_after_a_write(server, "/api/stats/", Client())
        print(f"Stats after a write: {results['stats_after_a_write']}", flush=True)
        results["admin_after_a_write"] = first_after_a_write(
            server, urls["admin changelist (filter+search)"], editor, cookie
        )
        print(f"Admin changelist after a write: {results['admin_after_a_write']}", flush=True)
        # Read anonymously from the cache under wrk: computed again by the first reader after
        # a write.
        for name, endpoint in (
            ("list", "list filtered (state+theme+status)"),
            ("detail", "detail"),
            ("status", "status"),
        ):
            results[f"{name}_after_a_write"] = first_after_a_write(server, urls[endpoint], Client())
            print(f"{name} after a write: {results[f'{name}_after_a_write']}", flush=True)
        for name, url in page_urls.items():
            # Anonymous, as the public reads them: from the cache once the first request filled it.
            # The rounds of the page before left it just written to: its first reader gets the
            # last counts, sent no-store while the worker counts again, and until that count
            # lands every request builds the page: that is the after-a-write figure, not this.
            server.recounted(url)
            measured = wrk(args.port, url, "", args.seconds)
            if measured["non_2xx"] or measured["socket_errors"]:
                raise SystemExit(f"{name}: {url} answered errors under load: {measured}")
            results["pages"][name] = {
                "url": url,
                "from_the_cache": measured,
                "after_a_write": page_after_writes(server, url, target, args.rounds),
            }
            print(f"{name}: {results['pages'][name]}", flush=True)
        watchlist, watched_target = bench_watchlist()
        results["watchlist_sweep"] = watchlist_sweep(watchlist, watched_target, args.rounds)
        print(f"Watchlist sweep: {results['watchlist_sweep']}", flush=True)
        results["watchlist_feed"] = feed_after_writes(
            server, watchlist, watched_target, args.rounds
        )
        print(f"Watchlist calendar feed: {results['watchlist_feed']}", flush=True)
    results["reminder_sweep"] = reminder_sweep()
    print(f"Reminder sweep: {results['reminder_sweep']}", flush=True)
    results["import"] = import_rate()
    print(f"Import: {results['import']['output']}", flush=True)

    RESULTS.mkdir(exist_ok=True)
    stamp = results["timestamp"].replace(":", "").replace("+0000", "")
    text = json.dumps(results, indent=2) + "\n"
    (RESULTS / f"{args.scale}-{stamp}.json").write_text(text)
    (RESULTS / f"latest-{args.scale}.json").write_text(text)
    print(f"Written to {RESULTS / f'latest-{args.scale}.json'}")


if __name__ == "__main__":
    main()
