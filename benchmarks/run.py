"""Benchmarks: osintlog's commands as whole processes, next to the floors measured in the same run.

    python benchmarks/run.py                      # 1k, 10k and 100k claims, 5 runs each
    python benchmarks/run.py --sizes 1000 --runs 3
    python benchmarks/run.py --million --store sqlite   # 1,000,000 claims in a SQLite file

Builds synthetic ledgers (varied figures, 200 metrics, 50 sources, quotes like a report's) in a
temporary folder, then times every command as a separate process (median of --runs) and takes its
peak memory (ru_maxrss of that process). The floors are measured the same way: a Python process
that reads the ledger with orjson; one that reads it and rewrites it atomically with fsync; one
that parses the import CSV and writes it once with orjson; a minimal Typer app's --version.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from osintlog.claims import Context, build_claim
from osintlog.ledger import Ledger, claim_entry

SOURCES = [f"Source {chr(65 + i % 26)}{i // 26 or ''}" for i in range(50)]
NOUNS = ["troops", "shells", "missiles", "drones", "tanks", "artillery", "aircraft", "vehicles"]
VERBS = ["deployed", "killed", "wounded", "delivered", "planned", "sent", "captured", "lost"]
METRICS = [f"bench.{NOUNS[i % 8]}.{VERBS[(i // 8) % 8]}_{i // 64}" for i in range(200)]
FORMS = [
    "{n}",
    "{g}",
    "about {g}",
    "up to {g}",
    "at least {g}",
    "more than {n}",
    "{g}-{h}",
    "between {g} and {h}",
    "{m} million",
    "several hundred",
    "tens of thousands",
    "another {g}",
]
# A metric has one unit: every tenth metric is a share (its figures percentages), the others
# count soldiers or shells (a row may leave the unit out).
UNITS = ["soldiers", "shells"]
QUOTE = (
    "{source} said on Tuesday that {value} had been recorded in the area, according to officials "
    "who spoke on condition of anonymity, adding that the figure could change as reports came in."
)

FLOOR_READ = "import orjson, sys; orjson.loads(open(sys.argv[1], 'rb').read())"
FLOOR_REWRITE = textwrap.dedent(
    """
    import orjson, os, sys, tempfile
    path = sys.argv[1]
    data = orjson.loads(open(path, 'rb').read())
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
    with os.fdopen(fd, 'wb') as f:
        f.write(orjson.dumps(data, option=orjson.OPT_INDENT_2)); f.flush(); os.fsync(f.fileno())
    os.replace(tmp, path)
    """
)
FLOOR_CSV = textwrap.dedent(
    """
    import csv, orjson, sys
    with open(sys.argv[1], newline='', encoding='utf-8') as f:
        rows = list(csv.DictReader(f))
    open(sys.argv[2], 'wb').write(orjson.dumps(rows, option=orjson.OPT_INDENT_2))
    """
)
MINIMAL_TYPER = textwrap.dedent(
    """
    import typer
    app = typer.Typer()
    def version(value: bool):
        if value:
            print("minimal 0"); raise typer.Exit()
    @app.callback()
    def main(version: bool = typer.Option(False, "--version", callback=version, is_eager=True)):
        pass
    @app.command()
    def hello():
        pass
    app()
    """
)


def figure_text(rng: random.Random, share: bool = False) -> str:
    if share:
        return f"{rng.randint(1, 99)}%"
    n = rng.randint(1, 200_000)
    return rng.choice(FORMS).format(
        n=n,
        g=f"{n:,}",
        h=f"{n + rng.randint(1, 50_000):,}",
        m=rng.randint(1, 9),
        p=rng.randint(1, 99),
    )


def synthetic_rows(count: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    start = date(2022, 2, 24)
    rows = []
    for i in range(count):
        day = start + timedelta(days=rng.randint(0, 1000))
        as_of = day.isoformat() if i % 3 else day.isoformat()[:7]
        source = rng.choice(SOURCES)
        number = rng.randrange(len(METRICS))
        share = number % 10 == 9
        value = figure_text(rng, share)
        rows.append(
            {
                "metric": METRICS[number],
                "value": value,
                # a percentage carries its unit, %; a metric has one unit
                "unit": "" if share else rng.choice([UNITS[number % 2], ""]),
                "as_of": as_of,
                "reported": (day + timedelta(days=rng.randint(0, 30))).isoformat(),
                "source": source,
                "via": rng.choice(["Reuters", "Babel", "Yonhap", ""]),
                "quote": QUOTE.format(source=source, value=value) + f" ({i})",
                "rating": rng.choice(["B2", "C3", "A1", "F6", ""]),
                "tags": rng.choice(["kursk", "kursk;casualties", ""]),
            }
        )
    return rows


def build_ledger(path: Path, rows: list[dict[str, str]]) -> None:
    context = Context(date(2026, 1, 1), "bench", "2026-01-01T00:00:00.000000Z")
    entries = [claim_entry(build_claim(row, context)) for row in rows]
    Ledger(path).append(entries, context.now)


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@dataclass
class Timing:
    seconds: float
    peak_mb: float


# Each measurement runs in this small helper process, which spawns the measured process: the
# peak RSS of a spawned process counts the memory of whoever spawned it until it execs, so the
# spawner must be small (this benchmark process, holding the synthetic data, is not).
SPAWNER = textwrap.dedent(
    """
    import json, os, shutil, sys, tempfile, time
    job = json.loads(sys.argv[1])
    times, peaks = [], []
    for argv in job["argvs"]:
        for action, *paths in job["before"]:
            if action == "copy":
                shutil.copyfile(*paths)
            elif action == "unlink":
                for leftover in ("", "-wal", "-shm"):  # a SQLite ledger's files too
                    if os.path.exists(paths[0] + leftover):
                        os.unlink(paths[0] + leftover)
        with tempfile.TemporaryFile() as errors:
            actions = [
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_DUP2, errors.fileno(), 2),
            ]
            started = time.perf_counter()
            pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
            _, status, usage = os.wait4(pid, 0)
            times.append(time.perf_counter() - started)
            peaks.append(usage.ru_maxrss / 1024)
            if os.waitstatus_to_exitcode(status):
                errors.seek(0)
                sys.exit(" ".join(argv) + " failed: " + errors.read().decode())
    print(json.dumps({"times": times, "peaks": peaks}))
    """
)


def measure(argvs: list[list[str]], env: dict[str, str], before: list[list[str]] = ()) -> Timing:
    """Median wall time and the largest peak RSS over the runs (one argv per run)."""
    return measure_each(argvs, env, before, groups=1)[0]


def measure_each(
    argvs: list[list[str]], env: dict[str, str], before: list[list[str]] = (), groups: int = 1
) -> list[Timing]:
    """Run the argvs in turn; run i belongs to group i % groups. Interleaving the commands
    compared (a floor and the commands held to it) cancels most of the machine's drift."""
    times, peaks = run_in_turn(argvs, env, before)
    return [
        Timing(statistics.median(times[group::groups]), max(peaks[group::groups]))
        for group in range(groups)
    ]


