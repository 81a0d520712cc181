"""The UN's clock and vocabulary: UPR reviews, treaty-body follow-up, deadlines with their
rule and an editor's override, grades of each scale, agencies' answers, late answers, and the
timeline dated by when things happened."""

import io
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations import calendar, selectors, services
from recommendations.choices import (
    BodyKind,
    DeadlineRule,
    DocumentKind,
    EventKind,
    GradeScale,
    Implementation,
    Position,
    TargetStatus,
)
from recommendations.models import Assessment, Event, Target, UprReview, UprSession
from tests.factories import (
    BodyFactory,
    DocumentFactory,
    OrganizationFactory,
    RecommendationFactory,
    state,
)
from tests.importers.conftest import upr_info_csv

pytestmark = pytest.mark.django_db


def body(acronym: str, kind: str = BodyKind.TREATY_BODY):
    return BodyFactory(acronym=acronym, kind=kind)


def recommendation_to(addressee: dict, **fields):
    recommendation = RecommendationFactory(**fields)
    return services.target_create(recommendation=recommendation, **addressee)


# UPR.


def test_the_calendar_holds_sessions_1_to_68_with_the_fourth_cycle_on_estimated():
    sessions = {session.number: session for session in UprSession.objects.all()}

    assert sorted(sessions) == list(range(1, 69))
    assert [n for n, session in sessions.items() if session.estimated] == list(range(49, 69))
    assert (sessions[45].first_day, sessions[45].last_day) == (date(2024, 1, 22), date(2024, 2, 2))
    assert "UPR Info" in sessions[45].source
    assert sessions[59].source.startswith("estimate: three sessions a year")
    assert {sessions[n].cycle for n in (1, 12, 13, 26, 27, 40, 41, 54, 55, 68)} == {1, 2, 3, 4, 5}
    assert [sessions[n].cycle for n in (12, 13, 40, 41, 54, 55)] == [1, 2, 3, 4, 4, 5]


def test_chinas_reviews_give_its_next_review_at_session_59_estimated_and_its_mid_term_report():
    china = state("CHN")
    assert [review.session.number for review in china.upr_reviews.all()] == [4, 17, 31, 45]

    services.upr_events_refresh(states=[china])

    review = Event.objects.get(kind=EventKind.REVIEW, states=china)
    assert (review.upr_session.number, review.date, review.estimated) == (
        59,
        date(2028, 11, 6),
        True,
    )
    assert review.name == "China: Universal Periodic Review, session 59 (cycle 5)"
    mid_term = Event.objects.get(kind=EventKind.DEADLINE, states=china)
    # Session 45 closed on 2 February 2024; the mid-term report is due 2.5 years later.
    assert (mid_term.upr_session.number, mid_term.date, mid_term.estimated) == (
        45,
        date(2026, 8, 2),
        False,
    )
    # Again: nothing to write.
    assert services.upr_events_refresh(states=[china]) == 0
    assert Event.objects.filter(states=china).count() == 2


def test_each_of_chinas_reviews_has_its_mid_term_report_due_date():
    china = state("CHN")
    due = {
        review.session.number: calendar.follow_up_deadline(
            calendar.DeadlineFacts(
                addressed_to_state=True,
                issuer_kind=BodyKind.UPR,
                upr_session_last_day=review.session.last_day,
            )
        )
        for review in china.upr_reviews.all()
    }

    assert {session: deadline.due for session, deadline in due.items()} == {
        4: date(2011, 8, 13),
        17: date(2016, 5, 1),
        31: date(2021, 5, 16),
        45: date(2026, 8, 2),
    }
    assert {deadline.rule for deadline in due.values()} == {DeadlineRule.UPR_MID_TERM_REPORT}


def test_a_first_cycle_review_gives_no_next_review():
    assert calendar.upr_next_review_session(4, 1) is None
    assert calendar.upr_next_review_session(17, 2) == 31


