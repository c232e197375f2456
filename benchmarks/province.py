"""A province of 3,000 units (900,000 records): `status --all --json` warm and cold, and peak
memory as the province grows, against floor apps.

Run it with the project's interpreter (the one `checklist` is installed in):

    python benchmarks/province.py [--units N] [--sizes N ...] [--dest DIR] [--runs R] [--timeout S] [--placed]

For each size (default 300, 1,000 and 3,000 units; `--units N` runs up to N, `--sizes` names
them) it builds, once, a store under DIR/<size> (DIR: --dest, else a temporary folder removed
at the end; a store built by this version of the script is reused): units of the bundled
catalog's kinds, mixed as a province has them (community corrections offices most, then
prisons, rehabilitation centres, city bureaus, a department, a college, a lawyers'
association), each placed in a hierarchy of bodies (kept in built.json; `--placed` writes it
into each log as a `placed` record, once this checklist knows that action), each with about
300 records: its plain measures done in its first days, then every daily (and weekly) measure
each day with its figures, to the day before the clock (21:00 on 2020-06-30) and that day,
but for a few missed days; every 20th unit has not reported today, every 50th reports an
infection today (an alert to acknowledge). The units are made through the store's API
(`FileStore.create_unit`), their logs written in bulk in two processes, chained exactly as
`FileStore.append` chains them; `verify --all` checks a sample store.

Then it times whole processes round-robin (one warm-up round, then R timed rounds, default 3),
each with its peak memory (the child's own max RSS, started by launch.py):

- `status --all --json`, warm: the roll-up cache and the index snapshots in place (made by
  the warm-up round); target < 1 s;
- `status --all --json`, cold: before each run every derived file is removed — each unit's
  index.json (all of its folder but unit.json, records.jsonl, head.json, .lock, seals/,
  checkpoints/ and the quarantine) and the store's cache/ folder (the roll-up cache and the
  parsed catalog) — so every log is read and folded whole; records per second, target
  1,000,000/s (on both cores);
- the floor apps: `floor, warm` lists the units, stats each log and writes the roll-up file's
  bytes out (the least a warm answer does); `floor, cold` reads every log and decodes each
  line as JSON in one process (the least a fold does).

Peak memory should stay flat as the province grows: the logs are streamed, not held.
- `report --all --format html --out FILE`, with the signature status (every record of every
  log verified) and with `--no-verify`; target < 3 s;
- `import` of one bundle per unit (made once with the province store's own key, each unit's
  whole log: `export --unit U --full`) into an empty receiving store that trusts that key for
  every unit (cold: copied afresh before each run), then again into the store that holds
  them all (nothing new: a no-op); bundles per second, target >= 200/s.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from million import drop_derived  # every derived file removed: a cold run
from procs import Figures, Step, ms, rounds, table
from startup import SetupError, bench_env, checklist_command, figure_value, run_checked, versions

SIZES = (300, 1_000, 3_000)
RECORDS_PER_UNIT = 300
LAST_DAY = date(2020, 6, 30)
NOW = "2020-06-30T21:00"
ZONE = ZoneInfo("Asia/Shanghai")
WARM_TARGET_S, COLD_RATE = 1.0, 1_000_000
IMPORT_RATE, REPORT_TARGET_S = 200, 3.0
BUILD_FORMAT = 2  # of built.json: a store built by another version of this script is built again
ACTORS = ("王警官", "李主任", "张科长", "duty officer 3")
EVIDENCE = {"name": "notice.pdf", "size": 48_213, "sha256": "ab" * 32, "stored": False}
# The province's units by kind, out of 200: county community corrections offices most.
MIX = (
    ("community-corrections", 120),
    ("prison", 30),
    ("rehab", 20),
    ("city-bureau", 20),
    ("department", 4),
    ("college", 3),
    ("bar-association", 3),
)
TOP = "湖南省司法厅"
CITIES = ("长沙市", "株洲市", "湘潭市", "衡阳市", "邵阳市", "岳阳市", "常德市", "张家界市", "益阳市", "郴州市")
CITIES += ("永州市", "怀化市", "娄底市", "湘西州")


def kind_of(n: int) -> str:
    at = n % sum(weight for _, weight in MIX)
    for kind, weight in MIX:
        if at < weight:
            return kind
        at -= weight
    raise AssertionError("unreachable")


def place_of(n: int, kind: str) -> str:
    """The unit's place in the hierarchy: the bodies it reports to, from the top down."""
    city = CITIES[n % len(CITIES)]
    if kind == "prison":
        return f"{TOP}/省监狱管理局"
    if kind == "rehab":
        return f"{TOP}/省戒毒管理局"
    if kind in ("department", "college", "bar-association"):
        return TOP
    return f"{TOP}/{city}司法局"


