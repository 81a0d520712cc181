"""Our own flat file: one row per target, the columns a spreadsheet user wants.

The API's `?format=csv` and `?format=xlsx`, the admin's export action and the importer of
our own files all use these columns, so an export imports back as a no-op. Rows carry
natural keys only (symbols, codes, acronyms, slugs), never database ids, so a file exported
from one database and imported into another exports again identically. Many-valued cells
join their values with MULTI_VALUE_SEPARATOR.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import date
from typing import BinaryIO, TextIO

from django.db.models import OuterRef, QuerySet, Subquery
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from recommendations.models import Assessment, Response, Target

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


def _latest(model, field: str) -> Subquery:
    return Subquery(
        model.objects.filter(target=OuterRef("pk")).order_by(*model.LATEST_FIRST).values(field)[:1]
    )


def targets_for_export(targets: QuerySet[Target]) -> QuerySet[Target]:
    """Everything a row reads, in a constant number of queries per chunk."""
    return (
        targets.select_related(
            "recommendation__document", "recommendation__issued_by", "state", "body"
        )
        .prefetch_related(
            "recommendation__recommending_states",
            "recommendation__organizations",
            "recommendation__themes",
        )
        .annotate(
            latest_position=_latest(Response, "position"),
            latest_response_date=_latest(Response, "date"),
            latest_response_document=_latest(Response, "document__symbol"),
            latest_implementation=_latest(Assessment, "implementation"),
            latest_assessed_on=_latest(Assessment, "assessed_on"),
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


def target_export_row(target: Target) -> list[str]:
    recommendation = target.recommendation
    document = recommendation.document
    addressee_is_state = target.state_id is not None
    values = {
        "document_symbol": document.symbol if document else "",
        "document_title": document.title if document else "",
        "document_kind": document.kind if document else "",
        "document_date": document.date if document else None,
        "document_url": document.url if document else "",
        "paragraph": recommendation.paragraph,
        "text": recommendation.text,
        "issued_by": recommendation.issued_by.acronym if recommendation.issued_by else "",
        "recommending_states": _joined(
            sorted(state.code for state in recommendation.recommending_states.all())
        ),
        "organizations": _joined(
            sorted(organization.name for organization in recommendation.organizations.all())
        ),
        "themes": _joined(sorted(theme.slug for theme in recommendation.themes.all())),
        "issued_on": recommendation.issued_on,
        "addressee_type": "state" if addressee_is_state else "body",
        "addressee": target.state.code if addressee_is_state else target.body.acronym,
        "addressee_name": target.state.name if addressee_is_state else target.body.name,
        "response_due": target.response_due,
        "follow_up_due": target.follow_up_due,
        "status": target.status,
        "latest_position": target.latest_position,
        "latest_response_date": target.latest_response_date,
        "latest_response_document": target.latest_response_document,
        "latest_implementation": target.latest_implementation,
        "latest_assessed_on": target.latest_assessed_on,
    }
    return [_cell(values[column]) for column in EXPORT_COLUMNS]


def target_export_rows(targets: QuerySet[Target]) -> Iterator[list[str]]:
    """The rows of a queryset of targets, streamed in chunks: memory stays flat."""
    for target in targets_for_export(targets).iterator(chunk_size=EXPORT_CHUNK):
        yield target_export_row(target)


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
