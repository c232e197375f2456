"""Time `checklist verify` on a unit with many chained records.

    python benchmarks/verify.py [--records N] [--runs R] [--signed]

Builds a store with one prison unit, writes N records (default 100,000) chained exactly as
`FileStore.append` chains them (built in bulk, since N fsynced appends would take minutes),
checks that the chain verifies, then times over R runs (default 5): the chain check alone
(in process) and `checklist verify` as a whole process. Prints records per second.
Target: at least 500,000 records per second, hashing included.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from checklist.core import blobs
from checklist.core import catalog as catalogs
from checklist.core.chain import digest
from checklist.core.filestore import FileStore
from checklist.core.models import Draft, Record, RecordSignature
from checklist.core.verify import chain as chain_of

TARGET = 500_000
ZONE = timezone(timedelta(hours=8))


def build(root: Path, count: int, signed: bool) -> FileStore:
    command = [sys.executable, "-m", "checklist", "start", "--unit", "prison", "--store", str(root), "--no-walk"]
    subprocess.run(command, check=True, capture_output=True, env=_env())
    store = FileStore(root)
    folder = root / "units" / "prison"
    signer = _signer(store) if signed else None
    items = [m.id for m in catalogs.load().for_kind("prison")]
    digest_of_catalog = json.loads((folder / "unit.json").read_text())["catalog"]["digest"]
    prev = digest((folder / "unit.json").read_bytes())
    start = datetime(2020, 1, 26, 8, 0, tzinfo=ZONE)
    lines = []
    for n in range(count):
        draft = Draft(
            id=uuid.uuid4().hex,
            unit="prison",
            item=items[n % len(items)],
            action=("done", "na", "blocked", "reopened")[n % 4],
            actor="王警官",
            at=start + timedelta(seconds=30 * n),
            note=f"第 {n} 条记录 / record {n}",
            catalog=digest_of_catalog,
        )
        record = Record.of({**draft.model_dump(), "v": 2, "seq": n + 1, "prev": prev})
        if signer is not None:
            signature = signer(record.canonical())
            record = record.replace(sig=RecordSignature(key=signature.key, value=signature.value))
        line = record.line()
        lines.append(line)
        prev = digest(line)
    data = b"\n".join(lines) + b"\n"
    (folder / "records.jsonl").write_bytes(data)
    (folder / "head.json").write_text(json.dumps({"seq": count, "hash": prev, "size": len(data)}))
    return store


def _signer(store: FileStore):  # type: ignore[no-untyped-def]
    """王警官's key, made and registered in the store as a user would (`checklist keys new`)."""
    from checklist.core import keys

    command = [sys.executable, "-m", "checklist", "keys", "new", "--name", "王警官", "--store", str(store.root)]
    subprocess.run(command, check=True, capture_output=True, env=_env())
    (public,) = blobs.registered_keys(store).values()
    private = keys.load_private(Path(os.environ["BENCH_CONFIG"]), public)
    return lambda data: keys.sign(private, public, data)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKLIST_") and k != "PYTHONDONTWRITEBYTECODE"}
    env.update(NO_COLOR="1", CHECKLIST_USER="bench")
    if "BENCH_CONFIG" in os.environ:
        env["CHECKLIST_CONFIG_HOME"] = os.environ["BENCH_CONFIG"]
    return env


def time_check(store: FileStore, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        report = chain_of(store, "prison")
        times.append(time.perf_counter() - started)
        assert report.ok, report.problems
    return times


def time_command(root: Path, runs: int) -> list[float]:
    command = [sys.executable, "-m", "checklist", "verify", "--store", str(root)]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, env=_env(), check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"verify failed:\n{done.stdout.decode()}{done.stderr.decode()}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--signed", action="store_true", help="sign every record (verify checks each signature)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["BENCH_CONFIG"] = os.environ["CHECKLIST_CONFIG_HOME"] = str(Path(folder) / "config")
        started = time.perf_counter()
        store = build(Path(folder) / "store", args.records, args.signed)
        size = (store.root / "units/prison/records.jsonl").stat().st_size
        print(
            f"built {args.records:,} {'signed ' if args.signed else ''}records ({size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        for name, times in (
            ("chain check (in process)", time_check(store, args.runs)),
            ("checklist verify (whole process)", time_command(store.root, args.runs)),
        ):
            best, median = min(times), statistics.median(times)
            rate = args.records / median
            # the target is the chain's; a signed record costs an Ed25519 verification on top
            # (some 90 µs each on the development machine), so signed runs are measured, not judged
            verdict = "" if args.signed else f"  target {TARGET:,}/s " + ("PASS" if rate >= TARGET else "UNDER")
            print(
                f"{name:34} median {median * 1000:8.1f} ms  min {best * 1000:8.1f} ms  {rate:12,.0f} records/s{verdict}"
            )


if __name__ == "__main__":
    main()
