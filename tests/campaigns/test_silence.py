"""Silence: who spoke on the demand and when; an actor silent past the threshold is alerted
once per staff member and last word, however often the sweep runs."""

from datetime import date

import pytest
import time_machine
from django.core import mail

from campaigns import selectors, services
from campaigns.choices import Mention
from campaigns.models import SilenceAlert
from recommendations import services as recommendation_services
from recommendations.choices import BodyKind, DocumentKind
from recommendations.models import Body, Document
from tests.campaigns.conftest import QUOTE
from tests.factories import (
    BodyFactory,
    DocumentFactory,
    RecommendationFactory,
    ThemeFactory,
    state,
)

pytestmark = pytest.mark.django_db


def actors(campaign) -> dict:
    return {actor.key: actor for actor in selectors.campaign_silence(campaign)}


def test_a_body_silent_in_its_reviewed_documents_has_never_spoken(private_campaign):
    ohchr = actors(private_campaign)["OHCHR"]

    assert ohchr.last_spoke is None
    assert ohchr.silent_since_count == 1
    assert [(word.date, word.spoke) for word in ohchr.words] == [(date(2023, 1, 18), False)]


def test_a_private_document_reviewed_keeps_its_date_and_verdict_and_withholds_the_rest(
    private_campaign, member
):
    Document.objects.filter(symbol="A/HRC/52/64").update(public=False)

    public = actors(private_campaign)["OHCHR"]
    staff = {
        actor.key: actor for actor in selectors.campaign_silence(private_campaign, reader=member)
    }["OHCHR"]

    [withheld] = public.words
    assert (withheld.date, withheld.spoke) == (date(2023, 1, 18), False)
    assert (withheld.label, withheld.symbol, withheld.quote) == ("", "", "")
    [shown] = staff.words
    assert (shown.symbol, shown.quote) == ("A/HRC/52/64", QUOTE)
    assert (public.last_spoke, public.silent_since_count) == (None, 1)
    assert (staff.last_spoke, staff.silent_since_count) == (None, 1)


def test_at_a_review_of_china_a_state_recommending_on_other_themes_stayed_silent(
    private_campaign,
):
    upr = BodyFactory(acronym="UPR", kind=BodyKind.UPR)
    review = DocumentFactory(
        symbol="A/HRC/40/6", body=upr, kind=DocumentKind.UPR_REPORT, date=date(2018, 11, 16)
    )
    korea = RecommendationFactory(document=review, issued_by=upr, text="Establish an NHRI")
    korea.recommending_states.set([state("KOR")])
    recommendation_services.target_create(recommendation=korea, state=state("CHN"))

    [word] = actors(private_campaign)["KOR"].words

    assert (word.date, word.spoke, word.symbol) == (date(2018, 11, 16), False, "A/HRC/40/6")
    assert word.note == "1 recommendation, none on the campaign's themes"


def test_a_recommendation_on_two_of_the_campaign_themes_is_counted_once(private_campaign):
    detention = ThemeFactory(slug="detention", name="Detention")
    private_campaign.themes.add(detention)
    upr = BodyFactory(acronym="UPR", kind=BodyKind.UPR)
    review = DocumentFactory(
        symbol="A/HRC/40/6", body=upr, kind=DocumentKind.UPR_REPORT, date=date(2018, 11, 16)
    )
    on_both = RecommendationFactory(document=review, issued_by=upr, text="Stop returns")
    on_both.themes.set([*private_campaign.themes.all()])
    elsewhere = RecommendationFactory(document=review, issued_by=upr, text="Establish an NHRI")
    for recommendation in (on_both, elsewhere):
        recommendation.recommending_states.set([state("KOR")])
        recommendation_services.target_create(recommendation=recommendation, state=state("CHN"))

    [word] = actors(private_campaign)["KOR"].words

    assert (word.date, word.spoke, word.symbol) == (date(2018, 11, 16), True, "A/HRC/40/6")
    assert word.note == "1 recommendation on the campaign's themes"


def test_a_state_row_sums_its_reviews_as_its_words_list_them(private_campaign):
    """The page shows the sums alone, the brief every word: both say the same."""
    upr = BodyFactory(acronym="UPR", kind=BodyKind.UPR)
    themes = [*private_campaign.themes.all()]
    for symbol, day, korea_on in [
        ("A/HRC/40/6", date(2018, 11, 16), themes),
        ("A/HRC/42/1", date(2019, 5, 1), []),
        ("A/HRC/44/1", date(2020, 1, 10), None),
    ]:
        review = DocumentFactory(symbol=symbol, body=upr, kind=DocumentKind.UPR_REPORT, date=day)
        recommendation = RecommendationFactory(document=review, issued_by=upr)
        recommendation.themes.set(korea_on or [])
        recommendation.recommending_states.set([state("KOR" if korea_on is not None else "FRA")])
        recommendation_services.target_create(recommendation=recommendation, state=state("CHN"))

    korea = actors(private_campaign)["KOR"]

    assert (korea.last_spoke, korea.silent_since_count) == (date(2018, 11, 16), 2)
    assert [(word.symbol, word.spoke) for word in korea.words] == [
        ("A/HRC/40/6", True),
        ("A/HRC/42/1", False),
        ("A/HRC/44/1", False),
    ]


@time_machine.travel(date(2026, 12, 2), tick=False)
def test_a_watched_actor_silent_past_the_threshold_is_alerted_once(private_campaign, member):
    ohchr = Body.objects.get(acronym="OHCHR")
    spoke = DocumentFactory(body=ohchr, date=date(2024, 6, 1), kind=DocumentKind.STATEMENT)
    services.mention_review_create(
        campaign=private_campaign, document=spoke, mentions=Mention.PARTLY
    )

    first = services.silence_sweep()
    [alert] = SilenceAlert.objects.all()
    assert first == [alert.pk]
    assert (alert.body, alert.last_spoke, alert.silent_days, alert.recipient) == (
        ohchr,
        date(2024, 6, 1),
        914,
        member.email,
    )
    assert services.silence_alert_deliver(alert_id=alert.pk) is True
    assert services.silence_alert_deliver(alert_id=alert.pk) is False

    assert services.silence_sweep() == []
    assert SilenceAlert.objects.count() == 1
    [message] = mail.outbox
    assert message.subject == "OHCHR has been silent on Private campaign"
    assert "last spoke on the demand on 1 June 2024: 914 days ago" in message.body


@time_machine.travel(date(2026, 12, 2), tick=False)
def test_an_alert_never_sent_is_queued_again_and_one_for_a_former_member_is_dropped(
    private_campaign, member
):
    [alert_id] = services.silence_sweep()  # OHCHR: never a word on record
    assert services.silence_sweep() == [alert_id]  # the broker was down: not sent yet

    private_campaign.staff.clear()

    assert services.silence_alert_deliver(alert_id=alert_id) is False
    assert not SilenceAlert.objects.exists()
    assert mail.outbox == []


@time_machine.travel(date(2024, 12, 1), tick=False)
def test_an_actor_that_spoke_within_the_threshold_is_not_alerted(private_campaign):
    ohchr = Body.objects.get(acronym="OHCHR")
    spoke = DocumentFactory(body=ohchr, date=date(2024, 6, 1), kind=DocumentKind.STATEMENT)
    services.mention_review_create(campaign=private_campaign, document=spoke, mentions="yes")

    assert services.silence_sweep() == []
