from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from recommendations import services
from recommendations.models import Recommendation, Target
from tests.api.conftest import client_with_token
from tests.factories import (
    BodyFactory,
    DocumentFactory,
    OrganizationFactory,
    RecommendationFactory,
    TargetFactory,
    ThemeFactory,
    UserFactory,
    state,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coi_recommendation(editor):
    recommendation = RecommendationFactory(
        text="respect the principle of non-refoulement",
        document=DocumentFactory(
            symbol="A/HRC/25/CRP.1",
            title="Report of the commission of inquiry",
            date=date(2014, 2, 7),
            url="https://undocs.org/A/HRC/25/CRP.1",
            body=BodyFactory(acronym="COI-DPRK"),
        ),
        paragraph="1221 (a)",
        issued_on=date(2014, 2, 7),
        owner=editor,
    )
    recommendation.themes.set([ThemeFactory(slug="non-refoulement")])
    recommendation.watchers.set([editor])
    china = TargetFactory(recommendation=recommendation, state=state("CHN"))
    services.response_create(
        target=china,
        position="rejected",
        date=date(2014, 3, 17),
        document=DocumentFactory(symbol="A/HRC/25/2"),
    )
    TargetFactory(recommendation=recommendation, state=None, body=BodyFactory(acronym="UNHCR"))
    return recommendation


def test_a_recommendation_reads_with_its_document_issuer_themes_and_every_target(
    api_client, coi_recommendation
):
    data = api_client.get(f"/api/recommendations/{coi_recommendation.pk}/").json()

    assert data["text"] == "respect the principle of non-refoulement"
    assert data["document"]["symbol"] == "A/HRC/25/CRP.1"
    assert data["document"]["date"] == "2014-02-07"
    assert data["document"]["url"] == "https://undocs.org/A/HRC/25/CRP.1"
    assert data["paragraph"] == "1221 (a)"
    assert data["issued_by"] == "COI-DPRK"
    assert data["themes"] == ["non-refoulement"]
    assert data["api_url"] == f"http://testserver/api/recommendations/{coi_recommendation.pk}/"
    china, unhcr = data["targets"]
    assert (china["addressee_type"], china["addressee"], china["status"]) == (
        "state",
        "CHN",
        "rejected",
    )
    assert china["latest_response"] == {
        "position": "rejected",
        "date": "2014-03-17",
        "document": "A/HRC/25/2",
    }
    assert china["latest_assessment"] is None
    assert (unhcr["addressee_type"], unhcr["addressee"]) == ("body", "UNHCR")
    assert data["status_summary"] == {"rejected": 1, "awaiting_response": 1}


def test_owner_watchers_and_their_addresses_are_shown_to_staff_only(
    api_client, editor_api, reader_client, coi_recommendation
):
    url = f"/api/recommendations/{coi_recommendation.pk}/"

    staff_view = editor_api.get(url).json()
    public_view = api_client.get(url).json()
    reader_view = reader_client.get(url).json()

    assert staff_view["owner"] == {"username": "editor", "email": "editor@example.org"}
    assert staff_view["watchers"] == [{"username": "editor", "email": "editor@example.org"}]
    for view in (public_view, reader_view):
        assert "owner" not in view and "watchers" not in view
        assert "editor@example.org" not in str(view)


def test_an_editor_creates_a_recommendation_with_natural_keys(editor_api):
    document = DocumentFactory(symbol="CAT/C/CHN/CO/5")
    OrganizationFactory(name="Human Rights Watch")
    ThemeFactory(slug="torture")

    response = editor_api.post(
        "/api/recommendations/",
        {
            "text": "Refrain from returning persons to the DPRK.",
            "document": document.pk,
            "paragraph": "47",
            "recommending_states": ["USA", "KOR"],
            "organizations": ["Human Rights Watch"],
            "themes": ["torture"],
            "issued_on": "2015-12-09",
            "watchers": ["editor"],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    stored = Recommendation.objects.get(pk=response.json()["id"])
    assert sorted(stored.recommending_states.values_list("code", flat=True)) == ["KOR", "USA"]
    assert list(stored.themes.values_list("slug", flat=True)) == ["torture"]
    assert list(stored.watchers.values_list("username", flat=True)) == ["editor"]
    assert response.json()["document"]["symbol"] == "CAT/C/CHN/CO/5"
    assert stored.history.count() == 1


def test_a_recommendation_without_an_issuer_is_a_400_naming_issued_by(editor_api):
    response = editor_api.post(
        "/api/recommendations/", {"text": "Nobody said this."}, format="json"
    )

    assert response.status_code == 400
    assert "needs an issuer" in response.json()["issued_by"][0]
    assert not Recommendation.objects.exists()


def test_removing_the_last_issuer_is_refused(editor_api, coi_recommendation):
    response = editor_api.patch(
        f"/api/recommendations/{coi_recommendation.pk}/", {"issued_by": None}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["issued_by"]
    coi_recommendation.refresh_from_db()
    assert coi_recommendation.issued_by.acronym == "COI-DPRK"


def test_an_unknown_natural_key_in_a_write_names_the_field(editor_api):
    response = editor_api.post(
        "/api/recommendations/",
        {"text": "x", "recommending_states": ["XXX"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"recommending_states": ["Object with code=XXX does not exist."]}


def test_a_put_replaces_the_themes_and_keeps_the_targets(editor_api, coi_recommendation):
    ThemeFactory(slug="forced-repatriation")

    response = editor_api.put(
        f"/api/recommendations/{coi_recommendation.pk}/",
        {
            "text": coi_recommendation.text,
            "issued_by": "COI-DPRK",
            "themes": ["forced-repatriation"],
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["themes"] == ["forced-repatriation"]
    assert Target.objects.filter(recommendation=coi_recommendation).count() == 2


def test_null_characters_are_refused_before_they_reach_the_database(editor_api):
    response = editor_api.post(
        "/api/recommendations/", {"text": "x", "issued_by": "CAT\x00"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"issued_by": ["Null characters are not allowed."]}


def recommendations_with_targets(count: int) -> None:
    themes = [ThemeFactory(slug="non-refoulement"), ThemeFactory(slug="torture")]
    owner = UserFactory(is_staff=True)
    for _ in range(count):
        recommendation = RecommendationFactory(owner=owner)
        recommendation.themes.set(themes)
        recommendation.recommending_states.set([state("USA")])
        recommendation.organizations.set([OrganizationFactory()])
        recommendation.watchers.set([owner])
        TargetFactory(recommendation=recommendation)
        TargetFactory(recommendation=recommendation, state=None, body=BodyFactory())


@pytest.mark.parametrize("page_size", [5, 100])
def test_the_list_takes_as_many_queries_for_100_recommendations_as_for_5(
    django_assert_num_queries, editor, page_size
):
    recommendations_with_targets(100)
    client = client_with_token(editor)

    # token, data version, count, the page's ids, the page (with each one's recommending
    # states, organisations, themes and SDGs), documents, issuing bodies, targets (with their
    # latest response and assessment), owners, watchers: the same ten for any page size.
    with django_assert_num_queries(10):
        response = client.get(f"/api/recommendations/?page_size={page_size}")

    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [5, 100])
def test_filtering_the_list_adds_no_query_per_row(django_assert_num_queries, page_size):
    recommendations_with_targets(100)

    # Checking that CHN and the theme exist, data version (for the answer, then for the
    # count), count, the page's ids, the page (with its related codes and names), documents,
    # issuing bodies, targets, the private documents withheld from the public: the same
    # eleven for any page size; on PostgreSQL one more, the plan's estimate of the matching
    # targets.
    with django_assert_num_queries(12):
        response = APIClient().get(
            f"/api/recommendations/?page_size={page_size}&state=CHN&theme=torture"
        )

    assert len(response.json()["results"]) == page_size


def test_the_count_of_a_list_asked_again_comes_from_the_cache(api_client):
    recommendations_with_targets(3)
    first = api_client.get("/api/recommendations/?theme=torture&page_size=2")

    with CaptureQueriesContext(connection) as queries:
        again = api_client.get("/api/recommendations/?theme=torture&page=2&page_size=2")

    assert (first.json()["count"], again.json()["count"]) == (3, 3)
    assert not [query for query in queries.captured_queries if "COUNT(" in query["sql"]]


# Committed for real: a cached count is made stale once a write commits.
@pytest.mark.django_db(transaction=True)
def test_the_count_of_a_list_follows_a_write(api_client, editor):
    recommendations_with_targets(2)
    assert api_client.get("/api/recommendations/").json()["count"] == 2

    BodyFactory(acronym="CAT")
    created = client_with_token(editor).post(
        "/api/recommendations/",
        {"text": "Ratify the Convention.", "issued_by": "CAT"},
        format="json",
    )

    assert created.status_code == 201
    assert api_client.get("/api/recommendations/").json()["count"] == 3


def test_a_recommendation_cannot_reiterate_itself(editor_api):
    recommendation = RecommendationFactory()

    response = editor_api.patch(
        f"/api/recommendations/{recommendation.pk}/",
        {"reiterates": recommendation.pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "reiterates": [
            "A recommendation cannot reiterate itself, directly or through the "
            "recommendations it reiterates."
        ]
    }
    recommendation.refresh_from_db()
    assert recommendation.reiterates is None


@pytest.mark.parametrize("links", [2, 5])
def test_a_recommendation_cannot_reiterate_one_that_reiterates_it(editor_api, links):
    # The newest reiterates the one before, and so on back to the first.
    chain = [RecommendationFactory()]
    for _ in range(links - 1):
        chain.append(RecommendationFactory(reiterates=chain[-1]))
    first, newest = chain[0], chain[-1]

    response = editor_api.patch(
        f"/api/recommendations/{first.pk}/", {"reiterates": newest.pk}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["reiterates"]
    first.refresh_from_db()
    assert first.reiterates is None


def test_a_recommendation_may_reiterate_an_earlier_one(editor_api):
    earlier = RecommendationFactory()
    later = RecommendationFactory(reiterates=RecommendationFactory())

    response = editor_api.patch(
        f"/api/recommendations/{later.pk}/", {"reiterates": earlier.pk}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["reiterates"] == earlier.pk


@pytest.mark.parametrize("staff, queries", [(False, 4), (True, 4)])
def test_a_recommendation_reads_in_four_queries_whatever_it_relates_to(
    django_assert_num_queries, api_client, editor_api, coi_recommendation, staff, queries
):
    client = editor_api if staff else api_client
    url = f"/api/recommendations/{coi_recommendation.pk}/"
    if staff:
        client.get(url)

    # The recommendation with its document and issuer (and owner, for staff) and its
    # recommending states', organisations', themes' and SDGs' codes and names; its targets;
    # then the private documents (anyone but staff), or the editor's token and the watchers
    # (staff). The public's answer is cached: first the data version it is cached under.
    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200
