"""Our own flat file: one row per target, the columns a spreadsheet user wants.

The API's `?format=csv` and `?format=xlsx`, the admin's export action and the importer of
our own files all use these columns, so an export imports back as a no-op. Rows carry
natural keys only (symbols, codes, acronyms, slugs), never database ids, so a file exported
from one database and imported into another exports again identically. Many-valued cells
join their values with MULTI_VALUE_SEPARATOR.

Nothing is lost on the way out and back in: a CSV cell a spreadsheet would run as a formula
carries a reversible escape (formula_escaped), and an XLSX text longer than a cell holds goes
on in continuation columns (xlsx_pieces); the importer undoes both.
"""

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import BinaryIO, TextIO

from django.db.models import QuerySet
from django.db.models.functions import Length
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from recommendations.models import Assessment, Recommendation, Response, Target
from recommendations.selectors import latest_value
from recommendations.status import status_on

MULTI_VALUE_SEPARATOR = "; "

EXPORT_COLUMNS = [
    "document_symbol",
    "document_title",
    "document_kind",
    "document_date",
    "document_url",
    "paragraph",
    "text",
    "issued_by",
    "recommending_states",
    "organizations",
    "themes",
    "issued_on",
    "addressee_type",
    "addressee",
    "addressee_name",
    "response_due",
    "follow_up_due",
    "status",
    "latest_position",
    "latest_response_date",
    "latest_response_document",
    "latest_implementation",
    "latest_assessed_on",
]

EXPORT_CHUNK = 2000

# OWASP's CSV injection rule: a spreadsheet runs a cell starting with one of these as a formula
# (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`), and one more apostrophe in front makes it text.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"

# Excel's limit on one cell, in UTF-16 code units (openpyxl cuts a longer string silently).
XLSX_CELL_MAX = 32_767

# A recommendation's many-valued cells: its relation, the related field and the key shown.
MANY_VALUED_COLUMNS = {
    "recommending_states": ("state", "code"),
    "organizations": ("organization", "name"),
    "themes": ("theme", "slug"),
}


# The columns read straight from a row of targets_for_export(), by the lookup that gives them.
PLAIN_COLUMNS = {
    "document_symbol": "recommendation__document__symbol",
    "document_title": "recommendation__document__title",
    "document_kind": "recommendation__document__kind",
    "document_date": "recommendation__document__date",
    "document_url": "recommendation__document__url",
    "paragraph": "recommendation__paragraph",
    "text": "recommendation__text",
    "issued_by": "recommendation__issued_by__acronym",
    "issued_on": "recommendation__issued_on",
    "response_due": "response_due",
    "follow_up_due": "follow_up_due",
    "status": "status",
}
ADDRESSEE_LOOKUPS = ["state__code", "state__name", "body__acronym", "body__name"]
LATEST_COLUMNS = {
    "latest_position": (Response, "position"),
    "latest_response_date": (Response, "date"),
    "latest_response_document": (Response, "document__symbol"),
    "latest_implementation": (Assessment, "implementation"),
    "latest_assessed_on": (Assessment, "assessed_on"),
}
# The columns a private document fills (recommendations/visibility.py), by the lookup of the
# document's id: left empty in an export for readers who are not staff.
DOCUMENT_COLUMNS = {
    "recommendation__document_id": [
        column for column in PLAIN_COLUMNS if column.startswith("document_")
    ],
    "latest_response_document_id": ["latest_response_document"],
}