def run_in_turn(
    argvs: list[list[str]], env: dict[str, str], before: list[list[str]] = ()
) -> tuple[list[float], list[float]]:
    """The wall time and peak RSS (MB) of each argv, run one after the other, each after the
    `before` actions."""
    job = json.dumps({"argvs": argvs, "before": list(before)})
    done = subprocess.run(
        [sys.executable, "-c", SPAWNER, job], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    result = json.loads(done.stdout)
    return result["times"], result["peaks"]


@dataclass
class Target:
    """What a command is held to: a ratio to its floor, and (the SQLite store's) seconds and
    peak megabytes of its own."""

    floor: str
    ratio: float | None = None
    seconds: float | None = None
    peak_mb: float | None = None

    def met(self, timing: Timing, floor: Timing) -> bool:
        return (
            (self.ratio is None or timing.seconds / floor.seconds <= self.ratio)
            and (self.seconds is None or timing.seconds <= self.seconds)
            and (self.peak_mb is None or timing.peak_mb <= self.peak_mb)
        )

    def text(self) -> str:
        parts = [f"≤{self.ratio}x"] if self.ratio else []
        parts += [f"≤{self.seconds} s"] if self.seconds else []
        parts += [f"≤{self.peak_mb:.0f} MB"] if self.peak_mb else []
        return ", ".join(parts)


Result = tuple[str, Timing, str, Timing, Target]
# The targets of the commands held to one (at 100k claims): the floor, and the ratio to it.
TARGETS = {
    "add": Target("read+rewrite", 1.5),
    "list --metric": Target("read", 1.5),
    "compare": Target("read", 1.5),
    "diff METRIC": Target("read", 1.5),
    "diff": Target("read", 2.0),
    "import (csv)": Target("csv+write", 3.0),
    "sources": Target("read", 1.5),
}
# The SQLite store's, at a million claims: a one-metric view and `add` in seconds of their own;
# `import` against the same import into the JSON file; the views of every metric against a
# plain SELECT of what they read: the columns `metrics` and `sources` count, the whole entries
# `diff` reads.
ONE_METRIC = Target("select metric", seconds=0.5, peak_mb=300)
SQLITE_TARGETS = {
    "add": Target("select metric", seconds=0.3),
    "list --metric": ONE_METRIC,
    "compare": ONE_METRIC,
    "diff METRIC": ONE_METRIC,
    "compare --every month": Target("select metric"),
    "import (csv)": Target("json import", 2.0),
    "metrics": Target("select metrics' columns", 1.5),
    "sources": Target("select sources' columns", 1.5),
    "diff": Target("select", 1.5),
}


# The floors of the SQLite store: a plain SELECT of what a command reads (one metric's entries,
# or all of them), as the issue that added the store sets them.
FLOOR_SELECT = textwrap.dedent(
    """
    import sqlite3, sys
    sqlite3.connect(sys.argv[1]).execute(sys.argv[2], sys.argv[3:]).fetchall()
    """
)
# What each floor selects: the lines a command reads whole, or the columns it counts.
SELECTS = {
    "select": "SELECT line FROM entries",
    "select metric": "SELECT line FROM entries WHERE metric = ?",
    "select metrics' columns": "SELECT metric, source, unit, logged_at, at FROM entries",
    "select sources' columns": "SELECT source, metric, unit, logged_at, reported FROM entries",
}


def run_size(size: int, runs: int, folder: Path, store: str = "json") -> list[Result]:
    rows = synthetic_rows(size)
    suffix = ".sqlite" if store == "sqlite" else ".json"
    ledger = folder / f"ledger-{size}{suffix}"
    build_ledger(ledger, rows)
    source_csv = folder / f"claims-{size}.csv"
    write_csv(source_csv, rows)
    del rows
    scratch = folder / f"scratch{suffix}"
    json_scratch = folder / "scratch-import.json"
    env = dict(os.environ, OSINTLOG_DB=str(ledger), OSINTLOG_ANALYST="bench", COLUMNS="120")
    # As installed for a user: compiled modules are cached (this machine disables that).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    python, osintlog = sys.executable, [sys.executable, "-m", "osintlog"]
    metric = METRICS[0]

    def repeat(argv: list[str]) -> list[list[str]]:
        return [argv] * runs

    # Start-up is a tenth of a second, where this machine's noise is largest: more runs.
    quick_runs = max(15, runs * 3)

    measure([[*osintlog, "--version"]], env)  # compiles and caches every module once
    copy = folder / "rewrite.json"
    # Each floor: its command, and what is done before each of its runs (and the command's).
    floors = {
        "read": ([python, "-c", FLOOR_READ, str(ledger)], []),
        "read+rewrite": (
            [python, "-c", FLOOR_REWRITE, str(copy)],
            [["copy", str(ledger), str(copy)]],
        ),
        "csv+write": (
            [python, "-c", FLOOR_CSV, str(source_csv), str(scratch)],
            [["unlink", str(scratch)]],
        ),
        **{
            name: (
                [python, "-c", FLOOR_SELECT, str(ledger), query, *[metric] * query.count("?")],
                [],
            )
            for name, query in SELECTS.items()
        },
        "json import": (
            [*osintlog, "--db", str(json_scratch), "import", str(source_csv)],
            # before each run of the floor and of the command: both import into a new ledger
            [["unlink", str(json_scratch)], ["unlink", str(scratch)]],
        ),
    }
    startup = [
        [python, "-c", MINIMAL_TYPER, "--version"],
        [*osintlog, "--version"],
        [*osintlog, "--help"],
    ]
    typer_floor, version, help_ = measure_each(startup * quick_runs, env, groups=3)
    imports = [*osintlog, "--db", str(scratch), "import", str(source_csv)]
    checks = [
        ("add", [[*osintlog, "add", metric, str(n), "--source", "Bench"] for n in range(runs)]),
        ("list --metric", repeat([*osintlog, "list", "--metric", metric])),
        ("compare", repeat([*osintlog, "compare", metric])),
        ("diff METRIC", repeat([*osintlog, "diff", metric])),
        ("diff", repeat([*osintlog, "diff"])),
        ("import (csv)", repeat(imports)),
        ("list --format csv", repeat([*osintlog, "list", "--format", "csv"])),
        ("metrics", repeat([*osintlog, "metrics"])),
        ("sources", repeat([*osintlog, "sources"])),
        ("compare --every month", repeat([*osintlog, "compare", metric, "--every", "month"])),
        ("verify", repeat([*osintlog, "verify"])),
    ]
    results: list[Result] = []
    for name, argvs in checks:
        if store == "sqlite":
            target = SQLITE_TARGETS.get(name, Target("select"))
        else:
            target = TARGETS.get(name, Target("read"))
        floor_name = target.floor
        floor_argv, before = floors[floor_name]
        # The floor and the command take turns, so that the machine's drift (large on a shared
        # virtual machine) falls on both alike and the ratio holds.
        runs_in_turn = [argv for command in argvs for argv in (floor_argv, command)]
        floor, timing = measure_each(runs_in_turn, env, before, groups=2)
        results.append((name, timing, floor_name, floor, target))
    for name, timing in (("--version", version), ("--help", help_)):
        results.append((name, timing, "minimal typer", typer_floor, Target("minimal typer", 1.2)))
    return results


def report(size: int, results: list[Result], file_mb: float) -> None:
    print(f"\n## {size:,} claims (ledger {file_mb:.1f} MB)\n")
    print("| command | seconds | floor | floor s | ratio | target | peak MB | floor MB |")
    print("|---|---:|---|---:|---:|---:|---:|---:|")
    for name, timing, floor_name, floor, target in results:
        ratio = timing.seconds / floor.seconds
        shown_target = target.text()
        if shown_target:
            shown_target += " ✓" if target.met(timing, floor) else " ✗"
        print(
            f"| {name} | {timing.seconds:.3f} | {floor_name} | {floor.seconds:.3f} | "
            f"{ratio:.2f}x | {shown_target} | {timing.peak_mb:.0f} | {floor.peak_mb:.0f} |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--million",
        action="store_true",
        help="one ledger of 1,000,000 claims, 3 runs (about 15 minutes for SQLite, 30 for JSON)",
    )
    parser.add_argument(
        "--store", choices=("json", "sqlite"), default="json", help="the ledger's store"
    )
    options = parser.parse_args()
    if options.million:
        options.sizes, options.runs = "1000000", 3
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(
        f"# osintlog benchmark, commit {commit or 'unknown'}, {date.today()}, "
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(s) for s in options.sizes.split(",")):
            results = run_size(size, options.runs, Path(folder), options.store)
            suffix = ".sqlite" if options.store == "sqlite" else ".json"
            file_mb = (Path(folder) / f"ledger-{size}{suffix}").stat().st_size / 1e6
            report(size, results, file_mb)


if __name__ == "__main__":
    main()
