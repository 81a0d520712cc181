"""Find more like this: what says the same thing is suggested first; accepting links it and
records the reiteration, dismissing is remembered; only the campaign's staff decide."""

from datetime import date

import pytest
from django.test import Client

from campaigns.choices import SuggestionVerdict
from campaigns.models import CampaignLink, SuggestionDecision
from tests.factories import EditorFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidates(private_campaign):
    same = RecommendationFactory(
        text="Respect the principle of non-refoulement and stop forcibly repatriating refugees",
        issued_on=date(2018, 11, 6),
    )
    other = RecommendationFactory(
        text="Ensure that all children have access to primary education", issued_on=date(2018, 1, 1)
    )
    return same, other


def staff_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_what_says_the_same_thing_comes_first(private_campaign, member, candidates):
    same, other = candidates

    listed = staff_client(member).get("/api/campaigns/private-campaign/suggestions/").json()

    assert [row["id"] for row in listed][:1] == [same.pk]
    assert other.pk not in [row["id"] for row in listed]
    assert listed[0]["citation"] == f"{same.document.symbol} para {same.paragraph}"
    assert 0 < listed[0]["score"] <= 1


def test_accepting_links_it_as_a_reiteration_and_dismissing_is_remembered(
    private_campaign, member, candidates
):
    same, _ = candidates
    client = staff_client(member)
    source = private_campaign.links.get(recommendation__paragraph="1221 (a)").recommendation

    accepted = client.post(
        "/api/campaigns/private-campaign/suggestions/",
        {"recommendation": same.pk, "verdict": "accepted", "like": source.pk},
        content_type="application/json",
    )

    assert accepted.status_code == 204
    assert CampaignLink.objects.filter(campaign=private_campaign, recommendation=same).exists()
    same.refresh_from_db()
    assert same.reiterates == source
    another = RecommendationFactory(text="Uphold non-refoulement; do not forcibly repatriate")
    client.post(
        "/api/campaigns/private-campaign/suggestions/",
        {"recommendation": another.pk, "verdict": "dismissed"},
        content_type="application/json",
    )
    decision = SuggestionDecision.objects.get(recommendation=another)
    assert (decision.verdict, decision.decided_by) == (SuggestionVerdict.DISMISSED, member)
    listed = client.get("/api/campaigns/private-campaign/suggestions/?limit=50").json()
    assert {same.pk, another.pk}.isdisjoint(row["id"] for row in listed)


def test_only_the_campaigns_staff_decide(private_campaign, candidates):
    same, _ = candidates
    private_campaign.public = True
    private_campaign.save()
    client = Client()
    client.force_login(EditorFactory(username="outsider"))

    response = client.post(
        "/api/campaigns/private-campaign/suggestions/",
        {"recommendation": same.pk, "verdict": "accepted"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert not CampaignLink.objects.filter(recommendation=same).exists()


@pytest.mark.parametrize(
    ("query", "field"), [("like=abc", "like"), ("limit=0", "limit"), ("limit=51", "limit")]
)
def test_a_wrong_parameter_is_a_400_naming_it(private_campaign, member, query, field):
    response = staff_client(member).get(f"/api/campaigns/private-campaign/suggestions/?{query}")

    assert response.status_code == 400
    assert field in response.json()


def test_like_must_be_one_the_campaign_links(private_campaign, member, candidates):
    same, other = candidates

    response = staff_client(member).post(
        "/api/campaigns/private-campaign/suggestions/",
        {"recommendation": same.pk, "verdict": "accepted", "like": other.pk},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "like" in response.json()
    same.refresh_from_db()
    assert same.reiterates is None


def test_a_verdict_not_of_the_two_is_a_400_naming_it(private_campaign, member, candidates):
    response = staff_client(member).post(
        "/api/campaigns/private-campaign/suggestions/",
        {"recommendation": candidates[0].pk, "verdict": "maybe"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "verdict" in response.json()
