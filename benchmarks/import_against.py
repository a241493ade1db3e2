"""The import of 100,000 CSV rows by this checkout and by earlier commits, in turn with its floor.

    python benchmarks/import_against.py 2bca890 3e33971            # 10 runs of each
    python benchmarks/import_against.py 2bca890 --runs 20 --rows 10000

On a shared machine the speed drifts by more than a commit changes an import (the same import
took 2.0 to 4.4 s within an hour), so a ratio measured one day is not comparable with one measured
the next. This answers "is the import slower than it was?" under the same drift. Each commit is
checked out in a temporary git worktree and run from there with this checkout's Python (3.11 or
later; its dependencies must be installed here: `pip install -e '.[test]'` has those of every
commit since issue 6, which took filelock). The floor (`run.py`'s csv+write), each commit's
import and this checkout's take turns, run after run, each into a new ledger. It prints each
one's median seconds, its ratio to the floor's median, and the range of its ratio to the floor
run just before it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from run import FLOOR_CSV, run_in_turn, synthetic_rows, write_csv

HERE = Path(__file__).resolve().parent.parent


def git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(HERE), *args], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr.strip())
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("commits", nargs="+", help="commits to compare with this checkout")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rows", type=int, default=100_000)
    options = parser.parse_args()
    if sys.version_info < (3, 11):
        raise SystemExit("needs Python 3.11 or later, whose -P runs each commit's own sources")
    names = [*options.commits, f"this checkout ({git('rev-parse', '--short', 'HEAD')})"]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        trees = [folder / f"tree-{number}" for number in range(len(options.commits))]
        for tree, commit in zip(trees, options.commits, strict=True):
            git("worktree", "add", "--detach", "--quiet", str(tree), commit)
        try:
            times = timed(folder, [*trees, HERE], options.rows, options.runs)
        finally:
            for tree in trees:
                git("worktree", "remove", "--force", str(tree))
    report(options.rows, names, times)


def osintlog_in(tree: Path) -> list[str]:
    """The osintlog of `tree`'s sources, run with this checkout's Python (-P: not the one in
    the current folder, which `-m` would otherwise find first)."""
    run_env = shutil.which("env") or "/usr/bin/env"
    return [run_env, f"PYTHONPATH={tree}", sys.executable, "-P", "-m", "osintlog"]


def timed(folder: Path, trees: list[Path], rows: int, runs: int) -> list[list[float]]:
    """Each run's seconds: the floor's, then each tree's import, in that order."""
    source = folder / "claims.csv"
    write_csv(source, synthetic_rows(rows))
    scratch = [folder / f"import-{number}.json" for number in range(len(trees))]
    floor_output = folder / "floor.json"
    env = dict(os.environ, OSINTLOG_ANALYST="bench")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed for a user: compiled modules cached
    osintlogs = [osintlog_in(tree) for tree in trees]
    imports = [
        [*osintlog, "--db", str(ledger), "import", str(source)]
        for osintlog, ledger in zip(osintlogs, scratch, strict=True)
    ]
    floor = [sys.executable, "-c", FLOOR_CSV, str(source), str(floor_output)]
    before = [["unlink", str(path)] for path in (*scratch, floor_output)]
    run_in_turn([[*osintlog, "--version"] for osintlog in osintlogs], env)  # compiles, caches
    seconds, _ = run_in_turn([floor, *imports] * runs, env, before)
    width = 1 + len(trees)
    return [seconds[group::width] for group in range(width)]


def report(rows: int, names: list[str], times: list[list[float]]) -> None:
    floor = times[0]
    print(f"| import of {rows:,} CSV rows | median s | ratio | ratio run by run |")
    print("|---|---:|---:|---:|")
    print(f"| floor (csv+write) | {statistics.median(floor):.3f} | | |")
    for name, seconds in zip(names, times[1:], strict=True):
        ratios = [mine / theirs for mine, theirs in zip(seconds, floor, strict=True)]
        print(
            f"| {name} | {statistics.median(seconds):.3f} | "
            f"{statistics.median(seconds) / statistics.median(floor):.2f}× | "
            f"{min(ratios):.2f}–{max(ratios):.2f}× |"
        )


if __name__ == "__main__":
    main()
