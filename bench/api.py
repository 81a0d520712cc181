"""How fast the API answers on a realistic amount of data.

    DEBUG=true .venv/bin/python bench/api.py                      # SQLite
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker \\
        .venv/bin/python bench/api.py --recommendations 10000     # PostgreSQL

It makes a throwaway test database (as the test runner does: `test_` + the configured name),
fills it with recommendations, each addressed to two states with a response and an
assessment, times each request in-process (no network) and drops the database. The figures
in the README come from this script.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from recommendations import services  # noqa: E402
from recommendations.models import (  # noqa: E402
    Assessment,
    Body,
    Recommendation,
    Response,
    State,
    Target,
    Theme,
)

WORDS = "respect the principle of non-refoulement and grant access to persons of concern".split()


def fill(count: int) -> None:
    body = Body.objects.create(acronym="BENCH", name="Bench body", kind="treaty_body")
    themes = [
        Theme.objects.create(slug=f"theme-{number}", name=f"Theme {number}") for number in range(5)
    ]
    states = list(State.objects.order_by("code"))
    recommendations = Recommendation.objects.bulk_create(
        Recommendation(
            text=" ".join(WORDS[number % 5 :] + WORDS[: number % 5]),
            issued_by=body,
            issued_on=date(2000 + number % 25, 1 + number % 12, 1),
        )
        for number in range(count)
    )
    Recommendation.themes.through.objects.bulk_create(
        Recommendation.themes.through(recommendation=recommendation, theme=themes[number % 5])
        for number, recommendation in enumerate(recommendations)
    )
    targets = Target.objects.bulk_create(
        Target(recommendation=recommendation, state=states[(number + offset) % len(states)])
        for number, recommendation in enumerate(recommendations)
        for offset in (0, 1)
    )
    Response.objects.bulk_create(
        Response(target=target, position="supported", date=date(2019, 3, 15)) for target in targets
    )
    Assessment.objects.bulk_create(
        Assessment(
            target=target, implementation="partially_implemented", assessed_on=date(2022, 11, 1)
        )
        for target in targets[::2]
    )
    services.target_statuses_recompute()


def timed(client: Client, url: str, repeat: int) -> tuple[float, int]:
    """Median seconds for the whole answer, body read; and the body's size."""
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        times.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
        size = len(body)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recommendations", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        fill(args.recommendations)
        first = Recommendation.objects.order_by("pk").first().pk
        client = Client()
        rows = [
            ("list, 100 a page", "/api/recommendations/?page_size=100"),
            ("list filtered by state and theme", "/api/recommendations/?state=CHN&theme=theme-1"),
            ("full-text search", "/api/recommendations/?q=refoulement&page_size=100"),
            ("status of one recommendation", f"/api/recommendations/{first}/status/"),
            ("stats, everything", "/api/stats/"),
            ("CSV of every target", "/api/targets/?format=csv"),
        ]
        targets = Target.objects.count()
        print(f"{connection.vendor}: {args.recommendations} recommendations, {targets} targets")
        print(f"{'request':40} {'median':>10} {'size':>12}")
        for name, url in rows:
            seconds, size = timed(client, url, args.repeat)
            print(f"{name:40} {seconds * 1000:8.0f}ms {size:>10} B")
        seconds, _ = timed(client, "/api/targets/?format=csv", 1)
        print(f"CSV export: {targets / seconds:,.0f} rows/s")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
