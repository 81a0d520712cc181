"""Bench: one reminder sweep over 100,000 targets on PostgreSQL, its time and query count.

    createdb -h 127.0.0.1 -U postgres tracker_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench \\
        .venv/bin/python bench/reminders_sweep.py [--targets 100000]

The database must be one to throw away: the script migrates it, refuses it if it already
holds recommendations, and fills it with bulk_create. Then it times three sweeps: the first
records every due reminder (the backlog of a new installation); the second, the same day,
finds them all recorded; the third, the next day once the digests went out, is an ordinary
day. Deliveries are queued on an in-memory broker, so nothing is sent.
"""

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from recommendations import reminders  # noqa: E402
from recommendations.choices import BodyKind, DocumentKind, EventKind, ReminderStatus  # noqa: E402
from recommendations.models import (  # noqa: E402
    Assessment,
    Body,
    Document,
    Event,
    Recommendation,
    Reminder,
    Response,
    State,
    Target,
)
from tracker.celery import app as celery_app  # noqa: E402

TODAY = date(2026, 12, 8)
BATCH = 5000
STATE_CODES = ["CHN", "PRK", "RUS", "MMR", "IRN", "VNM", "LAO", "THA", "MNG", "KOR"]


def populate(count: int, rng: random.Random) -> None:
    owners = User.objects.bulk_create(
        [User(username=f"staff{n}", email=f"staff{n}@example.org") for n in range(100)]
    )
    body = Body.objects.create(acronym="BENCH", name="Bench body", kind=BodyKind.TREATY_BODY)
    documents = Document.objects.bulk_create(
        [
            Document(symbol=f"A/HRC/BENCH/{n}", title=f"Report {n}", kind=DocumentKind.REPORT)
            for n in range(100)
        ]
    )
    states = list(State.objects.filter(code__in=STATE_CODES))
    recommendations = Recommendation.objects.bulk_create(
        [
            Recommendation(
                text=f"Respect the principle of non-refoulement ({n}).",
                document=rng.choice(documents),
                paragraph=str(n),
                issued_by=body,
                owner=owners[n % len(owners)],
            )
            for n in range(count)
        ],
        batch_size=BATCH,
    )
    Recommendation.watchers.through.objects.bulk_create(
        [
            Recommendation.watchers.through(
                recommendation_id=recommendation.pk, user_id=rng.choice(owners).pk
            )
            for recommendation in recommendations
        ],
        batch_size=BATCH,
    )
    targets = Target.objects.bulk_create(
        [
            Target(
                recommendation=recommendation,
                state=rng.choice(states),
                # Due dates over the past year and the coming two months.
                response_due=TODAY + timedelta(days=rng.randint(-365, 60)),
                follow_up_due=(
                    TODAY + timedelta(days=rng.randint(0, 90)) if rng.random() < 0.1 else None
                ),
            )
            for recommendation in recommendations
        ],
        batch_size=BATCH,
    )
    answered = rng.sample(targets, len(targets) // 4)
    Response.objects.bulk_create(
        [
            Response(
                target=target,
                position=rng.choice(["supported", "partially_supported", "noted"]),
                date=TODAY - timedelta(days=rng.randint(30, 900)),
            )
            for target in answered
        ],
        batch_size=BATCH,
    )
    Assessment.objects.bulk_create(
        [
            Assessment(
                target=target,
                implementation=rng.choice(["not_implemented", "partially_implemented"]),
                assessed_on=TODAY - timedelta(days=rng.randint(0, 400)),
            )
            for target in answered[: len(answered) // 3]
        ],
        batch_size=BATCH,
    )
    for n, state in enumerate(states[:3]):
        event = Event.objects.create(
            name=f"{state.name}, Universal Periodic Review",
            kind=EventKind.REVIEW,
            date=TODAY + timedelta(days=3 + n),
        )
        event.states.set([state])


def timed_sweep(today: date) -> tuple[reminders.SweepReport, float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = reminders.reminders_sweep(today=today)
        elapsed = time.perf_counter() - started
    return report, elapsed, len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=100_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if Recommendation.objects.exists():
        sys.exit("This database already holds recommendations: give the bench an empty one.")
    # Deliveries are queued, not sent: the sweep is what is measured.
    celery_app.conf.broker_url = "memory://"

    started = time.perf_counter()
    populate(args.targets, random.Random(20261208))  # noqa: S311 - not for security
    print(f"Populated {args.targets:,} targets in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    sweeps = [
        ("first sweep", TODAY),
        ("second sweep, same day", TODAY),
        ("next day, digests sent", TODAY + timedelta(days=1)),
    ]
    for label, today in sweeps:
        if today != TODAY:
            Reminder.objects.update(status=ReminderStatus.SENT)
        report, elapsed, queries = timed_sweep(today)
        print(
            f"{label}: {elapsed:.2f} s, {queries} queries; {report.due:,} due, "
            f"{report.recorded:,} recorded, {len(report.digests)} digests queued"
        )


if __name__ == "__main__":
    main()
