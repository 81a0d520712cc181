"""OHCHR's matrix of a state's UPR recommendations: a Word table, one row per paragraph.

A row's first cell holds the paragraph number (28.212), the text with the recommending
states in parentheses at the end of each clause ("... (Uruguay) (Mali);") and "Source of
position: A/HRC/40/6/Add.1 - Para. 2"; then the position, the UHRI themes with their codes
and "Affected persons:". Rows "Theme: ..." group the others and are skipped. The page header
names the state and session ("UPR of China (3rd Cycle – 31st session)"); options stand in
when a file does not.
"""

import io
import re
import zipfile

import docx
from django.utils.translation import gettext_noop
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from recommendations.choices import DocumentKind, ImportFormat
from recommendations.importers.core import (
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
    UnknownPosition,
    UnknownState,
    cell_error,
    column_number,
    columns_check,
    position_from_word,
    rows_check,
)
from recommendations.importers.messages import Message
from recommendations.importers.sessions import UprCalendar
from recommendations.importers.upr_info import UPR

HEADER = re.compile(
    r"UPR of (?P<state>.+?)\s*\(\s*\d+\w*\s+cycle\s*[–—-]\s*(?P<session>\d+)\w*\s+session\s*\)",
    re.IGNORECASE,
)
PARAGRAPH = re.compile(r"\s*(?P<number>\d+(?:\.\d+)+)\.?\s+(?P<text>.*)", re.DOTALL)
SOURCE = re.compile(
    r"Source of position:\s*(?P<symbol>[A-Z][\w./-]*?)\s*[-–]\s*"
    r"Para(?:graph)?s?\.?\s*(?P<paragraph>.+)",
    re.IGNORECASE,
)
ADDENDUM = re.compile(r"/Add\.\d+$")
THEME = re.compile(r"(?P<code>[A-Z]\d*)\s+(?P<name>.+)")
# A run of parenthesised groups ending a clause: "(Uruguay) (Mali);". Groups may nest once:
# "(Venezuela (Bolivarian Republic of))".
GROUP = r"\((?:[^()]|\([^()]*\))*\)"
CLAUSE_END = re.compile(rf"(?P<run>(?:\s*{GROUP})+)\s*(?:[;.]|$)")
GROUP_TEXT = re.compile(rf"{GROUP}")


def parse(
    content: bytes, *, options: ImportOptions, states: StateNames, calendar: UprCalendar
) -> ParsedFile:
    try:
        document = docx.Document(io.BytesIO(content))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        etree.XMLSyntaxError,
    ) as error:
        raise ImportFileError(
            Message(gettext_noop("not a Word (.docx) file: %(error)s"), error=str(error))
        ) from None
    table, columns = _matrix_table(document)
    rows_check(len(table.rows) - 1)
    rows = []
    for number, row in enumerate(table.rows, start=1):
        cells = row.cells
        columns_check(len(cells), number)
        rows.append([cell.text for cell in cells])
    state, session = _review(document, options, states)
    last_day = calendar.last_day(session)
    if last_day is None:
        raise ImportFileError(
            Message(gettext_noop("no dates known for UPR session %(session)d"), session=session)
        )
    report_symbol = options.report_symbol or _report_symbol(rows, columns)
    # Titles are data, in English as the UN's documents are named.
    report = DocumentRef(
        symbol=report_symbol,
        title=f"Report of the Working Group on the Universal Periodic Review: {state.name}",
        kind=DocumentKind.UPR_REPORT,
        body=UPR,
        date=last_day,
        upr_review=(state.code, session),
    )
    themes_column = rows[0][columns["Themes"]] if columns["Themes"] is not None else "Themes"
    parsed = ParsedFile(
        format=ImportFormat.OHCHR_MATRIX,
        columns={
            "text": "Recommendation",
            "paragraph": "Recommendation",
            "document.symbol": "Recommendation",
            "responses.paragraph": "Recommendation",
            "responses.document.symbol": "Recommendation",
            "themes": themes_column.strip(),
            "affected_groups": themes_column.strip(),
        },
    )
    for number, cells in enumerate(rows[1:], start=2):
        if cells[columns["Recommendation"]].strip().startswith("Theme:") or not any(
            cell.strip() for cell in cells
        ):
            continue
        parsed.rows_read += 1
        too_long = [
            RowError(number, rows[0][index].strip() or column_number(index), reason)
            for index, cell in enumerate(cells)
            if (reason := cell_error(cell))
        ]
        if too_long:
            parsed.errors.extend(too_long)
            continue
        record = _record(
            number,
            cells,
            columns,
            state=state,
            report=report,
            states=states,
            corrections=parsed.corrections,
        )
        if isinstance(record, list):
            parsed.errors.extend(record)
        else:
            parsed.records.append(record)
    return parsed


def _matrix_table(document):
    for table in document.tables:
        header = [cell.text.strip() for cell in table.rows[0].cells] if table.rows else []
        if header and header[0].startswith("Recommendation") and "Position" in header:
            columns = {"Recommendation": 0, "Position": header.index("Position")}
            themes = [index for index, name in enumerate(header) if name.startswith("Full list")]
            columns["Themes"] = themes[0] if themes else None
            return table, columns
    raise ImportFileError(
        Message(gettext_noop("no table with the columns Recommendation and Position"))
    )


