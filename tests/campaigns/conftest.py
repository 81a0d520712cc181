"""A small private campaign built from factories: one recommendation to China on
non-refoulement, an ask of the campaign's own organisation to UNHCR, a silence review of an
OHCHR report, and one staff member."""

from datetime import date

import pytest

from campaigns import services
from campaigns.choices import Mention
from recommendations import services as recommendation_services
from recommendations.choices import BodyKind, DocumentKind
from tests.factories import (
    BodyFactory,
    DocumentFactory,
    EditorFactory,
    OrganizationFactory,
    RecommendationFactory,
    ThemeFactory,
    state,
)

NOTE = "Why it matters: a private note of the campaign"
QUOTE = "A quote the campaign's reviewer kept private"
ASK = "Raise your voice publicly and demand the cessation of all repatriation"


@pytest.fixture
def member(db):
    return EditorFactory(username="member")


@pytest.fixture
def private_campaign(member):
    theme = ThemeFactory(slug="non-refoulement", name="Non-refoulement")
    coi = BodyFactory(acronym="COI", kind=BodyKind.INQUIRY, name="Commission of Inquiry")
    ohchr = BodyFactory(acronym="OHCHR", kind=BodyKind.OFFICE, name="OHCHR")
    unhcr = BodyFactory(acronym="UNHCR", kind=BodyKind.OFFICE, name="UNHCR")
    ngo = OrganizationFactory(name="Justice for North Korea", acronym="JFNK")
    campaign = services.campaign_create(
        name="Private campaign",
        slug="private-campaign",
        goal="Stop forced returns",
        public=False,
        states=[state("CHN")],
        themes=[theme],
        organizations=[ngo],
        staff=[member],
        watched_bodies=[ohchr],
        watched_states=[state("KOR")],
    )
    recommendation = RecommendationFactory(
        text="respect the principle of non-refoulement and abstain from forcibly repatriating",
        paragraph="1221 (a)",
        issued_by=coi,
        issued_on=date(2014, 2, 7),
        document=DocumentFactory(
            symbol="A/HRC/25/CRP.1", body=coi, kind=DocumentKind.REPORT, date=date(2014, 2, 7)
        ),
    )
    recommendation.themes.set([theme])
    recommendation_services.target_create(recommendation=recommendation, state=state("CHN"))
    letter = DocumentFactory(symbol="", title="Letter to UNHCR", kind=DocumentKind.LETTER)
    letter.organizations.set([ngo])
    ask = RecommendationFactory(text=ASK, issued_by=None, document=letter, paragraph="")
    ask.organizations.set([ngo])
    recommendation_services.target_create(
        recommendation=ask, body=unhcr, response_due=date(2011, 9, 15)
    )
    services.link_create(campaign=campaign, recommendation=recommendation, note=NOTE)
    services.link_create(campaign=campaign, recommendation=ask)
    report = DocumentFactory(
        symbol="A/HRC/52/64", body=ohchr, kind=DocumentKind.REPORT, date=date(2023, 1, 18)
    )
    services.mention_review_create(
        campaign=campaign, document=report, mentions=Mention.NO, quote=QUOTE
    )
    return campaign
