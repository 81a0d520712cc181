"""Generate realistic benchmark data: SCALE recommendations with their targets, responses and
assessments, sampled from the UPR Info export in ../shared/data (states under review,
recommending states, issues, the Accepted / Noted split, and the texts themselves).

    DATABASE_URL=postgres://... python bench/generate.py --scale 100000

Rows are written with bulk_create in batches (defaults and constraints as the models say);
statuses come from the status rule itself, so the data needs no recompute afterwards.
"""

import argparse
import csv
import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils.text import slugify  # noqa: E402

from recommendations.choices import BodyKind, DocumentKind, Implementation  # noqa: E402
from recommendations.models import (  # noqa: E402
    Assessment,
    Body,
    Document,
    Recommendation,
    Response,
    State,
    Target,
    Theme,
    normalize_name,
)
from recommendations.status import derive_status  # noqa: E402

UPR_INFO = ROOT.parent / "shared" / "data" / "upr-info"
TODAY = date(2026, 11, 23)
BATCH = 5000
TREATY_BODIES = [
    ("CAT", "Committee against Torture"),
    ("CEDAW", "Committee on the Elimination of Discrimination against Women"),
    ("CRC", "Committee on the Rights of the Child"),
    ("CCPR", "Human Rights Committee"),
    ("CESCR", "Committee on Economic, Social and Cultural Rights"),
    ("CERD", "Committee on the Elimination of Racial Discrimination"),
    ("CED", "Committee on Enforced Disappearances"),
]
UN_ADDRESSEES = [
    ("UNHCR", "United Nations High Commissioner for Refugees"),
    ("OHCHR", "Office of the United Nations High Commissioner for Human Rights"),
]


def upr_info_rows() -> list[dict]:
    rows = []
    for path in sorted(UPR_INFO.glob("*.csv")):
        text = path.read_bytes().decode("mac_roman")
        rows += csv.DictReader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")))
    return rows


