"""Draw p95 per endpoint against scale from bench/results/latest-*.json; print the table.

    .venv/bin/python bench/plot.py      # writes bench/results/p95-by-scale.png

One line per endpoint, one point per scale measured (10k, 100k, 1M: whichever files exist),
both axes logarithmic, so a cost that grows with the data shows as a slope. The public pages
are drawn dashed by their p95 just after a write (from the cache they answer as the cached
stats do). It prints the
latency table for a quick look; docs/benchmarks.md's tables are written by bench/report.py.
"""

import json
from functools import partial
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
OUTPUT = RESULTS / "p95-by-scale.png"


def results() -> list[dict]:
    found = [json.loads(path.read_text()) for path in RESULTS.glob("latest-*.json")]
    return sorted(found, key=lambda result: result["scale"])


def plot(runs: list[dict]) -> None:
    figure, axes = plt.subplots(figsize=(12, 6))
    names = dict.fromkeys(name for run in runs for name in run["endpoints"])
    for name in names:
        points = [
            (run["scale"], run["endpoints"][name]["p95_ms"])
            for run in runs
            if run["endpoints"].get(name, {}).get("requests")
        ]
        axes.plot(*zip(*points, strict=True), marker="o", label=name)
    pages = dict.fromkeys(name for run in runs for name in run.get("pages", {}))
    for name in pages:
        points = [
            (run["scale"], run["pages"][name]["after_a_write"]["p95_ms"])
            for run in runs
            if name in run.get("pages", {})
        ]
        axes.plot(
            *zip(*points, strict=True),
            marker="s",
            linestyle="--",
            label=f"{name}, just after a write",
        )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xticks([run["scale"] for run in runs], [f"{run['scale']:,}" for run in runs])
    axes.set_xlabel("recommendations")
    connections = runs[-1]["wrk"]["connections"]
    axes.set_ylabel(
        f"p95 latency (ms), wrk, {connections} connections, 2 gunicorn workers;\n"
        "dashed: one request after each of a series of writes"
    )
    machine = runs[-1]["machine"]
    axes.set_title(f"p95 by scale ({machine['cores']} cores, {machine['memory_gb']} GB)")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    figure.tight_layout()
    figure.savefig(OUTPUT, dpi=100)


def table(runs: list[dict]) -> str:
    scales = " | ".join(f"{run['scale']:,}" for run in runs)
    lines = [
        f"| p50 / p95 / p99 ms (requests/s; p50 ÷ SQL floor) at | {scales} |",
        "|---" * (len(runs) + 1) + "|",
    ]
    names = dict.fromkeys(name for run in runs for name in run["endpoints"])
    for name in names:
        cells = []
        for run in runs:
            cells.append(_latencies(run["endpoints"].get(name)))
        lines.append(f"| {name} | {' | '.join(cells)} |")
    rows = {
        "stats just after a write (ms; ÷ SQL floor)": partial(_after_a_write, "stats"),
        "admin changelist just after a write (ms; ÷ SQL floor)": partial(_after_a_write, "admin"),
        "CSV export: rows, seconds, worker peak RSS (growth)": lambda run: (
            f"{run['csv_export']['rows']:,} in {run['csv_export']['seconds']} s, "
            f"{run['csv_export']['worker_peak_rss_mb']} MB "
            f"(+{run['csv_export']['worker_rss_growth_mb']} MB)"
        ),
        "Reminder sweep over every target": lambda run: (
            f"{run['reminder_sweep']['targets']:,} targets in "
            f"{run['reminder_sweep']['seconds']} s ({run['reminder_sweep']['queries']} queries)"
        ),
        "Import (rows/s, new / again)": lambda run: (
            f"{run['import']['rows_per_s']:,.0f} / {run['import']['rows_per_s_again']:,.0f}"
        ),
    }
    for label, cell in rows.items():
        lines.append(f"| {label} | {' | '.join(cell(run) for run in runs)} |")
    return "\n".join(lines)


def _after_a_write(name: str, run: dict) -> str:
    measured = run.get(f"{name}_after_a_write")
    if measured is None:
        return "–"
    return f"{measured['ms']:,.0f} ({measured['ms_to_sql_floor']}×)"


def _latencies(row: dict | None) -> str:
    if row is None:
        return "–"
    if not row["requests"]:
        return f"none answered within wrk's run (SQL floor {row['sql_floor_ms']:,.0f} ms)"
    return (
        f"{row['p50_ms']:.0f} / {row['p95_ms']:.0f} / {row['p99_ms']:.0f} "
        f"({row['requests_per_s']:.2g}/s; {_ratio(row['p50_to_sql_floor'])})"
    )


def _ratio(value: float | None) -> str:
    return f"{value}×" if value is not None else "no SQL floor"


def main() -> None:
    runs = results()
    if not runs:
        raise SystemExit(f"No results in {RESULTS}: run `make bench` first.")
    plot(runs)
    print(table(runs))
    print(f"Written to {OUTPUT}")


if __name__ == "__main__":
    main()
