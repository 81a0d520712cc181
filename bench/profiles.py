"""Where a request's time goes: one call under cProfile, summed up for the benchmark page.

The profile is taken in-process, on a request like those measured (bench/run.py), so that a
target still missed can be shown with what it spends its time on. cProfile slows Python code
down more than it slows waiting on PostgreSQL: read the profile's shares, not its total, and
the latencies in the tables for the time itself.
"""

import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The functions shown: by their own time (where the CPU or the wait is), and the project's
# own by cumulative time (which of our functions the time is spent under).
TOP = 12
# Frames of the interpreter and the profiler's own bookkeeping say nothing about the service.
HIDDEN = ("<frozen ", "{method 'disable' of '_lsprof.Profiler'", "cProfile.py")


def _location(filename: str, line: int, function: str) -> str:
    """`package/module.py:line function`: inside the project, relative to it; inside a
    library, from its package's folder; a built-in as Python names it."""
    path = Path(filename)
    if filename.startswith("~") or not path.is_absolute():
        return function
    if path.is_relative_to(ROOT) and ".venv" not in path.parts:
        return f"{path.relative_to(ROOT)}:{line} {function}"
    for folder in sys.path:
        if folder and path.is_relative_to(folder) and folder.endswith("-packages"):
            return f"{path.relative_to(folder)}:{line} {function}"
    return f"{path.name}:{line} {function}"


def _own_code(filename: str) -> bool:
    """The service's code: not a library's, nor the benchmark's or the tests'."""
    path = Path(filename)
    if not (path.is_absolute() and path.is_relative_to(ROOT)):
        return False
    return path.relative_to(ROOT).parts[0] not in (".venv", "bench", "tests")


def _row(key: tuple, numbers: tuple) -> dict:
    primitive_calls, calls, own, cumulative, _callers = numbers
    return {
        "function": _location(*key),
        "calls": calls,
        "own_ms": round(own * 1000, 1),
        "cumulative_ms": round(cumulative * 1000, 1),
    }


def profiled(call: Callable[[], object]) -> dict:
    """`call` run once under cProfile: its time (profiled), the functions with the most own
    time, and the project's functions with the most cumulative time."""
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(call)
    elapsed = time.perf_counter() - started
    entries = [
        (key, numbers)
        for key, numbers in pstats.Stats(profiler).stats.items()
        if not any(hidden in key[0] or hidden in key[2] for hidden in HIDDEN)
    ]
    by_own = sorted(entries, key=lambda entry: entry[1][2], reverse=True)[:TOP]
    ours = sorted(
        (entry for entry in entries if _own_code(entry[0][0])),
        key=lambda entry: entry[1][3],
        reverse=True,
    )[:TOP]
    return {
        "profiled_ms": round(elapsed * 1000, 1),
        "by_own_time": [_row(*entry) for entry in by_own],
        "ours_by_cumulative_time": [_row(*entry) for entry in ours],
    }
