"""Korean and Chinese words to the English the texts are written in.

The terms come from three places, each kept by its own people: the glossary the translators
keep (docs/glossary.md: its table of terms, and its table of bodies' names), the bodies'
names in Korean and Chinese (Body.name_ko, name_zh_hans, with their source) and the states'
names in pycountry's ISO 3166 catalogues (state_names.py). Themes have no translated names.

Korean and Chinese do not put spaces where English does ("강제송환을", "中国强迫遣返"), so a word
is read from its start, taking at each place the longest term that begins there; what is
left between terms (a particle: 을, 的) is dropped. A part that no term begins, of two
characters or more, is taken as the beginning or middle of the terms that hold it
("不驱回" of "不驱回原则", the principle of non-refoulement).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry
from django.conf import settings

from recommendations import state_names

GLOSSARY = Path(settings.BASE_DIR) / "docs" / "glossary.md"
PARENTHESES = re.compile(r"\s*\(([^)]*)\)")
# Hangul (syllables, jamo) and the CJK ideographs: what the texts, in English, never hold.
NOT_ENGLISH = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u3400-\u4dbf\u4e00-\u9fff]")
# A leftover part shorter than this is a particle or a single character, never a term.
PART_MIN_CHARS = 2
# Of the terms a part begins or sits in, at most this many are searched.
PART_TERMS_MAX = 4


def _key(term: str) -> str:
    return re.sub(r"\s+", "", term).lower()


def _alternatives(cell: str) -> list[str]:
    """A glossary cell's renderings: "a / b" are two; a parenthesis in Korean or Chinese is
    another rendering (人权高专办), one in English an explanation, left out."""
    if cell.startswith("*"):
        return []
    found = []
    for part in cell.split(" / "):
        found.append(PARENTHESES.sub("", part).strip())
        found.extend(inner for inner in PARENTHESES.findall(part) if NOT_ENGLISH.search(inner))
    return [term for term in found if term]


def _rows(table_heading: str, text: str) -> Iterable[list[str]]:
    """The cells of each row of the first table after `table_heading` (or of the first
    table, for "")."""
    started = not table_heading
    for line in text.splitlines():
        if not started:
            started = line.startswith("#") and table_heading in line
            continue
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if not set(cells[0]) <= {"-", " "} and cells[0] not in ("English", "acronym"):
                yield cells
        elif line.startswith("#") and table_heading:
            return


@cache
def glossary_terms(path: Path = GLOSSARY) -> dict[str, list[str]]:
    """Every Korean and Chinese rendering in the glossary, by key, with its English terms."""
    text = path.read_text(encoding="utf-8")
    terms: dict[str, list[str]] = {}
    for cells in _rows("Glossary", text):
        english = _alternatives(cells[0])
        for cell in (cells[1], cells[3]):
            renderings = _alternatives(cell)
            paired = len(renderings) == len(english)
            for index, rendering in enumerate(renderings):
                _add(terms, rendering, [english[index]] if paired else english)
    for acronym, korean, chinese in _rows("Bodies' names", text):
        for rendering in _alternatives(korean) + _alternatives(chinese):
            _add(terms, rendering, [acronym])
    return terms


def _add(terms: dict[str, list[str]], rendering: str, english: list[str]) -> None:
    found = terms.setdefault(_key(rendering), [])
    found.extend(term for term in english if term not in found)


@cache
def state_terms() -> dict[str, list[str]]:
    """Each state's names in Korean and Chinese, with its English name and its code."""
    terms: dict[str, list[str]] = {}
    for language in state_names.CATALOGUES:
        for code, name in state_names.names_by_code(language).items():
            country = pycountry.countries.get(alpha_3=code)
            english = getattr(country, "common_name", None) or country.name
            _add(terms, name, [english, code])
    return terms


@dataclass(frozen=True)
class Lexicon:
    """Korean and Chinese terms, by key (without spaces), with their English terms."""

    terms: dict[str, list[str]]

    @classmethod
    def of(cls, *sources: dict[str, list[str]]) -> "Lexicon":
        terms: dict[str, list[str]] = {}
        for source in sources:
            for key, english in source.items():
                _add(terms, key, english)
        return cls(terms)

    def concepts(self, word: str) -> list[list[str]]:
        """The English alternatives of each term `word` names, in order."""
        key = _key(word)
        longest = max(map(len, self.terms), default=0)
        concepts: list[list[str]] = []
        leftover = ""
        position = 0
        while position < len(key):
            for length in range(min(longest, len(key) - position), 0, -1):
                term = key[position : position + length]
                if term in self.terms:
                    concepts += self._within(leftover)
                    concepts.append(self.terms[term])
                    leftover = ""
                    position += length
                    break
            else:
                leftover += key[position]
                position += 1
        return concepts + self._within(leftover)

    def _within(self, part: str) -> list[list[str]]:
        if len(part) < PART_MIN_CHARS:
            return []
        english: list[str] = []
        for term in sorted(key for key in self.terms if part in key):
            english += [name for name in self.terms[term] if name not in english]
        return [english[:PART_TERMS_MAX]] if english else []
