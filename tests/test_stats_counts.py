"""The dashboard's counts kept by the database's triggers (migration 0033): after every kind
of write they give what the live aggregates over the rows give."""

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection, connections, transaction

from recommendations import selectors, services
from recommendations.choices import GradeScale, TargetStatus
from recommendations.importers.services import recommendations_import
from recommendations.models import Recommendation, StatsCount, Target
from tests.factories import BodyFactory, RecommendationFactory, TargetFactory, ThemeFactory, state
from tests.importers.conftest import upr_info_csv

pytestmark = pytest.mark.django_db


def from_counts() -> dict:
    """The stats without a filter: read from the counts."""
    return selectors.recommendation_stats(
        recommendations=Recommendation.objects.all(), targets=Target.objects.all()
    )


def live() -> dict:
    """The same stats aggregated from the rows (a filter that keeps every row)."""
    return selectors.recommendation_stats(
        recommendations=Recommendation.objects.filter(pk__gt=0),
        targets=Target.objects.filter(pk__gt=0),
    )


def stored_counts() -> set[tuple]:
    return set(
        StatsCount.objects.values_list(
            "dimension",
            "key",
            "recommendations",
            "targets",
            "answered",
            "answered_late",
            "days_late",
            "assessments",
        )
    )


def assert_counts_agree():
    assert from_counts() == live()
    # Summed back to one row per bucket, they are what a count from scratch gives.
    with connection.cursor() as cursor:
        cursor.execute("SELECT stats_count_compact()")
        compacted = stored_counts()
        cursor.execute("SELECT stats_count_rebuild()")
    assert compacted == stored_counts()


@time_machine.travel(date(2024, 6, 1), tick=False)
def test_the_counts_follow_every_kind_of_write():
    cat = BodyFactory(acronym="CAT", name="Committee against Torture")
    coi = BodyFactory(acronym="COI-DPRK", name="Commission of Inquiry")
    torture = ThemeFactory(slug="torture", name="Torture")
    refoulement = ThemeFactory(slug="non-refoulement", name="Non-refoulement")
    first = services.recommendation_create(
        text="Stop forced repatriation.", issued_by=coi, issued_on=date(2014, 2, 7)
    )
    first.themes.set([refoulement, torture])
    china = services.target_create(
        recommendation=first, state=state("CHN"), response_due=date(2014, 6, 1)
    )
    korea = services.target_create(recommendation=first, state=state("PRK"))
    second = services.recommendation_create(
        text="Ratify the Optional Protocol.", issued_by=cat, issued_on=date(2015, 12, 9)
    )
    second.themes.set([torture])
    unhcr = services.target_create(
        recommendation=second, body=BodyFactory(acronym="UNHCR"), response_due=date(2016, 1, 1)
    )
    assert_counts_agree()

    # Answers: a late first answer, an earlier one that becomes the first, one moved, one
    # removed; assessments graded on a scale and changed.
    late = services.response_create(target=china, position="rejected", date=date(2014, 9, 1))
    services.response_create(target=china, position="noted", date=date(2014, 7, 15))
    services.response_create(target=unhcr, position="supported", date=date(2015, 12, 20))
    assert_counts_agree()
    services.response_update(response=late, date=date(2014, 5, 1))
    assert_counts_agree()
    services.response_delete(response=late)
    assessment = services.assessment_create(
        target=unhcr,
        scale=GradeScale.TREATY_BODY_FOLLOW_UP,
        raw_grade="B",
        assessed_on=date(2017, 1, 1),
    )
    services.assessment_create(
        target=korea, implementation="not_implemented", assessed_on=date(2018, 1, 1)
    )
    assert_counts_agree()
    services.assessment_update(assessment=assessment, raw_grade="A")
    assert_counts_agree()

    # Moved: another issuing body and year, another theme, another addressee's due date.
    services.recommendation_update(recommendation=first, issued_by=cat, issued_on=None)
    second.themes.set([refoulement])
    services.target_update(target=korea, response_due=date(2015, 1, 1))
    assert_counts_agree()

    # Removed: an assessment, a target, a whole recommendation with its answers.
    services.assessment_delete(assessment=assessment)
    services.target_delete(target=korea)
    assert_counts_agree()
    services.recommendation_delete(recommendation=second)
    assert_counts_agree()

    # A day passes: the daily pass writes the statuses the due dates changed.
    services.target_create(recommendation=first, state=state("KOR"), response_due=date(2024, 6, 5))
    with time_machine.travel(date(2024, 7, 1), tick=False):
        assert services.target_statuses_recompute() == 1
        assert_counts_agree()
    assert {bucket["status"] for bucket in from_counts()["by_status"]} >= {
        TargetStatus.RESPONSE_OVERDUE
    }


def test_the_counts_follow_an_import_and_bulk_writes():
    content = upr_info_csv(
        [
            ["China", "Ratify the Convention.", "France", "Accepted", "Torture", "4"],
            ["China, Viet Nam", "Abolish the death penalty.", "Mexico", "Noted", "Death", "4"],
            ["Cuba", "Release the detained.", "Spain", "", "Detention", "5"],
        ]
    )
    recommendations_import(file_name="upr-info.csv", content=content)
    assert from_counts()["recommendations"] == Recommendation.objects.count() > 0
    assert_counts_agree()

    # A write of what no count reads (a follow-up date) adds no row of changes.
    rows = StatsCount.objects.count()
    Target.objects.update(follow_up_due=date(2030, 1, 1))
    assert StatsCount.objects.count() == rows

    Target.objects.update(status=TargetStatus.SUPPORTED)
    Recommendation.objects.filter(pk=Recommendation.objects.order_by("pk")[0].pk).delete()
    assert_counts_agree()


def test_the_stats_without_a_filter_are_one_query_over_the_counts(django_assert_num_queries):
    for number in range(5):
        recommendation = RecommendationFactory(issued_by=BodyFactory(), issued_on=date(2020, 1, 1))
        recommendation.themes.add(ThemeFactory())
        TargetFactory(recommendation=recommendation, state=state("CHN" if number else "CUB"))

    with django_assert_num_queries(1):
        stats = from_counts()

    assert (stats["recommendations"], stats["targets"]) == (5, 5)


@pytest.mark.django_db(transaction=True)
def test_two_writers_adding_targets_of_one_status_to_one_recommendation_count_it_once():
    """The second writer's trigger waits for the first to commit, then counts its target."""
    recommendation = RecommendationFactory()
    started, waiting = threading.Event(), threading.Event()
    errors = []

    def first_writer():
        try:
            with transaction.atomic():
                TargetFactory(recommendation=recommendation, state=state("CHN"))
                started.set()
                # Commit only once the second writer's trigger is waiting on the lock.
                waiting.wait(timeout=30)
        except Exception as error:  # noqa: BLE001 - reported by the test's assertion
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_writer)
    thread.start()
    started.wait(timeout=30)
    second = threading.Thread(
        target=lambda: (
            TargetFactory(recommendation=recommendation, state=state("CUB")),
            connections.close_all(),
        )
    )
    second.start()
    with connection.cursor() as cursor:
        for _ in range(300):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.1)
    waiting.set()
    thread.join(timeout=30)
    second.join(timeout=30)

    assert errors == []
    assert from_counts()["by_status"] == [
        {"status": TargetStatus.AWAITING_RESPONSE, "recommendations": 1, "targets": 2}
    ]
    assert from_counts() == live()
