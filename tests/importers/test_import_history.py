"""The history and statuses an import writes with COPY are those every other write keeps:
one record per row created or changed, equal to the row as stored, with the import's user,
reason and time, and the status the rule derives."""

from datetime import UTC, datetime

import pytest
import time_machine

from recommendations import services
from recommendations.choices import TargetStatus
from recommendations.importers.services import recommendations_import
from recommendations.models import Recommendation, Response, Target
from tests.factories import EditorFactory
from tests.importers.conftest import upr_info_csv

pytestmark = pytest.mark.django_db

FIRST_IMPORT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
SECOND_IMPORT = datetime(2025, 4, 1, 9, 30, tzinfo=UTC)


def import_rows(rows, *, user, when, file_name="upr-info.csv"):
    with time_machine.travel(when, tick=False):
        return recommendations_import(file_name=file_name, content=upr_info_csv(rows), user=user)


def assert_record_is_the_row(record, row) -> None:
    """What simple_history's save() records: every tracked field as the row stores it."""
    for field in type(record).tracked_fields:
        assert getattr(record, field.attname) == getattr(row, field.attname), field.attname


def test_a_created_row_has_one_creation_record_equal_to_the_row_with_the_imports_user():
    editor = EditorFactory(username="editor")

    import_rows(
        [["China", "Ratify the ICCPR", "Canada", "Noted", "Justice", "4"]],
        user=editor,
        when=FIRST_IMPORT,
    )

    target = Target.objects.get()
    assert target.status == TargetStatus.NOTED
    assert services.target_status_drift(today=FIRST_IMPORT.date()) == {}
    for row in (Recommendation.objects.get(), target, Response.objects.get()):
        [record] = row.history.all()
        assert record.history_type == "+"
        assert record.history_user == editor
        assert record.history_change_reason == "Imported from upr-info.csv"
        assert record.history_date == FIRST_IMPORT
        assert_record_is_the_row(record, row)
    # The creation record holds the derived status and due date, not the defaults.
    assert target.history.get().status == TargetStatus.NOTED
    assert target.history.get().response_due == target.response_due


def test_a_changed_row_has_a_change_record_equal_to_the_row_with_the_second_imports_user():
    first, second = EditorFactory(username="first"), EditorFactory(username="second")
    import_rows(
        [["China", "Ratify the ICCPR", "Canada", "Noted", "", "4"]], user=first, when=FIRST_IMPORT
    )

    import_rows(
        [["China", "Ratify the ICCPR", "Canada", "Accepted", "", "4"]],
        user=second,
        when=SECOND_IMPORT,
        file_name="again.csv",
    )

    target, response = Target.objects.get(), Response.objects.get()
    assert target.status == TargetStatus.SUPPORTED
    assert services.target_status_drift(today=SECOND_IMPORT.date()) == {}
    assert list(target.history.values_list("history_type", "status")) == [
        ("~", "supported"),
        ("+", "noted"),
    ]
    assert list(response.history.values_list("history_type", "position")) == [
        ("~", "supported"),
        ("+", "noted"),
    ]
    for row in (target, response):
        changed, created = row.history.all()
        assert (created.history_user, created.history_change_reason) == (
            first,
            "Imported from upr-info.csv",
        )
        assert (changed.history_user, changed.history_change_reason) == (
            second,
            "Imported from again.csv",
        )
        assert_record_is_the_row(changed, row)
    assert changed.history_date == SECOND_IMPORT


def test_importing_the_same_rows_again_adds_no_history():
    editor = EditorFactory()
    rows = [["China", "Ratify the ICCPR", "Canada", "Noted", "Justice", "4"]]
    import_rows(rows, user=editor, when=FIRST_IMPORT)

    report = import_rows(rows, user=editor, when=SECOND_IMPORT)

    assert report.counts["recommendations"]["unchanged"] == 1
    for model in (Recommendation, Target, Response):
        assert model.history.count() == 1
