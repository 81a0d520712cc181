import pytest
import yaml
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db

RECOMMENDATION_FILTERS = {
    "state",
    "body",
    "body_kind",
    "theme",
    "status",
    "position",
    "implementation",
    "recommending_state",
    "organization",
    "document",
    "issued_on_after",
    "issued_on_before",
    "response_due_after",
    "response_due_before",
    "overdue",
    "q",
    "ordering",
}


@pytest.fixture
def schema(api_client):
    response = api_client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_validates_without_a_warning(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))


def test_every_filter_of_the_list_stats_and_export_is_documented(schema):
    for path in ("/api/recommendations/", "/api/stats/", "/api/targets/"):
        parameters = {parameter["name"] for parameter in schema["paths"][path]["get"]["parameters"]}
        assert parameters >= RECOMMENDATION_FILTERS, path


def test_comma_separated_filters_are_documented_as_such(schema):
    [state] = [
        parameter
        for parameter in schema["paths"]["/api/recommendations/"]["get"]["parameters"]
        if parameter["name"] == "state"
    ]

    assert (state["schema"]["type"], state["style"], state["explode"]) == ("array", "form", False)


def test_error_answers_are_documented(schema):
    list_answers = schema["paths"]["/api/recommendations/"]["get"]["responses"]
    delete_answers = schema["paths"]["/api/bodies/{acronym}/"]["delete"]["responses"]

    assert {"200", "400", "401", "403", "404", "429"} <= set(list_answers)
    assert {"204", "401", "403", "404", "409"} <= set(delete_answers)


def test_exports_are_documented_as_files(schema):
    content = schema["paths"]["/api/targets/"]["get"]["responses"]["200"]["content"]

    assert content["text/csv"]["schema"] == {"type": "string", "format": "binary"}
    assert set(content) == {
        "application/json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }


def test_staff_only_fields_are_not_required(schema):
    recommendation = schema["components"]["schemas"]["Recommendation"]

    staff_only = {"owner", "watchers", "internal_note"}
    assert staff_only <= set(recommendation["properties"])
    assert not staff_only & set(recommendation["required"])
    assert "targets" in recommendation["required"]


def test_the_docs_page_serves_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()


def security_of(schema: dict, path: str, method: str) -> list:
    return schema["paths"][path][method]["security"]


def test_reads_are_documented_as_needing_no_credentials_while_reading_is_public(schema):
    assert {} in security_of(schema, "/api/recommendations/", "get")
    assert {} in security_of(schema, "/api/stats/", "get")
    assert {} not in security_of(schema, "/api/recommendations/", "post")


def test_reads_are_documented_as_needing_credentials_while_reading_is_private(reader_client):
    with override_settings(TRACKER_PUBLIC_READ=False):
        schema = yaml.safe_load(reader_client.get("/api/schema/").content)

    assert {} not in security_of(schema, "/api/recommendations/", "get")
    assert {"tokenAuth": []} in security_of(schema, "/api/recommendations/", "get")


def test_a_body_over_the_limit_is_documented_for_writes(schema):
    assert "413" in schema["paths"]["/api/themes/"]["post"]["responses"]
    assert "413" not in schema["paths"]["/api/themes/"]["get"]["responses"]


def test_a_created_row_links_to_reading_changing_and_deleting_it(schema):
    links = schema["paths"]["/api/bodies/"]["post"]["responses"]["201"]["links"]
    recommendation_links = schema["paths"]["/api/recommendations/"]["post"]["responses"]["201"][
        "links"
    ]

    assert links["Read"] == {
        "operationId": "bodies_retrieve",
        "parameters": {"acronym": "$response.body#/acronym"},
    }
    assert {link["operationId"] for link in links.values()} == {
        "bodies_retrieve",
        "bodies_update",
        "bodies_partial_update",
        "bodies_destroy",
    }
    assert recommendation_links["ReadStatus"] == {
        "operationId": "recommendations_status_retrieve",
        "parameters": {"id": "$response.body#/id"},
    }


def test_an_endpoint_is_described_by_its_own_description_not_a_docstring(schema):
    components = schema["components"]["schemas"]

    assert schema["paths"]["/api/responses/"]["get"]["description"].startswith(
        "What an addressee answered"
    )
    assert schema["paths"]["/api/targets/"]["get"]["description"].startswith("Addressees")
    assert "Serializers validate" not in str(schema)
    assert "description" not in components["Theme"]


@pytest.mark.parametrize(
    ("language", "events", "summary", "unauthorized"),
    [
        ("ko", "UN 일정의 날짜", "대시보드용 집계", "로그인하지 않았거나"),
        ("zh-hans", "联合国日程中的日期", "仪表板统计", "未登录"),
    ],
)
def test_the_schema_and_options_describe_endpoints_in_the_asked_language(
    api_client, language, events, summary, unauthorized
):
    response = api_client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE=language)
    schema = yaml.safe_load(response.content)

    assert schema["paths"]["/api/events/"]["get"]["description"].startswith(events)
    assert schema["paths"]["/api/stats/"]["get"]["summary"] == summary
    responses = schema["paths"]["/api/events/"]["get"]["responses"]
    assert responses["401"]["description"].startswith(unauthorized)
    assert "UN recommendations, who" not in schema["info"]["description"]
    options = api_client.options("/api/events/", HTTP_ACCEPT_LANGUAGE=language)
    assert options.json()["description"].startswith(events)
