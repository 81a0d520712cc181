"""Our own export (`exports.EXPORT_COLUMNS`), as CSV or XLSX: one row per target.

Rows carry natural keys only (symbols, codes, acronyms, slugs), so a file exported from one
database imports into another. The rows of one recommendation are merged back by its key;
`status` is derived, never read; the latest response and assessment come back as rows of
their own. Bodies, organisations and themes a database lacks are created from their keys.

What the writers did to keep a cell whole is undone here, so export, import and export again
gives the same file: a CSV cell loses the apostrophe `exports.formula_escaped` gave it, and a
workbook's `text (continued 2)`, ... columns are joined back onto `text`.
"""

import csv
import re

from django.conf import settings
from django.utils.translation import gettext_noop

from recommendations.choices import BodyKind, DocumentKind, Implementation, ImportFormat, Position
from recommendations.exports import (
    EXPORT_COLUMNS,
    FORMULA_ESCAPE,
    MULTI_VALUE_SEPARATOR,
    continued_column,
    formula_unescaped,
)
from recommendations.importers.core import (
    AssessmentRow,
    BodyRef,
    DocumentRef,
    ImportFileError,
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
    missing_columns,
    text_rows_read,
    value_error_message,
)
from recommendations.importers.messages import Message
from recommendations.importers.sessions import UprCalendar
from recommendations.importers.uhri import sheet_rows

# exports.continued_column's header: parts 2, 3, ...
CONTINUED = re.compile(r"(?P<column>.+) \(continued (?P<part>[2-9]|[1-9][0-9]+)\)")


def csv_field_limit() -> int:
    """The longest cell our CSV reader accepts: the longest text, with its escape."""
    return settings.TRACKER_TEXT_MAX_CHARS + len(FORMULA_ESCAPE)


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


def parse_csv(
    content: bytes, *, options: ImportOptions, states: StateNames, calendar: UprCalendar
) -> ParsedFile:
    # Python's csv module refuses a cell over 131,072 characters by default. Its limit is one
    # per process: only ever raised, never set back, so a thread reading at the same time keeps
    # a limit high enough. The file is in memory already, so a larger cell costs nothing more.
    csv.field_size_limit(max(csv.field_size_limit(), csv_field_limit()))
    try:
        text = text_rows_read(content, fallback_encoding="cp1252")
    except csv.Error as error:
        raise ImportFileError(
            Message(gettext_noop("not a readable CSV file: %(error)s"), error=str(error))
        ) from None
    columns = columns_required(text.header, EXPORT_COLUMNS)
    parsed = ParsedFile(format=ImportFormat.CSV, columns=FIELD_COLUMNS)
    rows = []
    for number, cells, bad_bytes in text.rows:
        parsed.rows_read += 1
        if bad_bytes:
            parsed.errors.extend(RowError(number, text.header[i], why) for i, why in bad_bytes)
            continue
        cells = cells + [""] * (len(text.header) - len(cells))
        rows.append(
            (number, {name: formula_unescaped(cells[index]) for name, index in columns.items()})
        )
    _records(rows, parsed, states)
    return parsed


def parse_xlsx(
    content: bytes, *, options: ImportOptions, states: StateNames, calendar: UprCalendar
) -> ParsedFile:
    sheet = sheet_rows(content)
    header = [cell_text(cell) for cell in next(sheet, (1, (), []))[1]]
    columns = columns_required(header, EXPORT_COLUMNS)
    continuations = _continuations(header)
    parsed = ParsedFile(format=ImportFormat.XLSX, columns=FIELD_COLUMNS)
    rows = []
    for number, cells, too_long in sheet:
        if not any(cell not in (None, "") for cell in cells) and not too_long:
            continue
        parsed.rows_read += 1
        if too_long:
            parsed.errors.extend(RowError(number, header[i], why) for i, why in too_long)
            continue
        row = {name: cells[i] if i < len(cells) else None for name, i in columns.items()}
        for name, indexes in continuations.items():
            pieces = [row[name], *(cells[i] for i in indexes if i < len(cells))]
            if any(piece not in (None, "") for piece in pieces[1:]):
                row[name] = "".join(str(piece) for piece in pieces if piece is not None)
        rows.append((number, row))
    _records(rows, parsed, states)
    return parsed


def _continuations(header: list[str]) -> dict[str, list[int]]:
    """The positions of each column's `(continued 2)`, `(continued 3)`, ... in that order; a
    part missing from the header (a column deleted by hand) stops the file, since the text
    would come back cut."""
    parts: dict[str, dict[int, int]] = {}
    for index, name in enumerate(header):
        if (match := CONTINUED.fullmatch(name)) and match["column"] in EXPORT_COLUMNS:
            parts.setdefault(match["column"], {})[int(match["part"])] = index
    for column, by_part in parts.items():
        missing = [
            continued_column(column, part)
            for part in range(2, max(by_part) + 1)
            if part not in by_part
        ]
        if missing:
            raise missing_columns(missing)
    return {column: [by_part[n] for n in sorted(by_part)] for column, by_part in parts.items()}


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

    def bad(column: str, reason: Message) -> None:
        errors.append(RowError(number, column, reason))

    def day(column: str):
        try:
            return date_from_cell(row[column])
        except ValueError as error:
            bad(column, value_error_message(error))
            return None

    def choice(column: str, choices) -> str:
        if value[column] and value[column] not in choices.values:
            bad(
                column,
                Message(
                    gettext_noop("unknown value '%(value)s' (known: %(known)s)"),
                    value=value[column],
                    known=", ".join(choices.values),
                ),
            )
            return ""
        return value[column]

    def body(acronym: str) -> BodyRef:
        return BodyRef(
            acronym=acronym, name=body_names.get(acronym) or acronym, kind=BodyKind.OTHER
        )

    if not value["text"]:
        bad("text", Message(gettext_noop("empty text")))
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
            bad(
                "recommending_states",
                Message(gettext_noop("unknown state code '%(code)s'"), code=code),
            )
    target = TargetRow(
        response_due=day("response_due"), follow_up_due=day("follow_up_due"), due_dates_given=True
    )
    if value["addressee_type"] == "state":
        if value["addressee"] in states.by_code:
            target.state = value["addressee"]
        else:
            bad(
                "addressee",
                Message(gettext_noop("unknown state code '%(code)s'"), code=value["addressee"]),
            )
    elif value["addressee_type"] == "body" and value["addressee"]:
        target.body = BodyRef(
            acronym=value["addressee"], name=value["addressee_name"] or value["addressee"]
        )
    else:
        bad(
            "addressee_type",
            Message(
                gettext_noop("'%(type)s': expected state or body, with an addressee"),
                type=value["addressee_type"],
            ),
        )
    position = choice("latest_position", Position)
    responded_on = day("latest_response_date")
    if position and responded_on is None:
        bad("latest_response_date", Message(gettext_noop("empty: a position needs its date")))
    implementation = choice("latest_implementation", Implementation)
    assessed_on = day("latest_assessed_on")
    issued_on = day("issued_on")
    if implementation and assessed_on is None:
        bad("latest_assessed_on", Message(gettext_noop("empty: an assessment needs its date")))
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
