"""The public pages' gate: anonymous pages come from the cache until a write commits, each
reader gets a CSRF token of their own from a cached page, and anonymous readers are throttled
as the API's are."""

import re
from datetime import date

import pytest
from django.test import Client, override_settings

from campaigns.models import Campaign
from recommendations import services
from tests.factories import TargetFactory, UserFactory, state

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttle_counts")]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def target(db):
    return TargetFactory(state=state("CHN"), recommendation__text="Ratify the Convention.")


def test_an_anonymous_page_is_served_from_the_cache_until_a_write_commits(
    target, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client = Client()
    first = client.get("/states/CHN/")

    # The data version only: the page itself comes from the cache.
    with django_assert_max_num_queries(1):
        again = client.get("/states/CHN/")
    with django_capture_on_commit_callbacks(execute=True):
        services.response_create(target=target, position="rejected", date=date(2024, 1, 23))
    after_the_write = client.get("/states/CHN/").content.decode()

    # The same page, but for the CSRF token each reader gets anew.
    assert TOKEN.sub("", again.content.decode()) == TOKEN.sub("", first.content.decode())
    assert "Rejected" not in first.content.decode()
    assert "Rejected" in after_the_write


def test_each_reader_of_a_cached_page_gets_a_csrf_token_of_their_own(target):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get("/").content.decode()
    second_page = second.get("/").content.decode()

    first_token = TOKEN.search(first_page).group(1)
    second_token = TOKEN.search(second_page).group(1)
    switched = second.post(
        "/i18n/setlang/", {"language": "ko", "csrfmiddlewaretoken": second_token}
    )

    assert first_token != second_token
    assert switched.status_code == 302
    assert second.get("/").content.decode().startswith('<!DOCTYPE html>\n<html lang="ko">')


def test_a_page_is_cached_per_language(target):
    english = Client().get("/states/CHN/").content.decode()
    korean = Client(HTTP_ACCEPT_LANGUAGE="ko").get("/states/CHN/").content.decode()

    assert '<html lang="en">' in english
    assert '<html lang="ko">' in korean


def test_a_private_campaign_seen_by_its_staff_is_never_served_to_anyone_else(db):
    member = UserFactory(username="member", is_staff=True)
    campaign = Campaign.objects.create(
        slug="quiet", name="A quiet campaign", goal="Private goal", public=False
    )
    campaign.staff.add(member)
    staff = Client()
    staff.force_login(member)

    assert staff.get("/campaigns/quiet/").status_code == 200
    assert Client().get("/campaigns/quiet/").status_code == 404


@override_settings(TRACKER_ANON_THROTTLE="2/min")
def test_anonymous_readers_of_the_pages_are_throttled_and_told_when_to_come_back(target):
    client = Client()
    answers = [client.get(url).status_code for url in ("/", "/states/CHN/", "/search/")]
    refused = client.get("/")
    signed_in = Client()
    signed_in.force_login(UserFactory(username="reader"))

    assert answers == [200, 200, 429]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many requests" in refused.content.decode()
    assert signed_in.get("/").status_code == 200
