"""The demo's campaign, built on the seed case (recommendations/demo): China's 2018 UPR
matrix as OHCHR published it (China's real answers, every recommending state), the
campaign linking the seed's recommendations and asks, the silence reviews the seeds support,
and two staff desks who own and watch it, so reminders and silence alerts go out of the box.

Loading it twice writes nothing the second time.
"""

import json
from collections import Counter
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model

from campaigns.models import Campaign, CampaignLink, MentionReview
from recommendations import services
from recommendations.demo.seed_case import SEED_CASE
from recommendations.importers.core import ImportOptions
from recommendations.importers.services import recommendations_import
from recommendations.models import (
    Body,
    Document,
    Organization,
    Recommendation,
    ReminderPreference,
    State,
    Theme,
)

SEED_CAMPAIGN = Path(__file__).with_name("seed_campaign.json")
MATRIX_DIR = SEED_CASE.parent / "data"


def seed_campaign_load(path: Path = SEED_CAMPAIGN) -> Counter:
    """Load the demo campaign; returns {(model, outcome): count}, as seed_case_load does."""
    data = json.loads(path.read_text(encoding="utf-8"))
    seed = json.loads(SEED_CASE.read_text(encoding="utf-8"))
    outcomes: Counter = Counter()
    _matrix_import(data, outcomes)
    staff = [_desk(item, outcomes) for item in data["staff"]]
    documents = _seed_documents(seed)
    for item in data["statements"]:
        document, outcome = services.row_upsert(
            Document,
            lookup={"symbol": "", "title": item["title"], "kind": "statement"},
            values={"state": State.objects.get(code=item["state"]), "date": _day(item["date"])},
        )
        outcomes[("Document", outcome)] += 1
        documents[item["key"]] = document
    campaign, outcome = services.row_upsert(
        Campaign,
        lookup={"slug": data["slug"]},
        values={
            "name": data["name"],
            "goal": data["goal"],
            "public": data["public"],
            "silence_alert_days": data["silence_alert_days"],
        },
    )
    outcomes[("Campaign", outcome)] += 1
    relations = {
        campaign.states: State.objects.filter(code__in=data["states"]),
        campaign.bodies: Body.objects.filter(acronym__in=data["bodies"]),
        campaign.themes: Theme.objects.filter(slug__in=data["themes"]),
        campaign.organizations: Organization.objects.filter(
            documents__in=[d for d in documents.values() if d.kind == "letter"]
        ).distinct(),
        campaign.staff: staff,
        campaign.watched_states: State.objects.filter(code__in=data["watched_states"]),
        campaign.watched_bodies: Body.objects.filter(acronym__in=data["watched_bodies"]),
    }
    for manager, objects in relations.items():
        if services.m2m_set(manager, list(objects)):
            outcomes[("campaign relations", "updated")] += 1
    for recommendation, note in _linked(seed, data, documents):
        _, outcome = services.row_upsert(
            CampaignLink,
            lookup={"campaign": campaign, "recommendation": recommendation},
            values={"note": note},
        )
        outcomes[("CampaignLink", outcome)] += 1
        _own(recommendation, staff, outcomes)
    for item in data["reviews"]:
        _, outcome = services.row_upsert(
            MentionReview,
            lookup={"campaign": campaign, "document": documents[item["document"]]},
            values={
                "mentions": item["mentions"],
                "names_state": item["names_state"],
                "quote": item["quote"],
                "paragraph": item["paragraph"],
            },
        )
        outcomes[("MentionReview", outcome)] += 1
    return outcomes


def _matrix_import(data: dict, outcomes: Counter) -> None:
    path = MATRIX_DIR / data["upr_matrix"]
    report = recommendations_import(
        file_name=path.name, content=path.read_bytes(), options=ImportOptions()
    )
    outcomes[("UPR matrix rows", "created")] += report.total("created")
    outcomes[("UPR matrix rows", "updated")] += report.total("updated")


def _desk(item: dict, outcomes: Counter):
    """A campaign desk: a staff account that receives e-mail and never logs in."""
    User = get_user_model()
    user = User.objects.filter(username=item["username"]).first()
    if user is None:
        user = User(username=item["username"], email=item["email"], is_staff=True)
        user.set_unusable_password()
        user.save()
        outcomes[("User", "created")] += 1
    preference = ReminderPreference.objects.filter(user=user).first()
    if preference is None or preference.language != item["language"]:
        services.preference_language_set(user=user, language=item["language"])
        outcomes[("ReminderPreference", "updated")] += 1
    return user


def _seed_documents(seed: dict) -> dict[str, Document]:
    documents = {}
    for item in seed["documents"]:
        lookup = (
            {"symbol": item["symbol"]}
            if item["symbol"]
            else {"symbol": "", "title": item["title"], "kind": item["kind"]}
        )
        documents[item["key"]] = Document.objects.get(**lookup)
    return documents


def _linked(seed: dict, data: dict, documents: dict[str, Document]):
    """Every recommendation and ask of the seed case, with its note; the matrix's chosen ones."""
    for item in seed["recommendations"]:
        recommendation = Recommendation.objects.get(
            document=documents[item["document"]], paragraph=item["paragraph"], text=item["text"]
        )
        note = data["notes"].get(f"{item['document']}|{item['paragraph']}", "")
        yield recommendation, note
    for item in data["matrix_links"]:
        yield (
            Recommendation.objects.get(document__symbol="A/HRC/40/6", paragraph=item["paragraph"]),
            item["note"],
        )


def _own(recommendation: Recommendation, staff: list, outcomes: Counter) -> None:
    """The first desk owns what nobody owns; every desk watches."""
    fields = {}
    if recommendation.owner_id is None:
        fields["owner"] = staff[0]
    if set(recommendation.watchers.values_list("pk", flat=True)) != {u.pk for u in staff}:
        fields["watchers"] = staff
    if fields:
        services.recommendation_update(recommendation=recommendation, **fields)
        outcomes[("Recommendation owners", "updated")] += 1


def _day(value: str) -> date:
    return date.fromisoformat(value)
