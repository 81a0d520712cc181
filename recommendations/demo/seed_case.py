"""The seed case as demo data: China's forced repatriation of North Korean refugees.

`seed_case.json` holds the real bodies, documents, organisations and the recommendations
the seed documents quote, verbatim. Loading is keyed on natural keys (acronym, code, slug,
symbol, document + paragraph + text), so loading twice writes nothing the second time.
Recommendations, targets and responses are written by their services, as an editor's are.
"""

import json
from collections import Counter
from datetime import date
from pathlib import Path

from django.db import transaction

from recommendations import services
from recommendations.models import (
    Body,
    Document,
    Organization,
    Recommendation,
    Response,
    State,
    Target,
    Theme,
)
from recommendations.services import m2m_set, row_upsert

SEED_CASE = Path(__file__).with_name("seed_case.json")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class _Loader:
    def __init__(self, data: dict):
        self.data = data
        self.outcomes: Counter = Counter()
        self.states = {state.code: state for state in State.objects.all()}
        self.bodies: dict[str, Body] = {}
        self.organizations: dict[str, Organization] = {}
        self.themes: dict[str, Theme] = {}
        self.documents: dict[str, Document] = {}
        self.recommendations: dict[tuple[str, str], Recommendation] = {}

    def upsert(self, model, *, lookup: dict, values: dict):
        row, outcome = row_upsert(model, lookup=lookup, values=values)
        self.outcomes[(model._meta.verbose_name_plural, outcome)] += 1
        return row

    def write(self, model, *, lookup: dict, values: dict):
        """Create or change a recommendation, a target or a response through its services,
        by its natural key; only what differs is written, so a second load adds no history."""
        create, update, keyword = services_of(model)
        row = model.objects.filter(**lookup).first()
        if row is None:
            row, outcome = create(**lookup, **values), "created"
        else:
            changed = {name: value for name, value in values.items() if differs(row, name, value)}
            if changed:
                row, outcome = update(**{keyword: row}, **changed), "updated"
            else:
                outcome = "unchanged"
        self.outcomes[(model._meta.verbose_name_plural, outcome)] += 1
        return row

    def m2m(self, relation: str, manager, objects) -> None:
        if m2m_set(manager, objects):
            self.outcomes[(relation, "updated")] += 1

    def load(self) -> Counter:
        self.load_bodies()
        for item in self.data["organizations"]:
            organization = self.upsert(
                Organization,
                lookup={"name": item["name"]},
                values={
                    "acronym": item["acronym"],
                    "country": self.states.get(item["country"]) if item["country"] else None,
                },
            )
            self.organizations[item["acronym"] or item["name"]] = organization
            self.organizations[item["name"]] = organization
        for item in self.data["themes"]:
            self.themes[item["slug"]] = self.upsert(
                Theme,
                lookup={"slug": item["slug"]},
                values={"name": item["name"], "uhri_code": item["uhri_code"]},
            )
        for item in self.data["documents"]:
            self.load_document(item)
        for item in self.data["recommendations"]:
            self.load_recommendation(item)
        for item in self.data["recommendations"]:
            self.link_reiterated(item)
        # Every state's next review and mid-term report, from the reviews the migrations load.
        self.outcomes[("Event", "written")] += services.upr_events_refresh()
        return self.outcomes

    def load_bodies(self) -> None:
        # Parents first: a body's parent must exist before the body points at it.
        pending = list(self.data["bodies"])
        while pending:
            ready = [
                item for item in pending if not item["parent"] or item["parent"] in self.bodies
            ]
            if not ready:
                raise ValueError(
                    f"bodies with unknown parents: {[item['acronym'] for item in pending]}"
                )
            for item in ready:
                self.bodies[item["acronym"]] = self.upsert(
                    Body,
                    lookup={"acronym": item["acronym"]},
                    values={
                        "name": item["name"],
                        "name_ko": item["name_ko"],
                        "name_zh_hans": item["name_zh_hans"],
                        "name_source": item["name_source"],
                        "kind": item["kind"],
                        "parent": self.bodies.get(item["parent"]),
                    },
                )
                pending.remove(item)

    def load_document(self, item: dict) -> None:
        values = {
            "title": item["title"],
            "kind": item["kind"],
            "body": self.bodies.get(item["body"]),
            "date": _date(item["date"]),
            "url": item["url"],
        }
        if item["symbol"]:
            lookup = {"symbol": item["symbol"]}
        else:
            lookup = {
                "symbol": "",
                "title": values.pop("title"),
                "kind": values.pop("kind"),
            }
        document = self.upsert(Document, lookup=lookup, values=values)
        self.m2m(
            "document organisations",
            document.organizations,
            [self.organizations[key] for key in item["organizations"]],
        )
        self.documents[item["key"]] = document

    def load_recommendation(self, item: dict) -> None:
        document = self.documents[item["document"]]
        recommendation = self.write(
            Recommendation,
            lookup={
                "document": document,
                "paragraph": item["paragraph"],
                "text": item["text"],
            },
            values={
                "issued_by": self.bodies.get(item["issued_by"]),
                "issued_on": _date(item["issued_on"]),
                "recommending_states": [self.states[code] for code in item["recommending_states"]],
                "organizations": [self.organizations[key] for key in item["organizations"]],
                "themes": [self.themes[slug] for slug in item["themes"]],
            },
        )
        self.recommendations[(item["document"], item["paragraph"], item["text"])] = recommendation
        for target_item in item["targets"]:
            self.load_target(recommendation, target_item)

    def load_target(self, recommendation: Recommendation, item: dict) -> None:
        addressee = (
            {"state": self.states[item["state"]], "body": None}
            if item["state"]
            else {"body": self.bodies[item["body"]], "state": None}
        )
        target = self.write(
            Target,
            lookup={"recommendation": recommendation, **addressee},
            values={
                "response_due": _date(item["response_due"]),
                "follow_up_due": _date(item["follow_up_due"]),
            },
        )
        for response in item["responses"]:
            self.write(
                Response,
                lookup={
                    "target": target,
                    "position": response["position"],
                    "date": _date(response["date"]),
                    "text": response["text"],
                },
                values={
                    "document": self.documents.get(response["document"]),
                    "paragraph": response["paragraph"],
                },
            )

    def link_reiterated(self, item: dict) -> None:
        if not item["reiterates"]:
            return
        recommendation = self.recommendations[(item["document"], item["paragraph"], item["text"])]
        earlier = [
            rec
            for (document, paragraph, _), rec in self.recommendations.items()
            if document == item["reiterates"]["document"]
            and paragraph == item["reiterates"]["paragraph"]
        ]
        self.write(
            Recommendation,
            lookup={"pk": recommendation.pk},
            values={"reiterates": earlier[0]},
        )


def services_of(model) -> tuple:
    """The services that create and change a row of `model`, and the keyword of its row."""
    return {
        Recommendation: (
            services.recommendation_create,
            services.recommendation_update,
            "recommendation",
        ),
        Target: (services.target_create, services.target_update, "target"),
        Response: (services.response_create, services.response_update, "response"),
    }[model]


def differs(row, name: str, value) -> bool:
    field = row._meta.get_field(name)
    if field.many_to_many:
        return set(getattr(row, name).values_list("pk", flat=True)) != {obj.pk for obj in value}
    return getattr(row, name) != value


@transaction.atomic
def seed_case_load(path: Path = SEED_CASE) -> Counter:
    """Load the seed case; returns {(model, "created" | "updated" | "unchanged"): count}."""
    return _Loader(json.loads(path.read_text(encoding="utf-8"))).load()
