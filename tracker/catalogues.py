"""The translation catalogues (locale/<language>/LC_MESSAGES/django.po): compiled and checked
in Python with polib, so `make run`, `make test` and the Docker build need no GNU gettext.

    python -m tracker.catalogues compile   # every .po to its .mo (the .mo files are not in git)
    python -m tracker.catalogues check     # counts per language; fails on anything missing

The check fails on an untranslated or fuzzy entry, a translation whose placeholders differ
from the English (`%(day)s` lost or misspelt would raise at run time, or say the wrong
thing), a catalogue missing, and catalogues that do not hold the same messages.
"""

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
# The catalogues settings.LANGUAGES needs, by locale name (English is the source language).
REQUIRED = ("ko", "zh_Hans")
DOMAIN = "django"

PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?([sdifrxXeEgGc%])")


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def placeholders(text: str) -> list[tuple[str, str]]:
    """The printf-style placeholders of `text`, sorted: named ones in any order."""
    return sorted((name, kind) for name, kind in PLACEHOLDER.findall(text) if kind != "%")


@dataclass
class CatalogueReport:
    language: str
    total: int = 0
    translated: int = 0
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)
    bad_placeholders: list[str] = field(default_factory=list)
    msgids: set[tuple[str, str]] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not (self.untranslated or self.fuzzy or self.bad_placeholders)

    def line(self) -> str:
        return (
            f"{self.language}: {self.total} messages, {self.translated} translated, "
            f"{len(self.untranslated)} untranslated, {len(self.fuzzy)} fuzzy, "
            f"{len(self.bad_placeholders)} with wrong placeholders"
        )


def _placeholders_differ(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        # A language with one plural form (Korean, Chinese) says the count in its only form.
        expected = placeholders(entry.msgid_plural)
        return any(placeholders(text) != expected for text in entry.msgstr_plural.values())
    return placeholders(entry.msgstr) != placeholders(entry.msgid)


def catalogue_report(language: str, path: Path | None = None) -> CatalogueReport:
    po = polib.pofile(str(path or catalogue_path(language)))
    report = CatalogueReport(language)
    for entry in po:
        if entry.obsolete:
            continue
        report.total += 1
        report.msgids.add((entry.msgctxt or "", entry.msgid))
        if entry.fuzzy:
            report.fuzzy.append(entry.msgid)
        elif not entry.translated():
            report.untranslated.append(entry.msgid)
        elif _placeholders_differ(entry):
            report.bad_placeholders.append(entry.msgid)
        else:
            report.translated += 1
    return report


def check() -> list[str]:
    """Every problem of every required catalogue, as lines to print; [] when all is well."""
    problems = []
    reports = []
    for language in REQUIRED:
        if not catalogue_path(language).exists():
            problems.append(f"{language}: no catalogue at {catalogue_path(language)}")
            continue
        report = catalogue_report(language)
        reports.append(report)
        print(report.line())
        for kind in ("untranslated", "fuzzy", "bad_placeholders"):
            problems += [f"{language}: {kind}: {msgid!r}" for msgid in getattr(report, kind)]
    for report in reports[1:]:
        for msgid in sorted(report.msgids ^ reports[0].msgids):
            problems.append(
                f"{reports[0].language} and {report.language} differ on {msgid[1]!r}: "
                "run makemessages for every language"
            )
    return problems


def compile_all() -> list[Path]:
    """Write each catalogue's .mo beside it; returns the files written."""
    written = []
    for po_path in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "compile":
        for path in compile_all():
            print(f"compiled {path.relative_to(LOCALE_DIR.parent)}")
        return 0
    if command == "check":
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    print("usage: python -m tracker.catalogues compile|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
