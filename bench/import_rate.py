"""Import rate of the UPR Info export (../shared/data/upr-info, 23,484 rows), in rows per second.

    .venv/bin/python bench/import_rate.py            # the embedded PostgreSQL
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_bench \
        .venv/bin/python bench/import_rate.py        # another PostgreSQL

It creates a database of its own (test_<name>, dropped and created),
migrates it, then per round: empties the imported tables, imports the three
files (every row written with its history), and imports them again (nothing to write). It
prints each round and the best, with the importing process's own CPU time: on a shared
machine the wall-clock rate falls with other load, the CPU time much less.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / ".." / "shared" / "data" / "upr-info"
FILES = ["sessions-1-5.csv", "sessions-6-9.csv", "sessions-10-13.csv"]
DELETED_AT_ONCE = 1000

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("SECRET_KEY", "bench-only")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--profile",
        type=Path,
        help="after the rounds, import the files once more into emptied tables under "
        "cProfile and write where the time went to this JSON file (bench/profiles.py)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0, autoclobber=True)

    from bench.profiles import profiled
    from recommendations.importers.services import recommendations_import
    from recommendations.models import Document, Recommendation, Response, Target, Theme

    contents = [(name, (DATA / name).read_bytes()) for name in FILES]
    rows = None
    print(f"{connection.settings_dict['NAME']}: {len(FILES)} UPR Info files")
    best_first, best_again = 0.0, 0.0

    def emptied() -> None:
        # A thousand at a time: the dashboard's counts lock each recommendation whose targets
        # a delete of a hundred or fewer writes, until the transaction ends, and a
        # transaction holding tens of thousands of locks runs out of PostgreSQL's lock table.
        ids = list(Recommendation.objects.values_list("pk", flat=True))
        for start in range(0, len(ids), DELETED_AT_ONCE):
            Recommendation.objects.filter(pk__in=ids[start : start + DELETED_AT_ONCE]).delete()
        for model in (Recommendation, Target, Response):
            model.history.all().delete()
        Document.objects.all().delete()
        Theme.objects.all().delete()

    for round_number in range(1, args.rounds + 1):
        emptied()
        (first, first_cpu), rows = _timed(recommendations_import, contents)
        (again, again_cpu), _ = _timed(recommendations_import, contents)
        best_first, best_again = max(best_first, rows / first), max(best_again, rows / again)
        print(
            f"round {round_number}: {rows} rows imported in {first:.1f} s "
            f"({rows / first:,.0f} rows/s; {first_cpu:.1f} s CPU in this process), "
            f"imported again in {again:.1f} s ({rows / again:,.0f} rows/s; "
            f"{again_cpu:.1f} s CPU)"
        )
    if args.profile:
        emptied()
        profile = profiled(lambda: _timed(recommendations_import, contents))
        profile["what"] = f"The import of the {len(FILES)} files into emptied tables under cProfile"
        args.profile.write_text(json.dumps(profile))
    # Last: bench/run.py reads the best rates from the last line.
    print(f"best: {best_first:,.0f} rows/s importing, {best_again:,.0f} rows/s importing again")


def _timed(run, contents) -> tuple[tuple[float, float], int]:
    start, start_cpu = time.perf_counter(), time.process_time()
    rows = sum(run(file_name=name, content=content).rows_read for name, content in contents)
    return (time.perf_counter() - start, time.process_time() - start_cpu), rows


if __name__ == "__main__":
    main()
