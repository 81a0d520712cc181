"""The text limit, the job's failures and the state-name corrections, as users see them."""

import io
import shutil

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from recommendations.choices import ImportJobStatus
from recommendations.importers.services import WORKER_LOST
from recommendations.importers.tasks import import_job_check_task
from recommendations.models import ImportJob, Recommendation
from tests.api.conftest import client_with_token
from tests.hostile_files import docx_bomb_ratio, docx_corrupt_deflate
from tests.importers.conftest import upr_info_csv

pytestmark = pytest.mark.django_db

MATRIX = "ohchr-upr-matrix/china-2018-A_HRC_40_6.docx"
BOLIVIA = "(Plurinational State of Bolivia)"


def run_import(path, *args) -> str:
    out = io.StringIO()
    try:
        call_command("import_recommendations", str(path), *args, stdout=out)
    except CommandError as error:
        out.write(f"CommandError: {error}\n")
    return out.getvalue()


def matrix_with_slips(shared_data, tmp_path, *slips: str) -> tuple:
    """A copy of the real matrix whose first recommendations by Bolivia name it as `slips`
    say, in order; the rows edited, by their numbers."""
    path = tmp_path / "matrix.docx"
    shutil.copy(shared_data / MATRIX, path)
    document = docx.Document(path)
    rows, slips = [], list(slips)
    for number, row in enumerate(document.tables[0].rows, start=1):
        paragraph = next((p for p in row.cells[0].paragraphs if BOLIVIA in p.text), None)
        if paragraph is not None and slips:
            paragraph.text = paragraph.text.replace(BOLIVIA, slips.pop(0))
            rows.append(number)
    document.save(path)
    return path, rows


def test_a_state_misspelt_in_a_real_matrix_is_corrected_and_reported(shared_data, tmp_path):
    path, rows = matrix_with_slips(
        shared_data,
        tmp_path,
        "(Plurinational S tate of Bolivia)",
        "(Plurinational\u00a0State of\u00a0Bolivia)",
        "(Bolivia (Plurinational State of)",
    )

    output = run_import(path)

    assert "bad rows: 0" in output
    assert "recommendations: 346 created" in output
    assert "corrections: 2" in output
    assert (
        f"  row {rows[0]}, Recommendation: 'Plurinational S tate of Bolivia' read as "
        "'Plurinational State of Bolivia' (BOL)" in output
    )
    assert (
        f"  row {rows[2]}, Recommendation: '(Bolivia (Plurinational State of)' read as "
        "'Plurinational State of Bolivia' (BOL): a closing parenthesis is missing" in output
    )
    bolivia_rows = sum(
        BOLIVIA in row.cells[0].text for row in docx.Document(shared_data / MATRIX).tables[0].rows
    )
    assert Recommendation.objects.filter(recommending_states__code="BOL").count() == bolivia_rows


def test_a_name_two_states_are_close_to_stays_a_bad_row(shared_data, tmp_path):
    path, rows = matrix_with_slips(shared_data, tmp_path, "(Austraia)")

    output = run_import(path)

    assert "recommendations: 345 created" in output
    assert (
        f"row {rows[0]}, Recommendation: unknown recommending state 'Austraia' (as close to "
        in output
    )
    assert "Australia" in output and "Austria" in output


def test_a_text_over_the_limit_is_a_bad_row_and_the_others_import(tmp_path, settings):
    settings.TRACKER_TEXT_MAX_CHARS = 30
    path = tmp_path / "long.csv"
    path.write_bytes(
        upr_info_csv(
            [
                ["China", "Respect the principle of non-refoulement", "Canada", "Noted", "", "4"],
                ["China", "Ratify the ICCPR", "Canada", "Noted", "", "4"],
            ]
        )
    )

    output = run_import(path)

    assert (
        "row 2, Text: 'Respect the principle of non-refoulement': Ensure this value has at most "
        "30 characters (it has 40)." in output
    )
    assert list(Recommendation.objects.values_list("text", flat=True)) == ["Ratify the ICCPR"]


def test_the_api_refuses_a_text_over_the_limit_naming_the_field(editor, settings):
    settings.TRACKER_TEXT_MAX_CHARS = 30

    response = client_with_token(editor).post(
        "/api/recommendations/",
        {"text": "Respect the principle of non-refoulement", "recommending_states": ["USA"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["text"] == ["Ensure this value has at most 30 characters (it has 40)."]


def test_an_upload_whose_archive_directory_breaks_a_limit_is_a_form_error(editor_client):
    response = editor_client.post(
        reverse("admin:recommendations_importjob_add"),
        {"upload": SimpleUploadedFile("bomb.docx", docx_bomb_ratio()), "format": ""},
    )

    assert response.status_code == 200
    assert "IMPORT_MAX_COMPRESSION_RATIO" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_damaged_file_fails_its_job_with_the_reason_on_the_page(
    editor_client, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("admin:recommendations_importjob_add"),
            {"upload": SimpleUploadedFile("damaged.docx", docx_corrupt_deflate()), "format": ""},
        )

    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.FAILED
    assert "'word/document.xml' in the archive is damaged" in job.error
    page = editor_client.get(reverse("admin:recommendations_importjob_change", args=[job.pk]))
    assert "The import failed: &#x27;word/document.xml&#x27; in the archive is damaged" in (
        page.content.decode()
    )


def test_a_job_delivered_again_after_its_worker_died_fails_instead_of_being_read_again(editor):
    job = ImportJob.objects.create(
        file_name="killer.csv",
        content=upr_info_csv([["China", "Ratify the ICCPR", "Canada", "Noted", "", "4"]]),
        created_by=editor,
        attempts=1,
    )

    import_job_check_task.apply(args=[job.pk])

    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert job.error == WORKER_LOST.english()
    assert job.preview is None
