"""The limits every imported file is read within, checked before the memory is spent.

Word and Excel files are zip archives of XML. A few kilobytes can inflate to gigabytes (a
high compression ratio), or to millions of tiny elements that python-docx and openpyxl would
each turn into a tree node. So before any library builds anything:

1. the zip's own end record gives the number of members, and its directory each member's
   sizes: too many members, an encrypted member, a declared size or ratio over the limits
   refuse the file (`archive_directory_check`, cheap enough for the admin's upload form);
2. every member is then inflated as a stream, never held whole, counting what comes out:
   Python's zipfile stops at the size the directory declares, so a directory that lies ends
   in a CRC error rather than in memory; each XML part is counted by a streaming parse that
   frees elements as it goes, and a DOCTYPE (entity declarations: "billion laughs",
   external entities) is refused, since Office parts never carry one (`archive_contents_check`).

Rows, columns and cells are capped by the parsers as they read (`core.rows_check`,
`core.columns_check`, `core.cell_error`).
Each limit is a setting, and each error names it, so an operator knows which one to raise.
"""

import zipfile
import zlib

from django.utils.translation import gettext_noop
from lxml import etree

from recommendations.importers.core import ImportFileError, limit
from recommendations.importers.messages import Message, grouped

_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END = b"PK\x06\x06"
_CHUNK = 1 << 16
# Below this size a member's ratio says nothing: a short XML part of repeated tags inflates
# 100 times without harm. Apache POI skips its ratio check for small entries too.
_RATIO_FLOOR_BYTES = 1 << 20
_XML_SUFFIXES = (".xml", ".rels", ".vml")


def _over(what: Message, value: int, name: str) -> ImportFileError:
    """`what` (a noun phrase) is over the limit `name`."""
    return ImportFileError(
        Message(
            gettext_noop("%(what)s (%(value)s) is over the limit %(name)s = %(limit)s"),
            what=what,
            value=grouped(value),
            name=name,
            limit=grouped(limit(name)),
        )
    )


def file_size_check(content: bytes) -> None:
    if len(content) > limit("IMPORT_MAX_BYTES"):
        raise _over(
            Message(gettext_noop("the file's size in bytes")), len(content), "IMPORT_MAX_BYTES"
        )


def _archive_members(content: bytes) -> int:
    """The number of members the end record declares, read before zipfile lists them all
    (listing a million members would itself take hundreds of megabytes)."""
    end = content.rfind(_END_OF_DIRECTORY, max(0, len(content) - (1 << 16) - 22))
    if end < 0:
        return 0
    members = int.from_bytes(content[end + 10 : end + 12], "little")
    locator = end - 20
    if members == 0xFFFF and content[locator : locator + 4] == _ZIP64_LOCATOR:
        offset = int.from_bytes(content[locator + 8 : locator + 16], "little")
        if content[offset : offset + 4] == _ZIP64_END:
            members = int.from_bytes(content[offset + 32 : offset + 40], "little")
    return members


