"""Our own flat file: one row per target, the columns a spreadsheet user wants.

The API's `?format=csv` and `?format=xlsx`, the admin's export action and the importer of
our own files all use these columns, so an export imports back as a no-op. Rows carry
natural keys only (symbols, codes, acronyms, slugs), never database ids, so a file exported
from one database and imported into another exports again identically. Many-valued cells
join their values with MULTI_VALUE_SEPARATOR.
"""

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import BinaryIO, TextIO

from django.db.models import QuerySet
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


def targets_for_export(targets: QuerySet[Target]) -> QuerySet[Target]:
    """Everything a row reads but the many-valued cells (see many_valued_cells), as plain
    values: no model instances, which cost more than the query for 100,000 rows."""
    return (
        targets.annotate(
            **{
                column: latest_value(model, field)
                for column, (model, field) in LATEST_COLUMNS.items()
            }
        )
        .values(
            "recommendation_id",
            *PLAIN_COLUMNS.values(),
            *ADDRESSEE_LOOKUPS,
            *LATEST_COLUMNS,
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


def target_export_row(target: dict, many_valued: dict[str, str], *, today: date) -> list[str]:
    """One row of targets_for_export() and its recommendation's many-valued cells; the
    status as it is on `today`."""
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
    return [_cell(values[column]) for column in EXPORT_COLUMNS]


def target_export_rows(targets: QuerySet[Target]) -> Iterator[list[str]]:
    """The rows of a queryset of targets, streamed in chunks: memory stays flat."""
    today = timezone.localdate()
    rows = targets_for_export(targets).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(rows, EXPORT_CHUNK)):
        cells = many_valued_cells({target["recommendation_id"] for target in chunk})
        for target in chunk:
            yield target_export_row(target, cells[target["recommendation_id"]], today=today)


class _Line:
    """A file for csv.writer that hands each formatted line back instead of storing it."""

    def write(self, line: str) -> str:
        return line


def target_export_csv(targets: QuerySet[Target]) -> Iterator[str]:
    """The CSV file, line by line: the header, then one line per target."""
    writer = csv.writer(_Line())
    yield writer.writerow(EXPORT_COLUMNS)
    for row in target_export_rows(targets):
        yield writer.writerow(row)


def target_export_xlsx(targets: QuerySet[Target], file: BinaryIO) -> None:
    export_xlsx(target_export_rows(targets), file)


def export_csv(rows: Iterable[list[str]], stream: TextIO) -> None:
    """Write the header and rows as CSV (RFC 4180, CRLF) to a text stream; the caller picks
    the encoding (UTF-8, with a BOM for spreadsheets). Importing the file back is a no-op."""
    writer = csv.writer(stream)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)


def export_xlsx(rows: Iterable[list[str]], stream: BinaryIO) -> None:
    """Write the header and rows as an Excel workbook to a binary stream.

    openpyxl's write-only mode streams rows to the file, so memory stays flat however many
    targets are exported. Cells are text, as in the CSV, so dates and codes come back as typed.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("targets")
    sheet.append(EXPORT_COLUMNS)
    for row in rows:
        sheet.append([_text_cell(sheet, value) for value in row])
    workbook.save(stream)


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    # Excel cannot hold control characters; and a text starting with "=" stays text, never
    # a formula.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell
