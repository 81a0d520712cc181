"""A section of a docs page written by a bench script from its results file, between two
markers; the prose around it is kept. `--report` rewrites it, `--check` says whether it is
stale (tests/test_bench_report.py runs it)."""

from pathlib import Path


def with_section(page: Path, begin: str, end: str, section: str) -> str:
    """The page's text with `section` (markers included) in place of the old one."""
    text = page.read_text(encoding="utf-8")
    start, stop = text.index(begin), text.index(end) + len(end)
    return text[:start] + section + text[stop:]


def report_or_check(page: Path, expected: str, *, check: bool) -> int:
    """Rewrite the page, or (check) exit status 1 when it is not `expected`."""
    if check:
        return 0 if page.read_text(encoding="utf-8") == expected else 1
    page.write_text(expected, encoding="utf-8")
    return 0
