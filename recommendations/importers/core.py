"""What every importer shares: the records a file is read into, bad rows, the report, and the
vocabularies (state names, positions, dates) every format maps its cells through.

A parser turns a file into `RecommendationRow`s and `RowError`s and writes nothing; `store`
writes the merged rows by natural keys. Row numbers are the ones a spreadsheet shows: the
header is row 1.
"""

import csv
import datetime as dt
import functools
import io
import re
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_noop
from openpyxl.utils.datetime import from_excel
from rapidfuzz import fuzz, process

from recommendations.choices import BodyKind, DocumentKind, Position
from recommendations.importers.messages import Message, MessageError, grouped, message_of
from recommendations.models import State, normalize_name


class ImportFileError(MessageError):
    """The file as a whole cannot be read (unknown format, missing columns, over a limit):
    nothing is imported. Its `message` is shown in the reader's language."""


def limit(name: str) -> int:
    """One of the IMPORT_MAX_* settings (docs/importing.md lists them)."""
    return getattr(settings, name)


def rows_check(rows_seen: int) -> None:
    """Called as rows are read: stop at the limit, before the rest is held in memory."""
    if rows_seen > limit("IMPORT_MAX_ROWS"):
        raise ImportFileError(
            Message(
                gettext_noop(
                    "the file has more than %(limit)s rows, the limit IMPORT_MAX_ROWS: split it"
                ),
                limit=grouped(limit("IMPORT_MAX_ROWS")),
            )
        )


def columns_check(columns: int, row: int) -> None:
    if columns > limit("IMPORT_MAX_COLUMNS"):
        raise ImportFileError(
            Message(
                gettext_noop(
                    "row %(row)d: %(columns)s columns, over the limit IMPORT_MAX_COLUMNS = "
                    "%(limit)s"
                ),
                row=row,
                columns=grouped(columns),
                limit=grouped(limit("IMPORT_MAX_COLUMNS")),
            )
        )


def cell_error(text: str) -> Message | None:
    """Why a cell is too long to read, or None."""
    if len(text) > limit("IMPORT_MAX_CELL_CHARS"):
        return Message(
            gettext_noop("%(length)s characters, over the limit IMPORT_MAX_CELL_CHARS = %(limit)s"),
            length=grouped(len(text)),
            limit=grouped(limit("IMPORT_MAX_CELL_CHARS")),
        )
    return None


def column_number(index: int) -> Message:
    """A column the header leaves unnamed, by its position (1 for the first)."""
    return Message(gettext_noop("column %(number)d"), number=index + 1)


@dataclass(frozen=True)
class RowError:
    """A row's problem (or a correction, or why it was skipped): the column as the file names
    it (or `column_number`), and the reason as a Message, translated where it is shown."""

    row: int
    column: str | Message
    reason: Message

    def line(self) -> Message:
        return Message(
            gettext_noop("row %(row)d, %(column)s: %(reason)s"),
            row=self.row,
            column=self.column,
            reason=self.reason,
        )

    def __str__(self) -> str:
        return self.line().render()

    def as_dict(self) -> dict:
        column = self.column.as_data() if isinstance(self.column, Message) else self.column
        return {"row": self.row, "column": column, "reason": self.reason.as_data()}

    @classmethod
    def from_dict(cls, data: dict) -> "RowError":
        column = data["column"]
        return cls(
            row=data["row"],
            column=Message.from_data(column) if isinstance(column, dict) else column,
            reason=Message.from_data(data["reason"]),
        )


@dataclass(frozen=True)
class ImportOptions:
    """What a file may not say about itself (OHCHR matrices): given on the command line or form."""

    state_under_review: str = ""
    report_symbol: str = ""
    upr_session: int | None = None


@dataclass(frozen=True)
class BodyRef:
    acronym: str
    name: str = ""
    kind: str = BodyKind.OTHER


