"""Each state's UPR reviews in the second, third and fourth cycles (migration 0028): the
sessions the sources list, those derived fourteen sessions away, the postponed reviews the
sources record instead, and the next review the calendar gives from them."""

import importlib
from collections import Counter
from datetime import date

import pytest
from django.apps import apps

from recommendations import services
from recommendations.choices import EventKind
from recommendations.models import Event, UprReview
from tests.factories import state

pytestmark = pytest.mark.django_db

cycles_2_to_4 = importlib.import_module("recommendations.migrations.0028_upr_reviews_cycles_2_to_4")


def sessions_of(code: str) -> list[int]:
    return [review.session.number for review in state(code).upr_reviews.all()]


def test_frances_reviews_are_one_a_cycle_each_with_its_source():
    france = state("FRA")

    assert sessions_of("FRA") == [2, 15, 29, 43]
    sources = {review.session.number: review.source for review in france.upr_reviews.all()}
    assert sources[29] == (
        "https://www.ungeneva.org/en/news-media/press-release/2018/01/"
        "human-rights-council-universal-periodic-review-working-group-hold"
    )
    assert "43rd-upr-working-group-key-highlights" in sources[43]


def test_a_session_no_source_lists_is_derived_from_the_third_cycle_and_says_so():
    myanmar = UprReview.objects.get(state__code="MMR", session__number=51)

    assert myanmar.source == (
        "derived: cycle 3 session 37 + 14 (cycles of 14 sessions), "
        "https://www.ohchr.org/EN/HRBodies/UPR/Pages/CyclesUPR.aspx"
    )
    assert sessions_of("MMR") == [10, 23, 37, 51]
    assert UprReview.objects.get(state__code="NOR", session__number=19).source.startswith(
        "derived: cycle 3 session 33 - 14"
    )


def test_every_state_reviewed_in_the_first_cycle_is_reviewed_in_the_second_and_third():
    first = set(UprReview.objects.filter(session__cycle=1).values_list("state__code", flat=True))

    for cycle in (2, 3):
        reviewed = UprReview.objects.filter(session__cycle=cycle)
        assert set(reviewed.values_list("state__code", flat=True)) == first
        # One review a state a cycle.
        assert reviewed.count() == len(first) == 193


def test_the_fourth_cycle_has_every_state_but_the_two_whose_review_moved():
    first = set(UprReview.objects.filter(session__cycle=1).values_list("state__code", flat=True))
    fourth = set(UprReview.objects.filter(session__cycle=4).values_list("state__code", flat=True))

    # Ukraine is not among session 42's states; Sudan's third review was moved from 39 to 40.
    assert first - fourth == {"UKR", "SDN"}


def test_each_third_cycle_session_reviewed_twelve_to_fourteen_states():
    per_session = Counter(
        UprReview.objects.filter(session__cycle=3).values_list("session__number", flat=True)
    )

    assert sorted(per_session) == list(range(27, 41))
    assert all(12 <= count <= 14 for count in per_session.values())
    # Sudan, scheduled at 39, was reviewed at 40 with the last eleven.
    assert (per_session[39], per_session[40]) == (13, 12)


def test_postponed_reviews_are_where_the_sources_put_them_not_where_arithmetic_would():
    # Israel missed session 15; the Council held its review at 17.
    assert sessions_of("ISR") == [3, 17, 29, 43]
    # Sudan: second review at 25 (A/HRC/33/8), third at 40; its fourth is not guessed.
    assert sessions_of("SDN") == [11, 25, 40]
    # Ukraine's fourth review was not at 42, and no source says where.
    assert sessions_of("UKR") == [2, 14, 28]


def test_frances_next_review_is_at_session_57_estimated_and_its_mid_term_report_follows_43():
    france = state("FRA")

    services.upr_events_refresh(states=[france])

    review = Event.objects.get(kind=EventKind.REVIEW, states=france)
    assert (review.upr_session.number, review.date, review.estimated) == (
        57,
        date(2028, 1, 24),
        True,
    )
    assert review.name == "France: Universal Periodic Review, session 57 (cycle 5)"
    mid_term = Event.objects.get(kind=EventKind.DEADLINE, states=france)
    # Session 43 closed on 12 May 2023.
    assert (mid_term.upr_session.number, mid_term.date) == (43, date(2025, 11, 12))


def test_a_review_at_an_estimated_fourth_cycle_session_gives_an_estimated_next_one():
    myanmar = state("MMR")

    services.upr_events_refresh(states=[myanmar])

    review = Event.objects.get(kind=EventKind.REVIEW, states=myanmar)
    assert (review.upr_session.number, review.upr_session.cycle, review.estimated) == (65, 5, True)
    mid_term = Event.objects.get(kind=EventKind.DEADLINE, states=myanmar)
    assert (mid_term.upr_session.number, mid_term.estimated) == (51, True)


def test_unloading_deletes_only_its_own_unchanged_rows_and_loading_again_adds_no_second():
    edited = UprReview.objects.get(state__code="FRA", session__number=43)
    edited.source = "OHCHR, UPR country page for France"
    edited.save()

    cycles_2_to_4.unload(apps, None)

    assert sessions_of("FRA") == [2, 43]
    assert sessions_of("KOR") == [2, 14, 28, 42]  # recorded by 0026 from OHCHR
    assert sessions_of("CHN") == [4, 17, 31, 45]  # recorded by 0019

    cycles_2_to_4.load(apps, None)

    assert sessions_of("FRA") == [2, 15, 29, 43]
    assert UprReview.objects.get(state__code="FRA", session__number=43).source == (
        "OHCHR, UPR country page for France"
    )
