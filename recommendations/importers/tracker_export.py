"""Our own export (`exports.EXPORT_COLUMNS`), as CSV or XLSX: one row per target.

Rows carry natural keys only (symbols, codes, acronyms, slugs), so a file exported from one
database imports into another. The rows of one recommendation are merged back by its key;
`status` is derived, never read; the latest response and assessment come back as rows of
their own. Bodies, organisations and themes a database lacks are created from their keys.
"""

from recommendations.choices import BodyKind, DocumentKind, Implementation, ImportFormat, Position
from recommendations.exports import EXPORT_COLUMNS, MULTI_VALUE_SEPARATOR
from recommendations.importers.core import (
    AssessmentRow,
    BodyRef,
    DocumentRef,
    ImportOptions,
    ParsedFile,
    RecommendationRow,
    ResponseRow,
    RowError,
    StateNames,
    TargetRow,
    ThemeRef,
    cell_text,
    columns_required,
    date_from_cell,
    text_rows_read,
)
from recommendations.importers.uhri import sheet_rows

# Where a record's values come from, for the rows validation refuses.
FIELD_COLUMNS = {
    "document.symbol": "document_symbol",
    "document.title": "document_title",
    "document.url": "document_url",
    "issued_by.acronym": "issued_by",
    "issued_by.name": "issued_by",
    "targets.body.acronym": "addressee",
    "targets.body.name": "addressee_name",
    "responses.document.symbol": "latest_response_document",
    "responses.document.title": "latest_response_document",
}


def parse_csv(content: bytes, *, options: ImportOptions, states: StateNames) -> ParsedFile:
    text = text_rows_read(content, fallback_encoding="cp1252")
    columns = columns_required(text.header, EXPORT_COLUMNS)
    parsed = ParsedFile(format=ImportFormat.CSV, columns=FIELD_COLUMNS)
    rows = []
    for number, cells, bad_bytes in text.rows:
        parsed.rows_read += 1
        if bad_bytes:
            parsed.errors.extend(RowError(number, text.header[i], why) for i, why in bad_bytes)
            continue
        cells = cells + [""] * (len(text.header) - len(cells))
        rows.append((number, {name: cells[index] for name, index in columns.items()}))
    _records(rows, parsed, states)
    return parsed


def parse_xlsx(content: bytes, *, options: ImportOptions, states: StateNames) -> ParsedFile:
    sheet = sheet_rows(content)
    header = [cell_text(cell) for cell in next(sheet, (1, (), []))[1]]
    columns = columns_required(header, EXPORT_COLUMNS)
    parsed = ParsedFile(format=ImportFormat.XLSX, columns=FIELD_COLUMNS)
    rows = []
    for number, cells, too_long in sheet:
        if not any(cell not in (None, "") for cell in cells) and not too_long:
            continue
        parsed.rows_read += 1
        if too_long:
            parsed.errors.extend(RowError(number, header[i], why) for i, why in too_long)
            continue
        rows.append(
            (number, {name: cells[i] if i < len(cells) else None for name, i in columns.items()})
        )
    _records(rows, parsed, states)
    return parsed


def _records(rows: list[tuple[int, dict]], parsed: ParsedFile, states: StateNames) -> None:
    # A body's name travels in the rows where it is the addressee; use it wherever it issues.
    body_names = {
        cell_text(row["addressee"]): cell_text(row["addressee_name"])
        for _, row in rows
        if cell_text(row["addressee_type"]) == "body"
    }
    for number, row in rows:
        record = _record(number, row, states, body_names)
        if isinstance(record, list):
            parsed.errors.extend(record)
        else:
            parsed.records.append(record)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(MULTI_VALUE_SEPARATOR.strip()) if part.strip()]


def _record(
    number: int, row: dict, states: StateNames, body_names: dict
) -> RecommendationRow | list:
    value = {name: cell_text(cell) for name, cell in row.items()}
    errors = []

    def bad(column: str, reason: str) -> None:
        errors.append(RowError(number, column, reason))

    def day(column: str):
        try:
            return date_from_cell(row[column])
        except ValueError as error:
            bad(column, str(error))
            return None

    def choice(column: str, choices) -> str:
        if value[column] and value[column] not in choices.values:
            bad(column, f"unknown value '{value[column]}' (known: {', '.join(choices.values)})")
            return ""
        return value[column]

    def body(acronym: str) -> BodyRef:
        return BodyRef(
            acronym=acronym, name=body_names.get(acronym) or acronym, kind=BodyKind.OTHER
        )

    if not value["text"]:
        bad("text", "empty text")
    document = None
    if value["document_symbol"] or value["document_title"]:
        document = DocumentRef(
            symbol=value["document_symbol"],
            title=value["document_title"] or value["document_symbol"],
            kind=choice("document_kind", DocumentKind) or DocumentKind.OTHER,
            date=day("document_date"),
            url=value["document_url"],
            authoritative=True,
        )
    recommending = []
    for code in _split(value["recommending_states"]):
        if code in states.by_code:
            recommending.append(code)
        else:
            bad("recommending_states", f"unknown state code '{code}'")
    target = TargetRow(
        response_due=day("response_due"), follow_up_due=day("follow_up_due"), due_dates_given=True
    )
    if value["addressee_type"] == "state":
        if value["addressee"] in states.by_code:
            target.state = value["addressee"]
        else:
            bad("addressee", f"unknown state code '{value['addressee']}'")
    elif value["addressee_type"] == "body" and value["addressee"]:
        target.body = BodyRef(
            acronym=value["addressee"], name=value["addressee_name"] or value["addressee"]
        )
    else:
        bad(
            "addressee_type",
            f"'{value['addressee_type']}': expected state or body, with an addressee",
        )
    position = choice("latest_position", Position)
    responded_on = day("latest_response_date")
    if position and responded_on is None:
        bad("latest_response_date", "empty: a position needs its date")
    implementation = choice("latest_implementation", Implementation)
    assessed_on = day("latest_assessed_on")
    issued_on = day("issued_on")
    if implementation and assessed_on is None:
        bad("latest_assessed_on", "empty: an assessment needs its date")
    if errors:
        return errors

    if position:
        symbol = value["latest_response_document"]
        target.responses.append(
            ResponseRow(
                position=position,
                date=responded_on,
                document=DocumentRef(symbol=symbol, title=symbol) if symbol else None,
            )
        )
    if implementation:
        target.assessments.append(
            AssessmentRow(implementation=implementation, assessed_on=assessed_on)
        )
    return RecommendationRow(
        row=number,
        text=value["text"],
        document=document,
        paragraph=value["paragraph"],
        issued_by=body(value["issued_by"]) if value["issued_by"] else None,
        issued_on=issued_on,
        recommending_states=recommending,
        organizations=_split(value["organizations"]),
        themes=[ThemeRef(name=slug, slug=slug) for slug in _split(value["themes"])],
        targets=[target],
    )