def test_a_upr_recommendation_to_china_is_due_for_follow_up_at_the_mid_term_report():
    upr = body("UPR", BodyKind.UPR)
    document = DocumentFactory(body=upr, kind=DocumentKind.UPR_REPORT, date=date(2024, 2, 2))

    target = recommendation_to({"state": state("CHN")}, document=document, issued_by=upr)

    assert (target.follow_up_due, target.follow_up_due_rule) == (
        date(2026, 8, 2),
        DeadlineRule.UPR_MID_TERM_REPORT,
    )
    assert not target.follow_up_due_overridden


# Treaty bodies' follow-up.

CERD_SENTENCE = (
    "In accordance with article 9 (1) of the Convention and rule 65 of its rules of "
    "procedure, the Committee requests the State party to provide, within one year of the "
    "adoption of the present concluding observations, information on its implementation of "
    "the recommendations contained in paragraphs 12, 18 and 36 above."
)
CEDAW_SENTENCE = (
    "The Committee requests the State party to provide, within two years, written information "
    "on the steps taken to implement the recommendations contained in paragraphs 15 (c) and "
    "23 (a) above."
)
CESCR_SENTENCE = (
    "The Committee requests the State party to provide, within 24 months of the adoption of "
    "the present concluding observations, information on the implementation of the "
    "recommendations contained in paragraphs 12 (a) and 40 (b) above."
)
CAT_SENTENCE = (
    "The Committee requests the State party to provide, by 12 May 2017, information on "
    "follow-up to the Committee's recommendations on safeguards and on non-refoulement (see "
    "paras. 11 (a), 21 (b) and 27 (c) above)."
)
CCPR_SENTENCE = (
    "In accordance with rule 75, paragraph 1, of the Committee's rules of procedure, the State "
    "party is requested to provide, information on the implementation of the recommendations "
    "made by the Committee in paragraphs 9 (intolerance and hate speech, 2018), 33 (asylum) "
    "and 41 (freedom of expression) above."
)


@pytest.mark.parametrize(
    "sentence, paragraphs, months, by",
    [
        (CERD_SENTENCE, ["12", "18", "36"], 12, None),
        (CEDAW_SENTENCE, ["15", "23"], 24, None),
        (CESCR_SENTENCE, ["12", "40"], 24, None),
        (CAT_SENTENCE, ["11", "21", "27"], None, date(2017, 5, 12)),
        (CCPR_SENTENCE, ["9", "33", "41"], None, None),
    ],
)
def test_the_follow_up_sentence_names_its_paragraphs_and_its_period_or_date(
    sentence, paragraphs, months, by
):
    paragraph_list = ["12. The Committee recommends that the State party ...", sentence]

    request = calendar.follow_up_request(paragraph_list)

    assert request == calendar.FollowUpRequest(paragraphs=paragraphs, within_months=months, by=by)


def test_concluding_observations_without_a_follow_up_request_ask_nothing():
    assert calendar.follow_up_request("The Committee recommends that the State party ...") is None


