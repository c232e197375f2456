"""Instruction counts of `checklist status` under callgrind: a figure that does not drift as wall time does.

Run it with the project's interpreter (the one `checklist` is installed in), with valgrind on the PATH:

    python benchmarks/callgrind.py [--records 10000 1000000] [--stores DIR] [--timeout S] [--lang zh|en]

For each N (default 10,000 and 1,000,000) it takes the store of million.py with N records
(DIR/<N>, built there once and reused, as `million.py --records N --store DIR/<N>` builds
it; without --stores, in a temporary folder removed at the end), runs `checklist status` once
untimed so that its snapshots are saved, then runs it once under `valgrind --tool=callgrind`
and prints the total instruction count (Ir) and its ratio to the minimal Typer app's of
startup.py (the framework's floor), counted the same way. PYTHONHASHSEED is fixed, so that
two counts of the same code differ by little. Under callgrind a command runs some 50 to 100
times slower: status at 1 M records takes minutes (`--timeout`, default 3600 s).

It is a measurement, not a test: it exits 0 whatever the figures, and 1 only when setup fails.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from million import ensure_store
from prison import store_env
from procs import table
from startup import FLOOR, SetupError, bench_env, checklist_command, run_checked, versions, write_minimal_app

RECORDS = (10_000, 1_000_000)
TOTALS = re.compile(rb"^(?:summary|totals): (\d+)", re.MULTILINE)


def instructions(argv: list[str], env: dict[str, str], cwd: Path, timeout: float) -> tuple[int, float]:
    """The instructions (Ir) one run of `argv` executes under callgrind, and how long it took there."""
    out = cwd / "callgrind.out"
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *argv]
    began = time.perf_counter()
    try:
        done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise SetupError(f"{' '.join(argv)} under callgrind took more than {timeout:.0f} s") from exc
    took = time.perf_counter() - began
    found = TOTALS.search(out.read_bytes()) if out.is_file() else None
    if done.returncode != 0 or found is None:
        raise SetupError(f"callgrind of {' '.join(argv)} exited {done.returncode}\n{done.stderr.decode()[-2000:]}")
    out.unlink()
    return int(found.group(1)), took


def count(stores: Path, records: int, timeout: float, lang: str = "en") -> tuple[str, int, int, float]:
    """(name, records, Ir, seconds) of a warm `status` on the store of `records` records."""
    root, checklist = stores / str(records), checklist_command()
    env = store_env(root)
    built, _ = ensure_store(root, records, env, checklist)
    argv = [*checklist, "status", "--store", str(built.store), "--now", built.now, "--lang", lang]
    run_checked(argv, env, stores)  # warm: the snapshots are saved
    env["PYTHONHASHSEED"] = "0"
    ir, took = instructions(argv, env, stores, timeout)
    return f"checklist status --lang {lang}, {records:,} records", records, ir, took


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Instruction counts of checklist status under callgrind.")
    parser.add_argument("--records", type=int, nargs="+", default=list(RECORDS), help="store sizes (default 10k 1M)")
    parser.add_argument("--stores", type=Path, help="build the stores in DIR/<N> and keep them (reused by a rerun)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed a run under callgrind")
    parser.add_argument("--lang", choices=("zh", "en"), default="en", help="the language of the screen (default en)")
    args = parser.parse_args(argv)
    if min(args.records) < 1:
        parser.error("--records must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("valgrind") is None:
        print("benchmark setup failed: valgrind is not on the PATH (apt-get install valgrind)", file=sys.stderr)
        return 1
    about = versions()
    print(f"Python {about['python']}, typer {about['typer']}; valgrind --tool=callgrind, PYTHONHASHSEED=0", flush=True)
    stores = args.stores.resolve() if args.stores else Path(tempfile.mkdtemp(prefix="checklist-callgrind-"))
    stores.mkdir(parents=True, exist_ok=True)
    try:
        env = {**bench_env(), "PYTHONHASHSEED": "0"}
        floor_ir, floor_s = instructions([sys.executable, str(write_minimal_app(stores))], env, stores, args.timeout)
        rows = [[FLOOR, "-", f"{floor_ir:,}", "1.00x", f"{floor_s:.0f}"]]
        for records in args.records:
            name, _, ir, took = count(stores, records, args.timeout, args.lang)
            rows.append([name, f"{records:,}", f"{ir:,}", f"{ir / floor_ir:.2f}x", f"{took:.0f}"])
            print(f"counted {name}: {ir:,} Ir", file=sys.stderr, flush=True)
    except SetupError as exc:
        print(f"benchmark setup failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.stores is None:
            shutil.rmtree(stores, ignore_errors=True)
    print(table(["command", "records", "instructions (Ir)", "ratio", "s under callgrind"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
