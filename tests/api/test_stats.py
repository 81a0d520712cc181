from datetime import date

import pytest

from recommendations import services, tasks
from recommendations.importers.services import recommendations_import
from recommendations.models import Recommendation
from tests.api.conftest import client_with_token
from tests.factories import (
    BodyFactory,
    RecommendationFactory,
    TargetFactory,
    ThemeFactory,
    state,
)
from tests.importers.conftest import upr_info_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def dashboard_data():
    cat = BodyFactory(acronym="CAT", name="Committee against Torture")
    coi = BodyFactory(acronym="COI-DPRK", name="Commission of Inquiry")
    torture = ThemeFactory(slug="torture", name="Torture")
    refoulement = ThemeFactory(slug="non-refoulement", name="Non-refoulement")

    first = RecommendationFactory(issued_by=coi, issued_on=date(2014, 2, 7))
    first.themes.set([refoulement, torture])
    china = TargetFactory(recommendation=first, state=state("CHN"))
    services.response_create(target=china, position="rejected", date=date(2014, 3, 17))
    TargetFactory(recommendation=first, state=state("PRK"))

    second = RecommendationFactory(issued_by=cat, issued_on=date(2015, 12, 9))
    second.themes.set([torture])
    TargetFactory(recommendation=second, state=state("CHN"))

    # A civil-society demand to UNHCR: no issuing body, no theme, no date.
    TargetFactory(
        recommendation=RecommendationFactory(issued_by=None, issued_on=None),
        state=None,
        body=BodyFactory(acronym="UNHCR", name="UNHCR"),
    )


def test_stats_count_recommendations_and_targets_by_status_addressee_body_theme_and_year(
    api_client, dashboard_data
):
    stats = api_client.get("/api/stats/").json()

    assert (stats["recommendations"], stats["targets"]) == (3, 4)
    assert stats["by_status"] == [
        {"status": "awaiting_response", "recommendations": 3, "targets": 3},
        {"status": "rejected", "recommendations": 1, "targets": 1},
    ]
    assert stats["by_state"] == [
        {"state": "CHN", "name": "China", "recommendations": 2, "targets": 2},
        {
            "state": "PRK",
            "name": "Democratic People's Republic of Korea",
            "recommendations": 1,
            "targets": 1,
        },
    ]
    assert stats["by_addressee_body"] == [
        {"body": "UNHCR", "name": "UNHCR", "recommendations": 1, "targets": 1}
    ]
    assert stats["by_body"] == [
        {"body": "COI-DPRK", "name": "Commission of Inquiry", "recommendations": 1, "targets": 2},
        {"body": "CAT", "name": "Committee against Torture", "recommendations": 1, "targets": 1},
    ]
    assert stats["by_theme"] == [
        {"theme": "torture", "name": "Torture", "recommendations": 2, "targets": 3},
        {"theme": "non-refoulement", "name": "Non-refoulement", "recommendations": 1, "targets": 2},
    ]
    assert stats["by_year"] == [
        {"year": 2014, "recommendations": 1, "targets": 2},
        {"year": 2015, "recommendations": 1, "targets": 1},
    ]


def test_stats_accept_the_lists_filters_and_count_only_the_matching_targets(
    api_client, dashboard_data
):
    stats = api_client.get("/api/stats/?state=CHN&theme=torture").json()

    assert (stats["recommendations"], stats["targets"]) == (2, 2)
    assert stats["by_state"] == [
        {"state": "CHN", "name": "China", "recommendations": 2, "targets": 2}
    ]
    assert {bucket["status"]: bucket["targets"] for bucket in stats["by_status"]} == {
        "rejected": 1,
        "awaiting_response": 1,
    }


def test_stats_of_nothing_are_zeros(api_client, dashboard_data):
    stats = api_client.get("/api/stats/?issued_on_after=2030-01-01").json()

    assert stats == {
        "recommendations": 0,
        "targets": 0,
        "by_status": [],
        "by_state": [],
        "by_addressee_body": [],
        "by_body": [],
        "by_theme": [],
        "by_year": [],
        "answered_late": {
            "answered": 0,
            "answered_late": 0,
            "average_days_late": None,
            "by_addressee": [],
        },
        "by_grade": [],
    }


