import csv
import io
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from recommendations.choices import ImportJobStatus
from recommendations.exports import EXPORT_COLUMNS
from recommendations.importers.tasks import import_job_check_task, import_job_run_task
from recommendations.models import ImportJob, Recommendation
from tests.factories import TargetFactory, state
from tests.importers.conftest import matrix_file, upr_info_csv

pytestmark = pytest.mark.django_db

ROWS = [
    ["China", "Ratify the ICCPR", "Canada", "Noted", "International instruments", "4"],
    ["China", "Respect non-refoulement", "Germany", "Accepted", "", "4"],
    ["Atlantis", "Abolish the death penalty", "France", "Accepted", "", "4"],
]


@pytest.fixture(autouse=True)
def worker(celery_eager, django_capture_on_commit_callbacks):
    """Tasks enqueued after the request's commit run at once, as a worker would run them."""
    global run_on_commit
    run_on_commit = partial(django_capture_on_commit_callbacks, execute=True)


def upload(client, content: bytes, name: str = "upr-info.csv", **fields):
    with run_on_commit():
        return client.post(
            reverse("admin:recommendations_importjob_add"),
            {"upload": SimpleUploadedFile(name, content), "format": "", **fields},
        )


def confirm(client, job, **kwargs):
    with run_on_commit():
        return client.post(
            reverse("admin:recommendations_importjob_confirm", args=[job.pk]), **kwargs
        )


def test_an_editor_uploads_sees_the_preview_confirms_and_the_good_rows_are_imported(
    editor_client,
):
    form = editor_client.get(reverse("admin:recommendations_importjob_add")).content.decode()
    assert 'name="upload"' in form

    response = upload(editor_client, upr_info_csv(ROWS))

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:recommendations_importjob_change", args=[job.pk])
    assert job.status == ImportJobStatus.CHECKED
    assert not Recommendation.objects.exists()
    page = editor_client.get(response["Location"]).content.decode()
    assert "Preview (a dry run: nothing was written)" in page
    assert "<th>recommendations</th><td>2</td><td>0</td><td>0</td>" in page
    assert "unknown state &#x27;Atlantis&#x27;" in page
    assert "Confirm import" in page
    assert 'name="upload"' not in page

    response = confirm(editor_client, job)

    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert job.report["counts"]["recommendations"]["created"] == 2
    assert Recommendation.objects.count() == 2
    history = Recommendation.history.first()
    assert history.history_user.username == "editor"
    assert history.history_change_reason == "Imported from upr-info.csv"
    page = editor_client.get(response["Location"]).content.decode()
    assert "Import report" in page
    assert "Confirm import" not in page


def test_confirming_twice_imports_once(editor_client):
    upload(editor_client, upr_info_csv(ROWS[:1]))
    job = ImportJob.objects.get()

    confirm(editor_client, job)
    response = confirm(editor_client, job, follow=True)

    assert "not waiting for confirmation" in response.content.decode()
    assert Recommendation.objects.count() == 1


def test_every_file_is_checked_and_imported_by_the_worker_while_the_page_shows_progress(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        editor_client.post(
            reverse("admin:recommendations_importjob_add"),
            {"upload": SimpleUploadedFile("tiny.csv", upr_info_csv(ROWS[:2])), "format": ""},
        )
    job = ImportJob.objects.get()

    assert len(queued) == 1
    assert job.status == ImportJobStatus.CHECKING
    page = editor_client.get(reverse("admin:recommendations_importjob_change", args=[job.pk]))
    assert '<meta http-equiv="refresh"' in page.content.decode()

    import_job_check_task.apply(args=[job.pk])

    job.refresh_from_db()
    assert job.status == ImportJobStatus.CHECKED
    assert (job.rows_done, job.rows_total) == (2, 2)
    assert not Recommendation.objects.exists()

    with django_capture_on_commit_callbacks(execute=False) as queued:
        editor_client.post(reverse("admin:recommendations_importjob_confirm", args=[job.pk]))
    assert len(queued) == 1
    assert ImportJob.objects.get().status == ImportJobStatus.IMPORTING

    import_job_run_task.apply(args=[job.pk])

    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert Recommendation.objects.count() == 2


def test_a_file_in_no_known_format_fails_the_job_with_the_reason(editor_client):
    upload(editor_client, b"name,age\r\nAda,36\r\n", name="people.csv")

    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    page = editor_client.get(reverse("admin:recommendations_importjob_change", args=[job.pk]))
    assert "unknown format" in page.content.decode()


def test_a_matrix_upload_takes_the_state_and_session_from_the_form(editor_client, tmp_path):
    path = matrix_file(
        tmp_path / "matrix.docx",
        rows=[("115.1 Respect non-refoulement (Canada);", "Noted", "")],
    )

    upload(
        editor_client,
        path.read_bytes(),
        name="matrix.docx",
        state_under_review=str(state("CHN").pk),
        report_symbol="A/HRC/25/5",
        upr_session="17",
    )

    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.CHECKED, job.error
    assert job.format == "ohchr-matrix"
    assert job.preview["counts"]["recommendations"]["created"] == 1


def test_editors_export_selected_recommendations_as_csv_with_one_row_per_target(editor_client):
    target = TargetFactory()
    TargetFactory(recommendation=target.recommendation, state=state("CAN"))
    TargetFactory()

    response = editor_client.post(
        reverse("admin:recommendations_recommendation_changelist"),
        {"action": "export_selected_csv", "_selected_action": [target.recommendation.pk]},
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == EXPORT_COLUMNS
    assert [row[EXPORT_COLUMNS.index("addressee")] for row in rows[1:]] == ["CHN", "CAN"]


def test_editors_export_selected_targets_as_xlsx(editor_client):
    targets = TargetFactory.create_batch(2)

    response = editor_client.post(
        reverse("admin:recommendations_target_changelist"),
        {"action": "export_selected_xlsx", "_selected_action": [targets[1].pk]},
    )

    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == EXPORT_COLUMNS
    assert len(rows) == 2
    assert rows[1][EXPORT_COLUMNS.index("text")] == targets[1].recommendation.text
