"""The importers' messages: stored as the English message and its values, shown in the reader's
language; the command's report stays English."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from recommendations.choices import ImportJobStatus
from recommendations.importers.core import ImportReport, RowError, UnknownState
from recommendations.importers.messages import Message
from recommendations.importers.validation import field_errors
from recommendations.models import Document, ImportJob
from tests.factories import EditorFactory, ReminderPreferenceFactory
from tests.importers.conftest import upr_info_csv

pytestmark = pytest.mark.django_db

ROWS = [
    ["China", "Respect non-refoulement", "Germany", "Accepted", "", "4"],
    ["Atlantis", "Abolish the death penalty", "France", "Accepted", "", "4"],
]


def stored(value):
    """Through the JSON of ImportJob.report and back."""
    return json.loads(json.dumps(value))


def test_a_row_error_line_renders_in_korean_for_a_korean_reader():
    error = RowError(3, "To", UnknownState("Atlantis").message)

    line = RowError.from_dict(stored(error.as_dict()))

    with translation.override("ko"):
        assert str(line) == "3행, To: 알 수 없는 국가 'Atlantis'"
    with translation.override("zh-hans"):
        assert str(line) == "第3行，To：未知国家'Atlantis'"
    with translation.override("en"):
        assert str(line) == "row 3, To: unknown state 'Atlantis'"
    assert line == error


def test_a_fields_validation_message_is_kept_as_djangos_msgid_and_shown_translated():
    (message,) = field_errors(Document, "symbol", "A/HRC/" + "9" * 200)

    data = stored(message.as_data())

    # The value itself is not stored: only the numbers the message names.
    assert data["params"] == {"limit_value": 100, "show_value": 206}
    with translation.override("ko"):
        assert "확인하세요" in str(Message.from_data(data))
    assert message.english() == "Ensure this value has at most 100 characters (it has 206)."


def test_a_report_stored_before_the_messages_shows_its_english_words():
    report = ImportReport.from_dict(
        {
            "file_name": "old.csv",
            "format": "upr-info",
            "dry_run": False,
            "rows_read": 1,
            "counts": {},
            "errors": [{"row": 2, "column": "To", "reason": "unknown state 'Atlantis'"}],
            "skipped": [],
        }
    )

    with translation.override("ko"):
        assert str(report.errors[0]) == "2행, To: unknown state 'Atlantis'"


def korean_editor(client):
    editor = EditorFactory(username="editor-ko")
    ReminderPreferenceFactory(user=editor, language="ko")
    client.force_login(editor)
    return editor


def test_a_korean_editor_reads_the_stored_preview_and_a_failure_in_korean(
    client, celery_eager, django_capture_on_commit_callbacks
):
    korean_editor(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:recommendations_importjob_add"),
            {"upload": SimpleUploadedFile("upr-info.csv", upr_info_csv(ROWS)), "format": ""},
        )
        client.post(
            reverse("admin:recommendations_importjob_add"),
            {"upload": SimpleUploadedFile("people.csv", b"name,age\r\nAda,36\r\n"), "format": ""},
        )
    checked, failed = ImportJob.objects.order_by("pk")

    # Stored as English messages, whatever the language of the request that queued them.
    assert checked.status == ImportJobStatus.CHECKED
    assert checked.preview["errors"][0]["reason"] == {
        "msgid": "unknown state '%(name)s'",
        "params": {"name": "Atlantis"},
    }
    assert failed.error.startswith("unknown format: the first row is neither")
    page = client.get(
        reverse("admin:recommendations_importjob_change", args=[checked.pk])
    ).content.decode()
    assert "미리보기 (시험 실행: 아무것도 기록하지 않음)" in page
    assert "알 수 없는 국가 &#x27;Atlantis&#x27;" in page
    assert "<th>권고</th><td>1</td><td>0</td><td>0</td>" in page
    assert "가져오기 승인" in page
    assert "unknown state" not in page
    page = client.get(
        reverse("admin:recommendations_importjob_change", args=[failed.pk])
    ).content.decode()
    assert "가져오기에 실패했습니다: 알 수 없는 형식" in page


def test_the_commands_report_stays_english_whatever_the_active_language(tmp_path):
    path = tmp_path / "upr-info.csv"
    path.write_bytes(upr_info_csv(ROWS))
    out = io.StringIO()

    with translation.override("ko"), pytest.raises(CommandError, match="1 rows were not imported"):
        call_command("import_recommendations", str(path), stdout=out)

    assert "row 3, To: unknown state 'Atlantis'" in out.getvalue()
    assert "recommendations: 1 created, 0 updated, 0 unchanged" in out.getvalue()