@pytest.mark.parametrize("recommendations", [5, 100])
def test_stats_take_as_many_queries_for_100_recommendations_as_for_5(
    django_assert_num_queries, api_client, recommendations
):
    themes = [ThemeFactory(slug="torture"), ThemeFactory(slug="non-refoulement")]
    for number in range(recommendations):
        recommendation = RecommendationFactory(issued_on=date(2000 + number % 20, 1, 1))
        recommendation.themes.set(themes)
        TargetFactory(recommendation=recommendation)

    # Checking the theme exists, the data version, then eleven aggregates: two totals, one
    # per target breakdown (status, state, addressee body), two each for body, theme and year;
    # then two more: answered_late (selectors.answered_late_stats) and by_grade
    # (selectors.assessment_grade_counts).
    with django_assert_num_queries(15):
        response = api_client.get("/api/stats/?theme=torture")

    assert response.json()["recommendations"] == recommendations


def test_stats_asked_again_are_answered_from_the_cache(django_assert_num_queries, api_client):
    TargetFactory(recommendation=RecommendationFactory())
    first = api_client.get("/api/stats/?status=awaiting_response").json()

    # Checking the filter's value, then the data version: the counts come from the cache.
    with django_assert_num_queries(1):
        again = api_client.get("/api/stats/?status=awaiting_response").json()

    assert again == first


# Committed for real: the cache is made stale once a write commits.
@pytest.mark.django_db(transaction=True)
def test_stats_count_a_write_made_through_the_api_at_once(api_client, editor):
    target = TargetFactory(recommendation=RecommendationFactory(), state=state("CHN"))
    assert api_client.get("/api/stats/").json()["by_status"][0]["status"] == "awaiting_response"

    client = client_with_token(editor)
    answered = client.post(
        "/api/responses/",
        {"target": target.pk, "position": "supported", "date": "2024-03-01"},
        format="json",
    )

    assert answered.status_code == 201
    assert api_client.get("/api/stats/").json()["by_status"] == [
        {"status": "supported", "recommendations": 1, "targets": 1}
    ]


# Committed for real: the cache is made stale once a write commits.
@pytest.mark.django_db(transaction=True)
def test_stats_count_a_recommendation_deleted_in_the_admin(api_client, admin_client):
    kept, deleted = RecommendationFactory(), RecommendationFactory()
    assert api_client.get("/api/stats/").json()["recommendations"] == 2

    admin_client.post(
        f"/admin/recommendations/recommendation/{deleted.pk}/delete/", {"post": "yes"}
    )

    stats = api_client.get("/api/stats/").json()
    assert Recommendation.objects.get() == kept
    assert stats["recommendations"] == 1


# Committed for real: the cache is made stale once a write commits.
@pytest.mark.django_db(transaction=True)
def test_stats_count_the_rows_of_an_import(api_client):
    assert api_client.get("/api/stats/").json()["recommendations"] == 0

    content = upr_info_csv(
        [
            [
                "China",
                "Ratify the Convention.",
                "France",
                "Accepted",
                "International instruments",
                "4",
            ]
        ]
    )
    recommendations_import(file_name="upr-info.csv", content=content)

    assert api_client.get("/api/stats/").json()["recommendations"] == 1


# Committed for real: the cache is made stale once a write commits.
@pytest.mark.django_db(transaction=True)
def test_stats_count_a_theme_given_to_a_recommendation(api_client):
    recommendation = RecommendationFactory()
    assert api_client.get("/api/stats/").json()["by_theme"] == []

    recommendation.themes.add(ThemeFactory(slug="torture", name="Torture"))

    assert [bucket["theme"] for bucket in api_client.get("/api/stats/").json()["by_theme"]] == [
        "torture"
    ]


def test_the_warm_task_computes_the_dashboard_before_anyone_asks(
    django_assert_num_queries, api_client
):
    TargetFactory(recommendation=RecommendationFactory())

    tasks.dashboard_stats_warm()

    # The data version only: the counts were computed by the task.
    with django_assert_num_queries(1):
        stats = api_client.get("/api/stats/").json()
    assert (stats["recommendations"], stats["targets"]) == (1, 1)