def placed_fields(place: str) -> dict[str, Any]:
    """The hook for the hierarchy (issue 14): a `placed` record's fields, once the record
    exists. Not yet: this checklist has no such action, and --placed says so."""
    from typing import get_args

    from checklist.core.models import Action, Record

    if "placed" not in get_args(Action):
        raise SetupError("--placed: this checklist has no `placed` record yet (not yet: another part of issue 14)")
    field = next(f for f in ("place", "path", "reports_to", "placed") if f in Record.__struct_fields__)
    return {"action": "placed", field: place}


# --- building ----------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """One unit to write: its folder, kind, number and the day it started."""

    folder: str
    kind: str
    number: int
    first: date
    place: str
    placed: bool


def _days(catalog: Any, kind: str) -> int:
    """Days of records that make about RECORDS_PER_UNIT for a unit of this kind."""
    measures = catalog.for_kind(kind)
    daily = sum(1 for m in measures if m.cadence is not None and m.cadence.every == "day")
    weekly = sum(1 for m in measures if m.cadence is not None and m.cadence.every == "week")
    plain = sum(1 for m in measures if m.cadence is None and m.trigger is None)
    return max(1, round((RECORDS_PER_UNIT - plain) / (daily + weekly / 7)))


def _drafts(catalog: Any, plan: Plan) -> list[tuple[datetime, dict[str, Any]]]:
    """What the unit records: its plain measures in its first days, then each day its daily
    measures (and each week its weekly ones), with figures, but on a few missed days."""
    measures = catalog.for_kind(plan.kind)
    n = plan.number
    made: list[tuple[datetime, dict[str, Any]]] = []
    if plan.placed:
        made.append((datetime.combine(plan.first, datetime.min.time(), ZONE) + timedelta(hours=8, minutes=1), {}))
        made[-1][1].update(placed_fields(plan.place))
    plain = [m for m in measures if m.cadence is None and m.trigger is None]
    for i, measure in enumerate(plain):
        at = datetime.combine(plan.first + timedelta(days=i % 5), datetime.min.time(), ZONE) + timedelta(
            hours=10, minutes=i
        )
        made.append((at, _done(measure, i, n, "已落实")))
    days = (LAST_DAY - plan.first).days + 1
    for d in range(days):
        day = plan.first + timedelta(days=d)
        last = day == LAST_DAY
        if (d * 7 + n) % 29 == 0 or (last and n % 20 == 0):
            continue  # a missed day; every 20th unit has not reported today
        for i, measure in enumerate(m for m in measures if m.cadence is not None):
            every = measure.cadence.every
            if every == "week":
                if day.weekday() != 0:
                    continue
                year, week, _ = day.isocalendar()
                period = f"{year}-W{week:02d}"
            elif every == "day":
                period = day.isoformat()
            else:
                continue
            at = datetime.combine(day, datetime.min.time(), ZONE) + timedelta(hours=9, minutes=5 * i)
            fields = _done(measure, d, n, f"{period} 已落实 / done")
            fields["period"] = period
            if measure.id == "system.three-zeros":
                sick = 1 if last and n % 50 == 7 else 0
                fields["figures"] = {"infections": sick, "reported_cases": sick, "hype_incidents": 0}
            made.append((at, fields))
    return made


def _calm(spec: Any, i: int) -> Any:
    """A valid value for a field that raises no alert (alerts are made on purpose, above)."""
    others: list[Any] = [False] if spec.type == "yesno" else list(spec.choices or ())
    if spec.type in ("integer", "number"):
        others = [spec.min if spec.min is not None else 0]
    for value in (figure_value(spec, i), *others):
        if value is not None and (spec.alert is None or not spec.alert.crossed(value)):
            return value
    return figure_value(spec, i)


def _done(measure: Any, d: int, n: int, note: str) -> dict[str, Any]:
    figures = {f.id: _calm(f, d + n) for f in measure.fields}
    evidence = [dict(EVIDENCE)] if measure.evidence else []
    return {"item": measure.id, "action": "done", "note": note, "figures": figures, "evidence": evidence}


