"""A busy prison: status, today, list and done after 1, 3 and 10 years of 5,000 admissions a year.

Run it with the project's interpreter (the one `checklist` is installed in):

    python benchmarks/busy.py [--years 1 3 10] [--runs N] [--timeout S] [--keep DIR]

For each size it builds, once, the prison of prison.py (year.py's catalog and mix of records)
with 5,000 admissions a year: about 30,000 records a year, written in bulk and chained as
`FileStore.append` chains them, checked with `checklist verify` and read back with
`checklist status --json` (every item there, nothing overdue). Then it times, as whole
processes, round-robin, N runs each after 3 discarded warm-up rounds (they save the index
snapshot and the catalog cache): `status`, `today`, `list` and `done` (an untimed `reopen` of
the same item before each, so that every `done` records), all at the day after the last year,
and the minimal Typer app of startup.py (the framework's floor). It prints per command the
median and minimum in ms, the median's ratio to the floor's and the peak memory (the child's
max RSS). Target (issue 10): every command within 1.3x of the floor at every size.

It is a measurement, not a test: it exits 0 whatever the figures, and 1 only when setup fails.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from prison import Built, Mix, build, store_env
from procs import Figures, Step, ms, ratio, rounds, table, untimed, verdict
from startup import FLOOR, WARMUP, SetupError, checklist_command, versions, write_minimal_app

TARGET = 1.3
ADMISSIONS = 5_000
YEARS = (1, 3, 10)
DONE_ITEM = "prison.standing-01"  # a plain measure, done in the first days: reopened and done again


@dataclass(frozen=True)
class Size:
    years: int
    built: Built
    build_s: float
    figures: dict[str, Figures]


def steps(built: Built, root: Path, env: dict[str, str], checklist: list[str]) -> list[Step]:
    at = ["--store", str(built.store), "--now", built.now]
    reopen = [*checklist, "reopen", DONE_ITEM, "--reason", "benchmark: to record it again", *at]
    return [
        Step("checklist status", [*checklist, "status", *at]),
        Step("checklist today", [*checklist, "today", *at]),
        Step("checklist list", [*checklist, "list", *at]),
        Step("checklist done", [*checklist, "done", DONE_ITEM, "--note", "benchmark", *at], untimed(reopen, env, root)),
        Step(FLOOR, [sys.executable, str(write_minimal_app(root))]),
    ]


def measure(root: Path, years: int, args: argparse.Namespace) -> Size:
    env, checklist = store_env(root), checklist_command()
    began = time.perf_counter()
    built = build(root, env, checklist, Mix(years=years, admissions=ADMISSIONS))
    build_s = time.perf_counter() - began
    figures = rounds(
        steps(built, root, env, checklist), runs=args.runs, warmup=WARMUP, env=env, cwd=root, timeout=args.timeout
    )
    return Size(years, built, build_s, figures)


def report(size: Size, runs: int) -> str:
    built = size.built
    head = (
        f"busy prison, {size.years} year{'s' * (size.years > 1)}: {built.records:,} records "
        f"({built.size / 1e6:.1f} MB log), {size.years * ADMISSIONS:,} admissions, {built.items:,} items, "
        f"now {built.now}; built and checked in {size.build_s:.0f} s; {runs} runs after {WARMUP} warm-up"
    )
    rows = []
    for name, figures in size.figures.items():
        value = ratio(size.figures, name)
        judged = "floor" if name == FLOOR else verdict(value, TARGET, figures.failure)
        shown = "-" if value is None else f"{value:.2f}x"
        rows.append([name, ms(figures.median_ms), ms(figures.min_ms), shown, f"{figures.peak_mb:.0f}", judged])
    header = ["command", "median ms", "min ms", "ratio", "peak MB", f"target {TARGET}x"]
    return f"{head}\n{table(header, rows)}"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time status, today, list and done on a busy prison's years.")
    parser.add_argument("--years", type=int, nargs="+", default=list(YEARS), help="sizes in years (default 1 3 10)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (default 5)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run is killed (default 300)")
    parser.add_argument("--keep", type=Path, help="build the stores in DIR/<years>-years and leave them there")
    args = parser.parse_args(argv)
    if args.runs < 1 or min(args.years) < 1:
        parser.error("--runs and --years must be at least 1")
    return args


def folder(keep: Path | None, years: int) -> Path:
    if keep is None:
        return Path(tempfile.mkdtemp(prefix=f"checklist-busy-{years}-"))
    root = keep.resolve() / f"{years}-years"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    about = versions()
    print(f"Python {about['python']}, typer {about['typer']}; target {TARGET}x the floor's median")
    for years in args.years:
        root = folder(args.keep, years)
        try:
            size = measure(root, years, args)
        except SetupError as exc:
            print(f"benchmark setup failed: {exc}", file=sys.stderr)
            return 1
        finally:
            if args.keep is None:
                shutil.rmtree(root, ignore_errors=True)
        print(f"\n{report(size, args.runs)}", flush=True)
    if args.keep is not None:
        print(f"\nkept the catalogs, stores and minimal apps in {args.keep.resolve()}/<years>-years", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
