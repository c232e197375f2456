"""How fast a receiving store imports bundles (`checklist import`), as whole processes.

    python benchmarks/bundles.py [--units N] [--store postgresql://…]

It makes N units (default 100), each on its own store with its officer's key and three
records, exports one bundle each, and has a province's store trust every unit's key. Then it
times one `checklist import` of all N bundles (each a new mirror), the same again (nothing
new), and, after each unit records once more and exports, the next day's N bundles (one new
record each, into mirrors held). A measurement, not a test: it exits 0 whatever the figures.
With `--store`, the province's store is that database (migrated and empty: `checklist db
migrate`) instead of a folder.

Measured on the 2-core development machine, shared (N=100): new mirrors 124 bundles/s, again
200/s, the next day's 150/s; each import flushes what it writes (fsync) before it says so.
Into a PostgreSQL store (`--store`, a local server on a socket, same run): new mirrors 124/s
(folder: 142/s), again 127/s (262/s), the next day's 132/s (188/s).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from typer.testing import CliRunner  # noqa: TID251 - the stores are set up in-process, only import is timed

from checklist.cli.app import app

RUNNER = CliRunner()


def run(env: dict[str, str], *args: str) -> None:
    result = RUNNER.invoke(app, list(args), env={"CHECKLIST_LANG": "en", "NO_COLOR": "1", **env})
    if result.exit_code != 0:
        sys.exit(f"{' '.join(args)}: {result.stderr}")


def timed(env: dict[str, str], files: list[str], what: str) -> None:
    command = Path(sys.executable).parent / "checklist"
    started = time.perf_counter()
    done = subprocess.run(
        [str(command), "import", *files], env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    print(f"{what}: {len(files)} bundles in {elapsed:.2f} s, {len(files) / elapsed:.0f} bundles/s")
    print("  " + done.stderr.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--store", help="the province's store: a database (postgresql://…), migrated and empty")
    arguments = parser.parse_args()
    count = arguments.units
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        province = {"CHECKLIST_STORE": str(root / "province/.checklist"), "CHECKLIST_CONFIG_HOME": str(root / "p")}
        province |= {"CHECKLIST_USER": "省厅值班员", "CHECKLIST_LANG": "en"}
        if arguments.store:
            province["CHECKLIST_STORE"] = arguments.store
        run(province, "start", "--unit", "prison", "--id", "department")
        units = []
        for number in range(count):
            env = {
                "CHECKLIST_STORE": str(root / f"u{number}/.checklist"),
                "CHECKLIST_CONFIG_HOME": str(root / f"c{number}"),
            }
            env["CHECKLIST_USER"] = f"警官{number}"
            units.append(env)
            run(env, "start", "--unit", "prison", "--id", f"prison-{number}")
            run(env, "keys", "new")
            for item in ("1", "3", "4"):
                run(env, "done", item, "--note", "ok")
            run(env, "keys", "export", "--out", str(root / f"k{number}.json"))
            run(province, "keys", "trust", str(root / f"k{number}.json"), "--unit", f"prison-{number}")
        first = []
        for number, env in enumerate(units):
            run(env, "export", "--out", str(root / f"a{number}.bundle"))
            first.append(str(root / f"a{number}.bundle"))
        timed(province, first, "new mirrors")
        timed(province, first, "again, nothing new")
        second = []
        for number, env in enumerate(units):
            run(env, "done", "8", "--note", "next day")
            run(env, "export", "--out", str(root / f"b{number}.bundle"))
            second.append(str(root / f"b{number}.bundle"))
        timed(province, second, "the next day, one new record each")


if __name__ == "__main__":
    main()