@dataclass(frozen=True)
class DocumentRef:
    """A document by its natural key: the symbol, or title and kind when it has no symbol.

    Its fields are written when the import creates the document; an existing document keeps
    what editors gave it, unless the ref is `authoritative`: our own export carries every
    field of the document, and importing it writes the fields that differ.
    """

    symbol: str = ""
    title: str = ""
    kind: str = DocumentKind.OTHER
    body: BodyRef | None = None
    date: dt.date | None = None
    url: str = ""
    authoritative: bool = False
    # A UPR review's report: the state under review (ISO code) and the session number.
    upr_review: tuple[str, int] | None = None

    def key(self) -> tuple:
        return ("symbol", self.symbol) if self.symbol else ("title", self.title, self.kind)


@dataclass(frozen=True)
class SdgRef:
    """A Sustainable Development Goal or target by its code ("16.10"), with its name."""

    code: str
    name: str = ""


@dataclass(frozen=True)
class ThemeRef:
    name: str
    slug: str
    uhri_code: str = ""

    @classmethod
    def named(cls, name: str, uhri_code: str = "") -> "ThemeRef":
        return cls(name=name, slug=theme_slug(name), uhri_code=uhri_code)


@functools.cache
def theme_slug(name: str) -> str:
    # Cached: a file repeats a few dozen theme names over thousands of rows.
    return slugify(name)[:100] or "theme"


@dataclass(frozen=True)
class ResponseRow:
    position: str
    date: dt.date
    document: DocumentRef | None = None
    paragraph: str = ""


@dataclass(frozen=True)
class AssessmentRow:
    implementation: str
    assessed_on: dt.date


@dataclass
class TargetRow:
    """One addressee: a state (ISO code) or a body. Due dates are written only when the format
    carries them (`due_dates_given`), so importing a UPR file keeps the dates editors typed."""

    state: str = ""
    body: BodyRef | None = None
    response_due: dt.date | None = None
    follow_up_due: dt.date | None = None
    due_dates_given: bool = False
    responses: list[ResponseRow] = field(default_factory=list)
    assessments: list[AssessmentRow] = field(default_factory=list)

    def addressee(self) -> tuple[str, str]:
        return ("state", self.state) if self.state else ("body", self.body.acronym)


@dataclass
class RecommendationRow:
    """One recommendation as a file gives it; `rows` are the file rows merged into it."""

    row: int
    text: str
    document: DocumentRef | None
    paragraph: str = ""
    issued_by: BodyRef | None = None
    issued_on: dt.date | None = None
    recommending_states: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    themes: list[ThemeRef] = field(default_factory=list)
    affected_groups: list[str] = field(default_factory=list)
    sdgs: list[SdgRef] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    def __post_init__(self):
        if not self.rows:
            self.rows = [self.row]

    def key(self) -> tuple:
        return recommendation_key(
            self.document.key() if self.document else None, self.paragraph, self.text
        )