def _write_log(plan: Plan) -> int:
    """records.jsonl and head.json as `FileStore.append` would have written them."""
    from checklist.core import catalog as catalogs
    from checklist.core import formats
    from checklist.core.chain import digest
    from checklist.core.models import Record

    catalog = catalogs.load()
    order = tuple(Record.__struct_fields__)
    folder = Path(plan.folder)
    unit_bytes = (folder / "unit.json").read_bytes()
    unit = json.loads(unit_bytes)
    wordings = {m.id: m.wording() for m in catalog.measures}
    prev, seq, size = digest(unit_bytes), 0, 0
    with (folder / "records.jsonl").open("wb", buffering=1 << 20) as out:
        for at, fields in _drafts(catalog, plan):
            seq += 1
            record = {"v": 2, "id": uuid.uuid4().hex, "unit": unit["id"], "actor": ACTORS[seq % len(ACTORS)]}
            record |= {"at": at.isoformat(), "catalog": unit["catalog"]["digest"], "seq": seq, "prev": prev}
            record |= fields
            record["measure"] = wordings[fields["item"]] if "item" in fields else None
            present = {key: record[key] for key in order if record.get(key) is not None}
            line = json.dumps(present, ensure_ascii=False, separators=(",", ":")).encode()
            if seq <= 3:
                again = Record.decode(line).line()
                if again != line:
                    raise SetupError(f"not as Record.line() writes it:\n{line.decode()}\n{again.decode()}")
            size += out.write(line + b"\n")
            prev = digest(line)
    head = {"format": formats.HEAD, "seq": seq, "hash": prev, "size": size}
    (folder / "head.json").write_text(json.dumps(head), encoding="utf-8")
    return seq


@dataclass(frozen=True)
class Built:
    store: Path
    units: int
    records: int
    size: int
    seconds: float | None  # building took (None: reused)


def build(root: Path, units: int, placed: bool) -> Built:
    """The store of `units` units in root/store, its logs written in two processes."""
    from checklist.core import blobs
    from checklist.core import catalog as catalogs
    from checklist.core.filestore import FileStore
    from checklist.core.models import CatalogRef, Unit

    started = time.perf_counter()
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    store = FileStore.create(root / "store")
    catalog = catalogs.load()
    blobs.keep_catalog(store, catalog)
    ref = CatalogRef(name=catalog.meta.name, version=catalog.meta.version, digest=catalog.digest, path=None)
    plans = []
    for n in range(1, units + 1):
        kind = kind_of(n)
        first = LAST_DAY - timedelta(days=_days(catalog, kind) - 1)
        name = f"{CITIES[n % len(CITIES)]}{catalog.unit_name(Unit.model_construct(name=None, kind=kind), 'zh')}{n}"
        unit = Unit(
            id=f"u{n:04d}",
            kind=kind,
            name=name,
            catalog=ref,
            started_at=datetime.combine(first, datetime.min.time(), ZONE) + timedelta(hours=8),
            started_by="bench",
        )
        store.create_unit(unit, None, by="bench")
        plans.append(Plan(str(root / "store" / "units" / unit.id), kind, n, first, place_of(n, kind), placed))
    with multiprocessing.get_context("fork").Pool(2) as pool:
        records = sum(pool.imap_unordered(_write_log, plans, chunksize=16))
    size = sum((Path(p.folder) / "records.jsonl").stat().st_size for p in plans)
    places = {f"u{p.number:04d}": p.place for p in plans}
    built = {"format": BUILD_FORMAT, "units": units, "records": records, "size": size, "places": places}
    (root / "built.json").write_text(json.dumps(built, ensure_ascii=False), encoding="utf-8")
    return Built(root / "store", units, records, size, time.perf_counter() - started)


def ensure(root: Path, units: int, placed: bool) -> Built:
    """The store of `units` units under root, built unless this script built it there already."""
    try:
        found = json.loads((root / "built.json").read_text(encoding="utf-8"))
        if found["format"] == BUILD_FORMAT and found["units"] == units and (root / "store").is_dir():
            return Built(root / "store", units, found["records"], found["size"], None)
    except (OSError, ValueError, KeyError):
        pass
    return build(root, units, placed)


# --- the floor apps -----------------------------------------------------------------

FLOOR_WARM = '''\
"""The least a warm `status --all --json` does: every unit's log looked at, one file written out."""
import os, sys
store = sys.argv[1]
units = os.path.join(store, "units")
stamps = [os.stat(os.path.join(units, u, "records.jsonl")) for u in sorted(os.listdir(units))]
with open(os.path.join(store, "cache", "rollup.bin"), "rb") as f:
    sys.stdout.buffer.write(f.read())
'''

FLOOR_COLD = '''\
"""The least a cold fold does: every line of every unit's log read and decoded, in one process."""
import json, os, sys
store = sys.argv[1]
units = os.path.join(store, "units")
count = 0
for u in sorted(os.listdir(units)):
    with open(os.path.join(units, u, "records.jsonl"), "rb") as f:
        for line in f:
            json.loads(line)
            count += 1
print(count)
'''


