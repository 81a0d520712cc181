"""The UN's clock: the rules that turn the UN calendar into due dates, each with its source.

Each rule is one function of plain values, as the status rule is: `response_deadline()` and
`follow_up_deadline()` take a target's `DeadlineFacts` (what its recommendation's document
says, who issued it, the UPR session it came from) and give a `Deadline`, the date and the
name of the rule (`DeadlineRule`), which is stored beside the date. The services apply them
to one target or, set-based, to the whole table (`recompute_deadlines`); an editor's date
overrides them and is kept.

The data the rules read is in the database, loaded by data migrations with a source per row:
the UPR Working Group's sessions (`UprSession`), each state's reviews (`UprReview`), what the
grades of each scale mean (`GradeMapping`). The treaty bodies' follow-up periods are the
constant below.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from recommendations.choices import BodyKind, DeadlineRule, DocumentKind

# Since the second cycle every state is reviewed once a cycle, in the same order: its next
# review is fourteen sessions after its last (OHCHR, "UPR cycles"; China: 17, 31, 45). The
# first cycle's order differed, so no next review is computed from a first-cycle session.
SESSIONS_PER_CYCLE = 14

# The voluntary mid-term report: HRC resolution 16/21 (2011) encourages states to report on
# implementation at mid-term, which OHCHR's guidance puts at two and a half years after the
# review's adoption. The adoption is the HRC plenary a few months after the Working Group
# session; the HRC's adoption dates are not in our data, so the rule counts from the Working
# Group session's last day (an early date, by the months the plenary comes later).
MID_TERM_AFTER = relativedelta(years=2, months=6)

# Special procedures' communications ask the government to reply within 60 days (OHCHR,
# "Communications": "Governments are requested to reply within 60 days").
SPECIAL_PROCEDURE_REPLY_DAYS = 60


@dataclass(frozen=True)
class FollowUpPeriod:
    months: int
    source: str


_OHCHR_FOLLOW_UP = (
    "OHCHR, 'Follow-up to concluding observations' (ohchr.org/en/treaty-bodies/"
    "follow-concluding-observations): 'within one year (two years in the case of CEDAW "
    "and CMW)'"
)

# The treaty bodies with a written follow-up procedure, as OHCHR lists them, and the period
# each gives the state for its follow-up information. CESCR, CRC and CRPD are not listed
# there: their concluding observations' own sentence gives the period when there is one
# (CESCR writes "within 24 months"), and the parser reads it. The Human Rights Committee
# has since lengthened its period (CCPR Centre: two, then three years); its concluding
# observations state the date, which the parser reads first.
TREATY_BODY_FOLLOW_UP: dict[str, FollowUpPeriod] = {
    "CCPR": FollowUpPeriod(12, _OHCHR_FOLLOW_UP),
    "CAT": FollowUpPeriod(12, _OHCHR_FOLLOW_UP),
    "CERD": FollowUpPeriod(12, _OHCHR_FOLLOW_UP),
    "CED": FollowUpPeriod(12, _OHCHR_FOLLOW_UP),
    "CEDAW": FollowUpPeriod(24, _OHCHR_FOLLOW_UP),
    "CMW": FollowUpPeriod(24, _OHCHR_FOLLOW_UP),
}


@dataclass(frozen=True)
class Deadline:
    due: date
    rule: DeadlineRule


@dataclass(frozen=True)
class DeadlineFacts:
    """What a target's due dates are computed from."""

    addressed_to_state: bool = False
    issuer_kind: str | None = None
    # The issuing body's acronym, or the document's body's: which committee's period applies.
    committee: str | None = None
    document_kind: str | None = None
    # The document's date, or the recommendation's date when the document has none.
    dated: date | None = None
    paragraph: str = ""
    response_by: date | None = None
    response_within_days: int | None = None
    follow_up_paragraphs: list[str] = field(default_factory=list)
    follow_up_within_months: int | None = None
    follow_up_by: date | None = None
    # UPR recommendations to a state: the last day of the Working Group session of the review.
    upr_session_last_day: date | None = None


def response_deadline(facts: DeadlineFacts) -> Deadline | None:
    """When the addressee should answer: the deadline a letter sets, or a special
    procedure's 60 days."""
    if facts.response_by:
        return Deadline(facts.response_by, DeadlineRule.LETTER_DEADLINE)
    if facts.response_within_days and facts.dated:
        return Deadline(
            facts.dated + timedelta(days=facts.response_within_days), DeadlineRule.LETTER_DEADLINE
        )
    if facts.document_kind == DocumentKind.COMMUNICATION and facts.dated:
        return Deadline(
            facts.dated + timedelta(days=SPECIAL_PROCEDURE_REPLY_DAYS),
            DeadlineRule.SPECIAL_PROCEDURE_REPLY,
        )
    return None