@pytest.mark.parametrize(
    "committee, sentence, due, rule",
    [
        # The period the sentence states.
        ("CERD", CERD_SENTENCE, date(2019, 8, 30), DeadlineRule.TREATY_BODY_FOLLOW_UP),
        ("CEDAW", CEDAW_SENTENCE, date(2020, 8, 30), DeadlineRule.TREATY_BODY_FOLLOW_UP),
        ("CESCR", CESCR_SENTENCE, date(2020, 8, 30), DeadlineRule.TREATY_BODY_FOLLOW_UP),
        # The date it states.
        ("CAT", CAT_SENTENCE, date(2017, 5, 12), DeadlineRule.TREATY_BODY_FOLLOW_UP_DATE),
        # No period stated: the committee's, from OHCHR's follow-up page (one year).
        ("CCPR", CCPR_SENTENCE, date(2019, 8, 30), DeadlineRule.TREATY_BODY_FOLLOW_UP),
    ],
)
def test_the_follow_up_paragraphs_of_concluding_observations_get_their_committees_dates(
    committee, sentence, due, rule
):
    committee_body = body(committee)
    document = DocumentFactory(
        body=committee_body, kind=DocumentKind.CONCLUDING_OBSERVATIONS, date=date(2018, 8, 30)
    )
    request = calendar.follow_up_request(sentence)
    targets = {
        paragraph: recommendation_to(
            {"state": state("CHN")}, document=document, issued_by=committee_body, paragraph=p
        )
        for paragraph, p in [
            ("named", f"{request.paragraphs[0]} (b)"),
            ("also named", request.paragraphs[-1]),
            ("not named", "99"),
        ]
    }

    services.document_follow_up_apply(document=document, text=["1. Introduction", sentence])

    rows = {
        name: Target.objects.values_list("follow_up_due", "follow_up_due_rule").get(pk=t.pk)
        for name, t in targets.items()
    }
    assert rows == {"named": (due, rule), "also named": (due, rule), "not named": (None, "")}
    document.refresh_from_db()
    assert document.follow_up_paragraphs == request.paragraphs


def test_a_committee_without_a_sourced_period_gives_no_date_unless_the_sentence_does():
    crc = body("CRC")
    document = DocumentFactory(
        body=crc, kind=DocumentKind.CONCLUDING_OBSERVATIONS, date=date(2013, 10, 4)
    )
    target = recommendation_to({"state": state("CHN")}, document=document, paragraph="12")

    services.document_follow_up_apply(
        document=document,
        text="The Committee requests the State party to provide information on paragraph 12.",
    )

    target.refresh_from_db()
    assert (target.follow_up_due, target.follow_up_due_rule) == (None, "")


def test_a_special_procedures_communication_asks_for_a_reply_within_60_days():
    rapporteur = body("SR-DPRK", BodyKind.SPECIAL_PROCEDURE)
    document = DocumentFactory(
        body=rapporteur, kind=DocumentKind.COMMUNICATION, date=date(2022, 10, 13)
    )

    target = recommendation_to({"state": state("CHN")}, document=document)

    assert (target.response_due, target.response_due_rule) == (
        date(2022, 12, 12),
        DeadlineRule.SPECIAL_PROCEDURE_REPLY,
    )
    assert target.status == TargetStatus.RESPONSE_OVERDUE


def unhcr_letter_of_2011_target() -> Target:
    """The 2011 letter to UNHCR: if access is not granted within 90 days."""
    letter = DocumentFactory(
        symbol="",
        title="Letter to UNHCR",
        kind=DocumentKind.LETTER,
        body=None,
        date=date(2011, 6, 17),
        response_within_days=90,
    )
    recommendation = services.recommendation_create(
        text="If after 90 days the request has not been granted, ... leave China.",
        document=letter,
        issued_on=date(2011, 6, 17),
        organizations=[OrganizationFactory(acronym="JFNK")],
    )
    return services.target_create(
        recommendation=recommendation, body=body("UNHCR", BodyKind.OFFICE)
    )


def test_an_ngo_letter_sets_its_own_deadline_in_days_or_as_a_date():
    target = unhcr_letter_of_2011_target()

    assert (target.response_due, target.response_due_rule) == (
        date(2011, 9, 15),
        DeadlineRule.LETTER_DEADLINE,
    )

    letter = target.recommendation.document
    services.row_update(row=letter, response_within_days=None, response_by=date(2011, 10, 1))
    services.target_deadlines_recompute(targets=Target.objects.filter(pk=target.pk))
    target.refresh_from_db()
    assert (target.response_due, target.response_due_rule) == (
        date(2011, 10, 1),
        DeadlineRule.LETTER_DEADLINE,
    )


# An editor's date overrides the rule.