# --- the runs ---------------------------------------------------------------------------


def steps(built: Built, root: Path, checklist: list[str]) -> list[Step]:
    warm_floor, cold_floor = root / "floor_warm.py", root / "floor_cold.py"
    warm_floor.write_text(FLOOR_WARM, encoding="utf-8")
    cold_floor.write_text(FLOOR_COLD, encoding="utf-8")
    status = [*checklist, "status", "--all", "--json", "--store", str(built.store), "--now", NOW]
    return [
        Step("status --all --json, warm", status),
        Step("floor, warm", [sys.executable, str(warm_floor), str(built.store)]),
        Step("status --all --json, cold", status, lambda: drop_derived(built.store), warm_up=False),
        Step("floor, cold", [sys.executable, str(cold_floor), str(built.store)], warm_up=False),
    ]


BUNDLES_FORMAT = 1  # of bundles/made.json: bundles made by another version of this script are made again


def make_bundles(built: Built, root: Path) -> tuple[Path, list[Path]]:
    """One bundle per unit of the province, made once (reused by a rerun), and an empty
    receiving store that trusts the key that signed them for every unit (kept as a template,
    copied before each cold import). The cheapest faithful setup: the province store itself
    holds a key (`keys new`, as a unit's officer makes one) and exports each unit with
    `export --unit U --full` as the command does (in this process, to skip 3,000 start-ups),
    so each bundle carries the unit's whole log, its catalog, the key's registration and a
    seal of its head signed with that key."""
    from checklist.core import clock, unittrust
    from checklist.core.filestore import FileStore
    from checklist.core.keys import key_for
    from checklist.usecases import bundles
    from checklist.usecases.session import Session
    from checklist.usecases.settings import Settings
    from checklist.usecases.trust import new_key

    folder, template = root / "bundles", root / "receiving-template"
    ids = [f"u{n:04d}" for n in range(1, built.units + 1)]
    paths = [folder / f"{unit_id}.bundle" for unit_id in ids]
    made = folder / "made.json"
    try:
        if json.loads(made.read_text(encoding="utf-8")) == {"format": BUNDLES_FORMAT, "units": built.units}:
            return template, paths
    except (OSError, ValueError):
        pass
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(template, ignore_errors=True)
    folder.mkdir(parents=True)
    environ = {**os.environ, "CHECKLIST_USER": "bench", "CHECKLIST_LANG": "en"}
    settings = Settings.load(store=str(built.store), by="bench", environ=environ)
    home = settings.config_home()
    public = key_for(home, "bench") or new_key(settings, "bench").public
    for unit_id, path in zip(ids, paths, strict=True):
        session = Session.open(Settings.load(store=str(built.store), unit=unit_id, by="bench", environ=environ))
        bundles.export(session, path, full=True)
    receiving = FileStore.create(template)
    for unit_id in ids:
        unittrust.trust(receiving, public.bare(), unit_id, at=clock.real_now(), by="bench")
    made.write_text(json.dumps({"format": BUNDLES_FORMAT, "units": built.units}), encoding="utf-8")
    return template, paths


def import_bundles(built: Built, root: Path, checklist: list[str]) -> list[Step]:
    """`checklist import` of every unit's bundle into an empty receiving store (cold), then
    again into the store that holds them all (nothing new: a no-op)."""
    template, paths = make_bundles(built, root)
    receiving = root / "receiving"

    def fresh() -> None:
        shutil.rmtree(receiving, ignore_errors=True)
        shutil.copytree(template, receiving, symlinks=True)

    argv = [*checklist, "import", *map(str, paths), "--store", str(receiving)]
    return [
        Step(f"import {len(paths):,} bundles, cold", argv, fresh, warm_up=False),
        Step(f"import {len(paths):,} bundles, again", argv, warm_up=False),
    ]


def report_html(built: Built, root: Path, checklist: list[str]) -> list[Step]:
    """`report --all --format html` of the whole province, with the signature status (a full
    verify of every record) and without it."""
    out = root / "province.html"
    report = [*checklist, "report", "--all", "--format", "html", "--out", str(out), "--store", str(built.store)]
    report += ["--now", NOW]
    return [
        Step("report --all --format html", report),
        Step("report --all --format html --no-verify", [*report, "--no-verify"]),
    ]


