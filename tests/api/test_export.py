import csv
import io
from datetime import date
from itertools import islice

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from recommendations import services
from recommendations.exports import EXPORT_CHUNK, EXPORT_COLUMNS
from recommendations.models import Recommendation, State, Target
from tests.factories import BodyFactory, RecommendationFactory, TargetFactory, ThemeFactory, state

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


@pytest.fixture
def coi_recommendation():
    recommendation = RecommendationFactory(
        text="respect the principle of non-refoulement",
        document__symbol="A/HRC/25/CRP.1",
        paragraph="1221 (a)",
    )
    recommendation.themes.set([ThemeFactory(slug="non-refoulement")])
    china = TargetFactory(recommendation=recommendation, state=state("CHN"))
    services.response_create(target=china, position="rejected", date=date(2014, 3, 17))
    TargetFactory(recommendation=recommendation, state=None, body=BodyFactory(acronym="UNHCR"))
    return recommendation


def test_the_csv_has_a_header_and_one_row_per_target(api_client, coi_recommendation):
    response = api_client.get("/api/recommendations/?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="recommendations-')
    rows = csv_rows(response)
    assert list(rows[0]) == EXPORT_COLUMNS
    assert [(row["addressee"], row["status"], row["latest_position"]) for row in rows] == [
        ("CHN", "rejected", "rejected"),
        ("UNHCR", "awaiting_response", ""),
    ]
    assert {row["document_symbol"] for row in rows} == {"A/HRC/25/CRP.1"}
    assert {row["themes"] for row in rows} == {"non-refoulement"}


def test_the_csv_has_the_rows_the_filters_match(api_client, coi_recommendation):
    RecommendationFactory(text="Something else entirely.")

    rows = csv_rows(api_client.get("/api/recommendations/?format=csv&state=CHN"))
    assert [(row["paragraph"], row["addressee"]) for row in rows] == [("1221 (a)", "CHN")]

    rows = csv_rows(api_client.get("/api/targets/?format=csv&addressee_body=UNHCR"))
    assert [row["addressee"] for row in rows] == ["UNHCR"]


def test_a_bad_filter_on_an_export_is_a_json_400(api_client):
    response = api_client.get("/api/recommendations/?format=csv&state=XXX")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"state": ["No state with the code XXX."]}


def test_the_spreadsheet_has_the_same_columns_and_rows(api_client, coi_recommendation):
    response = api_client.get("/api/recommendations/?format=xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header == EXPORT_COLUMNS
    assert [row[EXPORT_COLUMNS.index("addressee")] for row in rows] == ["CHN", "UNHCR"]


def test_text_that_looks_like_a_formula_stays_text_in_the_spreadsheet(api_client):
    TargetFactory(recommendation__text='=HYPERLINK("http://example.org")\x07')

    response = api_client.get("/api/targets/?format=xlsx")

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet.cell(row=2, column=EXPORT_COLUMNS.index("text") + 1)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.org")', "s")


def test_a_formula_like_text_starts_with_an_apostrophe_in_the_csv(api_client):
    TargetFactory(recommendation__text="=cmd|' /C calc'!A0")

    [row] = csv_rows(api_client.get("/api/targets/?format=csv"))

    assert row["text"] == "'=cmd|' /C calc'!A0"


def test_a_text_longer_than_a_cell_goes_on_in_the_next_column_of_the_spreadsheet(api_client):
    TargetFactory(recommendation__text="x" * 40_000)

    response = api_client.get("/api/targets/?format=xlsx")

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, row = [list(row) for row in sheet.iter_rows(values_only=True)]
    text = header.index("text")
    assert header[text + 1] == "text (continued 2)"
    assert row[text] + row[text + 1] == "x" * 40_000


def test_exports_are_offered_on_lists_only(api_client, coi_recommendation):
    response = api_client.get(f"/api/recommendations/{coi_recommendation.pk}/?format=csv")

    assert response.status_code == 404


def twenty_thousand_targets() -> None:
    states = list(State.objects.all())
    recommendations = Recommendation.objects.bulk_create(
        RecommendationFactory.build(document=None, issued_by=BodyFactory(acronym="CAT"))
        for _ in range(20_000 // len(states) + 1)
    )
    targets = (
        Target(recommendation=recommendation, state=addressee)
        for recommendation in recommendations
        for addressee in states
    )
    Target.objects.bulk_create(islice(targets, 20_000))


def test_twenty_thousand_rows_stream_chunk_by_chunk_never_whole_in_memory(api_client):
    twenty_thousand_targets()

    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/targets/?format=csv")
        lines = iter(response.streaming_content)
        header = next(lines)
        queries_before_the_rows = len(queries)
        first_row = next(lines)
        queries_for_the_first_chunk = len(queries)
        rest = sum(1 for _ in lines)

    assert isinstance(response, StreamingHttpResponse)
    assert header.decode().strip() == ",".join(EXPORT_COLUMNS)
    assert b",CAT," in first_row
    assert 1 + 1 + rest == 20_001
    # The answer starts before any row is read; the first row needs only the first chunk
    # (the targets query, then three lookups for its states, organisations and themes);
    # each later chunk is read when the stream gets to it.
    assert queries_for_the_first_chunk - queries_before_the_rows == 1 + 3
    chunks = 20_000 // EXPORT_CHUNK
    assert len(queries) - queries_before_the_rows == 1 + 3 * chunks
