import csv
import io
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from recommendations import services
from recommendations.exports import (
    EXPORT_COLUMNS,
    export_csv,
    target_export_rows,
    target_export_xlsx,
)
from recommendations.models import (
    Body,
    Document,
    Organization,
    Recommendation,
    Response,
    Target,
    Theme,
)
from tests.factories import (
    BodyFactory,
    OrganizationFactory,
    RecommendationFactory,
    TargetFactory,
    ThemeFactory,
    state,
)

pytestmark = pytest.mark.django_db


def exported_csv() -> bytes:
    stream = io.StringIO(newline="")
    export_csv(target_export_rows(Target.objects.all()), stream)
    return stream.getvalue().encode("utf-8")


def exported_xlsx() -> bytes:
    stream = io.BytesIO()
    target_export_xlsx(Target.objects.all(), stream)
    return stream.getvalue()


def xlsx_cells(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [tuple(cell or "" for cell in row) for row in sheet.iter_rows(values_only=True)]


def tracker_data() -> None:
    """The demo case, plus what it lacks: body and state addressees of one recommendation,
    assessments, organisations and recommending states."""
    call_command("load_demo", stdout=io.StringIO())
    unhcr = BodyFactory(acronym="UNHCR-X", name="A body only this test knows", kind="office")
    recommendation = RecommendationFactory(
        text='Give UNHCR access; "all" of it, in every province',
        document__symbol="A/HRC/99/RT",
        document__date=date(2020, 1, 2),
        document__url="https://undocs.org/A/HRC/99/RT",
        paragraph="12 (b)",
        issued_on=date(2020, 1, 2),
    )
    recommendation.recommending_states.set([state("KOR"), state("CAN")])
    recommendation.organizations.set([OrganizationFactory(name="Citizens' Alliance")])
    recommendation.themes.set([ThemeFactory(slug="unhcr-access-rt")])
    china = TargetFactory(recommendation=recommendation, response_due=date(2021, 3, 1))
    body = TargetFactory(recommendation=recommendation, state=None, body=unhcr)
    # The export carries neither the response's paragraph nor its text: both stay.
    services.response_create(
        target=china, position="noted", date=date(2020, 6, 1), paragraph="7", text="Noted."
    )
    services.assessment_create(
        target=china, implementation="not_implemented", assessed_on=date(2022, 1, 5)
    )
    services.assessment_create(target=body, implementation="unknown", assessed_on=date(2022, 2, 1))


def empty_the_database() -> None:
    Recommendation.objects.all().delete()
    Document.objects.all().delete()
    Body.objects.update(parent=None)
    Body.objects.all().delete()
    Organization.objects.all().delete()
    Theme.objects.all().delete()


def test_export_import_into_an_empty_database_export_again_gives_the_same_csv(tmp_path):
    tracker_data()
    first = exported_csv()
    empty_the_database()
    assert not Target.objects.exists()
    path = tmp_path / "targets.csv"
    path.write_bytes(first)

    output = io.StringIO()
    call_command("import_recommendations", str(path), stdout=output)

    assert "bad rows: 0" in output.getvalue()
    assert exported_csv() == first


def test_export_import_into_an_empty_database_export_again_gives_the_same_xlsx_cells(tmp_path):
    tracker_data()
    first = exported_xlsx()
    empty_the_database()
    path = tmp_path / "targets.xlsx"
    path.write_bytes(first)

    call_command("import_recommendations", str(path), stdout=io.StringIO())

    # Workbooks carry their save time, so compare what they hold, cell by cell.
    assert xlsx_cells(exported_xlsx()) == xlsx_cells(first)
    assert xlsx_cells(first)[0] == tuple(EXPORT_COLUMNS)


@pytest.mark.parametrize(
    "export, name", [(exported_csv, "targets.csv"), (exported_xlsx, "targets.xlsx")]
)
def test_importing_an_export_back_into_the_same_database_changes_nothing(tmp_path, export, name):
    tracker_data()
    path = tmp_path / name
    path.write_bytes(export())
    history = [model.history.count() for model in (Recommendation, Target, Response)]
    targets = Target.objects.count()

    output = io.StringIO()
    call_command("import_recommendations", str(path), stdout=output)

    report = output.getvalue()
    # A recommendation without targets has no row in the export.
    exported = Recommendation.objects.filter(targets__isnull=False).distinct().count()
    responses = Response.objects.count()
    assert f"recommendations: 0 created, 0 updated, {exported} unchanged" in report
    assert f"targets: 0 created, 0 updated, {targets} unchanged" in report
    # Only each target's latest response and assessment are exported.
    assert f"responses: 0 created, 0 updated, {responses} unchanged" in report
    assert "assessments: 0 created, 0 updated, 2 unchanged" in report
    assert [model.history.count() for model in (Recommendation, Target, Response)] == history


def test_an_edited_export_updates_due_dates_and_adds_a_response(tmp_path):
    target = TargetFactory(recommendation__document__symbol="A/HRC/99/E")
    rows = [
        dict(zip(EXPORT_COLUMNS, row, strict=True))
        for row in target_export_rows(Target.objects.all())
    ]
    rows[0].update(
        response_due="2030-01-31", latest_position="supported", latest_response_date="2024-05-01"
    )
    stream = io.StringIO(newline="")
    export_csv([[row[column] for column in EXPORT_COLUMNS] for row in rows], stream)
    path = tmp_path / "edited.csv"
    path.write_text(stream.getvalue(), encoding="utf-8")

    output = io.StringIO()
    call_command("import_recommendations", str(path), stdout=output)

    target.refresh_from_db()
    assert target.response_due == date(2030, 1, 31)
    assert target.status == "supported"
    assert "targets: 0 created, 1 updated, 0 unchanged" in output.getvalue()


def test_an_export_with_an_unknown_state_code_or_position_reports_those_rows(tmp_path):
    TargetFactory.create_batch(3)
    rows = [
        dict(zip(EXPORT_COLUMNS, row, strict=True))
        for row in target_export_rows(Target.objects.all())
    ]
    rows[0]["addressee"] = "XXX"
    rows[1]["latest_position"] = "maybe"
    rows[1]["latest_response_date"] = "2024-01-01"
    Recommendation.objects.all().delete()
    stream = io.StringIO(newline="")
    export_csv([[row[column] for column in EXPORT_COLUMNS] for row in rows], stream)
    path = tmp_path / "bad.csv"
    path.write_text(stream.getvalue(), encoding="utf-8")
    output = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_recommendations", str(path), stdout=output)

    assert "row 2, addressee: unknown state code 'XXX'" in output.getvalue()
    assert "row 3, latest_position: unknown value 'maybe'" in output.getvalue()
    assert Recommendation.objects.count() == 1


def text_of(length: int) -> str:
    """A text of `length` characters, words and spaces, a space where a workbook cell ends."""
    words = "Ratify the Optional Protocol and report on it, " * (length // 47 + 1)
    text = words[: length - 1] + "."
    return text[:32_766] + " " + text[32_767:] if length > 32_767 else text


# Long texts (a workbook cell holds 32,767 characters; Python's csv module reads 131,072 by
# default) and texts a spreadsheet would run as formulas.
KEPT_WHOLE = {
    "40,000 characters": text_of(40_000),
    "200,000 characters": text_of(200_000),
    "a hyperlink formula": '=HYPERLINK("http://x")',
    "a plus": "+1",
    "a minus": "-x",
    "an at sign": "@SUM(A1)",
    "an apostrophe and a formula": "'=1+1",
    "a long formula": "=" + text_of(40_000),
}
FORMATS = {"csv": exported_csv, "xlsx": exported_xlsx}


@pytest.fixture(params=list(KEPT_WHOLE), ids=list(KEPT_WHOLE))
def kept_whole(request) -> str:
    """A target of a recommendation with such a text, a response and an assessment."""
    target = TargetFactory(recommendation__text=KEPT_WHOLE[request.param])
    services.response_create(target=target, position="supported", date=date(2020, 6, 1))
    services.assessment_create(
        target=target, implementation="implemented", assessed_on=date(2022, 1, 5)
    )
    return KEPT_WHOLE[request.param]


def workbook_parts(content: bytes) -> dict[str, bytes]:
    """Every part of a workbook but docProps/core.xml, which holds its save time."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


@pytest.mark.parametrize("file_format", list(FORMATS))
def test_an_export_of_long_or_formula_like_texts_imports_back_creating_nothing(
    tmp_path, kept_whole, file_format
):
    path = tmp_path / f"targets.{file_format}"
    path.write_bytes(FORMATS[file_format]())

    output = io.StringIO()
    call_command("import_recommendations", str(path), stdout=output)

    assert "recommendations: 0 created, 0 updated, 1 unchanged" in output.getvalue()
    assert "targets: 0 created, 0 updated, 1 unchanged" in output.getvalue()
    assert Recommendation.objects.get().text == kept_whole


@pytest.mark.parametrize("file_format", list(FORMATS))
def test_long_or_formula_like_texts_export_import_into_an_empty_database_export_the_same(
    tmp_path, kept_whole, file_format
):
    first = FORMATS[file_format]()
    empty_the_database()
    path = tmp_path / f"targets.{file_format}"
    path.write_bytes(first)

    output = io.StringIO()
    call_command("import_recommendations", str(path), stdout=output)

    assert "bad rows: 0" in output.getvalue()
    assert Recommendation.objects.get().text == kept_whole
    again = FORMATS[file_format]()
    if file_format == "csv":
        assert again == first
    else:
        assert workbook_parts(again) == workbook_parts(first)


def test_the_csv_cell_of_a_formula_like_text_holds_one_more_apostrophe():
    for text in ['=HYPERLINK("http://x")', "+1", "-x", "@SUM(A1)", "'=1+1"]:
        TargetFactory(recommendation__text=text)

    rows = list(csv.DictReader(io.StringIO(exported_csv().decode())))

    assert [row["text"] for row in rows] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-x",
        "'@SUM(A1)",
        "''=1+1",
    ]


def test_a_workbook_missing_a_continuation_column_is_refused_whole(tmp_path):
    TargetFactory(recommendation__text=text_of(70_000))
    sheet = load_workbook(io.BytesIO(exported_xlsx())).active
    sheet.delete_cols(EXPORT_COLUMNS.index("text") + 2)
    path = tmp_path / "cut.xlsx"
    sheet.parent.save(path)
    Recommendation.objects.all().delete()

    output = io.StringIO()
    with pytest.raises(CommandError, match=r"missing column\(s\) text \(continued 2\)"):
        call_command("import_recommendations", str(path), stdout=output)

    assert not Recommendation.objects.exists()
