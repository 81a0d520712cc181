"""The UN calendar through the API: grades on their scales, late answers, due date rules,
SDGs, the documents' deadlines, UPR sessions and grade mappings."""

from datetime import date

import pytest

from recommendations import services
from recommendations.models import Assessment, GradeMapping, SustainableDevelopmentGoal, Target
from tests.factories import (
    AssessmentFactory,
    BodyFactory,
    DocumentFactory,
    RecommendationFactory,
    ResponseFactory,
    TargetFactory,
    state,
)

pytestmark = pytest.mark.django_db


def test_a_treaty_body_grade_b_reads_as_partially_implemented_and_is_found_by_both(
    editor_api, api_client
):
    target = TargetFactory()

    created = editor_api.post(
        "/api/assessments/",
        {
            "target": target.pk,
            "scale": "treaty_body_follow_up",
            "raw_grade": "B",
            "assessed_on": "2024-05-01",
        },
        format="json",
    )

    assert created.status_code == 201, created.json()
    assert created.json()["raw_grade"] == "B"
    assert created.json()["scale"] == "treaty_body_follow_up"
    assert created.json()["implementation"] == "partially_implemented"
    AssessmentFactory(implementation="not_implemented")
    for query in ("raw_grade=B", "implementation=partially_implemented"):
        listed = api_client.get(f"/api/assessments/?{query}").json()["results"]
        assert [row["id"] for row in listed] == [created.json()["id"]], query
    by_scale = api_client.get("/api/assessments/?scale=treaty_body_follow_up").json()
    assert [row["id"] for row in by_scale["results"]] == [created.json()["id"]]
    latest = api_client.get("/api/targets/?latest_grade=b").json()["results"]
    assert [row["id"] for row in latest] == [target.pk]