def follow_up_deadline(facts: DeadlineFacts) -> Deadline | None:
    """When the addressee should report on implementation: a UPR review's mid-term report,
    or a treaty body's follow-up procedure for the paragraphs it names."""
    if facts.issuer_kind == BodyKind.UPR and facts.addressed_to_state:
        if facts.upr_session_last_day:
            return Deadline(
                upr_mid_term_due(facts.upr_session_last_day), DeadlineRule.UPR_MID_TERM_REPORT
            )
        return None
    if facts.document_kind != DocumentKind.CONCLUDING_OBSERVATIONS:
        return None
    if paragraph_number(facts.paragraph) not in facts.follow_up_paragraphs:
        return None
    if facts.follow_up_by:
        return Deadline(facts.follow_up_by, DeadlineRule.TREATY_BODY_FOLLOW_UP_DATE)
    months = facts.follow_up_within_months or getattr(
        TREATY_BODY_FOLLOW_UP.get(facts.committee or ""), "months", None
    )
    if months and facts.dated:
        return Deadline(
            facts.dated + relativedelta(months=months), DeadlineRule.TREATY_BODY_FOLLOW_UP
        )
    return None


# UPR.


def upr_mid_term_due(session_last_day: date) -> date:
    """The voluntary mid-term report of a review held at a session that ended that day."""
    return session_last_day + MID_TERM_AFTER


def upr_next_review_session(last_session: int, last_cycle: int) -> int | None:
    """The session of a state's next review, from its last; None after a first-cycle review."""
    if last_cycle < 2:
        return None
    return last_session + SESSIONS_PER_CYCLE


# Treaty bodies' concluding observations: the follow-up sentence.


@dataclass(frozen=True)
class FollowUpRequest:
    """What a follow-up sentence asks: information on these paragraphs, by a date or within
    a period (or the committee's usual period, when it states neither)."""

    paragraphs: list[str]
    within_months: int | None = None
    by: date | None = None


_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "six": 6,
    "twelve": 12,
    "eighteen": 18,
    "twenty-four": 24,
}
_REQUEST = re.compile(r"request\w*\b[^.]*?\b(?:provide|submit)\b", re.IGNORECASE)
_WITHIN = re.compile(r"\bwithin\s+(\d+|[a-z-]+)\s+(year|month)s?\b", re.IGNORECASE)
_BY = re.compile(r"\bby\s+(\d{1,2}\s+[A-Z][a-z]+\s+\d{4})\b")
# The last mention of paragraphs: an earlier one may be a rule's ("rule 75, paragraph 1").
_PARAGRAPHS = re.compile(r".*\bpara(?:graph)?s?\.?\s+(.*?)(?:\babove\b|\bbelow\b|$)", re.DOTALL)
# A parenthesis longer than a sub-paragraph's letter, "(a)" or "(iii)": a description of the
# issue ("9 (intolerance and hate speech)"), whose numbers are not paragraphs.
_DESCRIPTION = re.compile(r"\((?![a-z]{1,4}\))[^)]*\)")


def paragraph_number(paragraph: str) -> str:
    """A paragraph's number without its sub-paragraph: '12 (a)' → '12'."""
    match = re.match(r"\s*(\d+)", paragraph or "")
    return match.group(1) if match else ""


def follow_up_request(text: str | Iterable[str]) -> FollowUpRequest | None:
    """The follow-up request of concluding observations, from their text or their list of
    paragraphs: 'The Committee requests the State party to provide, within one year, information
    on ... paragraphs 12, 18 and 36 above.' None when no sentence asks for it."""
    paragraphs = [text] if isinstance(text, str) else list(text)
    for paragraph in reversed(paragraphs):  # the request closes the document
        for sentence in re.split(r"(?<=\.)\s+(?=[A-Z])", " ".join(paragraph.split())):
            request = _follow_up_in(sentence)
            if request:
                return request
    return None


def _follow_up_in(sentence: str) -> FollowUpRequest | None:
    if not _REQUEST.search(sentence):
        return None
    named = _PARAGRAPHS.search(sentence)
    if not named:
        return None
    numbers = re.findall(r"\b(\d+)\b", _DESCRIPTION.sub("", named.group(1)))
    if not numbers:
        return None
    by = _BY.search(sentence)
    within = _WITHIN.search(sentence)
    months = None
    if within:
        amount = within.group(1).lower()
        count = int(amount) if amount.isdigit() else _NUMBERS.get(amount)
        if count:
            months = count * 12 if within.group(2).lower() == "year" else count
    return FollowUpRequest(
        paragraphs=list(dict.fromkeys(numbers)),
        within_months=months,
        by=datetime.strptime(by.group(1), "%d %B %Y").date() if by else None,
    )
