"""A search as people type it, parsed and built into a tsquery from parameters.

    "forced repatriation"   a phrase
    -torture, NOT torture   without the word (or -"a phrase")
    refugee OR asylum       either; OR binds tighter than the space, as in web search
    discriminat*            words beginning so (after stemming: child* finds children)

Words in Korean or Chinese are looked up in the lexicon (lexicon.py) and searched as the
English terms they map to; a word the lexicon does not know is left out, and said so.

The user's text never reaches `to_tsquery`'s syntax: a word is a parameter of
`plainto_tsquery`, a phrase of `phraseto_tsquery`; a prefix is built of the word's letters
and digits alone, each quoted. Operators join the parts in SQL (`&&`, `||`, `!!`). The result
is rewritten with the synonym rules (synonyms.py), in an uncorrelated subquery that PostgreSQL
runs once per statement, so the GIN index still serves `search_vector @@ query`.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchQueryField
from django.db.models import Func

from recommendations.search import SEARCH_CONFIG
from recommendations.search.lexicon import NOT_ENGLISH
from recommendations.search.synonyms import (
    PLACEHOLDERS_TO_GROUPS_SQL,
    TERMS_TO_PLACEHOLDERS_SQL,
)

TOKEN = re.compile(r'(?P<negated>-)?"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+)')
OR_WORDS = {"OR", "or"}
NOT_WORD = "NOT"


@dataclass(frozen=True)
class Word:
    text: str
    prefix: bool = False

    def english(self) -> str:
        return self.text + ("*" if self.prefix else "")

    def sql(self) -> tuple[str, list]:
        if not self.prefix:
            return "plainto_tsquery(%s::regconfig, %s)", [SEARCH_CONFIG, self.text]
        # Letters and digits only, each part quoted: nothing of the text is tsquery syntax.
        parts = re.findall(r"\w+", self.text)
        lexemes = " <-> ".join(f"'{part}'" for part in parts) + ":*"
        return "to_tsquery(%s::regconfig, %s)", [SEARCH_CONFIG, lexemes]


@dataclass(frozen=True)
class Phrase:
    text: str

    def english(self) -> str:
        return f'"{self.text}"'

    def sql(self) -> tuple[str, list]:
        return "phraseto_tsquery(%s::regconfig, %s)", [SEARCH_CONFIG, self.text]


@dataclass(frozen=True)
class Not:
    operand: "Node"

    def english(self) -> str:
        return f"-{_grouped(self.operand)}"

    def sql(self) -> tuple[str, list]:
        sql, params = self.operand.sql()
        return f"(!! {sql})", params


@dataclass(frozen=True)
class AnyOf:
    operands: tuple["Node", ...]

    def english(self) -> str:
        return " OR ".join(_grouped(operand) for operand in self.operands)

    def sql(self) -> tuple[str, list]:
        return _joined(self.operands, " || ")


@dataclass(frozen=True)
class AllOf:
    operands: tuple["Node", ...]

    def english(self) -> str:
        return " ".join(_grouped(operand) for operand in self.operands)

    def sql(self) -> tuple[str, list]:
        return _joined(self.operands, " && ")


Node = Word | Phrase | Not | AnyOf | AllOf


def _grouped(node: Node) -> str:
    grouped = isinstance(node, AnyOf | AllOf) and len(node.operands) > 1
    return f"({node.english()})" if grouped else node.english()


def _joined(operands: Sequence[Node], operator: str) -> tuple[str, list]:
    parts = [operand.sql() for operand in operands]
    return "(" + operator.join(sql for sql, _ in parts) + ")", [p for _, ps in parts for p in ps]


# A word in Korean or Chinese → the concepts it names, each as its English alternatives.
Translate = Callable[[str], list[list[str]]]


@dataclass(frozen=True)
class ParsedSearch:
    """What was typed, as the clauses all of which a recommendation must match."""

    typed: str
    clauses: tuple[Node, ...]
    translated: bool = False
    untranslated: tuple[str, ...] = field(default=())

    def english(self) -> str:
        """The query searched, in English and in the syntax above, as the reader could type it."""
        return " ".join(
            _grouped(clause) if len(self.clauses) > 1 else clause.english()
            for clause in self.clauses
        )

    def expression(self) -> "RewrittenSearchQuery":
        sql, params = AllOf(self.clauses).sql() if self.clauses else Word("").sql()
        return RewrittenSearchQuery(
            f"SELECT ts_rewrite(ts_rewrite({sql}, %s), %s)",
            (*params, TERMS_TO_PLACEHOLDERS_SQL, PLACEHOLDERS_TO_GROUPS_SQL),
        )


class RewrittenSearchQuery(SearchQuery):
    """A tsquery built by ParsedSearch.expression(); a SearchQuery for Django's `@@` lookup,
    SearchRank and SearchHeadline to take as it is."""

    def __init__(self, sql: str, params: tuple):
        Func.__init__(self, output_field=SearchQueryField())
        self.sql = sql
        self.params = params

    def as_sql(self, compiler, connection, **extra_context):
        return f"({self.sql})", list(self.params)


def search_parse(typed: str, translate: Translate) -> ParsedSearch:
    """`typed` as clauses: AND between them, OR where typed; Korean and Chinese words as their
    English terms (`translate`)."""
    groups: list[list[Node]] = []
    untranslated: list[str] = []
    translated = False
    pending_or = negate_next = False
    for match in TOKEN.finditer(typed):
        phrase, word = match["phrase"], match["word"]
        negated = bool(match["negated"]) or negate_next
        if word in OR_WORDS:
            pending_or = bool(groups)
            continue
        if word == NOT_WORD:
            negate_next = True
            continue
        if word and word.startswith("-") and len(word) > 1:
            word, negated = word[1:], True
        text = phrase if phrase is not None else word
        if NOT_ENGLISH.search(text):
            concepts = translate(text)
            if not concepts:
                untranslated.append(text)
            translated = True
            node = _all_of([AnyOf(tuple(Phrase(term) for term in c)) for c in concepts])
        elif phrase is not None:
            node = Phrase(phrase) if phrase.strip() else None
        else:
            stripped = word.rstrip("*")
            prefix = stripped != word and bool(re.search(r"\w", stripped))
            node = Word(stripped, prefix=prefix) if stripped.strip("-") else None
        if node is not None:
            node = Not(node) if negated else node
            if pending_or:
                groups[-1].append(node)
            else:
                groups.append([node])
        pending_or = negate_next = False
    return ParsedSearch(
        typed=typed,
        clauses=tuple(_any_of(group) for group in groups),
        translated=translated,
        untranslated=tuple(untranslated),
    )


def _any_of(nodes: list[Node]) -> Node:
    return nodes[0] if len(nodes) == 1 else AnyOf(tuple(nodes))


def _all_of(nodes: list[Node]) -> Node | None:
    if not nodes:
        return None
    return _single(nodes[0]) if len(nodes) == 1 else AllOf(tuple(_single(n) for n in nodes))


def _single(node: Node) -> Node:
    return node.operands[0] if isinstance(node, AnyOf) and len(node.operands) == 1 else node
