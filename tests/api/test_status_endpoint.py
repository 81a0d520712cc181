from datetime import date

import pytest
import time_machine

from recommendations import services
from recommendations.models import Response, Target
from tests.factories import BodyFactory, RecommendationFactory, TargetFactory, state

pytestmark = pytest.mark.django_db


def test_the_timeline_is_in_date_order_after_a_response_and_an_assessment_are_added(
    api_client, editor_api
):
    with time_machine.travel(date(2018, 1, 10), tick=False):
        target = TargetFactory(recommendation__issued_on=date(2014, 2, 7))
    recommendation = target.recommendation

    with time_machine.travel(date(2024, 5, 2), tick=False):
        # Entered late, and the later event first: the timeline goes by the dates they happened.
        assessed = editor_api.post(
            "/api/assessments/",
            {
                "target": target.pk,
                "implementation": "partially_implemented",
                "assessed_on": "2022-11-30",
            },
            format="json",
        )
        responded = editor_api.post(
            "/api/responses/",
            {"target": target.pk, "position": "supported", "date": "2019-03-15"},
            format="json",
        )
    assert (assessed.status_code, responded.status_code) == (201, 201)

    data = api_client.get(f"/api/recommendations/{recommendation.pk}/status/").json()

    [china] = data["targets"]
    assert china["addressee"] == "CHN"
    assert china["status"] == "partially_implemented"
    assert [
        (event["date"], event["kind"], event.get("position") or event.get("implementation"))
        for event in china["timeline"]
        if event["kind"] != "status_change"
    ] == [
        ("2019-03-15", "response", "supported"),
        ("2022-11-30", "assessment", "partially_implemented"),
    ]
    changes = [
        (event["date"], event["previous_status"], event["status"])
        for event in china["timeline"]
        if event["kind"] == "status_change"
    ]
    # Dated when they happened: issued in 2014, supported in 2019, assessed in 2022 (all
    # typed in 2024; when they were typed stays in the history, as recorded_at).
    assert changes == [
        ("2014-02-07", None, "awaiting_response"),
        ("2019-03-15", "awaiting_response", "supported"),
        ("2022-11-30", "supported", "partially_implemented"),
    ]
    dates = [event["date"] for event in china["timeline"]]
    assert dates == sorted(dates)
    assert data["status_summary"] == {"partially_implemented": 1}


def test_each_addressee_has_its_own_timeline(api_client):
    recommendation = RecommendationFactory()
    china = TargetFactory(recommendation=recommendation, state=state("CHN"))
    TargetFactory(recommendation=recommendation, state=None, body=BodyFactory(acronym="UNHCR"))
    services.response_create(target=china, position="rejected", date=date(2014, 3, 17))

    data = api_client.get(f"/api/recommendations/{recommendation.pk}/status/").json()

    by_addressee = {
        target["addressee"]: [event["kind"] for event in target["timeline"]]
        for target in data["targets"]
    }
    # The response happened in 2014; both status changes were recorded today.
    assert by_addressee == {
        "CHN": ["response", "status_change", "status_change"],
        "UNHCR": ["status_change"],
    }


def test_each_addressee_shows_its_latest_answer_as_the_detail_does(api_client):
    target = TargetFactory(state=state("CHN"))
    services.response_create(target=target, position="noted", date=date(2015, 1, 1))
    # Two answers on one date: the one recorded later is the latest.
    services.response_create(target=target, position="rejected", date=date(2019, 3, 15))
    services.response_create(target=target, position="supported", date=date(2019, 3, 15))
    services.assessment_create(
        target=target, implementation="partially_implemented", assessed_on=date(2022, 1, 1)
    )
    services.assessment_create(
        target=target, implementation="not_implemented", assessed_on=date(2020, 1, 1)
    )
    url = f"/api/recommendations/{target.recommendation_id}/"

    [status] = api_client.get(f"{url}status/").json()["targets"]
    [detail] = api_client.get(url).json()["targets"]

    assert status["latest_response"]["position"] == "supported"
    assert status["latest_response"]["date"] == "2019-03-15"
    assert status["latest_assessment"]["implementation"] == "partially_implemented"
    assert (status["latest_response"], status["latest_assessment"]) == (
        detail["latest_response"],
        detail["latest_assessment"],
    )


def test_an_unknown_recommendation_is_a_404(api_client):
    assert api_client.get("/api/recommendations/999999/status/").status_code == 404


def recommendation_with_targets(count: int):
    recommendation = RecommendationFactory()
    for code in ["CHN", "PRK", "RUS", "MNG", "VNM", "LAO", "THA", "KOR", "JPN", "USA"][:count]:
        target = TargetFactory(recommendation=recommendation, state=state(code))
        for year in (2015, 2016):
            services.response_create(target=target, position="noted", date=date(year, 1, 1))
            services.assessment_create(
                target=target, implementation="not_implemented", assessed_on=date(year, 6, 1)
            )
    return recommendation


@pytest.mark.parametrize("targets", [1, 10])
def test_the_status_endpoint_takes_as_many_queries_for_ten_targets_as_for_one(
    django_assert_num_queries, api_client, targets
):
    recommendation = recommendation_with_targets(targets)
    assert Response.objects.count() == 2 * targets

    # The data version the public's answer is cached under, then the recommendation,
    # targets, responses, assessments, the targets' history, the private documents withheld
    # from the public.
    with django_assert_num_queries(7):
        response = api_client.get(f"/api/recommendations/{recommendation.pk}/status/")

    assert len(response.json()["targets"]) == targets == Target.objects.count()
