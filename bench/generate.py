"""Generate realistic benchmark data: SCALE recommendations with their targets, responses and
assessments, sampled from the UPR Info export in ../shared/data (states under review,
recommending states, issues, the Accepted / Noted split, and the texts themselves).

    DATABASE_URL=postgres://... python bench/generate.py --scale 100000

PostgreSQL only. The rows are loaded with COPY, in one transaction, batch by batch (BATCH
recommendations). COPY bypasses the ORM, so CopyTable gives every column the generator does not
set the value Django's INSERT would (defaults, auto_now timestamps, blank strings, NULLs), and
the primary keys that child rows refer to are drawn from the tables' sequences, which stay
right for the application's later inserts. The tables' secondary indexes and foreign keys are
dropped for the load and recreated from their definitions at the end. A million
recommendations take 2.5 to 4 minutes on the shared 2-core development machine (bulk_create
took about an hour).

Then one public campaign for the campaign page's bench (Generator.write_campaign): its
states, bodies and themes, and its links picked by one query.

Statuses come from the status rule itself, so the data needs no recompute afterwards. A seed
draws the same rows as the bulk_create version did: the random calls are the same, in the same
order.
"""

import argparse
import csv
import io
import os
import random
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, models, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils.text import slugify  # noqa: E402
from psycopg import sql  # noqa: E402

from campaigns.models import Campaign, CampaignLink  # noqa: E402
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
from recommendations.search.metadata import search_metadata_write_all  # noqa: E402
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
# Implementation.values builds its list anew on every access.
IMPLEMENTATIONS = Implementation.values
# The public campaign the campaign page is measured on: a demand on torture in detention
# followed in the states most recommended to, as an NGO's campaign would be.
CAMPAIGN_SLUG = "end-torture-in-detention"
CAMPAIGN_THEMES = ["Torture and other CID treatment", "Detention"]
CAMPAIGN_STATES = 5
CAMPAIGN_LINKS_PER_STATE = 40
CAMPAIGN_WATCHED_STATES = 3


def upr_info_rows() -> list[dict]:
    rows = []
    for path in sorted(UPR_INFO.glob("*.csv")):
        text = path.read_bytes().decode("mac_roman")
        rows += csv.DictReader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n")))
    if not rows:
        raise SystemExit(f"No UPR Info export to sample from: {UPR_INFO}/*.csv is missing.")
    return rows


class PlannedTarget(NamedTuple):
    state: int | None
    body: int | None
    response_due: date | None
    follow_up_due: date | None
    status: str
    response: tuple | None
    assessment: tuple | None


class CopyTable:
    """A model's table as COPY fills it: the fields the generator sets, in the order given, then
    every other concrete column with the value Django's INSERT would give it.

    A column with a database default (db_default) or a generated one is left out for PostgreSQL
    to fill, and so is the auto primary key when it is not given, for its identity to number
    the rows.
    """

    def __init__(self, model: type[models.Model], fields: list[str]):
        opts = model._meta
        given = [opts.get_field(name) for name in fields]
        template = model()
        others = []
        defaults = []
        for field in opts.concrete_fields:
            if field in given or field.generated or field is opts.auto_field:
                continue
            # pre_save() as for an INSERT: a default, or now() for auto_now(_add).
            value = field.pre_save(template, add=True)
            if isinstance(value, models.expressions.DatabaseDefault):
                continue
            others.append(field)
            defaults.append(field.get_db_prep_save(value, connection))
        self.defaults = tuple(defaults)
        quote = connection.ops.quote_name
        self.table = opts.db_table
        self.pk_column = opts.pk.column
        columns = ", ".join(quote(field.column) for field in given + others)
        self.copy_sql = f"COPY {quote(self.table)} ({columns}) FROM STDIN"

    def next_ids(self, cursor, count: int) -> list[int]:
        """Primary keys for `count` new rows, from the table's own sequence, so that the
        application's later inserts continue after them."""
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [self.table, self.pk_column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]

    def write(self, cursor, rows) -> None:
        with cursor.copy(self.copy_sql) as copy:
            for row in rows:
                copy.write_row(row + self.defaults)