def check(built: Built, env: dict[str, str], checklist: list[str], root: Path) -> None:
    """The store reads as built: every unit there, nearly all reporting today, some alerts."""
    import subprocess

    argv = [*checklist, "status", "--all", "--json", "--store", str(built.store), "--now", NOW]
    done = subprocess.run(argv, env=env, cwd=root, capture_output=True, check=False)
    if done.returncode != 0:
        raise SetupError(f"{' '.join(argv)} exited {done.returncode}\n{done.stderr.decode()}")
    head = json.loads(done.stdout)["headline"]
    if head["units"] != built.units or head["reporting"] < 0.9 * built.units or not head["alerting"]:
        raise SetupError(f"status --all does not read the province as built: {head}")


def built_units(name: str) -> int:
    """The number of bundles an import step names (`import 3,000 bundles, cold`)."""
    return int(name.split()[1].replace(",", ""))


def row(name: str, figures: Figures, floors: dict[str, Figures], records: int) -> list[str]:
    floor = floors.get("warm" if "warm" in name else "cold")
    median = figures.median_ms
    value = median / floor.median_ms if median and floor and floor.median_ms else None
    rate = records / (median / 1000) if median else None
    if name.startswith("import"):
        rate = built_units(name) / (median / 1000) if median else None
        target = "PASS" if rate is not None and rate >= IMPORT_RATE else figures.failure or "UNDER"
        bundles = "-" if rate is None else f"{rate:,.0f} bundles/s"
        said = f">= 200/s {target}" if "cold" in name else "no-op"
        return [name, ms(median), ms(figures.min_ms), "-", bundles, f"{figures.peak_mb:,.0f}", said]
    if name.startswith("report"):
        target = "PASS" if median is not None and median < REPORT_TARGET_S * 1000 else figures.failure or "OVER"
        target = f"< 3 s {target}"
    elif name.startswith("status") and "warm" in name:
        target = "PASS" if median is not None and median < WARM_TARGET_S * 1000 else figures.failure or "OVER"
        target = f"< 1 s {target}"
    elif name.startswith("status"):
        target = "PASS" if rate is not None and rate >= COLD_RATE else figures.failure or "UNDER"
        target = f">= 1M/s {target}"
    else:
        target = "floor"
    return [
        name,
        ms(median),
        ms(figures.min_ms),
        "-" if value is None or name.startswith(("floor", "report")) else f"{value:.2f}x",
        "-" if rate is None else f"{rate:,.0f}/s",
        f"{figures.peak_mb:,.0f}",
        target,
    ]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="status --all --json on a province of 3,000 units.")
    parser.add_argument("--units", type=int, default=max(SIZES), help="the largest province (default 3,000)")
    parser.add_argument("--sizes", type=int, nargs="*", help="the provinces measured (default 300 1000 3000)")
    parser.add_argument("--dest", type=Path, help="build the stores under DIR and keep them (reused by a rerun)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (default 3)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run is killed (default 300)")
    parser.add_argument("--placed", action="store_true", help="write each unit's place as a `placed` record")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.units < 1:
        parser.error("--runs and --units must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    about = versions()
    print(f"Python {about['python']}, typer {about['typer']}, {os.cpu_count()} cores", flush=True)
    sizes = sorted(set(args.sizes or [s for s in SIZES if s < args.units] + [args.units]))
    dest = args.dest.resolve() if args.dest else Path(tempfile.mkdtemp(prefix="checklist-province-"))
    checklist = checklist_command()
    header = ["command", "median ms", "min ms", "ratio", "records/s", "peak MB", "target"]
    try:
        for units in sizes:
            root = dest / str(units)
            env = {**bench_env(), "CHECKLIST_CONFIG_HOME": str(root / "config")}
            os.environ["CHECKLIST_CONFIG_HOME"] = env["CHECKLIST_CONFIG_HOME"]
            built = ensure(root, units, args.placed)
            if built.seconds is not None:
                check(built, env, checklist, root)
                if units == min(sizes):
                    run_checked([*checklist, "verify", "--all", "--store", str(built.store)], env, root)
            timed = steps(built, root, checklist) + report_html(built, root, checklist)
            timed += import_bundles(built, root, checklist)
            figures = rounds(timed, runs=args.runs, warmup=1, env=env, cwd=root, timeout=args.timeout)
            floors = {"warm": figures["floor, warm"], "cold": figures["floor, cold"]}
            how = f"built in {built.seconds:.0f} s" if built.seconds is not None else f"reused from {root}"
            print(
                f"\n{units:,} units, {built.records:,} records ({built.size / 1e6:,.0f} MB of logs), now {NOW}; "
                f"{how}; {args.runs} runs after 1 warm-up"
            )
            print(table(header, [row(name, f, floors, built.records) for name, f in figures.items()]), flush=True)
    except SetupError as exc:
        print(f"benchmark setup failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.dest is None:
            shutil.rmtree(dest, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
