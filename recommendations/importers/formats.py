"""Which parser reads a file: the one named, or the one its contents show."""

import csv
import io
import zipfile

from django.utils.translation import gettext_noop

from recommendations.choices import ImportFormat
from recommendations.exports import EXPORT_COLUMNS
from recommendations.importers import ohchr_matrix, tracker_export, uhri, upr_info
from recommendations.importers.core import ImportFileError, cell_text
from recommendations.importers.messages import Message

PARSERS = {
    ImportFormat.UPR_INFO: upr_info.parse,
    ImportFormat.OHCHR_MATRIX: ohchr_matrix.parse,
    ImportFormat.UHRI: uhri.parse,
    ImportFormat.CSV: tracker_export.parse_csv,
    ImportFormat.XLSX: tracker_export.parse_xlsx,
}


def format_detect(content: bytes) -> str:
    """Word and Excel files are zip archives told apart by their parts; CSVs by their header."""
    if zipfile.is_zipfile(io.BytesIO(content)):
        names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        if "word/document.xml" in names:
            return ImportFormat.OHCHR_MATRIX
        if any(name.startswith("xl/") for name in names):
            header = {cell_text(cell) for cell in next(uhri.sheet_rows(content), (1, ()))[1]}
            return _by_header(header, ImportFormat.UHRI, ImportFormat.XLSX)
        raise ImportFileError(
            Message(gettext_noop("a zip archive that is neither a Word nor an Excel file"))
        )
    text = content.removeprefix(b"\xef\xbb\xbf")
    if not text.strip():
        raise ImportFileError(Message(gettext_noop("the file is empty")))
    first_line = text.splitlines()[0]
    header = next(csv.reader([first_line.decode("latin-1")]), [])
    return _by_header({cell.strip() for cell in header}, ImportFormat.UPR_INFO, ImportFormat.CSV)


def _by_header(header: set[str], theirs: str, ours: str) -> str:
    if set(EXPORT_COLUMNS) <= header:
        return ours
    expected = set(uhri.REQUIRED if theirs == ImportFormat.UHRI else upr_info.COLUMNS)
    if expected <= header:
        return theirs
    raise ImportFileError(
        Message(
            gettext_noop(
                "unknown format: the first row is neither a UPR Info, a UHRI nor a tracker "
                "export header"
            )
        )
    )