def cerd_follow_up_target() -> Target:
    cerd = body("CERD")
    document = DocumentFactory(
        body=cerd,
        kind=DocumentKind.CONCLUDING_OBSERVATIONS,
        date=date(2018, 8, 30),
        follow_up_paragraphs=["12"],
    )
    return recommendation_to({"state": state("CHN")}, document=document, paragraph="12")


def test_an_editors_date_survives_recompute_deadlines_and_an_imports_bulk_rewrite():
    target = cerd_follow_up_target()
    assert target.follow_up_due == date(2019, 8, 30)

    services.target_update(target=target, follow_up_due=date(2019, 12, 31))
    target.refresh_from_db()
    assert (target.follow_up_due, target.follow_up_due_rule, target.follow_up_due_overridden) == (
        date(2019, 12, 31),
        DeadlineRule.EDITOR,
        True,
    )

    call_command("recompute_deadlines")
    target.refresh_from_db()
    assert target.follow_up_due == date(2019, 12, 31)

    # An importer reads the target, changes the dates in memory and writes them in bulk.
    [locked] = services.targets_lock_for_bulk_write(recommendation_ids=[target.recommendation_id])
    locked.follow_up_due = date(2019, 8, 30)
    locked.response_due = date(2019, 1, 1)
    services.rows_bulk_update(
        Target,
        rows=[locked],
        fields=["response_due", "follow_up_due"],
        history=services.BulkHistory(change_reason="Imported"),
    )
    target.refresh_from_db()
    assert (target.follow_up_due, target.follow_up_due_rule) == (
        date(2019, 12, 31),
        DeadlineRule.EDITOR,
    )
    # The date the editor had not set is the file's.
    assert (target.response_due, target.response_due_rule) == (
        date(2019, 1, 1),
        DeadlineRule.IMPORTED,
    )


def test_unticking_the_override_hands_the_date_back_to_the_rule():
    target = cerd_follow_up_target()
    services.target_update(target=target, follow_up_due=date(2019, 12, 31))

    target = services.target_update(
        target=target, follow_up_due=date(2019, 12, 31), follow_up_due_overridden=False
    )

    assert (target.follow_up_due, target.follow_up_due_rule, target.follow_up_due_overridden) == (
        date(2019, 8, 30),
        DeadlineRule.TREATY_BODY_FOLLOW_UP,
        False,
    )


