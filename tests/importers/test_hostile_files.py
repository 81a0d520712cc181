"""Each hostile file (tests/hostile_files.py) through `manage.py import_recommendations` in
a process of its own, on the test database: its peak memory, its exit status, its one clear
line, and never a traceback."""

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from recommendations.models import Recommendation
from tests.hostile_files import EXPECTED, hostile_files
from tests.integration.conftest import database_url

ROOT = Path(__file__).resolve().parents[2]
TIME = "/usr/bin/time"
MEMORY_LIMIT = 512 * 2**20
# Should a limit fail, the child stops at 3 GB rather than take the shared machine's memory.
ADDRESS_SPACE_GUARD = 3 * 2**30

# serialized_rollback: the flush after each test must not take the migrations' states.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not os.access(TIME, os.X_OK), reason="needs GNU time (/usr/bin/time)"),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    return hostile_files(tmp_path_factory.mktemp("hostile"))


def run_import(path: Path) -> tuple[int, str, int]:
    """The command's exit status, its output and its peak resident memory in bytes, as
    /usr/bin/time measures it: a child forked from this test would count this process's
    own memory at the fork in its peak (Linux keeps the high-water mark across exec)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
    }
    output, peak_kb = path.with_suffix(".out"), path.with_suffix(".rss")
    with output.open("wb") as stream:
        exit_status = subprocess.call(
            [TIME, "-f", "%M", "-o", str(peak_kb)]
            + [sys.executable, "manage.py", "import_recommendations", str(path)],
            cwd=ROOT,
            env=env,
            stdout=stream,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: resource.setrlimit(
                resource.RLIMIT_AS, (ADDRESS_SPACE_GUARD, ADDRESS_SPACE_GUARD)
            ),
        )
    peak = int(peak_kb.read_text().split()[-1]) * 1024
    return exit_status, output.read_text(errors="replace"), peak


@pytest.mark.parametrize("name", list(EXPECTED))
def test_a_hostile_file_is_refused_or_reported_in_bounded_memory_without_a_traceback(files, name):
    _, _, status, reason = EXPECTED[name]

    exit_status, output, peak = run_import(files[name])

    print(f"{name}: exit {exit_status}, peak {peak / 2**20:.0f} MB")
    assert "Traceback" not in output
    assert reason in output, output[-2000:]
    assert exit_status == status, output[-2000:]
    assert peak < MEMORY_LIMIT, f"{peak / 2**20:.0f} MB"


def test_bad_values_are_bad_rows_by_column_and_the_good_row_is_imported(files):
    exit_status, output, _ = run_import(files["csv-invalid-values"])

    assert exit_status == 1
    assert "recommendations: 1 created" in output
    assert "row 3, paragraph: 'ppppp" in output
    assert "Ensure this value has at most 50 characters (it has 51)" in output
    assert "row 4, issued_by: 'AAAA" in output
    assert "row 5, document_symbol: 'S/111" in output
    assert "row 6, document_url: 'javascript:alert(1)': Enter a valid URL." in output
    assert "row 7, themes: '<b>torture</b>': Enter a valid “slug”" in output
    assert Recommendation.objects.get().paragraph == "40"


def test_the_longest_text_of_distinct_cjk_words_imports_and_is_found_by_search(files, client):
    exit_status, output, _ = run_import(files["csv-longest-cjk-text"])

    assert exit_status == 0, output
    recommendation = Recommendation.objects.get()
    assert len(recommendation.text) == settings.TRACKER_TEXT_MAX_CHARS
    first_word = recommendation.text.split()[0].split("-")[0]
    response = client.get("/api/recommendations/", {"q": first_word})
    assert [item["id"] for item in response.json()["results"]] == [recommendation.pk]
