import importlib
import json
from datetime import date

import pytest
from django.core.management import call_command

from recommendations.demo.seed_case import SEED_CASE
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

pytestmark = pytest.mark.django_db

MODELS = [Body, Organization, Theme, Document, Recommendation, Target, Response]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_loading_the_demo_twice_gives_the_same_rows_and_no_new_history(capsys):
    call_command("load_demo")
    first = counts()
    history = Recommendation.history.count()

    call_command("load_demo")

    assert counts() == first
    assert Recommendation.history.count() == history
    assert "0 rows written" in capsys.readouterr().out
    assert first["Recommendation"] >= 10
    assert first["Target"] >= 10


def test_the_commission_of_inquiry_asks_china_to_respect_non_refoulement():
    call_command("load_demo")

    target = Target.objects.get(
        recommendation__document__symbol="A/HRC/25/CRP.1",
        recommendation__paragraph="1221 (a)",
        state__code="CHN",
    )

    assert target.recommendation.issued_by.kind == "inquiry"
    assert "non-refoulement" in target.recommendation.themes.values_list("slug", flat=True)
    assert "non-refoulement" in target.recommendation.text


def test_the_2011_letter_gives_unhcr_ninety_days():
    call_command("load_demo")

    letter = Document.objects.get(kind="letter", date=date(2011, 6, 17))
    targets = Target.objects.filter(recommendation__document=letter)

    assert targets.exists()
    assert {target.body.acronym for target in targets} == {"UNHCR"}
    assert {target.response_due for target in targets} == {date(2011, 9, 15)}
    assert {target.status for target in targets} == {"response_overdue"}
    assert letter.organizations.filter(acronym="JFNK").exists()


def test_the_2023_letter_addresses_ohchr():
    call_command("load_demo")

    letter = Document.objects.get(kind="letter", date=date(2023, 8, 11))
    addressees = {
        target.body.acronym for target in Target.objects.filter(recommendation__document=letter)
    }

    assert addressees == {"OHCHR"}
    assert letter.organizations.count() >= 2


def test_the_demo_names_real_documents_and_bodies():
    call_command("load_demo")

    symbols = set(Document.objects.values_list("symbol", flat=True))
    assert {
        "A/HRC/25/CRP.1",
        "A/HRC/RES/25/25",
        "A/77/522",
        "A/HRC/46/52",
        "A/HRC/52/64",
    } <= symbols
    assert Body.objects.get(acronym="OHCHR-Seoul").parent.acronym == "OHCHR"
    assert State.objects.count() >= 190


def test_the_demo_and_the_data_migration_give_bodies_the_same_korean_and_chinese_names():
    """New installations take the names from the demo data, older ones from migration 0018."""
    names = importlib.import_module("recommendations.migrations.0022_body_names_ko_zh").NAMES
    bodies = json.loads(SEED_CASE.read_text(encoding="utf-8"))["bodies"]

    assert {
        body["acronym"]: (body["name_ko"], body["name_zh_hans"], body["name_source"])
        for body in bodies
    } == names
