"""Whole-process runs with their peak memory and a time limit, round-robin with the floor app.

Shared by busy.py and million.py. Each run is timed from the start of the process to its end
(as startup.py times them) and its peak memory is the child's own maximum resident set size,
read from the rusage `os.wait4` returns for it, in launch.py: a small process that starts the
command, so that the benchmark's own size does not count (see there). A run that takes longer
than its time limit is killed and reported as TIMEOUT, and the command is not run again; one
that exits non-zero is reported as FAILED with its exit code.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from startup import FLOOR, SetupError, run_checked

LAUNCHER = Path(__file__).with_name("launch.py")


@dataclass(frozen=True)
class Run:
    """One run: its wall time, its peak memory, and how it ended (None: it exited 0)."""

    ms: float
    peak_mb: float
    failure: str | None = None


@dataclass(frozen=True)
class Step:
    """A command of a round: what it runs, what is done untimed before each run, and whether it
    runs in the warm-up rounds too (a cold run or a long read needs no warming)."""

    name: str
    argv: list[str]
    before: Callable[[], None] | None = None
    warm_up: bool = True
    out: Path | None = None  # where its standard output goes (default: /dev/null)


@dataclass
class Figures:
    """A command's runs, summed up."""

    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def ok(self) -> list[Run]:
        return [r for r in self.runs if r.failure is None]

    @property
    def failure(self) -> str | None:
        return next((r.failure for r in self.runs if r.failure is not None), None)

    @property
    def median_ms(self) -> float | None:
        return statistics.median(r.ms for r in self.ok) if self.ok else None

    @property
    def min_ms(self) -> float | None:
        return min(r.ms for r in self.ok) if self.ok else None

    @property
    def peak_mb(self) -> float:
        """The largest peak of any run, a failed one included (its memory was taken all the same)."""
        return max((r.peak_mb for r in self.runs), default=0.0)


def run_once(argv: list[str], env: dict[str, str], cwd: Path, timeout: float, out: Path | None = None) -> Run:
    """Run one whole process, started by launch.py; its wall time in ms and its own peak memory
    (max RSS) in MB (10^6 bytes), and its failure if it did not exit 0."""
    spec = json.dumps({"argv": argv, "timeout": timeout, "out": str(out) if out is not None else None})
    launcher = [sys.executable, "-S", "-I", str(LAUNCHER), spec]
    done = subprocess.run(launcher, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SetupError(f"launch.py could not run {' '.join(argv)}: {done.stderr.strip()}")
    ran = json.loads(done.stdout)
    peak = ran["maxrss_kib"] * 1024 / 1e6  # ru_maxrss is in KiB on Linux
    if ran["killed"]:
        return Run(ran["ms"], peak, f"TIMEOUT (>{timeout:g} s)")
    return Run(ran["ms"], peak, None if ran["code"] == 0 else f"FAILED (exit {ran['code']})")


def rounds(
    steps: list[Step], *, runs: int, warmup: int, env: dict[str, str], cwd: Path, timeout: float
) -> dict[str, Figures]:
    """Round-robin over the steps, `warmup` discarded rounds then `runs` timed ones, so that drift
    in the machine's load hits them all alike. A step that failed or timed out is not run again."""
    figures = {step.name: Figures(step.name) for step in steps}
    for number in range(warmup + runs):
        timed = number >= warmup
        for step in steps:
            if figures[step.name].failure is not None or not (timed or step.warm_up):
                continue
            if step.before is not None:
                step.before()
            run = run_once(step.argv, env, cwd, timeout, step.out)
            if timed or run.failure is not None:
                figures[step.name].runs.append(run)
    return figures


def untimed(argv: list[str], env: dict[str, str], cwd: Path) -> Callable[[], None]:
    """A preparation run before a step (a reopen before a done): it must succeed."""
    return lambda: run_checked(argv, env, cwd)


def ratio(figures: dict[str, Figures], name: str) -> float | None:
    """A command's median over the floor app's."""
    median, floor = figures[name].median_ms, figures[FLOOR].median_ms
    return median / floor if median is not None and floor else None


def verdict(value: float | None, target: float, failure: str | None, *, at_least: bool = False) -> str:
    """PASS or OVER (UNDER for a rate), the failure if the command did not finish."""
    if failure is not None or value is None:
        return failure or "no runs"
    passed = value >= target if at_least else value <= target
    return "PASS" if passed else ("UNDER" if at_least else "OVER")


def table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell: the first left-aligned, the rest right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row: list[str]) -> str:
        cells = [
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    return "\n".join(line(row) for row in [header, *rows])


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"