def test_an_admin_edit_of_a_due_date_overrides_the_rule(editor_client):
    target = cerd_follow_up_target()

    response = editor_client.post(
        f"/admin/recommendations/target/{target.pk}/change/",
        {
            "recommendation": target.recommendation_id,
            "state": target.state_id,
            "response_due": "",
            "follow_up_due": "2020-01-15",
            "responses-TOTAL_FORMS": "0",
            "responses-INITIAL_FORMS": "0",
            "assessments-TOTAL_FORMS": "0",
            "assessments-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.follow_up_due, target.follow_up_due_rule, target.follow_up_due_overridden) == (
        date(2020, 1, 15),
        DeadlineRule.EDITOR,
        True,
    )


def test_recompute_deadlines_takes_as_many_queries_for_30_targets_as_for_3():
    def recompute_queries(count: int) -> int:
        Target.objects.all().delete()
        for _ in range(count):
            cerd_follow_up_target()
        Target.objects.update(follow_up_due=None, follow_up_due_rule="")
        with CaptureQueriesContext(connection) as queries:
            assert services.target_deadlines_recompute() == count
        return len(queries)

    assert recompute_queries(3) == recompute_queries(30)


def test_recompute_deadlines_check_reports_drift(capsys):
    target = cerd_follow_up_target()
    Target.objects.filter(pk=target.pk).update(follow_up_due=date(2030, 1, 1))

    with pytest.raises(Exception, match="1 targets' due dates differ"):
        call_command("recompute_deadlines", "--check")
    call_command("recompute_deadlines")
    call_command("recompute_deadlines", "--check")

    assert "Every computed due date matches its rule." in capsys.readouterr().out


# Grades.


def test_a_treaty_body_grade_b_keeps_its_grade_and_is_partially_implemented():
    target = cerd_follow_up_target()

    assessment = services.assessment_create(
        target=target,
        scale=GradeScale.TREATY_BODY_FOLLOW_UP,
        raw_grade="b",
        assessed_on=date(2021, 5, 1),
    )

    assert (assessment.raw_grade, assessment.implementation) == (
        "B",
        Implementation.PARTIALLY_IMPLEMENTED,
    )
    target.refresh_from_db()
    assert target.status == TargetStatus.PARTIALLY_IMPLEMENTED
    assessments = Assessment.objects.all()
    by_grade = selectors.assessments_graded(
        assessments, scale=GradeScale.TREATY_BODY_FOLLOW_UP, raw_grades=["B"]
    )
    by_level = selectors.assessments_graded(
        assessments, implementations=[Implementation.PARTIALLY_IMPLEMENTED]
    )
    assert list(by_grade) == list(by_level) == [assessment]
    assert list(selectors.assessments_graded(assessments, raw_grades=["A"])) == []
    assert list(
        selectors.targets_with_latest_grade(
            Target.objects.all(), scale=GradeScale.TREATY_BODY_FOLLOW_UP, raw_grades=["B"]
        )
    ) == [target]
    assert selectors.assessment_grade_counts(assessments=assessments) == [
        {
            "scale": "treaty_body_follow_up",
            "raw_grade": "B",
            "implementation": "partially_implemented",
            "assessments": 1,
        }
    ]


@pytest.mark.parametrize(
    "scale, raw_grade, implementation",
    [
        (GradeScale.TREATY_BODY_FOLLOW_UP, "A", Implementation.IMPLEMENTED),
        (GradeScale.TREATY_BODY_FOLLOW_UP, "B1", Implementation.PARTIALLY_IMPLEMENTED),
        (GradeScale.TREATY_BODY_FOLLOW_UP, "C2", Implementation.NOT_IMPLEMENTED),
        (GradeScale.TREATY_BODY_FOLLOW_UP, "D", Implementation.NOT_IMPLEMENTED),
        (GradeScale.TREATY_BODY_FOLLOW_UP, "E", Implementation.REGRESSED),
        (GradeScale.UPR_INFO, "Partially implemented", Implementation.PARTIALLY_IMPLEMENTED),
    ],
)
def test_each_seeded_grade_maps_to_its_common_level(scale, raw_grade, implementation):
    assessment = services.assessment_create(
        target=cerd_follow_up_target(),
        scale=scale,
        raw_grade=raw_grade,
        assessed_on=date(2021, 5, 1),
    )

    assert assessment.implementation == implementation


def test_a_grade_not_of_the_scale_or_contradicting_the_level_is_refused_on_its_field():
    target = cerd_follow_up_target()

    with pytest.raises(ValidationError) as unknown:
        services.assessment_create(
            target=target,
            scale=GradeScale.TREATY_BODY_FOLLOW_UP,
            raw_grade="F",
            assessed_on=date(2021, 5, 1),
        )
    with pytest.raises(ValidationError) as contradicting:
        services.assessment_create(
            target=target,
            scale=GradeScale.TREATY_BODY_FOLLOW_UP,
            raw_grade="A",
            implementation=Implementation.NOT_IMPLEMENTED,
            assessed_on=date(2021, 5, 1),
        )

    assert set(unknown.value.message_dict) == {"raw_grade"}
    assert contradicting.value.message_dict == {"implementation": ["Grade A means Implemented."]}


# Agencies' answers, late.


def test_unhcr_acknowledging_the_2011_letter_21_days_late_shows_in_the_admin_and_the_stats(
    editor_client,
):
    target = unhcr_letter_of_2011_target()

    response = services.response_create(
        target=target, position=Position.ACKNOWLEDGED, date=date(2011, 10, 6)
    )

    target.refresh_from_db()
    assert target.status == TargetStatus.ACKNOWLEDGED
    assert response.late_by_days() == 21
    page = editor_client.get("/admin/recommendations/response/")
    assert "21 days late" in page.content.decode()
    late = editor_client.get("/admin/recommendations/response/?answered_late=yes")
    assert late.context["cl"].result_count == 1
    stats = selectors.answered_late_stats(targets=Target.objects.all())
    assert stats == {
        "answered": 1,
        "answered_late": 1,
        "average_days_late": 21.0,
        "by_addressee": [
            {"addressee": "UNHCR", "answered": 1, "answered_late": 1, "average_days_late": 21.0}
        ],
    }


def test_an_answer_in_time_is_not_late():
    target = unhcr_letter_of_2011_target()
    response = services.response_create(
        target=target, position=Position.DECLINED, date=date(2011, 9, 15)
    )

    assert response.late_by_days() is None
    assert selectors.answered_late_stats(targets=Target.objects.all())["answered_late"] == 0


@pytest.mark.parametrize(
    "position", [Position.ACKNOWLEDGED, Position.DECLINED, Position.NO_SUBSTANTIVE_REPLY]
)
def test_an_agencys_answer_is_the_targets_status_word(position):
    target = unhcr_letter_of_2011_target()

    services.response_create(target=target, position=position, date=date(2011, 7, 1))

    target.refresh_from_db()
    assert target.status == position
    stats = selectors.recommendation_stats(
        recommendations=target.recommendation.__class__.objects.all(),
        targets=Target.objects.all(),
    )
    assert [bucket["status"] for bucket in stats["by_status"]] == [position]


# The timeline.


def test_a_response_entered_today_for_a_2011_answer_dates_its_status_change_in_2011():
    with time_machine.travel(date(2025, 6, 1), tick=False):
        target = unhcr_letter_of_2011_target()
        services.response_create(
            target=target, position=Position.ACKNOWLEDGED, date=date(2011, 10, 6)
        )
        [timeline_target] = selectors.recommendation_timelines(target.recommendation)

    changes = [
        (
            event.date,
            event.previous_status,
            event.status,
            event.recorded_at and event.recorded_at.date(),
        )
        for event in timeline_target.timeline
        if isinstance(event, selectors.StatusChange)
    ]
    # Recorded today, as its history says; the tracker never stored "awaiting": the letter's
    # deadline had long passed when it was typed in.
    assert changes == [
        (date(2011, 6, 17), None, "awaiting_response", None),
        (date(2011, 9, 16), "awaiting_response", "response_overdue", date(2025, 6, 1)),
        (date(2011, 10, 6), "response_overdue", "acknowledged", date(2025, 6, 1)),
    ]


def test_an_editors_follow_up_date_survives_importing_the_upr_info_file_again(tmp_path):
    """A UPR recommendation's follow-up is due at the mid-term report, 2.5 years after its
    session; an editor's date for it is kept when the same file is imported again."""
    path = tmp_path / "upr-info.csv"
    path.write_bytes(
        upr_info_csv(
            [["China", "Abolish re-education through labour.", "France", "Noted", "", "4"]]
        )
    )
    call_command("import_recommendations", str(path), stdout=io.StringIO())
    target = Target.objects.get(state__code="CHN")
    assert (target.follow_up_due, target.follow_up_due_rule) == (
        calendar.upr_mid_term_due(date(2009, 2, 13)),
        DeadlineRule.UPR_MID_TERM_REPORT,
    )

    services.target_update(target=target, follow_up_due=date(2011, 12, 31))
    call_command("import_recommendations", str(path), stdout=io.StringIO())

    target.refresh_from_db()
    assert (target.follow_up_due, target.follow_up_due_rule, target.follow_up_due_overridden) == (
        date(2011, 12, 31),
        DeadlineRule.EDITOR,
        True,
    )


# Every state's reviews, the stakeholders' deadlines, reviews recorded by imports.


def test_every_state_has_its_first_cycle_review_and_koreas_gives_its_next_at_session_56():
    first_cycle = UprReview.objects.filter(session__cycle=1)
    assert first_cycle.values("state").distinct().count() == 193
    assert first_cycle.get(state__code="PRK").session.number == 6
    korea = state("KOR")
    assert [review.session.number for review in korea.upr_reviews.all()] == [2, 14, 28, 42]

    services.upr_events_refresh(states=[korea])

    review = Event.objects.get(kind=EventKind.REVIEW, states=korea)
    assert (review.upr_session.number, review.estimated) == (56, True)


def test_a_state_known_only_by_its_first_cycle_review_gets_no_next_review():
    cuba = state("CUB")
    UprReview.objects.filter(state=cuba, session__cycle__gt=1).delete()
    assert [review.session.number for review in cuba.upr_reviews.all()] == [4]

    services.upr_events_refresh(states=[cuba])

    assert not Event.objects.filter(kind=EventKind.REVIEW, states=cuba).exists()
    assert Event.objects.get(kind=EventKind.DEADLINE, states=cuba).upr_session.number == 4


def test_the_stakeholders_deadline_ohchr_announces_becomes_an_event_and_goes_with_it():
    china = state("CHN")
    session = UprSession.objects.get(number=59)

    services.upr_session_write(
        session=session,
        stakeholder_deadline=date(2028, 4, 6),
        stakeholder_deadline_source="OHCHR, UPR fifth cycle: stakeholders' submissions",
    )

    submissions = Event.objects.get(kind=EventKind.SUBMISSIONS, states=china)
    assert (submissions.date, submissions.upr_session.number, submissions.estimated) == (
        date(2028, 4, 6),
        59,
        False,
    )
    assert submissions.name == "China: stakeholder submissions for its review at session 59"

    services.upr_session_write(
        session=session, stakeholder_deadline=None, stakeholder_deadline_source=""
    )
    assert not Event.objects.filter(kind=EventKind.SUBMISSIONS, states=china).exists()


def test_a_stakeholder_deadline_without_its_source_is_refused_on_its_field():
    with pytest.raises(ValidationError) as refused:
        services.upr_session_write(
            session=UprSession.objects.get(number=59), stakeholder_deadline=date(2028, 4, 6)
        )
    assert "__all__" in refused.value.message_dict


def test_an_editor_adds_a_session_and_the_import_dates_its_review_by_it(tmp_path):
    services.upr_session_write(
        number=69,
        first_day=date(2031, 11, 3),
        last_day=date(2031, 11, 14),
        cycle=5,
        estimated=True,
        source="estimate",
    )
    path = tmp_path / "upr-info.csv"
    path.write_bytes(upr_info_csv([["China", "Ratify the ICCPR.", "France", "", "", "69"]]))

    call_command("import_recommendations", str(path), stdout=io.StringIO())

    target = Target.objects.get(state__code="CHN")
    assert target.recommendation.document.date == date(2031, 11, 14)


def test_importing_a_upr_report_records_the_review_and_its_states_next_one(tmp_path):
    brazil = state("BRA")
    UprReview.objects.filter(state=brazil, session__cycle__gt=1).delete()
    path = tmp_path / "upr-info.csv"
    path.write_bytes(
        upr_info_csv([["Brazil", "Strengthen the police ombudsman.", "Norway", "", "", "13"]])
    )

    output = io.StringIO()
    call_command("import_recommendations", str(path), stdout=output)

    review = UprReview.objects.get(state=brazil, session__number=13)
    assert review.source == "Imported from upr-info.csv"
    assert Event.objects.get(kind=EventKind.REVIEW, states=brazil).upr_session.number == 27
    assert "UPR reviews: 1 created" in output.getvalue()

    again = io.StringIO()
    call_command("import_recommendations", str(path), stdout=again)
    assert UprReview.objects.filter(state=brazil).count() == 2
    assert "UPR reviews" not in again.getvalue()
