"""A private campaign reaches its staff only: its asks, notes and silence reviews never reach
an anonymous client or a staff user outside it, on any route (API, page, Word file, admin)."""

import pytest
from django.test import Client

from tests.campaigns.conftest import ASK, NOTE, QUOTE
from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db

SLUG = "private-campaign"
ROUTES = [
    f"/api/campaigns/{SLUG}/",
    f"/api/campaigns/{SLUG}/scorecard/",
    f"/api/campaigns/{SLUG}/silence/",
    f"/api/campaigns/{SLUG}/timeline/",
    f"/api/campaigns/{SLUG}/brief/",
    f"/api/campaigns/{SLUG}/suggestions/",
    f"/campaigns/{SLUG}/brief/",
    f"/campaigns/{SLUG}/brief.docx",
]


def outsider() -> Client:
    client = Client()
    client.force_login(EditorFactory(username="outsider"))
    return client


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_nobody_outside_the_campaign_reaches_it(private_campaign, who):
    client = Client() if who == "anonymous" else outsider()

    listed = client.get("/api/campaigns/")
    assert listed.status_code == 200
    assert listed.json()["results"] == []
    for url in ROUTES:
        response = client.get(url)
        assert response.status_code == 404, url
        for secret in (NOTE, QUOTE, ASK, "Private campaign"):
            assert secret.encode() not in response.content, url
    posted = client.post(
        f"/api/campaigns/{SLUG}/suggestions/",
        {"recommendation": 1, "verdict": "dismissed"},
        content_type="application/json",
    )
    assert posted.status_code in (401, 404)


def test_an_outsider_on_staff_finds_it_nowhere_in_the_admin(private_campaign):
    client = outsider()

    changelist = client.get("/admin/campaigns/campaign/")
    change = client.get(f"/admin/campaigns/campaign/{private_campaign.pk}/change/")

    assert changelist.status_code == 200
    assert b"Private campaign" not in changelist.content
    assert change.status_code == 302  # the admin's "does not exist": back to the index
    assert NOTE.encode() not in client.get(change["Location"], follow=True).content
    history = client.get(f"/admin/campaigns/campaign/{private_campaign.pk}/history/")
    assert history.status_code == 403
    version = private_campaign.history.earliest().history_id
    past = client.get(f"/admin/campaigns/campaign/{private_campaign.pk}/history/{version}/")
    assert past.status_code in (302, 403, 404)
    assert b"Stop forced returns" not in past.content


def test_an_editor_outside_a_public_campaign_cannot_revert_it_from_its_history(
    private_campaign,
):
    private_campaign.public = True
    private_campaign.save()
    version = private_campaign.history.earliest().history_id
    client = outsider()

    page = client.get(f"/admin/campaigns/campaign/{private_campaign.pk}/history/{version}/")
    posted = client.post(
        f"/admin/campaigns/campaign/{private_campaign.pk}/history/{version}/",
        {"name": "Taken over", "slug": "private-campaign", "goal": "x", "public": "on"},
    )

    assert page.status_code == 200
    assert posted.status_code == 403
    private_campaign.refresh_from_db()
    assert private_campaign.name == "Private campaign"


def test_its_staff_read_it_all(private_campaign, member):
    client = Client()
    client.force_login(member)

    for url in ROUTES:
        assert client.get(url).status_code == 200, url
    detail = client.get(f"/api/campaigns/{SLUG}/").json()
    assert detail["links"][0]["note"] == NOTE
    assert "staff" not in detail
    silence = client.get(f"/api/campaigns/{SLUG}/silence/").json()
    assert QUOTE in [word["quote"] for actor in silence for word in actor["words"]]
    page = client.get(f"/admin/campaigns/campaign/{private_campaign.pk}/change/")
    assert page.status_code == 200
    assert NOTE.encode() in page.content
