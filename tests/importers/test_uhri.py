import io
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command

from recommendations.choices import BodyKind, DocumentKind, Position, TargetStatus
from recommendations.models import (
    Body,
    Document,
    Recommendation,
    SustainableDevelopmentGoal,
    Target,
)
from tests.importers.conftest import uhri_workbook

pytestmark = pytest.mark.django_db

UPR_ROW = {
    "Text": "28.5 Ratify the International Covenant on Civil and Political Rights (Costa Rica) "
    "(Iceland);",
    "Countries Concerned": "- China",
    "Reccomending Body": "- UPR",
    "Document Symbol": "A/HRC/40/6",
    "Themes": "- Acceptance of international norms\n- Civil & political rights - general "
    "measures of implementation",
    "Affected Persons": "- general",
    "Sdgs": "- 16.10 - Public access to information and fundamental freedoms",
    # An Excel serial number, as UHRI writes dates: 26 December 2018.
    "Document Publication Date": 43460,
    "UPR Reccomending States": "- Costa Rica\n- Iceland",
    "UPR Position": "- Supported",
    "Type": "- Recommendations",
    "OHCHR Annotation Id": "3f0b1c2e-0000-4000-8000-000000000001",
    "UPR Session": "- 31st Session",
    "Regions Concerned": "- Asia-Pacific",
    "Recommending Regions": "- Latin America and Caribbean\n- Western European and Others",
    "Date of publication on UHRI": "43500.4996282407",
}
SPECIAL_PROCEDURE_ROW = {
    "Text": "Respect the principle of non-refoulement and stop forced repatriations",
    "Countries Concerned": "- China\n- Democratic People's Republic of Korea",
    "Reccomending Body": "- SR DPRK",
    "Document Symbol": "A/HRC/52/65",
    "Themes": "- Non-refoulement",
    "Affected Persons": "- refugees & asylum seekers\n- migrants",
    "Document Publication Date": datetime(2023, 3, 3),
    "Type": "- Recommendations",
}
OBSERVATION_ROW = {
    "Text": "The Committee notes with concern the forced return of asylum seekers",
    "Countries Concerned": "- China",
    "Reccomending Body": "- CAT",
    "Document Symbol": "CAT/C/CHN/CO/5",
    "Document Publication Date": 42339,
    "Type": "- Concerns/Observations",
}


def run_import(path, *args) -> str:
    out = io.StringIO()
    call_command("import_recommendations", str(path), *args, stdout=out)
    return out.getvalue()


def test_a_uhri_export_imports_each_country_concerned_as_a_target(tmp_path):
    path = uhri_workbook([UPR_ROW, SPECIAL_PROCEDURE_ROW, OBSERVATION_ROW], tmp_path / "uhri.xlsx")

    output = run_import(path)

    assert "rows read: 3" in output
    assert "rows skipped: 1" in output
    assert "row 4, Type: 'Concerns/Observations' is not a recommendation" in output
    assert "bad rows: 0" in output
    repatriation = Recommendation.objects.get(document__symbol="A/HRC/52/65")
    assert sorted(repatriation.targets.values_list("state__code", flat=True)) == ["CHN", "PRK"]
    assert repatriation.issued_by.acronym == "SR DPRK"
    assert repatriation.issued_by.kind == BodyKind.SPECIAL_PROCEDURE
    assert repatriation.issued_on == date(2023, 3, 3)
    assert sorted(repatriation.affected_groups.values_list("name", flat=True)) == [
        "migrants",
        "refugees & asylum seekers",
    ]
    assert set(
        Target.objects.filter(recommendation=repatriation).values_list("status", flat=True)
    ) == {TargetStatus.AWAITING_RESPONSE}
    assert not Document.objects.filter(symbol="CAT/C/CHN/CO/5").exists()