@dataclass
class ParsedFile:
    format: str
    rows_read: int = 0
    records: list[RecommendationRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Rows deliberately left out (a UHRI observation is not a recommendation): not errors.
    skipped: list[RowError] = field(default_factory=list)
    # Guesses the parser made and imported (a misspelt state name), listed in the report.
    corrections: list[RowError] = field(default_factory=list)
    # The file's column holding each value a record carries, for validation errors:
    # "text", "paragraph", "document.symbol", "themes", ... (validation.FIELDS).
    columns: dict[str, str] = field(default_factory=dict)


def text_key(text: str) -> str:
    """Texts that differ only in spacing or case are the same recommendation (UPR Info repeats
    a joint recommendation once per state, sometimes with a trailing space)."""
    return " ".join(text.split()).casefold()


def recommendation_key(document_key, paragraph: str, text: str) -> tuple:
    return (document_key, paragraph.strip(), text_key(text))


def _union(into: list, values: list) -> None:
    for value in values:
        if value not in into:
            into.append(value)


def records_merge(records: list[RecommendationRow]) -> list[RecommendationRow]:
    """Rows with one natural key become one recommendation: states, themes, targets united.

    Unless they give one addressee different positions in one document on one date: then
    they are different recommendations with the same words. UPR Info gives a state under
    review "Ratify CEDAW" from several states, made in different paragraphs of its report
    and answered differently; rows with the same text and the same answer stay one joint
    recommendation. A row joins the first recommendation of its key it agrees with, or
    starts another.
    """
    merged: dict[tuple, list[RecommendationRow]] = {}
    order: list[RecommendationRow] = []
    for record in records:
        same_key = merged.setdefault(record.key(), [])
        first = next((r for r in same_key if not _responses_conflict(r, record)), None)
        if first is None:
            same_key.append(record)
            order.append(record)
            continue
        first.rows.extend(record.rows)
        first.issued_on = first.issued_on or record.issued_on
        first.issued_by = first.issued_by or record.issued_by
        for name in ("recommending_states", "organizations", "themes", "affected_groups", "sdgs"):
            _union(getattr(first, name), getattr(record, name))
        targets = {target.addressee(): target for target in first.targets}
        for target in record.targets:
            existing = targets.get(target.addressee())
            if existing is None:
                first.targets.append(target)
                targets[target.addressee()] = target
            else:
                _union(existing.responses, target.responses)
                _union(existing.assessments, target.assessments)
    return order


def _response_key(target: TargetRow, response: ResponseRow) -> tuple:
    document = response.document.key() if response.document else None
    return (target.addressee(), document, response.date)


def _responses_conflict(first: RecommendationRow, record: RecommendationRow) -> bool:
    given = {
        _response_key(target, response): response.position
        for target in first.targets
        for response in target.responses
    }
    return any(
        given.get(_response_key(target, response), response.position) != response.position
        for target in record.targets
        for response in target.responses
    )


def issuer_errors(records: list[RecommendationRow]) -> list[RowError]:
    """A recommendation comes from somebody (the same rule as `Recommendation.validate_issuers`)."""
    return [
        RowError(
            record.row,
            "issued_by",
            Message(
                gettext_noop("a recommendation needs an issuer: a body, a state or an organisation")
            ),
        )
        for record in records
        if not record.issued_by and not record.recommending_states and not record.organizations
    ]


class UnknownState(ValueError):
    """A name no state goes by, or a misspelling two states are equally close to (`close`:
    their two names)."""

    def __init__(self, name: str, close: tuple[str, str] | None = None):
        super().__init__(name, close)
        self.name = name.strip()
        self.close = close

    @property
    def message(self) -> Message:
        if self.close:
            return Message(
                gettext_noop("unknown state '%(name)s' (as close to %(first)s or %(second)s)"),
                name=self.name,
                first=self.close[0],
                second=self.close[1],
            )
        return Message(gettext_noop("unknown state '%(name)s'"), name=self.name)

    @property
    def recommending_message(self) -> Message:
        """The same, said of a recommending state."""
        if self.close:
            return Message(
                gettext_noop(
                    "unknown recommending state '%(name)s' (as close to %(first)s or %(second)s)"
                ),
                name=self.name,
                first=self.close[0],
                second=self.close[1],
            )
        return Message(gettext_noop("unknown recommending state '%(name)s'"), name=self.name)

    def __str__(self) -> str:
        return self.message.render()


@dataclass(frozen=True)
class StateMatch:
    state: State
    # The name it was taken for when the file's spelling was a guess, else "".
    guessed_as: str = ""

    def correction(self, name: str) -> Message:
        return Message(
            gettext_noop("'%(name)s' read as '%(state)s' (%(code)s)"),
            name=name,
            state=self.guessed_as,
            code=self.state.code,
        )


class StateNames:
    """Every state under each name it goes by; an unknown name is a bad row, never a new state.

    A name found under no spelling is a typing slip when one state's name is clearly the
    closest ("Plurinational S tate of Bolivia"): at least FUZZY_SCORE similar, and
    FUZZY_MARGIN closer than any other state's. Two close candidates ("Austraia": Australia,
    Austria) leave it unknown. ISO codes and short names are never guessed.
    """

    FUZZY_SCORE = 90
    FUZZY_MARGIN = 4
    FUZZY_MIN_LENGTH = 5

    def __init__(self):
        self.by_name = State.objects.by_name()
        self.by_code = {state.code: state for state in self.by_name.values()}
        self._guessable = [name for name in self.by_name if len(name) >= self.FUZZY_MIN_LENGTH]

    def find(self, name: str) -> State | None:
        return self.by_name.get(normalize_name(name)) if name.strip() else None

    def match(self, name: str) -> StateMatch:
        """The state a name stands for, guessed when misspelt; else UnknownState."""
        state = self.find(name)
        if state is not None:
            return StateMatch(state)
        normalized = normalize_name(name)
        if len(normalized) < self.FUZZY_MIN_LENGTH:
            raise UnknownState(name)
        best: dict[str, tuple[float, str]] = {}
        for candidate, score, _ in process.extract(
            normalized,
            self._guessable,
            scorer=fuzz.ratio,
            score_cutoff=self.FUZZY_SCORE - self.FUZZY_MARGIN,
            limit=20,
        ):
            code = self.by_name[candidate].code
            if score > best.get(code, (0, ""))[0]:
                best[code] = (score, candidate)
        ranked = sorted(best.items(), key=lambda item: -item[1][0])
        if not ranked or ranked[0][1][0] < self.FUZZY_SCORE:
            raise UnknownState(name)
        if len(ranked) > 1 and ranked[0][1][0] - ranked[1][1][0] < self.FUZZY_MARGIN:
            first, second = (self.by_code[code].name for code, _ in ranked[:2])
            raise UnknownState(name, close=(first, second))
        code, (_, candidate) = ranked[0]
        return StateMatch(self.by_code[code], guessed_as=self.by_code[code].name)


# The words UPR sources write for a state's position. "No response" is not a position: the
# target stays awaiting response.
POSITION_WORDS = {
    "accepted": Position.SUPPORTED,
    "supported": Position.SUPPORTED,
    "partially accepted": Position.PARTIALLY_SUPPORTED,
    "partially supported": Position.PARTIALLY_SUPPORTED,
    "noted": Position.NOTED,
    "rejected": Position.REJECTED,
    "general response": Position.OTHER,
}
NO_RESPONSE_WORDS = {"", "pending", "no response"}


class UnknownPosition(ValueError):
    """A word that is no position; `known`: the words that are."""

    def __init__(self, word: str, known: str):
        super().__init__(word, known)
        self.word = word.strip()
        self.known = known

    @property
    def message(self) -> Message:
        return Message(
            gettext_noop("unknown response '%(word)s' (known: %(known)s)"),
            word=self.word,
            known=self.known,
        )

    @property
    def position_message(self) -> Message:
        """The same, for a column that calls it a position (UHRI's "UPR Position")."""
        return Message(
            gettext_noop("unknown position '%(word)s' (known: %(known)s)"),
            word=self.word,
            known=self.known,
        )

    def __str__(self) -> str:
        return self.message.render()


def position_from_word(word: str) -> str | None:
    """A source's word for a position: the position, None for no response; else UnknownPosition."""
    normalized = " ".join(word.casefold().split())
    if normalized in NO_RESPONSE_WORDS:
        return None
    try:
        return POSITION_WORDS[normalized]
    except KeyError:
        known = ", ".join(sorted(word.capitalize() for word in POSITION_WORDS))
        raise UnknownPosition(word, known) from None


def date_from_cell(value) -> dt.date | None:
    """A date as spreadsheets store it: a date, an Excel serial number, or ISO text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float):
        return from_excel(value).date()
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return from_excel(float(text)).date()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise NotADate(text) from None


class NotADate(ValueError):
    def __init__(self, text: str):
        super().__init__(text)
        self.message = Message(
            gettext_noop("'%(text)s' is not a date (expected YYYY-MM-DD)"), text=text
        )

    def __str__(self) -> str:
        return self.message.render()


def value_error_message(error: ValueError) -> Message:
    """A cell's value error as a reason: ours translated, a library's in its own words."""
    message = getattr(error, "message", None)
    return message if isinstance(message, Message) else message_of(error)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (
            value.date().isoformat()
            if value.time() == dt.datetime.min.time()
            else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class TextRows:
    """A delimited text file read row by row, with each row's undecodable bytes by column."""

    encoding: str
    header: list[str]
    # (row number, cells, [(column index, reason)])
    rows: list[tuple[int, list[str], list[tuple[int, str]]]]


_LINE_END = re.compile(rb"\r\n|\r|\n")
_MARK = re.compile(r"[\udc80-\udcff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_UTF8_BOM = b"\xef\xbb\xbf"


def _decodes(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def text_encoding(lines: list[bytes], fallback: str) -> str:
    """UTF-8 if the file holds any UTF-8 beyond ASCII (its undecodable rows are then damaged
    rows), else the format's legacy encoding (UPR Info exports Mac Roman)."""
    for line in lines:
        if not line.isascii() and _decodes(line, "utf-8"):
            return "utf-8"
    if all(_decodes(line, "utf-8") for line in lines):
        return "utf-8"
    return fallback


_ENCODING_NAMES = {"utf-8": "UTF-8", "mac_roman": "Mac Roman", "cp1252": "Windows-1252"}


def text_rows_read(content: bytes, *, fallback_encoding: str) -> TextRows:
    """Split a CSV into rows under CR, LF or CRLF line endings, decoding line by line so a few
    bytes in a wrong encoding spoil their row only, and report which column holds them."""
    if content.startswith(_UTF8_BOM):
        content = content[len(_UTF8_BOM) :]
    lines = _LINE_END.split(content)
    encoding = text_encoding(lines, fallback_encoding)
    decoded = [
        line.decode(encoding, errors="surrogateescape" if encoding == "utf-8" else "strict")
        for line in lines
    ]
    del lines
    # csv's own field limit (128 KB) would stop the whole file at one long cell; the file's
    # size bounds a field instead, and a cell over IMPORT_MAX_CELL_CHARS is a bad row.
    csv.field_size_limit(max(csv.field_size_limit(), len(content) + 1))
    reader = csv.reader(io.StringIO("\n".join(decoded), newline=""))
    del decoded
    rows: list[tuple[int, list[str], list[tuple[int, str]]]] = []
    header: list[str] | None = None
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            columns_check(len(cells), number)
            too_long = [(i, why) for i, cell in enumerate(cells) if (why := cell_error(cell))]
            bad = [
                (index, _bad_bytes_reason(cell, encoding))
                for index, cell in enumerate(cells)
                if _MARK.search(cell)
            ] + too_long
            # A cell over the limit is reported, not kept.
            cells = ["" if len(cell) > limit("IMPORT_MAX_CELL_CHARS") else cell for cell in cells]
            cells = [_MARK.sub("\ufffd", cell) for cell in cells]
            if header is None:
                header = [cell.strip() for cell in cells]
                continue
            if any(cell.strip() for cell in cells) or bad:
                rows_check(len(rows) + 1)
                rows.append((number, cells, bad))
    except csv.Error as error:
        raise ImportFileError(
            Message(
                gettext_noop("row %(row)d: not readable as CSV: %(error)s"),
                row=number + 1,
                error=str(error),
            )
        ) from None
    if header is None or not any(header):
        raise ImportFileError(Message(gettext_noop("the file is empty")))
    return TextRows(encoding=_ENCODING_NAMES.get(encoding, encoding), header=header, rows=rows)


def _bad_bytes_reason(cell: str, encoding: str) -> Message:
    found = _MARK.findall(cell)
    codes = ", ".join(
        f"0x{ord(char) - 0xDC00:02X}" if ord(char) >= 0xDC80 else f"0x{ord(char):02X}"
        for char in found[:3]
    )
    return Message(
        gettext_noop("bytes that are not %(encoding)s text: %(codes)s"),
        encoding=_ENCODING_NAMES.get(encoding, encoding),
        codes=codes,
    )


def columns_required(header: list[str], required: list[str]) -> dict[str, int]:
    """The position of each column by name; a missing column stops the whole file."""
    positions = {name: index for index, name in enumerate(header) if name}
    missing = [name for name in required if name not in positions]
    if missing:
        raise missing_columns(missing)
    return positions


def missing_columns(names: list[str]) -> ImportFileError:
    return ImportFileError(
        Message(gettext_noop("row 1: missing column(s) %(columns)s"), columns=", ".join(names))
    )


# The report's counts by what they count, as the admin's table heads its rows: the keys
# stay English in the stored report.
COUNTED = {
    "recommendations": gettext_noop("recommendations"),
    "targets": gettext_noop("targets"),
    "responses": gettext_noop("responses"),
    "assessments": gettext_noop("assessments"),
    "bodies": gettext_noop("bodies"),
    "themes": gettext_noop("themes"),
    "organizations": gettext_noop("organizations"),
    "affected groups": gettext_noop("affected groups"),
    "SDGs": gettext_noop("SDGs"),
    "documents": gettext_noop("documents"),
    "UPR reviews": gettext_noop("UPR reviews"),
}


@dataclass
class ImportReport:
    """What an import did, as the command prints it and the admin shows it."""

    file_name: str
    format: str
    dry_run: bool = False
    rows_read: int = 0
    counts: dict[str, Counter] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    skipped: list[RowError] = field(default_factory=list)
    corrections: list[RowError] = field(default_factory=list)

    MODELS = ("recommendations", "targets", "responses", "assessments")

    def count(self, model: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(model, Counter())[outcome] += n

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    def count_rows(self) -> list[tuple[Message, Counter]]:
        """The counts, each headed by its translated name (the admin's table), in COUNTED's
        order: a stored report's keys come back in JSONB's order, not the import's."""
        order = {model: index for index, model in enumerate(COUNTED)}
        return [
            (
                Message(COUNTED[model]) if model in COUNTED else Message.text(model),
                self.counts[model],
            )
            for model in sorted(
                self.counts, key=lambda model: (order.get(model, len(order)), model)
            )
        ]

    def lines(self) -> list[str]:
        """The report as the command prints it: in English, whatever the active language."""
        with translation.override(None):
            return self._lines()

    def _lines(self) -> list[str]:
        head = f"{self.file_name} ({self.format})"
        lines = [f"{head}: dry run, nothing written" if self.dry_run else head]
        lines.append(f"rows read: {self.rows_read}")
        for model, counter in self.counts.items():
            if model in self.MODELS:
                lines.append(
                    f"{model}: {counter['created']} created, {counter['updated']} updated, "
                    f"{counter['unchanged']} unchanged"
                )
            elif counter["created"] or counter["updated"]:
                # Reference rows (documents, bodies, themes...) are counted only when written.
                written = [f"{counter[outcome]} {outcome}" for outcome in ("created", "updated")]
                lines.append(f"{model}: {', '.join(w for w in written if not w.startswith('0 '))}")
        if self.skipped:
            lines.append(f"rows skipped: {len(self.skipped)}")
            lines.extend(f"  {item}" for item in self.skipped)
        if self.corrections:
            lines.append(f"corrections: {len(self.corrections)}")
            lines.extend(f"  {item}" for item in self.corrections)
        lines.append(f"bad rows: {len({error.row for error in self.errors})}")
        lines.extend(f"  {error}" for error in sorted(self.errors, key=lambda e: e.row))
        return lines

    def as_dict(self) -> dict:
        return {
            "file_name": self.file_name,
            "format": self.format,
            "dry_run": self.dry_run,
            "rows_read": self.rows_read,
            "counts": {model: dict(counter) for model, counter in self.counts.items()},
            "errors": [error.as_dict() for error in self.errors],
            "skipped": [item.as_dict() for item in self.skipped],
            "corrections": [item.as_dict() for item in self.corrections],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "ImportReport":
        return cls(
            file_name=data["file_name"],
            format=data["format"],
            dry_run=data["dry_run"],
            rows_read=data["rows_read"],
            counts={model: Counter(counts) for model, counts in data["counts"].items()},
            errors=[RowError.from_dict(error) for error in data["errors"]],
            skipped=[RowError.from_dict(item) for item in data["skipped"]],
            corrections=[RowError.from_dict(item) for item in data.get("corrections", [])],
        )
