"""A million records (about 1 GB) in one prison's log: every command against a bare Typer app.

Run it with the project's interpreter (the one `checklist` is installed in):

    python benchmarks/million.py [--records N] [--store DIR] [--runs N] [--timeout S] [--memory-limit GB]

It builds, once, the prison of prison.py with 5,000 admissions a year over as many years as
it takes to write N records (default 1,000,000; about 34 years), each note carrying a
paragraph of detail so that a record is about 1 KB: written in bulk, chained as
`FileStore.append` chains them, checked with `checklist verify` and read back with
`checklist status --json`. With `--store DIR` it is built in DIR and kept there, and a rerun
with the same N reuses it.

Then, in one interleaved run with the minimal Typer app of startup.py (the framework's
floor), round-robin, one warm-up round then N timed runs (default 3), it times as whole
processes, each with its peak memory (the child's max RSS):

- warm `status`, `list`, `today` and `done` (an untimed `reopen` before each): ratio to the
  floor's median, target 1.5x;
- cold `status`: before each run every derived file of the unit is removed (all of
  `units/<id>/` but its log, head, unit.json, lock, seals, checkpoints and quarantine) and
  the store's `cache/`: records per second, target 1,000,000/s;
- `verify`: records per second, target 1,000,000/s;
- `log --json` with its output thrown away: records per second, target 500,000/s;
- peak memory: target 200 MB (10^6 bytes) for every command.

A run longer than `--timeout` seconds (default 300) is killed and reported as TIMEOUT, and
the command is not run again. The commands run with an address-space limit (`--memory-limit`
GB, default 16, 0 for none) so that one cannot take the shared machine's memory; one that
runs out fails and is reported as FAILED. It is a measurement, not a test: it exits 0
whatever the figures, and 1 only when setup fails.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from prison import UNIT, Built, Mix, build, store_env
from procs import Figures, Step, ms, ratio, rounds, table, untimed, verdict
from startup import FLOOR, SetupError, checklist_command, versions, write_minimal_app

RECORDS = 1_000_000
ADMISSIONS = 5_000
PER_YEAR = 29_000  # records a year of this mix, a little under: enough years to reach N
WARM_TARGET, STATUS_RATE, VERIFY_RATE, LOG_RATE, PEAK_MB = 1.5, 1_000_000, 1_000_000, 500_000, 200
WARMUP = 1  # the build's own status run saved the snapshot; one round warms the page cache and the rest
DONE_ITEM = "prison.standing-01"
# What a unit's folder keeps when its derived files are removed (a cold run): the rest is derived.
KEPT = frozenset(
    {"unit.json", "records.jsonl", "head.json", ".lock", "seals", "checkpoints", "records.jsonl.quarantine"}
)
BUILD_FORMAT = 1  # of built.json: a store built by another version of this script is built again
DETAIL = (
    " 详细情况：当班民警按规定完成检查，逐项核对登记台账，现场拍照留存，发现问题当场整改并复查，"
    "未发现异常人员和物品，相关情况已向监区领导和驻监检察室通报，原始记录表存监区办公室备查。"
    "Details: the officer on duty carried out the check as required, went through the register item by item "
    "and photographed the site; no one and nothing out of the ordinary was found on the round; any problem "
    "found was put right at once and checked again, the ward leaders and the resident prosecutor were told, "
    "and the original sheets are kept in the ward office."
)


def mix_for(records: int) -> Mix:
    """The busy prison's mix with long notes, over enough years for `records` (the log stops there)."""
    return Mix(years=records // PER_YEAR + 1, admissions=ADMISSIONS, note=DETAIL)


# --- the store, built once -------------------------------------------------------


def ensure_store(root: Path, records: int, env: dict[str, str], checklist: list[str]) -> tuple[Built, float | None]:
    """The store of `records` records in `root`, reused if built there before with the same N
    (then the build time is None); else `root` is emptied and the store built and checked."""
    marker = root / "built.json"
    try:
        saved = json.loads(marker.read_text(encoding="utf-8"))
        if saved.pop("format") == BUILD_FORMAT and saved["records"] == records:
            built = Built(**{**saved, "store": Path(saved["store"]), "catalog": Path(saved["catalog"])})
            if (built.store / "units" / UNIT / "head.json").is_file():
                return built, None
    except (OSError, ValueError, KeyError, TypeError):
        pass
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    began = time.perf_counter()
    built = build(root, env, checklist, mix_for(records), limit=records)
    took = time.perf_counter() - began
    fields = {**asdict(built), "store": str(built.store), "catalog": str(built.catalog)}
    marker.write_text(json.dumps({"format": BUILD_FORMAT, **fields}), encoding="utf-8")
    return built, took


def current(built: Built) -> tuple[int, int]:
    """The records and bytes of the log now (each `done` run adds two records)."""
    unit_dir = built.store / "units" / UNIT
    head = json.loads((unit_dir / "head.json").read_text(encoding="utf-8"))
    return head["seq"], (unit_dir / "records.jsonl").stat().st_size


def drop_derived(store: Path) -> None:
    """Remove every derived file: all in each unit's folder but what KEPT names, and cache/."""
    for unit_dir in (store / "units").iterdir():
        for path in unit_dir.iterdir():
            if path.name in KEPT:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
    shutil.rmtree(store / "cache", ignore_errors=True)


# --- the runs ----------------------------------------------------------------------


def steps(built: Built, root: Path, env: dict[str, str], checklist: list[str]) -> list[Step]:
    store = ["--store", str(built.store)]
    at = [*store, "--now", built.now]
    reopen = [*checklist, "reopen", DONE_ITEM, "--reason", "benchmark: to record it again", *at]
    return [
        Step(FLOOR, [sys.executable, str(write_minimal_app(root))]),
        Step("status", [*checklist, "status", *at]),
        Step("list", [*checklist, "list", *at]),
        Step("today", [*checklist, "today", *at]),
        Step("done", [*checklist, "done", DONE_ITEM, "--note", "benchmark", *at], untimed(reopen, env, root)),
        Step("verify", [*checklist, "verify", *store], warm_up=False),
        Step("log --json", [*checklist, "log", "--json", *store], warm_up=False),
        Step("status, cold", [*checklist, "status", *at], lambda: drop_derived(built.store), warm_up=False),
    ]


RATES = {"status, cold": STATUS_RATE, "verify": VERIFY_RATE, "log --json": LOG_RATE}


def row(name: str, figures: dict[str, Figures], records: int) -> list[str]:
    """median, min, ratio or rate, peak memory, and the verdicts on time and on memory."""
    mine = figures[name]
    value = ratio(figures, name)
    peak_mb = mine.peak_mb
    memory = verdict(peak_mb, PEAK_MB, None) if mine.runs else "-"
    if name in RATES:
        rate = records / (mine.median_ms / 1000) if mine.median_ms else None
        speed = "-" if rate is None else f"{rate:,.0f}/s"
        judged = verdict(rate, RATES[name], mine.failure, at_least=True)
        target = f">= {RATES[name]:,}/s {judged}"
    else:
        speed = "-"
        target = "floor" if name == FLOOR else f"<= {WARM_TARGET}x {verdict(value, WARM_TARGET, mine.failure)}"
    shown = "-" if value is None else f"{value:.2f}x"
    return [name, ms(mine.median_ms), ms(mine.min_ms), shown, speed, f"{peak_mb:,.0f}", target, memory]


def report(built: Built, took: float | None, figures: dict[str, Figures], runs: int, before: int) -> str:
    records, size = current(built)
    how = f"built and checked in {took:.0f} s" if took is not None else f"reused from {built.store.parent}"
    head = (
        f"one prison, {before:,} records at the start ({size / 1e6:,.0f} MB log now, {size / records:,.0f} bytes "
        f"a record), {built.items:,} items, now {built.now}; {how}; {runs} runs after {WARMUP} warm-up"
    )
    header = ["command", "median ms", "min ms", "ratio", "records/s", "peak MB", "target", f"<= {PEAK_MB} MB"]
    return f"{head}\n{table(header, [row(name, figures, before) for name in figures])}"


# --- main ------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Every command on a log of a million records, against a Typer app.")
    parser.add_argument("--records", type=int, default=RECORDS, help="records in the log (default 1,000,000)")
    parser.add_argument("--store", type=Path, help="build the store in DIR and keep it (reused by a rerun)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (default 3)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run is killed (default 300)")
    parser.add_argument("--memory-limit", type=float, default=16, help="GB of address space per command (0: none)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.records < 1:
        parser.error("--runs and --records must be at least 1")
    return args


def limit_memory(gigabytes: float) -> None:
    """An address-space limit the commands inherit (the soft one: it can be raised again)."""
    if gigabytes > 0:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        wanted = int(gigabytes * 1e9)
        resource.setrlimit(resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))


def benchmark(root: Path, args: argparse.Namespace) -> str:
    env, checklist = store_env(root), checklist_command()
    built, took = ensure_store(root, args.records, env, checklist)
    before, _ = current(built)
    limit_memory(args.memory_limit)
    figures = rounds(
        steps(built, root, env, checklist), runs=args.runs, warmup=WARMUP, env=env, cwd=root, timeout=args.timeout
    )
    return report(built, took, figures, args.runs, before)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    about = versions()
    print(f"Python {about['python']}, typer {about['typer']}", flush=True)
    root = args.store.resolve() if args.store else Path(tempfile.mkdtemp(prefix="checklist-million-"))
    try:
        print(benchmark(root, args))
    except SetupError as exc:
        print(f"benchmark setup failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.store is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
