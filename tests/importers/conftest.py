import os
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook

# CI clones the repository with shared/ beside it, as this tree sits beside /work/shared.
SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

UHRI_COLUMNS = [
    "Text",
    "Countries Concerned",
    "Reccomending Body",
    "Document Symbol",
    "Themes",
    "Affected Persons",
    "Sdgs",
    "Document Publication Date",
    "UPR Reccomending States",
    "UPR Position",
    "Type",
    "OHCHR Annotation Id",
    "UPR Session",
    "Regions Concerned",
    "Recommending Regions",
    "Date of publication on UHRI",
]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real files of ../shared/data; missing, they skip a test, except under CI=true."""
    if not SHARED_DATA.is_dir():
        message = f"the shared data directory {SHARED_DATA.resolve()} is missing"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_DATA


def uhri_workbook(rows: list[dict], path: Path) -> Path:
    """An .xlsx of UHRI's export shape: its sixteen columns, in its order and spelling."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(UHRI_COLUMNS)
    for row in rows:
        sheet.append([row.get(column) for column in UHRI_COLUMNS])
    workbook.save(path)
    return path


def upr_info_csv(rows: list[list[str]], *, line_end: bytes = b"\r", encoding="mac_roman") -> bytes:
    """A UPR Info export: its header, its quoting, its line endings (a bare CR by default)."""
    header = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session"
    lines = [header.encode()]
    for to, text, frm, response, issue, session in rows:
        cells = [to, "Asia", "", text, frm, "WEOG", "", response, "4", issue, session]
        lines.append(",".join(_quoted(cell) for cell in cells).encode(encoding))
    return line_end.join(lines)


def _quoted(cell: str) -> str:
    return f'"{cell.replace(chr(34), chr(34) * 2)}"' if any(c in cell for c in ',"\n') else cell


def matrix_file(path, *, header: str = "", rows: list[tuple[str, str, str]]) -> Path:
    """An OHCHR matrix: its four columns, a "Theme:" row, then (text, position, themes) rows."""
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    table = document.add_table(rows=1, cols=4)
    for cell, name in zip(
        table.rows[0].cells,
        ["Recommendation", "Position", "Full list of themes", "Assessment/comments"],
        strict=True,
    ):
        cell.text = name
    theme_row = table.add_row()
    for cell in theme_row.cells:
        cell.text = "Theme: A12 Acceptance of international norms"
    for recommendation, position, themes in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = recommendation, position, themes
    document.save(path)
    return path
