"""Hostile and broken files for the importers, generated, never committed as binaries.

`python tests/hostile_files.py DIR` writes them to DIR; the tests call `hostile_files(dir)`.
Each is named for what it tries: zip bombs (by ratio, by element count, a directory that
lies about sizes), damaged archives, entity declarations, a far cell, over-long cells and
values the API refuses. `EXPECTED` says what the import must answer for each.
"""

import io
import itertools
import random
import sys
import zipfile
from pathlib import Path

import docx
from openpyxl import Workbook

MB = 2**20
_UPR_INFO_HEADER = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session"


def _docx() -> bytes:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Recommendation", "Position"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xlsx(far_cell: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Text", "Countries Concerned", "Reccomending Body", "Document Symbol"])
    sheet.append(["Respect non-refoulement", "China", "CAT", "CAT/C/CHN/CO/5"])
    if far_cell:
        sheet.cell(row=1_048_576, column=1, value="far")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _replace_member(archive: bytes, name: str, chunks, *, level: int = 9) -> bytes:
    """The archive with one member's contents replaced, streamed from `chunks` (bytes)."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as target:
        for member in source.infolist():
            if member.filename != name:
                target.writestr(member, source.read(member.filename))
                continue
            info = zipfile.ZipInfo(name)
            info.compress_type, info._compresslevel = zipfile.ZIP_DEFLATED, level
            with target.open(info, "w", force_zip64=True) as stream:
                for chunk in chunks:
                    stream.write(chunk)
    return out.getvalue()


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _document_xml(body_chunks) -> itertools.chain:
    return itertools.chain(
        [f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>'.encode()],
        body_chunks,
        [b"</w:body></w:document>"],
    )


def docx_bomb_ratio() -> bytes:
    """A Word file whose document inflates to 256 MB of paragraphs, under 1 MB zipped."""
    paragraph = b"<w:p><w:r><w:t>Ratify the Convention</w:t></w:r></w:p>" * 20_000
    chunks = itertools.repeat(paragraph, (256 * MB) // len(paragraph))
    return _replace_member(_docx(), "word/document.xml", _document_xml(chunks))


def docx_many_elements() -> bytes:
    """Millions of small elements, each different enough to keep the ratio low (< 10)."""
    rng = random.Random(13)

    def chunks():
        for _ in range(60):
            yield b"".join(b'<w:p w:rsidR="%08X"/>' % rng.getrandbits(32) for _ in range(10_000))

    return _replace_member(_docx(), "word/document.xml", _document_xml(chunks()), level=1)


def _central_entry(data: bytes, name: bytes) -> int:
    """Where the central directory's entry for `name` starts (the directory is at the end)."""
    position = len(data)
    while (position := data.rfind(b"PK\x01\x02", 0, position)) >= 0:
        name_length = int.from_bytes(data[position + 28 : position + 30], "little")
        if data[position + 46 : position + 46 + name_length] == name:
            return position
    raise ValueError(f"no entry {name!r}")


def docx_lying_directory() -> bytes:
    """A 200 MB document whose directory declares 1 KB: the sizes checked must be inflated."""
    data = bytearray(docx_bomb_small())
    entry = _central_entry(bytes(data), b"word/document.xml")
    # The central directory's uncompressed size (32 bits: the member is under 4 GB).
    data[entry + 24 : entry + 28] = (1024).to_bytes(4, "little")
    return bytes(data)


