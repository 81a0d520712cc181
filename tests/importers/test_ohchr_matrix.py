import io
import re
from collections import Counter

import docx
import pytest
from django.core.management import CommandError, call_command

from recommendations.choices import DocumentKind, Position, TargetStatus
from recommendations.models import Document, Recommendation, Response, Target
from tests.importers.conftest import matrix_file

pytestmark = pytest.mark.django_db

MATRIX = "ohchr-upr-matrix/china-2018-A_HRC_40_6.docx"


def run_import(path, *args) -> str:
    out = io.StringIO()
    call_command("import_recommendations", str(path), *args, stdout=out)
    return out.getvalue()


def matrix_cells(path) -> list[list[str]]:
    """The recommendation rows as python-docx reads them, apart from the importer."""
    table = docx.Document(str(path)).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    return [row for row in rows if re.match(r"\d+\.\d+ ", row[0])]


def test_the_2018_china_matrix_imports_346_recommendations_284_supported_62_noted(shared_data):
    output = run_import(shared_data / MATRIX)

    assert "bad rows: 0" in output
    report = Document.objects.get(symbol="A/HRC/40/6")
    assert report.kind == DocumentKind.UPR_REPORT
    recommendations = Recommendation.objects.filter(document=report)
    assert recommendations.count() == 346
    assert sorted(recommendations.values_list("paragraph", flat=True)) == sorted(
        f"28.{n}" for n in range(1, 347)
    )
    positions = Counter(Response.objects.values_list("position", flat=True))
    assert positions == {Position.SUPPORTED: 284, Position.NOTED: 62}
    assert Counter(Target.objects.values_list("status", flat=True)) == {
        TargetStatus.SUPPORTED: 284,
        TargetStatus.NOTED: 62,
    }
    assert set(Target.objects.values_list("state__code", flat=True)) == {"CHN"}
    response = Response.objects.get(target__recommendation__paragraph="28.212")
    assert response.document.symbol == "A/HRC/40/6/Add.1"
    assert response.document.kind == DocumentKind.UPR_ADDENDUM
    assert response.paragraph == "2"


def test_the_2018_china_matrix_finds_the_republic_of_koreas_recommendations_by_recommending_state(
    shared_data, client
):
    expected = {
        row[0].split()[0]
        for row in matrix_cells(shared_data / MATRIX)
        if "(Republic of Korea)" in row[0]
    }

    run_import(shared_data / MATRIX)

    found = Recommendation.objects.filter(recommending_states__code="KOR")
    assert expected
    assert set(found.values_list("paragraph", flat=True)) == expected
    answer = client.get("/api/recommendations/", {"recommending_state": "KOR", "page_size": 200})
    assert answer.status_code == 200
    assert {row["paragraph"] for row in answer.json()["results"]} == expected


def test_a_matrix_cell_holding_several_recommendations_keeps_every_recommending_state(
    shared_data,
):
    run_import(shared_data / MATRIX)

    ratify_iccpr = Recommendation.objects.get(paragraph="28.5")
    assert sorted(ratify_iccpr.recommending_states.values_list("code", flat=True)) == [
        "CRI", "GBR", "ISL", "KEN", "LIE", "MEX", "MNE", "POL", "PRT", "SLV", "UKR",
    ]  # fmt: skip
    # "(the Paris Principles)" ends a clause but is not a state.
    nhri = Recommendation.objects.get(paragraph="28.14")
    assert sorted(nhri.recommending_states.values_list("code", flat=True)) == [
        "IDN",
        "NER",
        "PHL",
    ]
    assert ratify_iccpr.text.startswith("Ratify the International Covenant")
    assert "Source of position" not in ratify_iccpr.text


def test_matrix_themes_keep_their_uhri_codes_and_affected_persons_become_groups(shared_data):
    run_import(shared_data / MATRIX)

    recommendation = Recommendation.objects.get(paragraph="28.346")
    assert sorted(recommendation.themes.values_list("uhri_code", "name")) == [
        ("A12", "Acceptance of international norms"),
        ("A41", "Constitutional and legislative framework"),
        ("F31", "Children: definition; general principles; protection"),
        ("S16", "SDG 16 - peace, justice and strong institutions"),
    ]
    assert list(recommendation.affected_groups.values_list("name", flat=True)) == ["children"]


def test_a_second_import_of_the_matrix_creates_and_updates_nothing(shared_data):
    run_import(shared_data / MATRIX)

    output = run_import(shared_data / MATRIX)

    assert "recommendations: 0 created, 0 updated, 346 unchanged" in output
    assert "targets: 0 created, 0 updated, 346 unchanged" in output
    assert "responses: 0 created, 0 updated" in output
    assert "documents: 0 created" not in output


def test_a_matrix_that_does_not_name_its_review_takes_the_state_and_session_from_options(
    tmp_path,
):
    path = matrix_file(
        tmp_path / "matrix.docx",
        rows=[
            (
                "115.1 Respect the principle of non-refoulement (Canada);\n"
                "Source of position: A/HRC/25/5/Add.1 - Para. 3",
                "Noted",
                "D27 Prohibition of slavery, trafficking\nAffected persons:\n- migrants",
            ),
            ("115.2 Ratify the 1951 Refugee Convention (Atlantis);", "Supported", ""),
            ("115.3 Give UNHCR access (Norway);", "Perhaps", ""),
        ],
    )

    with pytest.raises(CommandError, match="state under review"):
        run_import(path)
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command(
            "import_recommendations",
            str(path),
            "--state-under-review=DPR Korea",
            "--session=19",
            stdout=out,
        )

    assert raised.value.returncode == 1
    assert "row 4, Recommendation: unknown recommending state 'Atlantis'" in out.getvalue()
    assert "row 5, Position: unknown response 'Perhaps'" in out.getvalue()
    recommendation = Recommendation.objects.get()
    assert recommendation.document.symbol == "A/HRC/25/5"
    assert recommendation.paragraph == "115.1"
    assert recommendation.targets.get().state.code == "PRK"
    assert recommendation.targets.get().status == TargetStatus.NOTED
    assert recommendation.issued_on.isoformat() == "2014-05-09"


def test_the_page_header_names_the_state_under_review_and_the_session(tmp_path):
    path = matrix_file(
        tmp_path / "matrix.docx",
        header="UPR of Bolivia (Plurinational State of) (3rd Cycle – 34th session)\tThematic list",
        rows=[
            (
                "115.1 Ratify OP-CAT (Türkiye) (Venezuela (Bolivarian Republic of));\n"
                "Source of position: A/HRC/43/7 - Para. 115",
                "Supported",
                "",
            )
        ],
    )

    run_import(path)

    recommendation = Recommendation.objects.get()
    assert recommendation.targets.get().state.code == "BOL"
    assert sorted(recommendation.recommending_states.values_list("code", flat=True)) == [
        "TUR",
        "VEN",
    ]
    assert recommendation.issued_on.isoformat() == "2019-11-15"
    # The position was given in the report itself, not in an addendum.
    assert Response.objects.get().document.symbol == "A/HRC/43/7"
