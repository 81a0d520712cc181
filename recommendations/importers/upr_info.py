"""UPR Info's database export: one row per recommending state, Mac Roman or UTF-8.

To is the state under review (the target), From the recommending state, Issue the themes,
Session the UPR session: the review's document is the state's review in that session, dated
by the session table. A joint recommendation repeats on one row per state; `records_merge`
makes it one recommendation with several recommending states.
"""

import html

from django.utils.translation import gettext_noop

from recommendations.choices import BodyKind, DocumentKind, ImportFormat
from recommendations.importers.core import (
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
    UnknownPosition,
    UnknownState,
    columns_required,
    position_from_word,
    text_rows_read,
)
from recommendations.importers.messages import Message
from recommendations.importers.sessions import UprCalendar

COLUMNS = ["To", "Text", "From", "Response", "Issue", "Session"]
UPR = BodyRef(acronym="UPR", name="Universal Periodic Review", kind=BodyKind.UPR)
# UPR Info's marker for a recommendation whose recommending state it could not tell.
UNKNOWN_STATE = "(Unknown)"
# Where a record's values come from, for the rows validation refuses.
FIELD_COLUMNS = {"text": "Text", "themes": "Issue"}


def parse(
    content: bytes, *, options: ImportOptions, states: StateNames, calendar: UprCalendar
) -> ParsedFile:
    text = text_rows_read(content, fallback_encoding="mac_roman")
    columns = columns_required(text.header, COLUMNS)
    parsed = ParsedFile(format=ImportFormat.UPR_INFO, columns=FIELD_COLUMNS)
    for number, cells, bad_bytes in text.rows:
        parsed.rows_read += 1
        errors = [RowError(number, text.header[index], reason) for index, reason in bad_bytes]
        if errors:
            parsed.errors.extend(errors)
            continue
        cells = cells + [""] * (len(text.header) - len(cells))
        record = _record(
            number,
            {name: cells[index] for name, index in columns.items()},
            states,
            calendar,
            parsed.corrections,
        )
        if isinstance(record, list):
            parsed.errors.extend(record)
        else:
            parsed.records.append(record)
    return parsed


def _record(
    number: int,
    row: dict[str, str],
    states: StateNames,
    calendar: UprCalendar,
    corrections: list[RowError],
) -> RecommendationRow | list:
    value = {name: html.unescape(cell).strip() for name, cell in row.items()}
    errors = []

    def bad(column: str, reason: Message) -> None:
        errors.append(RowError(number, column, reason))

    def state(column: str, empty: Message):
        if not value[column]:
            bad(column, empty)
            return None
        try:
            match = states.match(value[column])
        except UnknownState as error:
            bad(column, error.message)
            return None
        if match.guessed_as:
            corrections.append(RowError(number, column, match.correction(value[column])))
        return match.state

    state_under_review = state("To", Message(gettext_noop("empty: the state under review")))
    recommending = []
    if value["From"] != UNKNOWN_STATE:
        recommending_state = state("From", Message(gettext_noop("empty: the recommending state")))
        if recommending_state is not None:
            recommending.append(recommending_state.code)
    if not value["Text"]:
        bad("Text", Message(gettext_noop("empty text")))
    try:
        position = position_from_word(value["Response"])
    except UnknownPosition as error:
        bad("Response", error.message)
        position = None
    session = int(value["Session"]) if value["Session"].isdigit() else None
    last_day = calendar.last_day(session) if session else None
    if session is None:
        bad(
            "Session",
            Message(
                gettext_noop("'%(session)s' is not a UPR session number"),
                session=value["Session"],
            ),
        )
    elif last_day is None:
        bad(
            "Session",
            Message(gettext_noop("no dates known for UPR session %(session)d"), session=session),
        )
    if errors:
        return errors

    # The document's title is data (its natural key when it has no symbol): English always.
    document = DocumentRef(
        title=f"UPR of {state_under_review.name} ({state_under_review.code}), session {session}",
        kind=DocumentKind.UPR_REPORT,
        body=UPR,
        date=last_day,
        upr_review=(state_under_review.code, session),
    )
    # UPR Info does not date a response: the session's last day stands for it.
    responses = [ResponseRow(position=position, date=last_day)] if position else []
    return RecommendationRow(
        row=number,
        text=value["Text"],
        document=document,
        issued_by=UPR,
        issued_on=last_day,
        recommending_states=recommending,
        themes=[
            ThemeRef.named(issue.strip()) for issue in value["Issue"].split(",") if issue.strip()
        ],
        targets=[TargetRow(state=state_under_review.code, responses=responses)],
    )
