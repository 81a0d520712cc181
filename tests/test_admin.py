import csv
import io
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations import paginators
from recommendations.choices import TargetStatus
from recommendations.models import Recommendation, Response, Target
from tests.factories import (
    BodyFactory,
    DocumentFactory,
    RecommendationFactory,
    TargetFactory,
    state,
)

pytestmark = pytest.mark.django_db


def inline_management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def recommendation_form(*, document, issued_by, targets: list[dict]) -> dict:
    data = {
        "text": "Respect the principle of non-refoulement.",
        "document": str(document.pk),
        "paragraph": "1221 (a)",
        "issued_by": str(issued_by.pk) if issued_by else "",
        "issued_on": "2014-02-07",
        **inline_management("targets", len(targets)),
    }
    for index, target in enumerate(targets):
        for field, value in target.items():
            data[f"targets-{index}-{field}"] = value
    return data


def test_an_editor_adds_a_recommendation_with_two_targets(editor_client):
    document = DocumentFactory(symbol="A/HRC/25/CRP.1")
    unhcr = BodyFactory(acronym="UNHCR", kind="office")
    data = recommendation_form(
        document=document,
        issued_by=document.body,
        targets=[
            {"state": str(state("CHN").pk), "response_due": "2014-06-01"},
            {"body": str(unhcr.pk)},
        ],
    )

    response = editor_client.post(reverse("admin:recommendations_recommendation_add"), data)

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    recommendation = Recommendation.objects.get(paragraph="1221 (a)")
    targets = {str(target.addressee): target for target in recommendation.targets.all()}
    assert set(targets) == {"China", "UNHCR"}
    assert targets["China"].status == TargetStatus.RESPONSE_OVERDUE
    assert targets["UNHCR"].status == TargetStatus.AWAITING_RESPONSE


def test_a_target_with_both_a_state_and_a_body_is_refused_and_nothing_is_stored(editor_client):
    document = DocumentFactory()
    data = recommendation_form(
        document=document,
        issued_by=document.body,
        targets=[{"state": str(state("CHN").pk), "body": str(BodyFactory(acronym="UNHCR").pk)}],
    )

    response = editor_client.post(reverse("admin:recommendations_recommendation_add"), data)

    assert response.status_code == 200
    assert "Choose a state or a body, not both." in response.content.decode()
    assert not Recommendation.objects.exists()
    assert not Target.objects.exists()


def test_a_recommendation_without_an_issuer_is_refused_naming_the_field(editor_client):
    data = recommendation_form(
        document=DocumentFactory(), issued_by=None, targets=[{"state": str(state("CHN").pk)}]
    )

    response = editor_client.post(reverse("admin:recommendations_recommendation_add"), data)

    assert response.status_code == 200
    assert "issued_by" in response.context["adminform"].form.errors
    assert "needs an issuer" in response.content.decode()
    assert not Recommendation.objects.exists()


