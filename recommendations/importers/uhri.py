"""The Universal Human Rights Index's Excel export (uhri.ohchr.org, "Export to Excel").

Columns as UHRI writes them, its spelling kept ("Reccomending Body"). A multi-valued cell
holds one value per line, each starting "- "; dates may be Excel serial numbers. Each
country concerned is one target. UPR rows carry the recommending states and the position;
a paragraph number opening the text ("28.5 Ratify ...") becomes the paragraph, so a UHRI
export and the OHCHR matrix of one review meet on the same natural keys. Rows UHRI types as
something other than a recommendation (concerns, observations) are skipped, and counted.
"""

import io
import re
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext_noop
from lxml import etree
from openpyxl import load_workbook

from recommendations.choices import BodyKind, DocumentKind, ImportFormat
from recommendations.importers.core import (
    BodyRef,
    DocumentRef,
    ImportFileError,
    ImportOptions,
    ParsedFile,
    RecommendationRow,
    ResponseRow,
    RowError,
    SdgRef,
    StateNames,
    TargetRow,
    ThemeRef,
    UnknownPosition,
    UnknownState,
    cell_error,
    cell_text,
    column_number,
    columns_check,
    columns_required,
    date_from_cell,
    position_from_word,
    rows_check,
    value_error_message,
)
from recommendations.importers.messages import Message
from recommendations.importers.sessions import UprCalendar