class Generator:
    def __init__(self, scale: int, seed: int):
        self.scale = scale
        self.random = random.Random(seed)
        self.rows = upr_info_rows()
        names = State.objects.by_name()
        self.rows = [
            row
            for row in self.rows
            if normalize_name(row["To"]) in names and normalize_name(row["From"]) in names
        ]
        for row in self.rows:
            row["to_state"] = names[normalize_name(row["To"])].pk
            row["from_state"] = names[normalize_name(row["From"])].pk
        self.state_ids = sorted({row["to_state"] for row in self.rows})
        self.upr = Body.objects.update_or_create(
            acronym="UPR", defaults={"name": "Universal Periodic Review", "kind": BodyKind.UPR}
        )[0]
        self.treaty_bodies = [
            Body.objects.update_or_create(
                acronym=acronym, defaults={"name": name, "kind": BodyKind.TREATY_BODY}
            )[0]
            for acronym, name in TREATY_BODIES
        ]
        self.un_addressees = [
            Body.objects.update_or_create(
                acronym=acronym, defaults={"name": name, "kind": BodyKind.OFFICE}
            )[0]
            for acronym, name in UN_ADDRESSEES
        ]
        issues = sorted({issue for row in self.rows for issue in row["Issue"].split(",") if issue})
        self.themes = {
            issue: Theme.objects.update_or_create(
                slug=slugify(issue)[:100] or "other", defaults={"name": issue}
            )[0]
            for issue in issues
        }
        self.documents: dict[tuple, int] = {}

    def document_id(self, kind: str, body: Body, state_id: int, cycle: int) -> int:
        key = (kind, body.pk, state_id, cycle)
        if key not in self.documents:
            symbol = f"BENCH/{body.acronym}/{cycle}/{state_id}"
            document, _ = Document.objects.get_or_create(
                symbol=symbol,
                defaults={
                    "title": f"{body.acronym} cycle {cycle} for state {state_id}",
                    "kind": kind,
                    "body": body,
                    "date": date(2008, 4, 1) + timedelta(days=365 * cycle),
                },
            )
            self.documents[key] = document.pk
        return self.documents[key]

    def recommendation(self, number: int) -> tuple[Recommendation, dict]:
        row = self.random.choice(self.rows)
        cycle = self.random.randrange(0, 18)
        issued_on = date(2008, 4, 1) + timedelta(days=365 * cycle + self.random.randrange(300))
        if self.random.random() < 0.75:
            body = self.upr
            document_id = self.document_id(DocumentKind.UPR_REPORT, body, row["to_state"], cycle)
            recommending = [row["from_state"]]
            if self.random.random() < 0.1:
                recommending.append(self.random.choice(self.state_ids))
        else:
            body = self.random.choice(self.treaty_bodies)
            kind = DocumentKind.CONCLUDING_OBSERVATIONS
            document_id = self.document_id(kind, body, row["to_state"], cycle)
            recommending = []
        recommendation = Recommendation(
            text=row["Text"],
            document_id=document_id,
            paragraph=f"{self.random.randrange(1, 200)}.{number % 1000}",
            issued_by=body,
            issued_on=issued_on,
        )
        plan = {
            "row": row,
            "recommending": set(recommending),
            "themes": {self.themes[i].pk for i in row["Issue"].split(",") if i in self.themes},
        }
        return recommendation, plan

    def targets(self, recommendation: Recommendation, plan: dict) -> list[tuple[Target, list]]:
        addressees = [("state", plan["row"]["to_state"])]
        for _ in range(self.random.choice([0, 0, 0, 1, 2])):
            if self.random.random() < 0.2:
                addressees.append(("body", self.random.choice(self.un_addressees).pk))
            else:
                addressees.append(("state", self.random.choice(self.state_ids)))
        made = []
        for kind, pk in dict.fromkeys(addressees):
            due = recommendation.issued_on + timedelta(days=self.random.choice([90, 180, 365]))
            target = Target(
                recommendation=recommendation,
                state_id=pk if kind == "state" else None,
                body_id=pk if kind == "body" else None,
                response_due=due if self.random.random() < 0.6 else None,
                follow_up_due=due + timedelta(days=365) if self.random.random() < 0.2 else None,
            )
            made.append((target, self.events(recommendation, target, plan)))
        return made

    def events(self, recommendation: Recommendation, target: Target, plan: dict) -> list:
        events = []
        if self.random.random() < 0.8:
            accepted = plan["row"]["Response"] == "Accepted"
            events.append(
                Response(
                    target=target,
                    position="supported" if accepted else "noted",
                    date=recommendation.issued_on + timedelta(days=self.random.randrange(30, 200)),
                )
            )
            if self.random.random() < 0.5:
                events.append(
                    Assessment(
                        target=target,
                        implementation=self.random.choice(Implementation.values),
                        assessed_on=recommendation.issued_on
                        + timedelta(days=self.random.randrange(200, 2000)),
                    )
                )
        return events

    def write_batch(self, start: int, size: int) -> int:
        planned = [self.recommendation(start + i) for i in range(size)]
        Recommendation.objects.bulk_create([rec for rec, _ in planned])
        through_states = Recommendation.recommending_states.through
        through_themes = Recommendation.themes.through
        through_states.objects.bulk_create(
            through_states(recommendation_id=rec.pk, state_id=state_id)
            for rec, plan in planned
            for state_id in plan["recommending"]
        )
        through_themes.objects.bulk_create(
            through_themes(recommendation_id=rec.pk, theme_id=theme_id)
            for rec, plan in planned
            for theme_id in plan["themes"]
        )
        pairs = [pair for rec, plan in planned for pair in self.targets(rec, plan)]
        for target, events in pairs:
            latest_response = max(
                (e for e in events if isinstance(e, Response)), key=lambda e: e.date, default=None
            )
            latest_assessment = max(
                (e for e in events if isinstance(e, Assessment)),
                key=lambda e: e.assessed_on,
                default=None,
            )
            target.status = derive_status(
                implementation=latest_assessment.implementation if latest_assessment else None,
                position=latest_response.position if latest_response else None,
                response_due=target.response_due,
                today=TODAY,
            )
        Target.objects.bulk_create([target for target, _ in pairs])
        for target, events in pairs:
            for event in events:
                event.target_id = target.pk
        Response.objects.bulk_create(
            [e for _, events in pairs for e in events if isinstance(e, Response)]
        )
        Assessment.objects.bulk_create(
            [e for _, events in pairs for e in events if isinstance(e, Assessment)]
        )
        return len(pairs)

    def run(self) -> dict:
        started = time.perf_counter()
        targets = 0
        for start in range(0, self.scale, BATCH):
            with transaction.atomic():
                targets += self.write_batch(start, min(BATCH, self.scale - start))
            print(f"\r{start + BATCH:>9,} / {self.scale:,} recommendations", end="", flush=True)
        print()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        return {
            "recommendations": self.scale,
            "targets": targets,
            "seconds": round(time.perf_counter() - started, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(Generator(args.scale, args.seed).run())


if __name__ == "__main__":
    main()