def test_a_duplicate_document_symbol_is_refused_on_the_symbol(editor_client):
    DocumentFactory(symbol="A/HRC/25/CRP.1")

    response = editor_client.post(
        reverse("admin:recommendations_document_add"),
        {"symbol": "A/HRC/25/CRP.1", "title": "Again", "kind": "report"},
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["symbol"] == [
        "A document with this symbol already exists."
    ]


def test_saving_a_response_in_the_target_page_changes_the_stored_status(editor_client):
    target = TargetFactory(response_due=date(2014, 6, 1))
    data = {
        "recommendation": str(target.recommendation.pk),
        "state": str(target.state.pk),
        "response_due": "2014-06-01",
        **inline_management("responses", 1),
        "responses-0-position": "rejected",
        "responses-0-date": "2014-03-17",
        "responses-0-text": "Economic migrants, not refugees.",
        **inline_management("assessments", 0),
    }

    response = editor_client.post(
        reverse("admin:recommendations_target_change", args=[target.pk]), data
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == TargetStatus.REJECTED
    assert Response.objects.get(target=target).text == "Economic migrants, not refugees."


def test_saving_a_response_on_its_own_page_changes_the_stored_status(editor_client):
    target = TargetFactory()

    response = editor_client.post(
        reverse("admin:recommendations_response_add"),
        {"target": str(target.pk), "position": "noted", "date": "2019-03-15"},
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.status == TargetStatus.NOTED


def test_the_changelist_filters_by_status_and_searches_by_symbol(editor_client):
    wanted = TargetFactory(recommendation__document__symbol="A/HRC/25/CRP.1")
    Response.objects.create(target=wanted, position="rejected", date=date(2014, 3, 17))
    Target.objects.filter(pk=wanted.pk).update(status=TargetStatus.REJECTED)
    TargetFactory(recommendation__document__symbol="A/HRC/25/CRP.2")
    TargetFactory(recommendation__document__symbol="A/HRC/46/52")
    url = reverse("admin:recommendations_recommendation_changelist")

    by_status = editor_client.get(url, {"addressee_status": "rejected"})
    by_symbol = editor_client.get(url, {"q": "A/HRC/25"})

    assert list(by_status.context["cl"].result_list) == [wanted.recommendation]
    assert {rec.document.symbol for rec in by_symbol.context["cl"].result_list} == {
        "A/HRC/25/CRP.1",
        "A/HRC/25/CRP.2",
    }
    assert 'CHN: <span class="status status-rejected">Rejected</span>' in by_status.content.decode()


def test_the_changelist_searches_the_text_and_the_paragraph(editor_client):
    about_torture = RecommendationFactory(text="Ratify the Convention against Torture.")
    paragraph = RecommendationFactory(text="Close the camps.", paragraph="128.7")
    RecommendationFactory(text="Release the detainees.")
    url = reverse("admin:recommendations_recommendation_changelist")

    by_word = editor_client.get(url, {"q": "torture"})
    by_paragraph = editor_client.get(url, {"q": "128.7"})

    assert list(by_word.context["cl"].result_list) == [about_torture]
    assert list(by_paragraph.context["cl"].result_list) == [paragraph]


def test_the_changelist_search_finds_other_forms_of_a_word_on_postgresql(editor_client):
    wanted = RecommendationFactory(text="Stop forcibly repatriating refugees.")
    RecommendationFactory(text="Release the detainees.")
    url = reverse("admin:recommendations_recommendation_changelist")

    response = editor_client.get(url, {"q": "repatriate"})

    assert list(response.context["cl"].result_list) == [wanted]


def test_the_addressee_filters_show_a_recommendation_once_without_a_distinct(editor_client):
    wanted = RecommendationFactory()
    for code in ("CHN", "PRK"):
        target = TargetFactory(recommendation=wanted, state=state(code))
        Response.objects.create(target=target, position="supported", date=date(2019, 3, 15))
    Target.objects.filter(recommendation=wanted).update(status=TargetStatus.SUPPORTED)
    TargetFactory(state=state("CHN"))
    url = reverse("admin:recommendations_recommendation_changelist")
    china = state("CHN").pk

    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(
            url,
            {"addressee_status": "supported", "position": "supported", "addressee_state": china},
        )

    assert list(response.context["cl"].result_list) == [wanted]
    # The page and its count: no DISTINCT over the recommendations' rows.
    distinct_rows = 'DISTINCT "recommendations_recommendation"."id"'
    assert not [query for query in queries.captured_queries if distinct_rows in query["sql"]]


def test_the_changelist_filters_by_the_year_issued(editor_client):
    wanted = RecommendationFactory(issued_on=date(2014, 2, 7))
    RecommendationFactory(issued_on=date(2011, 5, 1))
    RecommendationFactory(issued_on=date(2018, 11, 6))
    url = reverse("admin:recommendations_recommendation_changelist")

    response = editor_client.get(url, {"issued_in": "2014"})

    assert list(response.context["cl"].result_list) == [wanted]
    issued_in = next(
        spec for spec in response.context["cl"].filter_specs if spec.title == "issued in"
    )
    years = [choice["display"] for choice in issued_in.choices(response.context["cl"])]
    assert years == ["All", *[str(year) for year in range(2018, 2010, -1)]]


def test_a_year_that_is_not_a_number_matches_nothing(editor_client):
    RecommendationFactory(issued_on=date(2014, 2, 7))
    url = reverse("admin:recommendations_recommendation_changelist")

    response = editor_client.get(url, {"issued_in": "last year"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_the_changelist_counts_a_search_once_until_the_next_write(editor_client):
    RecommendationFactory(text="Ratify the Convention against Torture.")
    RecommendationFactory(text="Release the detainees.")
    url = reverse("admin:recommendations_recommendation_changelist")
    editor_client.get(url, {"q": "torture"})

    with CaptureQueriesContext(connection) as queries:
        again = editor_client.get(url, {"q": "torture", "o": "2"})

    assert again.context["cl"].result_count == 1
    assert not [query for query in queries.captured_queries if "COUNT(" in query["sql"]]
    assert "1 recommendation" in again.content.decode()


# Committed for real: the cached count is made stale once a write commits.
@pytest.mark.django_db(transaction=True)
def test_the_changelist_count_follows_a_committed_write(editor_client):
    RecommendationFactory(text="Ratify the Convention against Torture.")
    url = reverse("admin:recommendations_recommendation_changelist")
    assert editor_client.get(url, {"q": "torture"}).context["cl"].result_count == 1

    RecommendationFactory(text="Abolish torture in detention.")

    assert editor_client.get(url, {"q": "torture"}).context["cl"].result_count == 2


def test_a_changelist_counts_no_further_than_its_numbered_pages_reach(editor_client, monkeypatch):
    monkeypatch.setattr(paginators, "MAX_NUMBERED_ROWS", 2)
    for _ in range(4):
        RecommendationFactory(text="Abolish torture in detention.")
    RecommendationFactory(text="Release the detainees.")
    url = reverse("admin:recommendations_recommendation_changelist")

    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(url, {"q": "torture"})

    page = response.content.decode()
    assert "More than 2 recommendations" in page
    assert "More than 2 results" in page
    assert "Select all the matching recommendations" in page
    assert "All the matching recommendations selected" in page
    assert "4 recommendations" not in page
    assert len(response.context["cl"].result_list) == 4
    (count,) = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]
    assert "LIMIT 3" in count
    assert "ORDER BY" not in count


def test_a_distinct_changelist_counts_the_ids_of_its_first_matches(editor_client, monkeypatch):
    monkeypatch.setattr(paginators, "MAX_NUMBERED_ROWS", 2)
    for _ in range(3):
        target = TargetFactory(recommendation__text="Abolish torture.")
        for day in (14, 15):
            Response.objects.create(target=target, position="supported", date=date(2019, 3, day))
    url = reverse("admin:recommendations_target_changelist")

    # A filter on the responses can repeat a target: Django makes the changelist DISTINCT.
    with CaptureQueriesContext(connection) as queries:
        page = editor_client.get(
            url, {"q": "torture", "responses__position__exact": "supported"}
        ).content.decode()

    assert "More than 2 targets" in page
    (count,) = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]
    assert 'SELECT DISTINCT "recommendations_target"."id"' in count
    assert '"recommendations_target"."status"' not in count
    assert "LIMIT 3" in count


def test_a_targets_search_lists_each_target_once_without_a_distinct(editor_client):
    wanted = TargetFactory(recommendation__text="Abolish torture.", state=state("CHN"))
    TargetFactory(recommendation=wanted.recommendation, state=state("PRK"))
    TargetFactory(recommendation__text="Release the detainees.")
    url = reverse("admin:recommendations_target_changelist")

    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(url, {"q": "torture"})

    assert sorted(target.pk for target in response.context["cl"].result_list) == sorted(
        Target.objects.filter(recommendation=wanted.recommendation).values_list("pk", flat=True)
    )
    # Its search fields follow foreign keys forward: no row repeats, so none is hashed away.
    distinct_rows = 'DISTINCT "recommendations_target"'
    assert not any(distinct_rows in query["sql"] for query in queries.captured_queries)


def test_a_changelist_that_matches_no_more_than_its_pages_reach_says_how_many(
    editor_client, monkeypatch
):
    monkeypatch.setattr(paginators, "MAX_NUMBERED_ROWS", 2)
    RecommendationFactory.create_batch(2, text="Abolish torture in detention.")
    url = reverse("admin:recommendations_recommendation_changelist")

    page = editor_client.get(url, {"q": "torture"}).content.decode()

    assert "2 recommendations" in page
    assert "More than" not in page


def test_selecting_every_match_past_the_counted_ones_acts_on_every_match(
    editor_client, monkeypatch
):
    monkeypatch.setattr(paginators, "MAX_NUMBERED_ROWS", 2)
    targets = [TargetFactory(recommendation__text="Abolish torture.") for _ in range(4)]
    TargetFactory(recommendation__text="Release the detainees.")
    url = reverse("admin:recommendations_recommendation_changelist")

    response = editor_client.post(
        f"{url}?q=torture",
        {
            "action": "export_selected_csv",
            "select_across": "1",
            "index": "0",
            "_selected_action": [targets[0].recommendation.pk],
        },
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 4


def test_a_changelist_past_its_count_says_so_in_the_editors_language(editor_client, monkeypatch):
    monkeypatch.setattr(paginators, "MAX_NUMBERED_ROWS", 2)
    RecommendationFactory.create_batch(3, text="Abolish torture in detention.")
    url = reverse("admin:recommendations_recommendation_changelist")

    page = editor_client.get(url, {"q": "torture"}, HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    assert "결과 2건 초과" in page


def test_an_editor_cannot_delete(editor_client):
    recommendation = RecommendationFactory()

    response = editor_client.post(
        reverse("admin:recommendations_recommendation_delete", args=[recommendation.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 403
    assert Recommendation.objects.filter(pk=recommendation.pk).exists()


def test_a_staff_user_outside_the_editors_group_sees_nothing(client, staff_non_editor):
    client.force_login(staff_non_editor)

    response = client.get(reverse("admin:recommendations_recommendation_changelist"))

    assert response.status_code == 403


def test_the_history_view_shows_who_changed_what(editor_client):
    recommendation = RecommendationFactory()

    response = editor_client.get(
        reverse("admin:recommendations_recommendation_history", args=[recommendation.pk])
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "admin_url",
    [
        "admin:recommendations_recommendation_changelist",
        "admin:recommendations_target_changelist",
        "admin:recommendations_response_changelist",
        "admin:recommendations_assessment_changelist",
    ],
)
def test_the_changelist_query_count_does_not_grow_with_rows(
    editor_client, django_assert_max_num_queries, admin_url
):
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(reverse(admin_url)).status_code == 200
        return len(queries)

    _one_row_world()
    one_row = page_queries()
    _more_rows_world(49)

    with django_assert_max_num_queries(one_row):
        assert editor_client.get(reverse(admin_url)).status_code == 200


def _one_row_world():
    target = TargetFactory()
    Response.objects.create(target=target, position="supported", date=date(2019, 3, 1))
    target.assessments.create(implementation="not_implemented", assessed_on=date(2020, 1, 1))


def _more_rows_world(count: int):
    for _ in range(count):
        _one_row_world()


@pytest.mark.parametrize(
    "admin_url",
    ["admin:recommendations_recommendation_changelist", "admin:recommendations_target_changelist"],
)
def test_a_filtered_changelist_counts_only_the_rows_that_match(editor_client, admin_url):
    _more_rows_world(3)

    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(reverse(admin_url), {"q": "non-refoulement"})

    assert response.status_code == 200
    assert "total" not in response.content.decode()
    counts = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]
    assert counts
    assert all("WHERE" in sql for sql in counts)


def test_the_status_filters_list_a_response_that_became_overdue_since_it_was_stored(
    editor_client,
):
    with time_machine.travel(date(2026, 11, 23), tick=False):
        overdue = TargetFactory(response_due=date(2026, 11, 23))
        awaiting = TargetFactory(response_due=date(2026, 12, 31))
    targets = reverse("admin:recommendations_target_changelist")
    recommendations = reverse("admin:recommendations_recommendation_changelist")

    with time_machine.travel(date(2026, 11, 24), tick=False):
        by_status = editor_client.get(targets, {"status": "response_overdue"})
        awaiting_ones = editor_client.get(targets, {"status": "awaiting_response"})
        by_addressee = editor_client.get(recommendations, {"addressee_status": "response_overdue"})

    assert Target.objects.get(pk=overdue.pk).status == TargetStatus.AWAITING_RESPONSE
    assert list(by_status.context["cl"].result_list) == [overdue]
    assert "Response overdue" in by_status.content.decode()
    assert list(awaiting_ones.context["cl"].result_list) == [awaiting]
    assert list(by_addressee.context["cl"].result_list) == [overdue.recommendation]
    assert (
        'CHN: <span class="status status-response_overdue">Response overdue</span>'
        in by_addressee.content.decode()
    )


def test_a_body_cannot_become_the_parent_of_its_own_parent(editor_client):
    un = BodyFactory(acronym="UN", kind="office")
    hrc = BodyFactory(acronym="HRC", kind="charter_body", parent=un)

    response = editor_client.post(
        reverse("admin:recommendations_body_change", args=[un.pk]),
        {"acronym": "UN", "name": un.name, "kind": "office", "parent": str(hrc.pk)},
    )

    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    un.refresh_from_db()
    assert un.parent is None