def test_a_grade_not_of_its_scale_is_a_400_naming_raw_grade(editor_api):
    response = editor_api.post(
        "/api/assessments/",
        {
            "target": TargetFactory().pk,
            "scale": "treaty_body_follow_up",
            "raw_grade": "Z",
            "assessed_on": "2024-05-01",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "raw_grade" in response.json()
    assert not Assessment.objects.exists()


def test_an_assessment_with_neither_implementation_nor_grade_is_a_400(editor_api):
    response = editor_api.post(
        "/api/assessments/",
        {"target": TargetFactory().pk, "assessed_on": "2024-05-01"},
        format="json",
    )

    assert response.status_code == 400
    assert "implementation" in response.json()


@pytest.fixture
def unhcr_answered_21_days_late(db):
    target = TargetFactory(state=None, body=BodyFactory(acronym="UNHCR"))
    Target.objects.filter(pk=target.pk).update(response_due=date(2011, 3, 1))
    return ResponseFactory(target=target, position="acknowledged", date=date(2011, 3, 22))


def test_unhcr_answering_a_2011_letter_21_days_late(api_client, unhcr_answered_21_days_late):
    in_time = ResponseFactory(date=date(2011, 1, 1))

    listed = {row["id"]: row for row in api_client.get("/api/responses/").json()["results"]}
    late = api_client.get("/api/responses/?answered_late=true").json()["results"]
    not_late = api_client.get("/api/responses/?answered_late=false").json()["results"]
    stats = api_client.get("/api/stats/").json()

    assert listed[unhcr_answered_21_days_late.pk]["late_by_days"] == 21
    assert listed[in_time.pk]["late_by_days"] is None
    assert [row["id"] for row in late] == [unhcr_answered_21_days_late.pk]
    assert [row["id"] for row in not_late] == [in_time.pk]
    assert stats["answered_late"]["answered_late"] == 1
    assert stats["answered_late"]["average_days_late"] == 21
    assert {
        "addressee": "UNHCR",
        "answered": 1,
        "answered_late": 1,
        "average_days_late": 21,
    } in stats["answered_late"]["by_addressee"]


def test_answered_late_takes_true_or_false_only(api_client):
    assert api_client.get("/api/responses/?answered_late=maybe").status_code == 400


def test_stats_count_assessments_by_grade(api_client):
    AssessmentFactory(
        scale="treaty_body_follow_up", raw_grade="B", implementation="partially_implemented"
    )

    stats = api_client.get("/api/stats/").json()

    assert stats["by_grade"] == [
        {
            "scale": "treaty_body_follow_up",
            "raw_grade": "B",
            "implementation": "partially_implemented",
            "count": 1,
        }
    ]


def test_a_target_shows_its_due_date_rules_and_an_override_can_be_handed_back(editor_api):
    target = TargetFactory()

    changed = editor_api.patch(
        f"/api/targets/{target.pk}/", {"response_due": "2030-01-01"}, format="json"
    ).json()

    assert changed["response_due_overridden"] is True
    assert changed["response_due_rule"] == "editor"
    assert changed["follow_up_due_overridden"] is False
    released = editor_api.patch(
        f"/api/targets/{target.pk}/", {"response_due_overridden": False}, format="json"
    ).json()
    assert released["response_due_overridden"] is False
    assert Target.objects.get(pk=target.pk).response_due_overridden is False


def test_sdg_16_finds_a_recommendation_tagged_16_10(editor_api, api_client):
    SustainableDevelopmentGoal.objects.get_or_create(code="16.10")
    SustainableDevelopmentGoal.objects.get_or_create(code="5.c")
    BodyFactory(acronym="CCPR")
    tagged = editor_api.post(
        "/api/recommendations/",
        {
            "text": "Guarantee public access to information.",
            "issued_by": "CCPR",
            "sdgs": ["16.10"],
        },
        format="json",
    )
    other = RecommendationFactory()
    other.sdgs.set(SustainableDevelopmentGoal.objects.filter(code="5.c"))

    assert tagged.status_code == 201, tagged.json()
    assert tagged.json()["sdgs"] == ["16.10"]
    found = api_client.get("/api/recommendations/?sdg=16").json()["results"]
    assert [row["id"] for row in found] == [tagged.json()["id"]]
    exact = api_client.get("/api/recommendations/?sdg=16.10").json()["results"]
    assert [row["id"] for row in exact] == [tagged.json()["id"]]
    assert api_client.get("/api/recommendations/?sdg=18").status_code == 400


def test_a_document_shows_the_deadlines_it_sets(api_client):
    document = DocumentFactory(
        response_within_days=60, follow_up_paragraphs=["12", "18"], follow_up_within_months=24
    )

    shown = api_client.get(f"/api/documents/{document.pk}/").json()

    assert shown["response_within_days"] == 60
    assert shown["follow_up_paragraphs"] == ["12", "18"]
    assert shown["follow_up_within_months"] == 24
    assert shown["response_by"] is None
    assert shown["follow_up_by"] is None


def test_upr_sessions_are_listed_and_shown_by_number(api_client):
    listed = api_client.get("/api/upr-sessions/?page_size=100").json()["results"]
    first = listed[0]

    shown = api_client.get(f"/api/upr-sessions/{first['number']}/")

    assert shown.status_code == 200
    assert shown.json() == first
    assert {"first_day", "last_day", "cycle", "estimated"} <= set(first)
    assert api_client.post("/api/upr-sessions/", {}).status_code in (401, 403, 405)


def test_grade_mappings_are_listed_and_shown(api_client):
    mapping = GradeMapping.objects.get(scale="treaty_body_follow_up", raw_grade="B")

    listed = api_client.get("/api/grade-mappings/?scale=treaty_body_follow_up").json()
    shown = api_client.get(f"/api/grade-mappings/{mapping.pk}/").json()

    assert mapping.pk in [row["id"] for row in listed["results"]]
    assert shown["implementation"] == "partially_implemented"
    assert shown["raw_grade"] == "B"


@pytest.mark.parametrize("responses", [3, 30])
def test_late_by_days_takes_no_query_per_response(django_assert_num_queries, api_client, responses):
    target = TargetFactory()
    Target.objects.filter(pk=target.pk).update(response_due=date(2011, 3, 1))
    for day in range(responses):
        ResponseFactory(target=target, date=date(2011, 2, 1 + day % 28))

    # Data version, count, the page's ids, the page, the private documents withheld from
    # the public: late_by_days is computed in the page's query.
    with django_assert_num_queries(5):
        listed = api_client.get("/api/responses/?page_size=100").json()

    assert len(listed["results"]) == responses


def test_the_calendars_events_are_listed_by_state_kind_and_date(api_client):
    services.upr_events_refresh(states=[state("CHN"), state("KOR")])

    listed = api_client.get("/api/events/?state=CHN&kind=review").json()["results"]

    assert [
        (row["states"], row["upr_session"], row["date"], row["estimated"]) for row in listed
    ] == [(["CHN"], 59, "2028-11-06", True)]
    shown = api_client.get(listed[0]["api_url"]).json()
    assert shown["name"] == "China: Universal Periodic Review, session 59 (cycle 5)"
    upcoming = api_client.get("/api/events/?date_after=2027-01-01&kind=review").json()
    assert {tuple(row["states"]) for row in upcoming["results"]} == {("CHN",), ("KOR",)}
    announced = api_client.get("/api/events/?estimated=false&state=KOR").json()["results"]
    assert [row["kind"] for row in announced] == ["deadline"]


def test_an_events_filter_naming_nothing_is_a_400(api_client):
    response = api_client.get("/api/events/?state=XXX")

    assert response.status_code == 400
    assert "state" in response.json()
