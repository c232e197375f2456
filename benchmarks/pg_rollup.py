"""The roll-up on PostgreSQL (issue 15): `status --all --json` over 3,000 units × 300 records in
a database, warm (each unit's summary kept in `checklist.summaries`) and cold (none kept), with
peak memory, against the same province in a folder store.

Run it with the project's interpreter (the one `checklist` is installed in):

    python benchmarks/pg_rollup.py [--units N] [--runs R] [--dest DIR] [--url URL] [--timeout S]

The province is the one benchmarks/province.py builds (its functions: the same kinds, places
and about 300 chained records a unit, signed by no one), in a folder under DIR/<N> (reused when
the province script built it there). The database gets the same units, line for line: each
unit's row (its unit.json as written), the list of units, the catalog, and every record's exact
bytes by COPY, each row checked by the schema's trigger as an append is (its number, its place
and its link to the line before). Without --url the script starts a throwaway cluster of its
own (scripts/pg-cluster start) and removes it at the end; with --url (a superuser's URL of a
database to make the store in) a store built by this version of the script is reused.

Then it times whole processes round-robin (one warm-up round, then R timed rounds, default 3),
each with its peak memory (the child's own max RSS: the server's memory is not counted):

- PostgreSQL, warm: every summary kept and holding; target < 1 s;
- PostgreSQL, cold: the summaries deleted before each run, so every unit's log is read from the
  database and folded (in the command's process) and every summary written back;
- folder, warm and cold, as province.py times them (the roll-up cache file; every derived file
  removed).

Before timing, the two answers are compared: the database's document must be the folder's,
byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from million import drop_derived
from pg_load import Cluster, with_database
from pg_load import SetupError as ClusterError
from procs import Figures, Step, ms, rounds, table
from province import NOW, Built, ensure
from startup import SetupError, bench_env, checklist_command, versions

UNITS = 3_000
WARM_TARGET_S = 1.0
BUILD_FORMAT = 1  # of the store made in the database: one made by another version of this script is made again
COPY_RECORDS = "COPY checklist.records (unit, n, pos, line) FROM STDIN"


def build_database(server: str, units: int, built: Built) -> tuple[str, float | None]:
    """The province's units in a database of the server (made, migrated and filled unless this
    script filled it already): its URL, and the seconds it took (None: reused)."""
    import psycopg

    from checklist.core import pgschema

    name = f"checklist_province_{units}"
    url = with_database(server, name)
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if exists:
        with psycopg.connect(url, autocommit=True) as conn:
            found = conn.execute(
                "SELECT value FROM checklist.config WHERE key = 'benchmark'"
                if conn.execute("SELECT to_regclass('checklist.config')").fetchone()[0]
                else "SELECT NULL WHERE false"
            ).fetchone()
        if found and json.loads(found[0]) == {"format": BUILD_FORMAT, "units": units, "records": built.records}:
            return url, None
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    started = time.perf_counter()
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url, autocommit=True) as conn:
        pgschema.migrate(conn, name)
        fill(conn, built.store, units)
        conn.execute("ANALYZE")
        mark = json.dumps({"format": BUILD_FORMAT, "units": units, "records": built.records})
        conn.execute("INSERT INTO checklist.config (key, value) VALUES ('benchmark', %s)", (mark,))
    return url, time.perf_counter() - started


def fill(conn: Any, folder: Path, units: int) -> None:
    """The folder store's units, list, catalogs and logs, exactly as written, by COPY: the
    trigger checks every record's number, place and link as an append's."""
    from checklist.core.store import Blob

    ids = sorted(path.name for path in (folder / "units").iterdir())
    if len(ids) != units:
        raise SetupError(f"{folder} holds {len(ids)} units, not {units}")
    with conn.transaction(), conn.cursor() as cur:
        for path in (folder / "catalogs").glob("*.json"):
            cur.execute(
                "INSERT INTO checklist.blobs (kind, name, data) VALUES (%s, %s, %s)",
                (str(Blob.CATALOG), path.stem, path.read_bytes()),
            )
        with cur.copy("COPY checklist.units (unit, genesis) FROM STDIN") as copy:
            for unit_id in ids:
                copy.write_row((unit_id, (folder / "units" / unit_id / "unit.json").read_bytes()))
        listed = (folder / "units.jsonl").read_bytes().splitlines()
        with cur.copy("COPY checklist.unit_list (n, line) FROM STDIN") as copy:
            for n, line in enumerate(listed, start=1):
                copy.write_row((n, line))
    for done, unit_id in enumerate(ids, start=1):  # a transaction a unit: the trigger's row lock on its head
        log = (folder / "units" / unit_id / "records.jsonl").read_bytes().splitlines(keepends=True)
        with conn.transaction(), conn.cursor() as cur, cur.copy(COPY_RECORDS) as copy:
            pos = 0
            for n, line in enumerate(log, start=1):
                copy.write_row((unit_id, n, pos, line.rstrip(b"\n")))
                pos += len(line)
        if done % 500 == 0:
            print(f"  {done:,} units copied", flush=True)


def compare(database: str, folder: Path, env: dict[str, str], checklist: list[str], cwd: Path) -> int:
    """The two answers, byte for byte (each store's summaries made or used meanwhile); its size."""
    answers = []
    for store in (database, str(folder)):
        argv = [*checklist, "status", "--all", "--json", "--store", store, "--now", NOW]
        done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, check=False)
        if done.returncode != 0:
            raise SetupError(f"{' '.join(argv)} exited {done.returncode}\n{done.stderr.decode()}")
        answers.append(done.stdout)
    if answers[0] != answers[1]:
        raise SetupError("status --all --json on PostgreSQL is not the folder store's answer")
    return len(answers[0])