def docx_bomb_small() -> bytes:
    paragraph = b"<w:p><w:r><w:t>Ratify the Convention</w:t></w:r></w:p>" * 20_000
    chunks = itertools.repeat(paragraph, (200 * MB) // len(paragraph))
    return _replace_member(_docx(), "word/document.xml", _document_xml(chunks))


def xlsx_bomb_ratio() -> bytes:
    """A workbook whose sheet inflates to 256 MB of identical rows."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    row = b'<row><c t="inlineStr"><is><t>Ratify the Convention</t></is></c></row>' * 10_000
    chunks = itertools.chain(
        [head], itertools.repeat(row, (256 * MB) // len(row)), [b"</sheetData></worksheet>"]
    )
    return _replace_member(_xlsx(), "xl/worksheets/sheet1.xml", chunks)


def docx_corrupt_deflate() -> bytes:
    content = bytearray(_docx())
    member = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("word/document.xml")
    offset = member.header_offset
    name_length = int.from_bytes(content[offset + 26 : offset + 28], "little")
    extra_length = int.from_bytes(content[offset + 28 : offset + 30], "little")
    start = offset + 30 + name_length + extra_length
    for position in range(start + 10, start + min(member.compress_size, 400), 7):
        content[position] ^= 0x5A
    return bytes(content)


def docx_encrypted_member() -> bytes:
    """The encryption flag on the document: what a password-protected zip looks like."""
    data = bytearray(_docx())
    member = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    data[member.header_offset + 6] |= 0x1
    data[_central_entry(bytes(data), b"word/document.xml") + 8] |= 0x1
    return bytes(data)


def xlsx_malformed_xml() -> bytes:
    return _replace_member(
        _xlsx(), "xl/worksheets/sheet1.xml", [b"<worksheet><sheetData><row><c>1</row>"]
    )


_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]>"
)


def xlsx_billion_laughs() -> bytes:
    sheet = _LAUGHS + (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    return _replace_member(_xlsx(), "xl/worksheets/sheet1.xml", [sheet])


def docx_billion_laughs() -> bytes:
    body = _LAUGHS + f"<w:document {_W}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>".encode()
    return _replace_member(_docx(), "word/document.xml", [body + b"</w:body></w:document>"])


def xlsx_far_cell() -> bytes:
    """One cell on the sheet's last row: a reader pads a million rows up to it."""
    return _xlsx(far_cell=True)


def _upr_info(rows: list[list[str]]) -> bytes:
    lines = [_UPR_INFO_HEADER]
    for to, text, frm, response, session in rows:
        cells = [to, "Asia", "", text, frm, "WEOG", "", response, "4", "Justice", session]
        lines.append(",".join(f'"{cell}"' for cell in cells))
    return "\r\n".join(lines).encode()


def csv_long_field() -> bytes:
    """A 200 KB field: csv's own 128 KB limit stops a reader at it."""
    return _upr_info(
        [
            ["China", "x" * 200 * 1024, "Canada", "Noted", "4"],
            ["China", "Respect non-refoulement", "Canada", "Noted", "4"],
        ]
    )


def _distinct_words(characters: int) -> str:
    words = (
        "".join(letters)
        for n in itertools.count(3)
        for letters in itertools.product("bcdfghjklmnpqrstvwxz", repeat=n)
    )
    out, size = [], 0
    for word in words:
        if size + len(word) + 1 > characters:
            break
        out.append(word)
        size += len(word) + 1
    return " ".join(out)


def csv_megabyte_text() -> bytes:
    """A text of 1 MB of distinct words: over PostgreSQL's tsvector limit if indexed whole."""
    return _upr_info(
        [
            ["China", _distinct_words(MB), "Canada", "Noted", "4"],
            ["China", "Respect non-refoulement", "Canada", "Noted", "4"],
        ]
    )


def csv_longest_cjk_text() -> bytes:
    """200,000 characters (the text limit) of distinct hyphenated CJK words, the most a text
    can ask of the search vector: it must import and be searchable."""
    extension_b = [chr(code) for code in range(0x20000, 0x2A6DF)]

    def char(n: int) -> str:
        return extension_b[n % len(extension_b)]

    words = (
        f"{char(n)}{char(n * 7 + 1)}-{char(n * 13 + 2)}{char(n * 17 + 3)}"
        for n in itertools.count()
    )
    text = " ".join(itertools.islice(words, 200_000 // 6))
    text = (text + " " + "x" * 200_000)[:200_000]
    return _upr_info([["China", text, "Canada", "Noted", "4"]])


def _tracker_export(rows: list[dict]) -> bytes:
    from recommendations.exports import EXPORT_COLUMNS

    good = {
        "text": "Respect non-refoulement",
        "document_symbol": "CAT/C/CHN/CO/5",
        "document_title": "Concluding observations",
        "document_kind": "concluding_observations",
        "paragraph": "47",
        "issued_by": "CAT",
        "addressee_type": "state",
        "addressee": "CHN",
    }
    lines = [",".join(EXPORT_COLUMNS)]
    for n, changes in enumerate([{}, *rows]):
        row = {**good, "paragraph": str(40 + n), **changes}
        lines.append(",".join(f'"{row.get(column, "")}"' for column in EXPORT_COLUMNS))
    return "\r\n".join(lines).encode()


def csv_invalid_values() -> bytes:
    """Values over the model's lengths and values the API refuses, beside one good row."""
    return _tracker_export(
        [
            {"paragraph": "p" * 51},
            {"issued_by": "A" * 51},
            {"document_symbol": "S/" + "1" * 99},
            {"document_url": "javascript:alert(1)", "document_symbol": "A/HRC/1/1"},
            {"themes": "<b>torture</b>"},
        ]
    )


def bom_only() -> bytes:
    return b"\xef\xbb\xbf"


# name: (builder, file suffix, exit status, what the output must say)
EXPECTED = {
    "docx-bomb-ratio": (docx_bomb_ratio, "docx", 2, "IMPORT_MAX_COMPRESSION_RATIO"),
    "docx-many-elements": (docx_many_elements, "docx", 2, "IMPORT_MAX_XML_ELEMENTS"),
    "docx-lying-directory": (docx_lying_directory, "docx", 2, "damaged"),
    "xlsx-bomb-ratio": (xlsx_bomb_ratio, "xlsx", 2, "IMPORT_MAX_COMPRESSION_RATIO"),
    "docx-corrupt-deflate": (docx_corrupt_deflate, "docx", 2, "damaged"),
    "docx-encrypted-member": (docx_encrypted_member, "docx", 2, "encrypted"),
    "xlsx-malformed-xml": (xlsx_malformed_xml, "xlsx", 2, "not well-formed XML"),
    "xlsx-billion-laughs": (xlsx_billion_laughs, "xlsx", 2, "DOCTYPE"),
    "docx-billion-laughs": (docx_billion_laughs, "docx", 2, "DOCTYPE"),
    "xlsx-far-cell": (xlsx_far_cell, "xlsx", 2, "IMPORT_MAX_ROWS"),
    "bom-only": (bom_only, "csv", 2, "empty"),
    "csv-long-field": (csv_long_field, "csv", 1, "IMPORT_MAX_CELL_CHARS"),
    "csv-megabyte-text": (csv_megabyte_text, "csv", 1, "IMPORT_MAX_CELL_CHARS"),
    "csv-longest-cjk-text": (csv_longest_cjk_text, "csv", 0, "recommendations: 1 created"),
    "csv-invalid-values": (csv_invalid_values, "csv", 1, "Enter a valid URL"),
}


def hostile_files(directory: Path) -> dict[str, Path]:
    paths = {}
    for name, (build, suffix, _, _) in EXPECTED.items():
        path = directory / f"{name}.{suffix}"
        path.write_bytes(build())
        paths[name] = path
    return paths


if __name__ == "__main__":
    for name, path in hostile_files(Path(sys.argv[1])).items():
        print(f"{name}: {path} ({path.stat().st_size:,} bytes)")