@contextmanager
def indexes_and_foreign_keys_deferred(cursor, tables: list[str]):
    """Drop the tables' secondary indexes and foreign keys for the load, then recreate them from
    their own definitions: one sorted build per index and one validating join per foreign key
    cost PostgreSQL half the CPU of maintaining and checking them row by row (at a million
    recommendations, 68 s against 142 s, and the run 4 minutes against 6; the full-text GIN
    index is the largest part). Primary keys, unique constraints and the indexes foreign keys
    depend on stay.

    Call it inside the load's transaction: DDL is transactional in PostgreSQL, so a load that
    fails leaves every index and constraint as it was.
    """
    cursor.execute(
        """
        SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname),
               format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s',
                      conrelid::regclass, conname, pg_get_constraintdef(oid))
        FROM pg_constraint
        WHERE contype = 'f' AND conrelid = ANY(%(tables)s::regclass[])
        """,
        {"tables": tables},
    )
    foreign_keys = cursor.fetchall()
    cursor.execute(
        """
        SELECT format('DROP INDEX %%I.%%I', schemaname, indexname), indexdef
        FROM pg_indexes
        WHERE format('%%I.%%I', schemaname, tablename)::regclass = ANY(%(tables)s::regclass[])
          AND NOT EXISTS (
              SELECT FROM pg_constraint
              WHERE conindid = format('%%I.%%I', schemaname, indexname)::regclass
          )
        """,
        {"tables": tables},
    )
    indexes = cursor.fetchall()
    for drop, _ in foreign_keys + indexes:
        cursor.execute(drop)
    yield
    for _, create in indexes + foreign_keys:
        cursor.execute(create)


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
        # By symbol: those of an earlier run are reused, as get_or_create did.
        self.documents: dict[str, int] = dict(
            Document.objects.filter(symbol__startswith="BENCH/").values_list("symbol", "pk")
        )
        self.new_documents: dict[str, tuple] = {}
        self.tables = {
            "documents": CopyTable(Document, ["id", "symbol", "title", "kind", "body", "date"]),
            "recommendations": CopyTable(
                Recommendation,
                ["id", "text", "document", "paragraph", "issued_by", "issued_on"],
            ),
            "recommending_states": CopyTable(
                Recommendation.recommending_states.through, ["recommendation", "state"]
            ),
            "themes": CopyTable(Recommendation.themes.through, ["recommendation", "theme"]),
            "targets": CopyTable(
                Target,
                [
                    "id",
                    "recommendation",
                    "state",
                    "body",
                    "response_due",
                    "follow_up_due",
                    "status",
                ],
            ),
            "responses": CopyTable(Response, ["target", "position", "date"]),
            "assessments": CopyTable(Assessment, ["target", "implementation", "assessed_on"]),
        }

    def document_symbol(self, kind: str, body: Body, state_id: int, cycle: int) -> str:
        """The symbol of the batch's document; new ones are written with the batch."""
        symbol = f"BENCH/{body.acronym}/{cycle}/{state_id}"
        if symbol not in self.documents and symbol not in self.new_documents:
            self.new_documents[symbol] = (
                symbol,
                f"{body.acronym} cycle {cycle} for state {state_id}",
                kind,
                body.pk,
                date(2008, 4, 1) + timedelta(days=365 * cycle),
            )
        return symbol

    def recommendation(self, number: int) -> dict:
        row = self.random.choice(self.rows)
        cycle = self.random.randrange(0, 18)
        issued_on = date(2008, 4, 1) + timedelta(days=365 * cycle + self.random.randrange(300))
        if self.random.random() < 0.75:
            body = self.upr
            document = self.document_symbol(DocumentKind.UPR_REPORT, body, row["to_state"], cycle)
            recommending = [row["from_state"]]
            if self.random.random() < 0.1:
                recommending.append(self.random.choice(self.state_ids))
        else:
            body = self.random.choice(self.treaty_bodies)
            kind = DocumentKind.CONCLUDING_OBSERVATIONS
            document = self.document_symbol(kind, body, row["to_state"], cycle)
            recommending = []
        return {
            "row": row,
            "document": document,
            "paragraph": f"{self.random.randrange(1, 200)}.{number % 1000}",
            "issued_by": body.pk,
            "issued_on": issued_on,
            "recommending": set(recommending),
            "themes": {self.themes[i].pk for i in row["Issue"].split(",") if i in self.themes},
        }

    def targets(self, plan: dict) -> list[PlannedTarget]:
        addressees = [("state", plan["row"]["to_state"])]
        for _ in range(self.random.choice([0, 0, 0, 1, 2])):
            if self.random.random() < 0.2:
                addressees.append(("body", self.random.choice(self.un_addressees).pk))
            else:
                addressees.append(("state", self.random.choice(self.state_ids)))
        made = []
        for kind, pk in dict.fromkeys(addressees):
            due = plan["issued_on"] + timedelta(days=self.random.choice([90, 180, 365]))
            response_due = due if self.random.random() < 0.6 else None
            follow_up_due = due + timedelta(days=365) if self.random.random() < 0.2 else None
            response, assessment = self.events(plan)
            status = derive_status(
                implementation=assessment[0] if assessment else None,
                position=response[0] if response else None,
                response_due=response_due,
                today=TODAY,
            )
            made.append(
                PlannedTarget(
                    state=pk if kind == "state" else None,
                    body=pk if kind == "body" else None,
                    response_due=response_due,
                    follow_up_due=follow_up_due,
                    status=status,
                    response=response,
                    assessment=assessment,
                )
            )
        return made

    def events(self, plan: dict) -> tuple[tuple | None, tuple | None]:
        """The target's response (position, date) and assessment (implementation, date), or
        None; at most one of each, so each is the latest the status rule reads."""
        response = assessment = None
        if self.random.random() < 0.8:
            accepted = plan["row"]["Response"] == "Accepted"
            response = (
                "supported" if accepted else "noted",
                plan["issued_on"] + timedelta(days=self.random.randrange(30, 200)),
            )
            if self.random.random() < 0.5:
                assessment = (
                    self.random.choice(IMPLEMENTATIONS),
                    plan["issued_on"] + timedelta(days=self.random.randrange(200, 2000)),
                )
        return response, assessment

    def write_documents(self, cursor) -> None:
        table = self.tables["documents"]
        ids = table.next_ids(cursor, len(self.new_documents))
        table.write(
            cursor, ((pk, *row) for pk, row in zip(ids, self.new_documents.values(), strict=True))
        )
        self.documents.update(zip(self.new_documents, ids, strict=True))
        self.new_documents = {}

    def write_batch(self, cursor, start: int, size: int) -> int:
        # All recommendations of the batch are drawn before their targets, as the bulk_create
        # version did: the same seed then gives the same data.
        plans = [self.recommendation(start + i) for i in range(size)]
        targets_by_plan = [self.targets(plan) for plan in plans]
        if self.new_documents:
            self.write_documents(cursor)
        tables = self.tables

        recommendation_ids = tables["recommendations"].next_ids(cursor, size)
        planned = list(zip(recommendation_ids, plans, strict=True))
        tables["recommendations"].write(
            cursor,
            (
                (
                    pk,
                    plan["row"]["Text"],
                    self.documents[plan["document"]],
                    plan["paragraph"],
                    plan["issued_by"],
                    plan["issued_on"],
                )
                for pk, plan in planned
            ),
        )
        tables["recommending_states"].write(
            cursor,
            ((pk, state) for pk, plan in planned for state in plan["recommending"]),
        )
        tables["themes"].write(
            cursor, ((pk, theme) for pk, plan in planned for theme in plan["themes"])
        )

        targets = [
            (recommendation_id, target)
            for recommendation_id, made in zip(recommendation_ids, targets_by_plan, strict=True)
            for target in made
        ]
        target_ids = tables["targets"].next_ids(cursor, len(targets))
        numbered = list(zip(target_ids, targets, strict=True))
        tables["targets"].write(
            cursor,
            (
                (pk, recommendation_id, t.state, t.body, t.response_due, t.follow_up_due, t.status)
                for pk, (recommendation_id, t) in numbered
            ),
        )
        tables["responses"].write(
            cursor, ((pk, *t.response) for pk, (_, t) in numbered if t.response)
        )
        tables["assessments"].write(
            cursor, ((pk, *t.assessment) for pk, (_, t) in numbered if t.assessment)
        )
        return len(targets)

    def write_campaign(self, cursor) -> int:
        """The public campaign: the CAMPAIGN_STATES states with the most targets, its themes,
        CAT and the UPR watched for silence with the states that recommend the most, and up to
        CAMPAIGN_LINKS_PER_STATE linked recommendations per state on its themes, picked by
        one query (a hash of the id orders them: the same picks for the same data)."""
        states = list(
            Target.objects.exclude(state=None)
            .values_list("state", flat=True)
            .annotate(n=Count("pk"))
            .order_by("-n", "state")[:CAMPAIGN_STATES]
        )
        recommending = Recommendation.recommending_states.through
        watched = list(
            recommending.objects.values_list("state", flat=True)
            .annotate(n=Count("pk"))
            .order_by("-n", "state")[:CAMPAIGN_WATCHED_STATES]
        )
        themes = [self.themes[name].pk for name in CAMPAIGN_THEMES if name in self.themes]
        campaign, _ = Campaign.objects.update_or_create(
            slug=CAMPAIGN_SLUG,
            defaults={
                "name": "End torture in detention",
                "goal": "Every state followed here ratifies OPCAT and opens its places of "
                "detention to independent monitoring.",
                "public": True,
            },
        )
        campaign.states.set(states)
        campaign.bodies.set(self.un_addressees)
        campaign.themes.set(themes)
        campaign.watched_states.set(watched)
        campaign.watched_bodies.set([self.upr, self.treaty_bodies[0]])
        picks = sql.SQL(
            """
            SELECT id FROM (
                SELECT id, row_number() OVER (PARTITION BY state_id ORDER BY md5(id::text)) AS n
                FROM (
                    SELECT DISTINCT ON (target.recommendation_id)
                           target.recommendation_id AS id, target.state_id
                    FROM {targets} AS target
                    JOIN {themes} AS theme ON theme.recommendation_id = target.recommendation_id
                    WHERE target.state_id = ANY(%(states)s) AND theme.theme_id = ANY(%(themes)s)
                    ORDER BY target.recommendation_id, target.state_id
                ) AS on_theme
            ) AS ranked
            WHERE n <= %(per_state)s
            """
        ).format(
            targets=sql.Identifier(Target._meta.db_table),
            themes=sql.Identifier(Recommendation.themes.through._meta.db_table),
        )
        cursor.execute(
            picks, {"states": states, "themes": themes, "per_state": CAMPAIGN_LINKS_PER_STATE}
        )
        campaign.links.all().delete()
        links = CampaignLink.objects.bulk_create(
            CampaignLink(campaign=campaign, recommendation_id=pk) for (pk,) in cursor.fetchall()
        )
        return len(links)

    def run(self) -> dict:
        started = time.perf_counter()
        targets = 0
        tables = [table.table for table in self.tables.values()]
        with connection.cursor() as cursor:
            with transaction.atomic(), indexes_and_foreign_keys_deferred(cursor, tables):
                # The dashboard's counts are built once from the loaded rows, below: their
                # triggers would look up each row's relations without the indexes.
                cursor.execute("SET LOCAL tracker.stats_counts_deferred = 'on'")
                for start in range(0, self.scale, BATCH):
                    targets += self.write_batch(cursor, start, min(BATCH, self.scale - start))
                    done = min(start + BATCH, self.scale)
                    print(f"\r{done:>9,} / {self.scale:,} recommendations", end="", flush=True)
                # COPY wrote no relation's names into the search vectors: all of them in one
                # statement, before the indexes are built, so that no index (the full-text
                # GIN least of all) is updated for each row written again.
                print("; the search vectors' metadata", end="", flush=True)
                search_metadata_write_all(cursor)
                print("; recreating the indexes and foreign keys", flush=True)
            print("The dashboard's counts", flush=True)
            cursor.execute("SELECT stats_count_rebuild()")
            links = self.write_campaign(cursor)
            # As autovacuum would leave a table that has settled: statistics for the planner,
            # and the visibility map that lets counts and id lists read the indexes alone.
            cursor.execute("VACUUM ANALYZE")
        return {
            "recommendations": self.scale,
            "targets": targets,
            "campaign_links": links,
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
