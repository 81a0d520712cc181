"""The synonym groups of synonyms.csv, as the rewrite rules PostgreSQL's ts_rewrite applies to
every query (docs/search.md says why at query time, from a table, rather than a synonym
dictionary).

Each group's terms are equivalent: a query naming any of them finds every one. The query is
rewritten twice. First each term, as a phrase (and, when it has several words, as the words
typed without quotes: `north korea`), becomes its group's placeholder, a lexeme no text has;
then each placeholder becomes the OR of its group's phrases. In one pass a group's OR would be
rewritten again by the rules of its own terms and of others' (the DPRK's "People's" by the
rule for people), growing the query at each rule.
Run from migration 0030 and `manage.py search_synonyms_load`, after a change to the file.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from recommendations.search import SEARCH_CONFIG

SYNONYMS_CSV = Path(__file__).with_name("synonyms.csv")
SYNONYM_TABLE = "recommendations_search_synonym"
# Longest terms first: a phrase becomes its placeholder before a rule for one of its words
# (people) takes the word out of it.
TERMS_TO_PLACEHOLDERS_SQL = (
    f"SELECT target, placeholder FROM {SYNONYM_TABLE} ORDER BY numnode(target) DESC, id"  # noqa: S608
)
PLACEHOLDERS_TO_GROUPS_SQL = f"SELECT DISTINCT placeholder, substitute FROM {SYNONYM_TABLE}"  # noqa: S608


@dataclass(frozen=True)
class SynonymGroup:
    kind: str
    terms: tuple[str, ...]
    note: str


def synonym_groups(path: Path = SYNONYMS_CSV) -> list[SynonymGroup]:
    with path.open(newline="", encoding="utf-8") as file:
        return [
            SynonymGroup(
                kind=row["kind"],
                terms=tuple(term.strip() for term in row["terms"].split(";") if term.strip()),
                note=row["note"],
            )
            for row in csv.DictReader(file)
        ]


def synonyms_load(connection, path: Path = SYNONYMS_CSV) -> int:
    """Replace the rewrite rules with those of the file; returns how many there are."""
    rules = 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SYNONYM_TABLE}")  # noqa: S608
        for number, group in enumerate(synonym_groups(path), start=1):
            # Quoted, a lexeme may hold a space, which the parser never puts in one.
            placeholder = f"'synonyms {number}'"
            substitute = " || ".join(["phraseto_tsquery(%s::regconfig, %s)"] * len(group.terms))
            substitute_params = [value for term in group.terms for value in (SEARCH_CONFIG, term)]
            for term in group.terms:
                targets = ["phraseto_tsquery"] + (["plainto_tsquery"] if " " in term else [])
                for target in targets:
                    cursor.execute(
                        f"INSERT INTO {SYNONYM_TABLE} "  # noqa: S608
                        "(kind, term, target, placeholder, substitute) "
                        f"SELECT %s, %s, {target}(%s::regconfig, %s), %s::tsquery, {substitute}",
                        [group.kind, term, SEARCH_CONFIG, term, placeholder, *substitute_params],
                    )
                    rules += 1
    return rules