def targets_for_export(targets: QuerySet[Target]) -> QuerySet[Target]:
    """Everything a row reads but the many-valued cells (see many_valued_cells), as plain
    values: no model instances, which cost more than the query for 100,000 rows."""
    return (
        targets.annotate(
            **{
                column: latest_value(model, field)
                for column, (model, field) in LATEST_COLUMNS.items()
            },
            latest_response_document_id=latest_value(Response, "document_id"),
        )
        .values(
            "recommendation_id",
            *PLAIN_COLUMNS.values(),
            *ADDRESSEE_LOOKUPS,
            *LATEST_COLUMNS,
            *DOCUMENT_COLUMNS,
        )
        # Creation order: an import keeps file order, so a re-export comes out the same.
        .order_by("recommendation_id", "pk")
    )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def formula_escaped(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text: an apostrophe before a cell starting with a
    formula trigger, also before one whose apostrophes are followed by a trigger (a text that
    really starts with `'=`), so that formula_unescaped() can always take exactly one away."""
    if cell.lstrip(FORMULA_ESCAPE).startswith(FORMULA_TRIGGERS):
        return FORMULA_ESCAPE + cell
    return cell


def formula_unescaped(cell: str) -> str:
    """The cell formula_escaped() was given; any other cell as it is."""
    if cell.startswith(FORMULA_ESCAPE) and cell.lstrip(FORMULA_ESCAPE).startswith(FORMULA_TRIGGERS):
        return cell[len(FORMULA_ESCAPE) :]
    return cell


def _joined(values) -> str:
    return MULTI_VALUE_SEPARATOR.join(values)


def many_valued_cells(recommendation_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """The states, organisations and themes cells of these recommendations, one query each.

    Plain values, not prefetched objects: prefetching onto every row's own copy of its
    recommendation costs more than the rest of the export.
    """
    cells: dict[int, dict[str, str]] = defaultdict(lambda: dict.fromkeys(MANY_VALUED_COLUMNS, ""))
    for column, (related, key) in MANY_VALUED_COLUMNS.items():
        values = defaultdict(list)
        through = getattr(Recommendation, column).through.objects
        for recommendation_id, value in through.filter(
            recommendation_id__in=recommendation_ids
        ).values_list("recommendation_id", f"{related}__{key}"):
            values[recommendation_id].append(value)
        for recommendation_id, joined in values.items():
            cells[recommendation_id][column] = _joined(sorted(joined))
    return cells


def target_export_row(
    target: dict,
    many_valued: dict[str, str],
    *,
    today: date,
    withheld_documents: frozenset[int] = frozenset(),
) -> list[str]:
    """One row of targets_for_export() and its recommendation's many-valued cells; the
    status as it is on `today`; the columns of the documents in `withheld_documents` empty."""
    is_state = target["state__code"] is not None
    values = {
        **{column: target[lookup] for column, lookup in PLAIN_COLUMNS.items()},
        "status": status_on(
            stored=target["status"], response_due=target["response_due"], today=today
        ),
        **many_valued,
        "addressee_type": "state" if is_state else "body",
        "addressee": target["state__code"] if is_state else target["body__acronym"],
        "addressee_name": target["state__name"] if is_state else target["body__name"],
        **{column: target[column] for column in LATEST_COLUMNS},
    }
    for lookup, columns in DOCUMENT_COLUMNS.items():
        if target[lookup] in withheld_documents:
            values.update(dict.fromkeys(columns))
    return [_cell(values[column]) for column in EXPORT_COLUMNS]


def target_export_rows(
    targets: QuerySet[Target], withheld_documents: frozenset[int] = frozenset()
) -> Iterator[list[str]]:
    """The rows of a queryset of targets, streamed in chunks: memory stays flat."""
    today = timezone.localdate()
    rows = targets_for_export(targets).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(rows, EXPORT_CHUNK)):
        cells = many_valued_cells({target["recommendation_id"] for target in chunk})
        for target in chunk:
            yield target_export_row(
                target,
                cells[target["recommendation_id"]],
                today=today,
                withheld_documents=withheld_documents,
            )


class _Line:
    """A file for csv.writer that hands each formatted line back instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_row(row: list[str]) -> list[str]:
    return [formula_escaped(cell) for cell in row]


def target_export_csv(
    targets: QuerySet[Target], withheld_documents: frozenset[int] = frozenset()
) -> Iterator[str]:
    """The CSV file, line by line: the header, then one line per target."""
    writer = csv.writer(_Line())
    yield writer.writerow(EXPORT_COLUMNS)
    for row in target_export_rows(targets, withheld_documents):
        yield writer.writerow(csv_row(row))


def target_export_xlsx(
    targets: QuerySet[Target], file: BinaryIO, withheld_documents: frozenset[int] = frozenset()
) -> None:
    export_xlsx(
        target_export_rows(targets, withheld_documents),
        file,
        text_parts=xlsx_text_parts(targets),
    )


def export_csv(rows: Iterable[list[str]], stream: TextIO) -> None:
    """Write the header and rows as CSV (RFC 4180, CRLF) to a text stream; the caller picks
    the encoding (UTF-8, with a BOM for spreadsheets). Importing the file back is a no-op."""
    writer = csv.writer(stream)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(csv_row(row) for row in rows)


def continued_column(column: str, part: int) -> str:
    """The header of a long cell's part (2, 3, ...) in a workbook; part 1 is the column."""
    return f"{column} (continued {part})"


def xlsx_pieces(cell: str) -> list[str]:
    """A cell as a workbook holds it, cut into as few pieces as fit Excel's cell limit.

    Excel cannot hold control characters, so they are dropped first.
    """
    cell = ILLEGAL_CHARACTERS_RE.sub("", cell)
    if len(cell) <= XLSX_CELL_MAX // 2:
        # Fits even if every character is beyond the BMP: no need to count.
        return [cell]
    pieces = []
    while _utf16_length(cell) > XLSX_CELL_MAX:
        end = min(len(cell), XLSX_CELL_MAX)
        # A character beyond the BMP counts twice: drop half the excess (rounded up) from the
        # end until the piece fits. No fewer characters could make up the excess, so the piece
        # is the longest that fits.
        while (excess := _utf16_length(cell[:end]) - XLSX_CELL_MAX) > 0:
            end -= (excess + 1) // 2
        pieces.append(cell[:end])
        cell = cell[end:]
    pieces.append(cell)
    return pieces


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def xlsx_text_parts(targets: QuerySet[Target]) -> int:
    """How many cells the longest text of these targets' recommendations takes in a workbook.

    One query, over the recommendations only, which reads only the texts that may not fit:
    below half the limit even characters beyond the BMP, counted twice, fit.
    """
    long_texts = (
        Recommendation.objects.filter(pk__in=targets.values("recommendation_id"))
        .annotate(text_length=Length("text"))
        .filter(text_length__gt=XLSX_CELL_MAX // 2)
        .values_list("text", flat=True)
    )
    return max((len(xlsx_pieces(text)) for text in long_texts.iterator()), default=1)


def export_xlsx(rows: Iterable[list[str]], stream: BinaryIO, *, text_parts: int = 1) -> None:
    """Write the header and rows as an Excel workbook to a binary stream.

    openpyxl's write-only mode streams rows to the file, so memory stays flat however many
    targets are exported. Cells are text (string cells, never formulas), so dates and codes
    come back as typed and a text starting with "=" stays text. A text longer than a cell
    holds goes on in `text (continued 2)`, ...: `text_parts` columns in all, counted by
    xlsx_text_parts() beforehand since the header comes first. A cell needing more columns
    than its header has raises ValueError: an export is never cut silently.
    """
    parts = dict.fromkeys(EXPORT_COLUMNS, 1) | {"text": text_parts}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("targets")
    sheet.append(
        [
            continued_column(column, part) if part > 1 else column
            for column in EXPORT_COLUMNS
            for part in range(1, parts[column] + 1)
        ]
    )
    # A ValueError leaves the half-written sheet's temporary file to openpyxl, which removes
    # it at exit: only a non-text cell over Excel's limit raises it, and the models' field
    # lengths keep every such cell far below.
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in _xlsx_values(row, parts)])
    workbook.save(stream)


def _xlsx_values(row: list[str], parts: dict[str, int]) -> list[str]:
    values = []
    for column, value in zip(EXPORT_COLUMNS, row, strict=True):
        pieces = xlsx_pieces(value)
        if len(pieces) > parts[column]:
            raise ValueError(
                f"{column}: a cell needs {len(pieces)} columns, the header has {parts[column]}"
            )
        values += pieces + [""] * (parts[column] - len(pieces))
    return values


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    # Set after the value, which would make a text starting with "=" a formula.
    cell.data_type = "s"
    return cell
