"""Where a result matched: ts_headline's excerpt of the text, its matches marked.

PostgreSQL marks the matches with two characters of Unicode's private use area, which no UN
text holds (they are taken out of the text first, all the same); the excerpt is escaped for
HTML, and only then are the marks turned into <mark> tags: nothing of the text is markup.
"""

from django.contrib.postgres.search import SearchHeadline
from django.db.models import F, Func, Value
from django.db.models.functions import Left
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from recommendations.search import SEARCH_CONFIG

MARK_START = "\ue000"
MARK_STOP = "\ue001"
# Enough words for a sentence around each of two matches; a text matched only by its
# metadata shows its beginning.
EXCERPT_MAX_WORDS = 30
EXCERPT_MIN_WORDS = 12
EXCERPT_FRAGMENTS = 2
# ts_headline parses what it is given: a long text is read as far as the vector reads it.
EXCERPT_SOURCE_MAX_CHARS = 120_000


def excerpt_expression(query) -> SearchHeadline:
    """The text's excerpt for `query`, its matches between MARK_START and MARK_STOP."""
    text = Func(
        Left(F("text"), EXCERPT_SOURCE_MAX_CHARS),
        Value(MARK_START + MARK_STOP),
        Value(""),
        function="translate",
    )
    return SearchHeadline(
        text,
        query,
        config=SEARCH_CONFIG,
        start_sel=MARK_START,
        stop_sel=MARK_STOP,
        max_words=EXCERPT_MAX_WORDS,
        min_words=EXCERPT_MIN_WORDS,
        max_fragments=EXCERPT_FRAGMENTS,
        fragment_delimiter=" … ",
    )


def excerpt_html(excerpt: str) -> SafeString:
    """The excerpt escaped for HTML, its matches in <mark> tags."""
    escaped = escape(excerpt)
    return mark_safe(  # noqa: S308 - escaped above; the marks are our own characters
        escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    )