def _review(document, options: ImportOptions, states: StateNames):
    """The state under review and the session: from the options, else the page header."""
    texts = [
        paragraph.text
        for section in document.sections
        for part in (section.header, section.first_page_header)
        for paragraph in part.paragraphs
    ] + [paragraph.text for paragraph in document.paragraphs[:20]]
    found = next((match for text in texts if (match := HEADER.search(text))), None)
    name = options.state_under_review or (found["state"] if found else "")
    if not name:
        raise ImportFileError(
            Message(
                gettext_noop("the file does not name the state under review: give it as an option")
            )
        )
    state = states.find(name)
    if state is None:
        raise ImportFileError(
            Message(gettext_noop("unknown state under review '%(name)s'"), name=name)
        )
    session = options.upr_session or (int(found["session"]) if found else None)
    if not session:
        raise ImportFileError(
            Message(gettext_noop("the file does not name the UPR session: give it as an option"))
        )
    return state, session


def _report_symbol(rows: list[list[str]], columns: dict) -> str:
    """The Working Group report: the positions' source without its "/Add.1"."""
    for cells in rows[1:]:
        source = SOURCE.search(cells[columns["Recommendation"]])
        if source:
            return ADDENDUM.sub("", source["symbol"])
    raise ImportFileError(
        Message(gettext_noop("the file does not give the report's symbol: give it as an option"))
    )


def recommending_states(
    text: str, states: StateNames
) -> tuple[list[str], Message | None, list[Message]]:
    """The states in parentheses closing each clause, an error when the last names none, and
    the corrections made to read them.

    Walking each closing run from its end, names are taken while they are states, so
    "(the Paris Principles) (Niger);" gives Niger; a run naming no state inside the text is
    the text's own parentheses. A misspelt name is taken when one state is clearly closest
    (`StateNames.match`); a last clause whose parenthesis is not closed ("(Venezuela
    (Bolivarian Republic of);") is read without it.
    """
    codes: list[str] = []
    corrections: list[Message] = []
    runs = list(CLAUSE_END.finditer(text))
    for index, run in enumerate(runs):
        groups = [group[1:-1] for group in GROUP_TEXT.findall(run["run"])]
        found = []
        for name in reversed(groups):
            try:
                match = states.match(name)
            except UnknownState as error:
                unknown = error.recommending_message
                break
            found.append(match.state.code)
            if match.guessed_as:
                corrections.append(match.correction(" ".join(name.split())))
        last = index == len(runs) - 1
        if not found and last:
            unclosed = _unclosed_state(text, states)
            if unclosed is None:
                return codes, unknown, corrections
            found, correction = unclosed
            corrections.append(correction)
        for code in reversed(found):
            if code not in codes:
                codes.append(code)
    if not runs:
        unclosed = _unclosed_state(text, states)
        if unclosed is None:
            return codes, Message(gettext_noop("no recommending state in parentheses")), corrections
        codes, correction = unclosed
        corrections.append(correction)
    return codes, None, corrections


def _unclosed_state(text: str, states: StateNames) -> tuple[list[str], Message] | None:
    """The state named after the text's last unclosed parenthesis, if any."""
    stripped = text.rstrip(" ;.\n")
    depth = 0
    for position in range(len(stripped) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(stripped[position], 0)
        if depth < 0:
            name = stripped[position + 1 :]
            try:
                match = states.match(name)
            except UnknownState:
                return None
            read_as = match.guessed_as or match.state.name
            return [match.state.code], Message(
                gettext_noop(
                    "'(%(name)s' read as '%(state)s' (%(code)s): a closing parenthesis is missing"
                ),
                name=" ".join(name.split()),
                state=read_as,
                code=match.state.code,
            )
    return None


def _record(
    number, cells, columns, *, state, report, states, corrections
) -> RecommendationRow | list:
    errors = []
    cell = cells[columns["Recommendation"]]
    body, _, _ = cell.partition("Source of position")
    source = SOURCE.search(cell)
    paragraph = PARAGRAPH.match(body)
    if paragraph is None:
        return [
            RowError(
                number,
                "Recommendation",
                Message(gettext_noop("no paragraph number (such as 28.212)")),
            )
        ]
    text = paragraph["text"].strip()
    if not text:
        errors.append(RowError(number, "Recommendation", Message(gettext_noop("empty text"))))
    codes, unknown, read_as = recommending_states(text, states)
    if unknown:
        errors.append(RowError(number, "Recommendation", unknown))
    else:
        corrections.extend(RowError(number, "Recommendation", line) for line in read_as)
    try:
        position = position_from_word(cells[columns["Position"]])
    except UnknownPosition as error:
        errors.append(RowError(number, "Position", error.message))
        position = None
    if errors:
        return errors
    themes, groups = _themes(cells[columns["Themes"]] if columns["Themes"] is not None else "")
    responses = []
    if position:
        document = report
        if source and source["symbol"] != report.symbol:
            document = DocumentRef(
                symbol=source["symbol"],
                title=f"{report.title}: addendum (views on conclusions and recommendations)",
                kind=DocumentKind.UPR_ADDENDUM,
                body=report.body,
            )
        responses.append(
            ResponseRow(
                position=position,
                # The matrix does not date positions: the review's date stands for it.
                date=report.date,
                document=document,
                paragraph=source["paragraph"].strip() if source else "",
            )
        )
    return RecommendationRow(
        row=number,
        text=text,
        document=report,
        paragraph=paragraph["number"],
        issued_by=UPR,
        issued_on=report.date,
        recommending_states=codes,
        themes=themes,
        affected_groups=groups,
        targets=[TargetRow(state=state.code, responses=responses)],
    )


def _themes(cell: str) -> tuple[list[ThemeRef], list[str]]:
    themes, groups = [], []
    in_groups = False
    for line in (line.strip() for line in cell.splitlines()):
        if not line:
            continue
        if line.casefold().startswith("affected persons"):
            in_groups = True
            continue
        if in_groups:
            groups.append(line.removeprefix("-").strip())
            continue
        theme = THEME.fullmatch(line)
        themes.append(
            ThemeRef.named(theme["name"].strip(), theme["code"]) if theme else ThemeRef.named(line)
        )
    return themes, groups
