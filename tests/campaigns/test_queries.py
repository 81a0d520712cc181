"""The campaign's answers take as many queries for many linked recommendations as for few."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from campaigns import services
from recommendations import services as recommendation_services
from tests.factories import RecommendationFactory, state

pytestmark = pytest.mark.django_db

ENDPOINTS = ["", "scorecard/", "silence/", "timeline/", "brief/"]


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def link_more(campaign, count: int) -> None:
    for _ in range(count):
        recommendation = RecommendationFactory()
        recommendation_services.target_create(recommendation=recommendation, state=state("CHN"))
        recommendation_services.target_create(recommendation=recommendation, state=state("PRK"))
        services.link_create(campaign=campaign, recommendation=recommendation, note="why")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_queries_do_not_grow_with_the_links(private_campaign, member, endpoint):
    client = Client()
    client.force_login(member)
    url = f"/api/campaigns/private-campaign/{endpoint}"
    link_more(private_campaign, 2)
    few = queries(client, url)

    link_more(private_campaign, 8)

    assert queries(client, url) == few