def archive_directory_check(content: bytes) -> zipfile.ZipFile | None:
    """The archive, its directory within the limits; None when the file is not a zip."""
    file_size_check(content)
    if not zipfile.is_zipfile(_Bytes(content)):
        return None
    members = _archive_members(content)
    if members > limit("IMPORT_MAX_ARCHIVE_MEMBERS"):
        raise _over(
            Message(gettext_noop("the number of files in the archive")),
            members,
            "IMPORT_MAX_ARCHIVE_MEMBERS",
        )
    try:
        archive = zipfile.ZipFile(_Bytes(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise ImportFileError(
            Message(gettext_noop("a damaged zip archive: %(error)s"), error=str(error))
        ) from None
    total = 0
    for member in archive.infolist():
        if member.flag_bits & 0x1:
            raise ImportFileError(
                Message(
                    gettext_noop("'%(name)s' in the archive is encrypted"), name=member.filename
                )
            )
        _ratio_check(member.filename, member.file_size, member.compress_size)
        total += member.file_size
        if total > limit("IMPORT_MAX_UNCOMPRESSED_BYTES"):
            raise _over(
                Message(gettext_noop("the archive's declared uncompressed size in bytes")),
                total,
                "IMPORT_MAX_UNCOMPRESSED_BYTES",
            )
    return archive


def _ratio_check(name: str, inflated: int, compressed: int) -> None:
    if inflated > _RATIO_FLOOR_BYTES:
        ratio = inflated // max(compressed, 1)
        if ratio > limit("IMPORT_MAX_COMPRESSION_RATIO"):
            raise _over(
                Message(gettext_noop("'%(name)s' compression ratio"), name=name),
                ratio,
                "IMPORT_MAX_COMPRESSION_RATIO",
            )


def archive_contents_check(archive: zipfile.ZipFile) -> None:
    """Inflate every member as a stream within the limits; count and free each XML part's
    elements; refuse a DOCTYPE."""
    inflated_total = 0
    elements = 0
    for member in archive.infolist():
        if member.is_dir():
            continue
        stream = _Inflating(archive, member, already=inflated_total)
        try:
            if member.filename.lower().endswith(_XML_SUFFIXES):
                elements = _xml_elements(stream, member.filename, counted=elements)
            else:
                while stream.read(_CHUNK):
                    pass
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
            raise ImportFileError(
                Message(
                    gettext_noop("'%(name)s' in the archive is damaged: %(error)s"),
                    name=member.filename,
                    error=str(error),
                )
            ) from None
        except etree.XMLSyntaxError as error:
            raise ImportFileError(
                Message(
                    gettext_noop("'%(name)s' is not well-formed XML: %(error)s"),
                    name=member.filename,
                    error=str(error),
                )
            ) from None
        finally:
            stream.close()
        inflated_total = stream.total


def _xml_elements(stream, name: str, *, counted: int) -> int:
    most = limit("IMPORT_MAX_XML_ELEMENTS")
    # huge_tree off: libxml2 refuses a text node over 10 MB and nesting over 256 levels.
    parse = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
    )
    first = True
    for event, element in parse:
        if first:
            first = False
            tree = element.getroottree().docinfo
            if tree.doctype or tree.internalDTD is not None:
                raise ImportFileError(
                    Message(
                        gettext_noop(
                            "'%(name)s' declares a DOCTYPE: entity declarations are refused"
                        ),
                        name=name,
                    )
                )
        if event == "start":
            counted += 1
            if counted > most:
                raise _over(
                    Message(gettext_noop("the number of XML elements")),
                    counted,
                    "IMPORT_MAX_XML_ELEMENTS",
                )
            continue
        element.clear(keep_tail=True)
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]
    return counted


class _Inflating:
    """A member's inflated bytes as a stream, counted against the archive's limits as they come."""

    def __init__(self, archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, already: int):
        self.member = member
        self.file = archive.open(member)
        self.inflated = 0
        self.total = already

    def read(self, size: int = _CHUNK) -> bytes:
        data = self.file.read(min(size if size and size > 0 else _CHUNK, _CHUNK))
        self.inflated += len(data)
        self.total += len(data)
        if self.total > limit("IMPORT_MAX_UNCOMPRESSED_BYTES"):
            raise _over(
                Message(gettext_noop("the archive's uncompressed size in bytes")),
                self.total,
                "IMPORT_MAX_UNCOMPRESSED_BYTES",
            )
        _ratio_check(self.member.filename, self.inflated, self.member.compress_size)
        return data

    def close(self) -> None:
        self.file.close()


class _Bytes:
    """A read-only file over bytes without copying them (io.BytesIO copies on write only,
    but zipfile seeks and reads in small pieces; this keeps one buffer for both passes)."""

    def __init__(self, content: bytes):
        self.view = memoryview(content)
        self.position = 0

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.position, 2: len(self.view)}[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position

    def read(self, size: int = -1) -> bytes:
        end = len(self.view) if size is None or size < 0 else self.position + size
        data = self.view[self.position : end].tobytes()
        self.position += len(data)
        return data

    def seekable(self) -> bool:
        return True


def file_check(content: bytes) -> None:
    """Refuse, before any parser runs, a file over the size, archive or XML limits."""
    archive = archive_directory_check(content)
    if archive is not None:
        archive_contents_check(archive)