COLUMNS = [
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
REQUIRED = ["Text", "Countries Concerned", "Reccomending Body", "Document Symbol"]
# Where a record's values come from, for the rows validation refuses.
FIELD_COLUMNS = {
    "text": "Text",
    "paragraph": "Text",
    "document.symbol": "Document Symbol",
    "document.title": "Document Symbol",
    "document.body.acronym": "Reccomending Body",
    "document.body.name": "Reccomending Body",
    "issued_by.acronym": "Reccomending Body",
    "issued_by.name": "Reccomending Body",
    "themes": "Themes",
    "affected_groups": "Affected Persons",
    "sdgs": "Sdgs",
}
TREATY_BODIES = {
    "CAT", "CCPR", "CED", "CEDAW", "CERD", "CESCR", "CMW", "CRC", "CRC-OP-AC", "CRC-OP-SC",
    "CRPD", "SPT",
}  # fmt: skip
# Special procedures: "SR ...", "IE ...", "WG ..." mandates, or UHRI's umbrella entry.
SPECIAL_PROCEDURE = re.compile(r"^(SR|IE|WG)\b|^Special Procedures$", re.IGNORECASE)
PARAGRAPH = re.compile(r"(?P<number>\d+(?:\.\d+)+)\.?\s+(?P<text>.*)", re.DOTALL)


def body_ref(name: str) -> BodyRef:
    if name.upper() == "UPR":
        return BodyRef(acronym="UPR", name="Universal Periodic Review", kind=BodyKind.UPR)
    if name.upper() in TREATY_BODIES:
        return BodyRef(acronym=name.upper(), name=name.upper(), kind=BodyKind.TREATY_BODY)
    if SPECIAL_PROCEDURE.search(name):
        return BodyRef(acronym=name[:50], name=name, kind=BodyKind.SPECIAL_PROCEDURE)
    return BodyRef(acronym=name[:50], name=name, kind=BodyKind.OTHER)


def sdg_ref(entry: str) -> SdgRef:
    """ "16.10 - Public access to information ..." as UHRI writes a goal or target."""
    code, _, name = entry.partition(" - ")
    return SdgRef(code=code.strip().removeprefix("SDG").strip(), name=name.strip())


DOCUMENT_KINDS = {
    BodyKind.UPR: DocumentKind.UPR_REPORT,
    BodyKind.TREATY_BODY: DocumentKind.CONCLUDING_OBSERVATIONS,
}


def values(cell) -> list[str]:
    """A multi-valued cell's values: one per line, the "- " prefix taken off."""
    return [
        line.strip().removeprefix("-").strip()
        for line in cell_text(cell).splitlines()
        if line.strip().removeprefix("-").strip()
    ]


def value(cell) -> str:
    found = values(cell)
    return found[0] if found else ""


def sheet_rows(content: bytes) -> Iterator[tuple[int, tuple, list[tuple[int, str]]]]:
    """The active sheet's rows: (row number, cells, [(column index, why a cell is too long)]),
    within IMPORT_MAX_ROWS and IMPORT_MAX_COLUMNS; a cell over IMPORT_MAX_CELL_CHARS is None."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, etree.XMLSyntaxError) as error:
        raise ImportFileError(
            Message(gettext_noop("not an Excel (.xlsx) file: %(error)s"), error=str(error))
        ) from None
    sheet = workbook.active
    # The sheet's declared dimension may lie ("A1:XFD1048576"): openpyxl would pad every row
    # to it. Without it, a row is as wide as its last cell.
    sheet.reset_dimensions()
    return _rows_within_limits(sheet.iter_rows(values_only=True))


def _rows_within_limits(rows) -> Iterator[tuple[int, tuple, list[tuple[int, str]]]]:
    for number, cells in enumerate(rows, start=1):
        rows_check(number - 1)
        columns_check(len(cells), number)
        too_long = [
            (index, reason)
            for index, cell in enumerate(cells)
            if isinstance(cell, str) and (reason := cell_error(cell))
        ]
        if too_long:
            over = {index for index, _ in too_long}
            cells = tuple(None if index in over else cell for index, cell in enumerate(cells))
        yield number, cells, too_long


def parse(
    content: bytes, *, options: ImportOptions, states: StateNames, calendar: UprCalendar
) -> ParsedFile:
    rows = sheet_rows(content)
    header = [cell_text(cell) for cell in next(rows, (1, (), []))[1]]
    columns = columns_required(header, REQUIRED)
    parsed = ParsedFile(format=ImportFormat.UHRI, columns=FIELD_COLUMNS)
    for number, cells, too_long in rows:
        if not any(cell not in (None, "") for cell in cells) and not too_long:
            continue
        parsed.rows_read += 1
        if too_long:
            parsed.errors.extend(
                RowError(number, header[i] if i < len(header) else column_number(i), why)
                for i, why in too_long
            )
            continue
        row = {
            name: cells[index] if index < len(cells) else None for name, index in columns.items()
        }
        kind = value(row.get("Type"))
        if kind and "recommendation" not in kind.casefold():
            parsed.skipped.append(
                RowError(
                    number,
                    "Type",
                    Message(gettext_noop("'%(type)s' is not a recommendation"), type=kind),
                )
            )
            continue
        record = _record(number, row, states, calendar, parsed.corrections)
        if isinstance(record, list):
            parsed.errors.extend(record)
        else:
            parsed.records.append(record)
    return parsed


def _record(
    number: int,
    row: dict,
    states: StateNames,
    calendar: UprCalendar,
    corrections: list[RowError],
) -> RecommendationRow | list:
    errors = []

    def bad(column: str, reason: Message) -> None:
        errors.append(RowError(number, column, reason))

    def codes(column: str) -> list[str]:
        found = []
        for name in values(row.get(column)):
            try:
                match = states.match(name)
            except UnknownState as error:
                bad(column, error.message)
                continue
            if match.guessed_as:
                corrections.append(RowError(number, column, match.correction(name)))
            if match.state.code not in found:
                found.append(match.state.code)
        return found

    text = cell_text(row["Text"])
    paragraph = ""
    numbered = PARAGRAPH.fullmatch(text)
    if numbered:
        paragraph, text = numbered["number"], numbered["text"].strip()
    if not text:
        bad("Text", Message(gettext_noop("empty text")))
    countries = codes("Countries Concerned")
    if not countries and not values(row["Countries Concerned"]):
        bad("Countries Concerned", Message(gettext_noop("empty: no country concerned")))
    recommending = codes("UPR Reccomending States")
    body_name = value(row["Reccomending Body"])
    if not body_name:
        bad("Reccomending Body", Message(gettext_noop("empty: the body that issued it")))
    symbol = value(row["Document Symbol"])
    if not symbol:
        bad("Document Symbol", Message(gettext_noop("empty: the document it is in")))
    try:
        published = date_from_cell(row.get("Document Publication Date"))
    except ValueError as error:
        bad("Document Publication Date", value_error_message(error))
        published = None
    try:
        position = position_from_word(value(row.get("UPR Position")))
    except UnknownPosition as error:
        bad("UPR Position", error.position_message)
        position = None
    found = re.search(r"\d+", value(row.get("UPR Session")))
    session = int(found[0]) if found else None
    responded_on = published or (calendar.last_day(session) if session else None)
    if position and responded_on is None:
        bad(
            "UPR Position",
            Message(gettext_noop("no date for the position: Document Publication Date is empty")),
        )
    if errors:
        return errors

    body = body_ref(body_name)
    document = DocumentRef(
        symbol=symbol,
        title=symbol,
        kind=DOCUMENT_KINDS.get(body.kind, DocumentKind.REPORT),
        body=body,
        date=published,
        # A UPR report concerns the one state under review.
        upr_review=(
            (countries[0], session)
            if session and body.kind == BodyKind.UPR and len(countries) == 1
            else None
        ),
    )
    responses = [ResponseRow(position=position, date=responded_on)] if position else []
    return RecommendationRow(
        row=number,
        text=text,
        document=document,
        paragraph=paragraph,
        issued_by=body,
        issued_on=published,
        recommending_states=recommending,
        themes=[ThemeRef.named(name) for name in values(row.get("Themes"))],
        sdgs=[sdg_ref(entry) for entry in values(row.get("Sdgs"))],
        affected_groups=values(row.get("Affected Persons")),
        targets=[TargetRow(state=code, responses=list(responses)) for code in countries],
    )