def forget_summaries(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE checklist.summaries")  # the owner's: no role is granted it


def row(name: str, figures: Figures, records: int) -> list[str]:
    median = figures.median_ms
    rate = records / (median / 1000) if median else None
    target = "-"
    if "warm" in name:
        target = "PASS" if median is not None and median < WARM_TARGET_S * 1000 else figures.failure or "OVER"
        target = f"< 1 s {target}"
    return [
        name,
        ms(median),
        ms(figures.min_ms),
        "-" if rate is None else f"{rate:,.0f}/s",
        f"{figures.peak_mb:,.0f}",
        target,
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="status --all --json on PostgreSQL: 3,000 units × 300 records.")
    parser.add_argument("--units", type=int, default=UNITS, help="units in the province (default 3,000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (default 3)")
    parser.add_argument("--dest", type=Path, help="build the folder store under DIR and keep it (reused by a rerun)")
    parser.add_argument("--url", help="a superuser's URL of a PostgreSQL server (default: a throwaway cluster)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is killed (default 600)")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.units < 1:
        parser.error("--runs and --units must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    about = versions()
    print(f"Python {about['python']}, typer {about['typer']}, {os.cpu_count()} cores", flush=True)
    dest = args.dest.resolve() if args.dest else Path(tempfile.mkdtemp(prefix="checklist-pg-rollup-"))
    checklist = checklist_command()
    cluster: Cluster | None = None
    try:
        root = dest / str(args.units)
        env = {**bench_env(), "CHECKLIST_CONFIG_HOME": str(root / "config")}
        os.environ["CHECKLIST_CONFIG_HOME"] = env["CHECKLIST_CONFIG_HOME"]
        built = ensure(root, args.units, placed=False)
        print(f"folder store: {f'built in {built.seconds:.0f} s' if built.seconds else 'reused'} ({built.store})")
        if args.url:
            server = args.url
        else:
            cluster = Cluster.start()
            server = cluster.url
        url, seconds = build_database(server, args.units, built)
        print(f"database: {f'filled in {seconds:.0f} s' if seconds is not None else 'reused'}", flush=True)
        size = compare(url, built.store, env, checklist, root)
        database = [*checklist, "status", "--all", "--json", "--store", url, "--now", NOW]
        folder = [*checklist, "status", "--all", "--json", "--store", str(built.store), "--now", NOW]
        timed = [
            Step("PostgreSQL, warm", database),
            Step("PostgreSQL, cold", database, lambda: forget_summaries(url), warm_up=False),
            Step("folder, warm", folder),
            Step("folder, cold", folder, lambda: drop_derived(built.store), warm_up=False),
        ]
        figures = rounds(timed, runs=args.runs, warmup=1, env=env, cwd=root, timeout=args.timeout)
        print(
            f"\n{args.units:,} units, {built.records:,} records ({built.size / 1e6:,.0f} MB of logs), now {NOW}; "
            f"the answer {size / 1e6:,.1f} MB, the same on both; {args.runs} runs after 1 warm-up"
        )
        header = ["status --all --json", "median ms", "min ms", "records/s", "peak MB", "target"]
        print(table(header, [row(name, f, built.records) for name, f in figures.items()]), flush=True)
    except (SetupError, ClusterError) as exc:
        print(f"benchmark setup failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if cluster is not None:
            cluster.stop()
        if args.dest is None:
            shutil.rmtree(dest, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