def test_a_uhri_upr_row_carries_its_paragraph_recommending_states_and_position(tmp_path):
    path = uhri_workbook([UPR_ROW], tmp_path / "uhri.xlsx")

    run_import(path)

    recommendation = Recommendation.objects.get()
    assert recommendation.paragraph == "28.5"
    assert recommendation.text.startswith("Ratify the International Covenant")
    assert sorted(recommendation.recommending_states.values_list("code", flat=True)) == [
        "CRI",
        "ISL",
    ]
    assert sorted(recommendation.themes.values_list("name", flat=True)) == [
        "Acceptance of international norms",
        "Civil & political rights - general measures of implementation",
    ]
    assert recommendation.document.date == date(2018, 12, 26)
    assert recommendation.document.kind == DocumentKind.UPR_REPORT
    assert Body.objects.get(acronym="UPR").kind == BodyKind.UPR
    target = recommendation.targets.get()
    assert target.state.code == "CHN"
    assert target.responses.get().position == Position.SUPPORTED
    assert target.status == TargetStatus.SUPPORTED
    assert recommendation.source_format == "uhri"


def test_a_second_import_of_a_uhri_export_creates_and_updates_nothing(tmp_path):
    path = uhri_workbook([UPR_ROW, SPECIAL_PROCEDURE_ROW], tmp_path / "uhri.xlsx")
    run_import(path)

    output = run_import(path)

    assert "recommendations: 0 created, 0 updated, 2 unchanged" in output
    assert "targets: 0 created, 0 updated, 3 unchanged" in output


def test_bad_uhri_rows_are_reported_by_row_and_column(tmp_path):
    rows = [
        {**SPECIAL_PROCEDURE_ROW, "Countries Concerned": "- China\n- Wakanda"},
        {**UPR_ROW, "UPR Position": "- Supported in spirit"},
        {**UPR_ROW, "Document Publication Date": "sometime in 2018", "Text": "28.6 Other"},
        {**SPECIAL_PROCEDURE_ROW, "Text": "Close the camps", "Document Symbol": None},
    ]
    path = uhri_workbook(rows, tmp_path / "uhri.xlsx")
    out = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_recommendations", str(path), stdout=out)

    report = out.getvalue()
    assert "row 2, Countries Concerned: unknown state 'Wakanda'" in report
    assert "row 3, UPR Position: unknown position 'Supported in spirit'" in report
    assert "row 4, Document Publication Date: 'sometime in 2018' is not a date" in report
    assert "row 5, Document Symbol: empty" in report
    assert not Recommendation.objects.exists()


def test_the_sdgs_column_is_kept_as_its_own_vocabulary(tmp_path):
    two_goals = {**UPR_ROW, "Sdgs": UPR_ROW["Sdgs"] + "\n- 5 - Gender equality"}
    path = uhri_workbook([two_goals, SPECIAL_PROCEDURE_ROW], tmp_path / "uhri.xlsx")

    run_import(path)
    run_import(path)

    ratify = Recommendation.objects.get(document__symbol="A/HRC/40/6")
    assert sorted(ratify.sdgs.values_list("code", "name")) == [
        ("16.10", "Public access to information and fundamental freedoms"),
        ("5", "Gender equality"),
    ]
    assert SustainableDevelopmentGoal.objects.count() == 2
    assert not Recommendation.objects.get(document__symbol="A/HRC/52/65").sdgs.exists()


def test_an_sdg_that_is_no_goal_is_a_bad_row_naming_the_column(tmp_path):
    rows = [{**UPR_ROW, "Sdgs": "- 18.1 - Not a goal"}, SPECIAL_PROCEDURE_ROW]
    path = uhri_workbook(rows, tmp_path / "uhri.xlsx")
    out = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_recommendations", str(path), stdout=out)

    assert raised.value.returncode == 1
    assert "row 2, Sdgs: " in out.getvalue()
    assert "18.1 is not a Sustainable Development Goal" in out.getvalue()
    assert not SustainableDevelopmentGoal.objects.exists()
    assert Recommendation.objects.get().document.symbol == "A/HRC/52/65"
