"""Many writers at once on PostgreSQL and on a folder, and faults on PostgreSQL (issue 15).

    python benchmarks/pg_load.py [--appends N] [--clients C] [--url URL] [--keep] [--json]
    python benchmarks/pg_load.py --faults [--appends N] [--clients C] [--url URL]
    python benchmarks/pg_load.py --commands [--runs R]

Load (the default): a fresh database (on a throwaway cluster of its own, `scripts/pg-cluster`,
unless --url names a server as a superuser) and a fresh folder store, the same workload on
both in the same run. `checklist start` starts the unit `shared` and `checklist done 1` records
in it, as a duty officer does; the administrator then creates C more units (`unit-01`…) with
the store's own `create_unit`. C client processes (default 32) each append to their own unit
and C/4 (8) all append to `shared`, N appends in all (default 20,000), each a real Draft made
as `checklist done` makes it (the record `done 1` wrote, with an id, time and note of its own),
through `Store.append` (PgStore or FileStore). Every client writes to its journal, for each
append, the record id and seq it got back and the time from the call to the acknowledgement.
Then the check: every acknowledged record is in its unit's log exactly once with the seq the
client was given, no record is there that no one asked for, every line parses, the head (the
trigger-kept `heads` row, or head.json) agrees with the last line, each writer's seqs increase
in its own order, and `checklist verify --all` exits 0. It prints appends per second and the
latency percentiles per backend (all clients, own units, the shared unit).

--faults (PostgreSQL): the same clients, each writing its journal line fsync'd after
`PgStore.append` returned (an acknowledged append), but (a) a quarter of them are killed with
SIGKILL after a random number of their appends, that is in the middle of the next one, and
(b) once every client has appended a few, the server is stopped as a crash stops it
(`pg-cluster restart-immediate`: pg_ctl -m immediate) and started again. An append in flight
fails with one of checklist's errors (pg.cannot_connect), never a traceback; the client opens
a new PgStore once told the server is back and goes on with its next append. The in-flight one
may or may not be there; if it is, it is whole. Then the same check: every acknowledged append
is present, nothing partial, verify passes. tests/test_pg_faults.py runs this with a small count.

--commands: `checklist done` as a whole process, on PostgreSQL and on a folder, R runs each
(default 20) round-robin, and `checklist status` of a unit with 10,000 records on both.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLUSTER = ROOT / "scripts" / "pg-cluster"
SHARED = "shared"
ACTOR = "王警官"
ADMIN = "省厅管理员"


class SetupError(Exception):
    """The benchmark could not set itself up (exit 1)."""


# -- a throwaway PostgreSQL cluster ----------------------------------------------------------


def server_binaries() -> str | None:
    """Where PostgreSQL's server binaries are (as scripts/pg-cluster looks for them), or None."""
    if os.environ.get("PG_BIN"):
        return os.environ["PG_BIN"] if (Path(os.environ["PG_BIN"]) / "pg_ctl").exists() else None
    found = shutil.which("pg_ctl")
    if found:
        return str(Path(found).resolve().parent)
    folders = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parts[-3]))
    return str(folders[-1].parent) if folders else None


@dataclass
class Cluster:
    """A cluster scripts/pg-cluster made: its superuser URL and its folder."""

    url: str
    folder: str

    @classmethod
    def start(cls) -> Cluster:
        done = subprocess.run(["bash", str(CLUSTER), "start"], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SetupError(f"scripts/pg-cluster start failed: {done.stderr.strip()}")
        found = dict(re.findall(r"export (\w+)='([^']*)'", done.stdout))
        return cls(found["CHECKLIST_TEST_PG"], found["CHECKLIST_PG_DIR"])

    def _run(self, command: str) -> None:
        env = {**os.environ, "CHECKLIST_PG_DIR": self.folder}
        done = subprocess.run(["bash", str(CLUSTER), command], env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SetupError(f"scripts/pg-cluster {command} failed: {done.stderr.strip()}")

    def restart_immediate(self) -> None:
        """Stop the server as a crash would (pg_ctl -m immediate) and start it again (pg_ctl -w waits)."""
        self._run("restart-immediate")

    def stop(self) -> None:
        self._run("stop")


def with_database(url: str, database: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, ""))


def new_database(url: str) -> str:
    """A new, empty database on the server a superuser URL names: its URL."""
    import psycopg

    name = f"checklist_load_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # a name made here, not typed
    except psycopg.Error as exc:
        from checklist.core.pgstore import redact

        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SetupError(f"cannot make a database on {redact(url)}: {reason}") from None
    return with_database(url, name)


def drop_database(url: str, database_url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- the stores, as a duty officer and an administrator set them up ----------------------------


def environment(config: Path) -> dict[str, str]:
    """The environment of every checklist process: no CHECKLIST_* of the caller's, a config
    folder (keys, witnesses) and cache folder of the run's own, English words."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHECKLIST_")}
    env.update(CHECKLIST_CONFIG_HOME=str(config), CHECKLIST_LANG="en", CHECKLIST_USER=ACTOR)
    env["XDG_CACHE_HOME"] = str(config.parent / "cache")  # a PostgreSQL store's derived files: not in the user's cache
    return env


def checklist(args: list[str], env: dict[str, str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "checklist", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and done.returncode != 0:
        raise SetupError(f"checklist {' '.join(args)} exited {done.returncode}: {done.stderr.strip()}")
    return done


def unit_ids(units: int) -> list[str]:
    return [f"unit-{k:02d}" for k in range(1, units + 1)]


def set_up(location: str, units: int, env: dict[str, str]) -> dict[str, Any]:
    """Start `shared` and record `done 1` in it through the CLI, then create `units` more units
    as the administrator: the template of a record as `checklist done` makes it."""
    if location.startswith("postgresql://"):
        checklist(["db", "migrate", "--store", location], env)
    checklist(["start", "--unit", "prison", "--id", SHARED, "--by", ACTOR, "--no-walk", "--store", location], env)
    checklist(["done", "1", "--note", "开始", "--by", ACTOR, "--store", location], env)
    from checklist.usecases.session import open_store

    store = open_store(location)
    try:
        unit = store.unit(SHARED)
        for unit_id in unit_ids(units):
            store.create_unit(unit.model_copy(update={"id": unit_id, "name": f"{unit_id} 监区"}), None, by=ADMIN)
        template = json.loads(store.records(SHARED)[-1].line())
    finally:
        close(store)
    for key in ("seq", "prev", "sig", "id", "unit", "at", "note"):
        template.pop(key, None)
    return template


def close(store: Any) -> None:
    with contextlib.suppress(Exception):
        if hasattr(store, "close"):
            store.close()


# -- a client process --------------------------------------------------------------------------


def note(client: int, n: int) -> str:
    return f"第{client}号客户第{n}次：体温正常，无发热"


def draft(template: dict[str, Any], unit: str, client: int, n: int) -> Any:
    """A record as `checklist done 1 --note …` makes it: a new id, the time now, a note."""
    from zoneinfo import ZoneInfo

    from checklist.core.models import Draft

    fields = {
        **template,
        "id": uuid.uuid4().hex,
        "unit": unit,
        "at": datetime.now(ZoneInfo("Asia/Shanghai")).isoformat(),
        "note": note(client, n),
    }
    return Draft.model_validate(fields)


def client_main(spec: dict[str, Any]) -> int:
    """Append `count` drafts to one unit, journaling each: `try` before the call (flushed to the
    system), `ack` after it returned (fsync'd with --faults), `error` when it failed. Prints
    `ready`, waits for `go`; after an error, waits for `resume` and opens a new store."""
    from checklist.core.errors import UserError
    from checklist.usecases.session import open_store

    location, unit, client = spec["location"], spec["unit"], spec["client"]
    journal = os.open(spec["journal"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def write(entry: dict[str, Any], sync: bool = False) -> None:
        os.write(journal, (json.dumps(entry) + "\n").encode())
        if sync:
            os.fsync(journal)

    if spec.get("cli"):
        return cli_client(spec, write)
    store = open_store(location)
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 2
    for n in range(spec["count"]):
        made = draft(spec["template"], unit, client, n)
        write({"try": made.id})
        started = time.perf_counter()
        try:
            record = store.append(made)
        except UserError as exc:
            write({"error": exc.code, "id": made.id}, sync=True)
            print(f"error {exc.code}", flush=True)
            if sys.stdin.readline().strip() != "resume":
                return 3
            close(store)
            store = open_store(location)  # a long-lived process opens a new store after a failure
            continue
        ms = (time.perf_counter() - started) * 1000
        write({"ack": record.id, "seq": record.seq, "ms": round(ms, 3)}, sync=spec["fsync"])
        if spec["echo"]:
            print("ack", flush=True)
    close(store)
    print("done", flush=True)
    return 0


def cli_client(spec: dict[str, Any], write: Any) -> int:
    """The same through the real command: `checklist done 1 --note …` as a process of its own per
    append, acknowledged when it exits 0; its record is known by its note."""
    location, unit, client = spec["location"], spec["unit"], spec["client"]
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 2
    for n in range(spec["count"]):
        said = note(client, n)
        write({"try_note": said})
        argv = ["done", "1", "--note", said, "--unit", unit, "--by", ACTOR, "--store", location]
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "checklist", *argv],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )
        ms = (time.perf_counter() - started) * 1000
        if done.returncode != 0:
            write({"error": f"exit {done.returncode}: {done.stderr.strip()[-500:]}", "id": said}, sync=True)
            print(f"error exit-{done.returncode}", flush=True)
            return 3
        write({"note_ack": said, "ms": round(ms, 3)}, sync=spec["fsync"])
    print("done", flush=True)
    return 0


# -- running the clients -------------------------------------------------------------------------


@dataclass
class Client:
    number: int
    unit: str
    count: int
    journal: Path
    process: subprocess.Popen[str] | None = None
    acks: int = 0
    errors: list[str] = field(default_factory=list)
    killed_after: int | None = None  # SIGKILL once it acknowledged this many
    killed: bool = False
    code: int | None = None
    stderr: Path | None = None


def plan(location_folder: Path, appends: int, clients: int) -> list[Client]:
    """`clients` clients on their own units and clients/4 on the shared one, `appends` in all."""
    sharing = max(1, clients // 4)
    units = [*unit_ids(clients), *[SHARED] * sharing]
    each, extra = divmod(appends, len(units))
    return [
        Client(k, unit, each + (1 if k < extra else 0), location_folder / f"journal-{k:02d}.jsonl")
        for k, unit in enumerate(units)
    ]


@dataclass
class Faults:
    kill: float = 0.25  # the share of clients killed with SIGKILL, each after a random number of acks
    restart_after: int | None = None  # restart the server (immediate) once every live client has this many acks
    cluster: Cluster | None = None
    seed: int = 15
    restarted: bool = False


def run_clients(
    location: str,
    template: dict[str, Any],
    clients: list[Client],
    env: dict[str, str],
    faults: Faults | None = None,
    *,
    cli: bool = False,
) -> float:
    """Start the clients, let them go at once, apply the faults; the seconds from go to the last
    one's end."""
    rng = random.Random(faults.seed if faults else 0)  # noqa: S311 (not for secrets)
    if faults is not None:
        for client in rng.sample(clients, round(len(clients) * faults.kill)):
            client.killed_after = rng.randint(1, max(1, client.count - 2))
    for client in clients:
        spec = {
            "location": location,
            "unit": client.unit,
            "client": client.number,
            "count": client.count,
            "journal": str(client.journal),
            "template": template,
            "echo": faults is not None,
            "fsync": faults is not None,
            "cli": cli,
        }
        client.stderr = client.journal.with_suffix(".err")
        with client.stderr.open("w") as err:
            client.process = subprocess.Popen(
                [sys.executable, __file__, "--client", json.dumps(spec)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                env=env,
            )
    for client in clients:
        assert client.process is not None and client.process.stdout is not None
        if client.process.stdout.readline().strip() != "ready":
            client.process.wait()
            raise SetupError(
                f"client {client.number} did not start: {client.stderr.read_text() if client.stderr else ''}"
            )
    started = time.perf_counter()
    for client in clients:
        tell(client, "go")
    listen(clients, faults)
    return time.perf_counter() - started


def listen(clients: list[Client], faults: Faults | None) -> None:
    """Hear every client's lines until each has ended, applying the faults as they fall due."""
    with selectors.DefaultSelector() as selector:
        for client in clients:
            assert client.process is not None and client.process.stdout is not None
            selector.register(client.process.stdout.fileno(), selectors.EVENT_READ, client)
        pending: dict[int, bytes] = {}
        while selector.get_map():
            for key, _ in selector.select():
                client, fd = key.data, key.fd
                chunk = os.read(fd, 65536)  # not readline: a line buffered in Python is one select() never sees
                if not chunk:
                    selector.unregister(fd)
                    assert client.process is not None
                    client.code = client.process.wait()
                    for pipe in (client.process.stdin, client.process.stdout):
                        if pipe is not None:
                            with contextlib.suppress(OSError):
                                pipe.close()
                    continue
                *lines, pending[fd] = (pending.get(fd, b"") + chunk).split(b"\n")
                for line in lines:
                    heard(client, line.decode().strip(), clients, faults)


def tell(client: Client, word: str) -> None:
    process = client.process
    if process is None or process.stdin is None or process.poll() is not None:
        return
    with contextlib.suppress(BrokenPipeError, OSError):
        process.stdin.write(word + "\n")
        process.stdin.flush()


def heard(client: Client, line: str, clients: list[Client], faults: Faults | None) -> None:
    """A client's line: an acknowledgement, an error, or its end; faults applied as they fall due."""
    assert client.process is not None
    if line == "ack":
        client.acks += 1
        if client.killed_after is not None and client.acks >= client.killed_after and not client.killed:
            client.process.kill()  # SIGKILL, in the middle of its next append
            client.killed = True
    elif line.startswith("error "):
        client.errors.append(line.split(" ", 1)[1])
        if faults is None or faults.restarted:
            tell(client, "resume")
    if (
        faults is not None
        and faults.restart_after is not None
        and not faults.restarted
        and faults.cluster is not None
        and all(c.acks >= faults.restart_after or c.code is not None or c.killed for c in clients)
    ):
        faults.cluster.restart_immediate()
        faults.restarted = True
        for other in clients:
            if other.errors:
                tell(other, "resume")  # those that failed before the server was back
    if line == "done":
        with contextlib.suppress(OSError):
            assert client.process.stdin is not None
            client.process.stdin.close()


# -- what the store holds afterwards -----------------------------------------------------------


@dataclass
class Journal:
    tried: set[str] = field(default_factory=set)
    acked: list[tuple[str, int, float]] = field(default_factory=list)  # id, seq, ms, in order
    tried_notes: set[str] = field(default_factory=set)  # through the CLI: records known by their note
    noted: list[tuple[str, float]] = field(default_factory=list)  # note, ms, in order
    errors: list[tuple[str, str]] = field(default_factory=list)  # code, id


def read_journal(path: Path) -> Journal:
    """A client's journal: a line cut short by a kill between `try` and its end is the one an
    `ack` is never written after, so only whole lines count."""
    found = Journal()
    if not path.exists():
        return found
    for text in path.read_text().splitlines():
        try:
            entry = json.loads(text)
        except ValueError:
            continue
        if "try" in entry:
            found.tried.add(entry["try"])
        elif "try_note" in entry:
            found.tried_notes.add(entry["try_note"])
        elif "note_ack" in entry:
            found.noted.append((entry["note_ack"], entry["ms"]))
        elif "ack" in entry:
            found.acked.append((entry["ack"], entry["seq"], entry["ms"]))
        elif "error" in entry:
            found.errors.append((entry["error"], entry["id"]))
    return found


@dataclass
class Checked:
    problems: list[str] = field(default_factory=list)
    acknowledged: int = 0
    in_flight_present: int = 0  # appends not acknowledged (killed, failed) that are in the log, whole
    in_flight_absent: int = 0
    records: int = 0
    verify_code: int | None = None


def check(location: str, clients: list[Client], baseline: dict[str, int], env: dict[str, str]) -> Checked:
    """Every acknowledged append present exactly once with its seq, nothing unasked-for, every
    line whole and parsed, the head on the last line, each writer's order kept, verify passing."""
    checked = Checked()
    held = holdings(location, baseline, checked)
    tried = against_journals(clients, held, checked)
    stray = set(held) - tried
    checked.problems += [f"record {record_id} in {held[record_id][0]}: no client asked for it" for record_id in stray]
    done = checklist(["verify", "--all", "--store", location], env, check=False)
    checked.verify_code = done.returncode
    if done.returncode != 0:
        checked.problems.append(f"checklist verify --all exited {done.returncode}: {done.stdout[-2000:]}{done.stderr}")
    return checked


def holdings(location: str, baseline: dict[str, int], checked: Checked) -> dict[str, tuple[str, int, str]]:
    """Every record appended after the baseline, by id: its unit, seq and note; every line parsed,
    none there twice, no partial last line, the head on the last line."""
    from checklist.core.chain import digest
    from checklist.usecases.session import open_store

    store = open_store(location)
    try:
        held: dict[str, tuple[str, int, str]] = {}  # record id: unit, seq, note
        for unit_id in store.unit_ids():
            log = store.log(unit_id)
            if log.torn:
                checked.problems.append(f"{unit_id}: a partial last line of {len(log.torn)} bytes")
            records = store.records(unit_id)  # every line parsed, or StoreDamaged
            checked.records += len(records)
            counts = Counter(record.id for record in records)
            checked.problems += [f"{unit_id}: record {i} is there {c} times" for i, c in counts.items() if c > 1]
            head = store.head(unit_id)
            if records and (head is None or head.seq != records[-1].seq or head.hash != digest(log.lines[-1])):
                checked.problems.append(f"{unit_id}: the head {head} is not the last line's")
            new = records[baseline.get(unit_id, 0) :]
            held.update({record.id: (unit_id, record.seq or 0, record.note or "") for record in new})
    finally:
        close(store)
    return held


def against_journals(clients: list[Client], held: dict[str, tuple[str, int, str]], checked: Checked) -> set[str]:
    """Each client's acknowledged appends there with the seq it was given, in increasing order;
    what was in flight when it failed or was killed, there or not. The ids the clients tried."""
    journals = {client.number: read_journal(client.journal) for client in clients}
    tried: set[str] = set()
    by_note: dict[str, list[str]] = {}
    for record_id, (_, _, said) in held.items():
        by_note.setdefault(said, []).append(record_id)
    for client in clients:
        said = client.stderr.read_text() if client.stderr and client.stderr.exists() else ""
        if not client.killed and (client.code != 0 or said.strip()):
            checked.problems.append(f"client {client.number} exited {client.code}: {said.strip()[-2000:]}")
        journal = journals[client.number]
        noted = through_cli(client, journal, held, by_note, checked)
        seqs = [seq for _, seq, _ in journal.acked] + noted
        if seqs != sorted(set(seqs)):
            checked.problems.append(f"client {client.number}: its seqs do not increase in its order")
        for record_id, seq, _ in journal.acked:
            checked.acknowledged += 1
            if held.get(record_id, ("", 0))[:2] != (client.unit, seq):
                checked.problems.append(
                    f"client {client.number}: acknowledged {record_id} (seq {seq}) is {held.get(record_id)}"
                )
        acked = {record_id for record_id, _, _ in journal.acked}
        for record_id in journal.tried - acked:
            if record_id in held:
                checked.in_flight_present += 1
            else:
                checked.in_flight_absent += 1
        tried |= journal.tried | {i for said in journal.tried_notes for i in by_note.get(said, [])}
    return tried


def through_cli(
    client: Client,
    journal: Journal,
    held: dict[str, tuple[str, int, str]],
    by_note: dict[str, list[str]],
    checked: Checked,
) -> list[int]:
    """The appends a client made through `checklist done`, known by their notes: each exactly
    once in the client's unit. Their seqs, in the client's order."""
    seqs = []
    for said, _ in journal.noted:
        checked.acknowledged += 1
        found = [held[i] for i in by_note.get(said, [])]
        if [unit for unit, _, _ in found] != [client.unit]:
            checked.problems.append(f"client {client.number}: the record noted {said!r} is {found}")
        seqs += [seq for _, seq, _ in found]
    return seqs


def baseline_of(location: str) -> dict[str, int]:
    from checklist.usecases.session import open_store

    store = open_store(location)
    try:
        return {unit_id: len(store.records(unit_id)) for unit_id in store.unit_ids()}
    finally:
        close(store)


# -- figures -------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))] if ordered else 0.0


def latencies(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(values, 0.50),
        "p90_ms": percentile(values, 0.90),
        "p99_ms": percentile(values, 0.99),
        "max_ms": max(values, default=0.0),
    }


@dataclass
class Outcome:
    backend: str
    clients: list[Client]
    seconds: float
    checked: Checked

    def figures(self) -> dict[str, Any]:
        journals = {client.number: read_journal(client.journal) for client in self.clients}
        times = {n: [ms for _, _, ms in j.acked] + [ms for _, ms in j.noted] for n, j in journals.items()}
        own = [ms for c in self.clients if c.unit != SHARED for ms in times[c.number]]
        shared = [ms for c in self.clients if c.unit == SHARED for ms in times[c.number]]
        acked = len(own) + len(shared)
        return {
            "appends": acked,
            "seconds": round(self.seconds, 3),
            "appends_per_s": round(acked / self.seconds, 1) if self.seconds else 0.0,
            "all": latencies(own + shared),
            "own_units": latencies(own),
            "shared_unit": latencies(shared),
            "problems": self.checked.problems,
            "verify_exit": self.checked.verify_code,
            "in_flight_present": self.checked.in_flight_present,
            "in_flight_absent": self.checked.in_flight_absent,
            "errors": sorted(Counter(code for c in self.clients for code in c.errors).items()),
            "killed": sum(c.killed for c in self.clients),
            "client_exits": sorted(Counter(c.code for c in self.clients if not c.killed).items(), key=str),
        }


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *rows]
    )


def printed(result: dict[str, Any]) -> str:
    rows = []
    for backend, figures in result["backends"].items():
        for group in ("all", "own_units", "shared_unit"):
            lat = figures[group]
            rate = f"{figures['appends_per_s']:,.0f}" if group == "all" else ""
            name = backend if group == "all" else f"  {group.replace('_', ' ')}"
            rows.append(
                [name, str(figures["appends"]) if group == "all" else "", rate]
                + [f"{lat[k]:.1f}" for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms")]
            )
    lines = [
        f"{result['appends']} appends: {result['clients']} clients on their own units, "
        f"{result['sharing']} on one shared unit; load average {result['load_before']} before, "
        f"{result['load_after']} after, {os.cpu_count()} CPUs",
        table(["backend", "appends", "appends/s", "p50 ms", "p90 ms", "p99 ms", "max ms"], rows),
    ]
    for backend, figures in result["backends"].items():
        verdict = "every acknowledged append present once, chains valid, order kept, verify --all exit 0"
        if figures["problems"]:
            verdict = "PROBLEMS: " + "; ".join(figures["problems"][:10])
        extra = ""
        if figures["killed"] or figures["errors"]:
            extra = (
                f" ({figures['killed']} clients killed, errors {dict(figures['errors'])}; in flight when they"
                f" failed: {figures['in_flight_present']} there whole, {figures['in_flight_absent']} not there)"
            )
        lines.append(f"{backend}: {verdict}{extra}")
    return "\n".join(lines)


# -- the runs ------------------------------------------------------------------------------------


@contextlib.contextmanager
def server(url: str | None) -> Iterator[tuple[str, Cluster | None]]:
    """The superuser URL to use, and the cluster started for it (None: --url given)."""
    if url:
        yield url, None
        return
    cluster = Cluster.start()
    try:
        yield cluster.url, cluster
    finally:
        cluster.stop()


def load(
    backend: str,
    location: str,
    folder: Path,
    *,
    appends: int,
    clients: int,
    faults: Faults | None = None,
    cli: bool = False,
) -> Outcome:
    """Set a store up, run the clients on it (with the faults, if any), check what it holds."""
    folder.mkdir(parents=True, exist_ok=True)
    env = environment(folder / "config")
    template = set_up(location, clients, env)
    baseline = baseline_of(location)
    planned = plan(folder, appends, clients)
    seconds = run_clients(location, template, planned, env, faults, cli=cli)
    checked = check(location, planned, baseline, env)
    if faults is None:  # without faults, no append may fail
        checked.problems += [f"client {c.number} failed: {', '.join(c.errors)}" for c in planned if c.errors]
    return Outcome(backend, planned, seconds, checked)


def faults_run(
    cluster: Cluster,
    folder: Path,
    *,
    appends: int,
    clients: int,
    kill: float = 0.25,
    restart: bool = True,
    seed: int = 15,
) -> Outcome:
    """The load on a fresh database of the cluster's, with `kill` of the clients killed (SIGKILL)
    after a random number of their appends and, with `restart`, the server crashed and started
    again once every client has appended a tenth of its share (at least 2)."""
    share = appends // (clients + max(1, clients // 4))
    faults = Faults(kill=kill, restart_after=max(2, share // 10) if restart else None, cluster=cluster, seed=seed)
    return load(
        "postgresql", new_database(cluster.url), folder / "postgresql", appends=appends, clients=clients, faults=faults
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.appends < 1 or args.clients < 1:
        raise SetupError("--appends and --clients take a whole number of at least 1")
    if args.faults and args.url:
        raise SetupError("--faults crashes the server: it needs a cluster of its own (no --url)")
    root = Path(tempfile.mkdtemp(prefix="pg-load-"))
    result: dict[str, Any] = {
        "appends": args.appends,
        "clients": args.clients,
        "sharing": max(1, args.clients // 4),
        "load_before": round(os.getloadavg()[0], 2),
        "backends": {},
        "folder": str(root),
    }
    try:
        with server(args.url) as (url, cluster):
            if args.faults:
                assert cluster is not None
                outcome = faults_run(cluster, root, appends=args.appends, clients=args.clients)
                result["backends"]["postgresql"] = outcome.figures()
                return result
            database = new_database(url)
            outcome = load("postgresql", database, root / "postgresql", appends=args.appends, clients=args.clients)
            result["backends"]["postgresql"] = outcome.figures()
            store = root / "folder" / "store"
            outcome = load("folder", str(store), root / "folder", appends=args.appends, clients=args.clients)
            result["backends"]["folder"] = outcome.figures()
            if args.cli:
                through = new_database(url)
                outcome = load(
                    "postgresql, checklist done",
                    through,
                    root / "pg-cli",
                    appends=args.cli,
                    clients=args.clients,
                    cli=True,
                )
                result["backends"]["postgresql, checklist done"] = outcome.figures()
                store = root / "folder-cli" / "store"
                outcome = load(
                    "folder, checklist done",
                    str(store),
                    root / "folder-cli",
                    appends=args.cli,
                    clients=args.clients,
                    cli=True,
                )
                result["backends"]["folder, checklist done"] = outcome.figures()
                if not args.keep:
                    drop_database(url, through)
            if not args.keep:
                drop_database(url, database)
    finally:
        result["load_after"] = round(os.getloadavg()[0], 2)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return result


def commands(args: argparse.Namespace) -> dict[str, Any]:
    """`done` as a whole process, 20 runs round-robin on both backends, and `status` at 10,000 records."""
    root = Path(tempfile.mkdtemp(prefix="pg-commands-"))
    figures: dict[str, Any] = {"load_before": round(os.getloadavg()[0], 2)}
    try:
        with server(args.url) as (url, _cluster):
            stores = {"postgresql": new_database(url), "folder": str(root / "store")}
            env = environment(root / "config")
            templates = {name: set_up(location, 1, env) for name, location in stores.items()}
            done: dict[str, list[float]] = {name: [] for name in stores}
            for n in range(args.runs + 1):  # the first round warms up
                for name, location in stores.items():
                    started = time.perf_counter()
                    checklist(["done", "1", "--note", f"第{n}次", "--unit", SHARED, "--store", location], env)
                    if n:
                        done[name].append((time.perf_counter() - started) * 1000)
            for name, location in stores.items():
                from checklist.usecases.session import open_store

                store = open_store(location)
                try:
                    for n in range(10_000 - len(store.records("unit-01"))):
                        store.append(draft(templates[name], "unit-01", 0, n))
                finally:
                    close(store)
            status: dict[str, list[float]] = {name: [] for name in stores}
            for n in range(6):
                for name, location in stores.items():
                    started = time.perf_counter()
                    checklist(["status", "--unit", "unit-01", "--store", location], env)
                    if n:
                        status[name].append((time.perf_counter() - started) * 1000)
            for name in stores:
                figures[name] = {
                    "done_median_ms": round(statistics.median(done[name]), 1),
                    "done_min_ms": round(min(done[name]), 1),
                    "status_10000_median_ms": round(statistics.median(status[name]), 1),
                    "status_10000_min_ms": round(min(status[name]), 1),
                }
            figures["done_ratio"] = round(
                figures["postgresql"]["done_median_ms"] / figures["folder"]["done_median_ms"], 2
            )
            figures["status_ratio"] = round(
                figures["postgresql"]["status_10000_median_ms"] / figures["folder"]["status_10000_median_ms"], 2
            )
    finally:
        figures["load_after"] = round(os.getloadavg()[0], 2)
        shutil.rmtree(root, ignore_errors=True)
    return figures


def commands_printed(figures: dict[str, Any], runs: int) -> str:
    rows = [
        [
            f"done ({runs} runs)",
            f"{figures['postgresql']['done_median_ms']:.0f}",
            f"{figures['folder']['done_median_ms']:.0f}",
            f"{figures['done_ratio']:.2f}x",
        ],
        [
            "status, 10,000 records",
            f"{figures['postgresql']['status_10000_median_ms']:.0f}",
            f"{figures['folder']['status_10000_median_ms']:.0f}",
            f"{figures['status_ratio']:.2f}x",
        ],
    ]
    return "\n".join(
        [
            f"whole processes, medians; load average {figures['load_before']} before, {figures['load_after']} after",
            table(["command", "postgresql ms", "folder ms", "ratio"], rows),
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appends", type=int, default=20_000, help="appends in all (default 20,000)")
    parser.add_argument(
        "--clients", type=int, default=32, help="clients on their own units (default 32; a quarter as many share one)"
    )
    parser.add_argument(
        "--url", help="a PostgreSQL server as a superuser URL (default: a throwaway cluster of the run's own)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database and the folder (journals, the folder store)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--cli", type=int, default=0, help="then as many appends through `checklist done` processes (default 0: none)"
    )
    parser.add_argument("--faults", action="store_true", help="kill clients and crash the server mid-load (PostgreSQL)")
    parser.add_argument("--commands", action="store_true", help="time `checklist done` and `status` at 10,000 records")
    parser.add_argument("--runs", type=int, default=20, help="runs of `done` with --commands (default 20)")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        return client_main(json.loads(args.client))
    try:
        if args.commands:
            figures = commands(args)
            print(
                json.dumps(figures, indent=2, ensure_ascii=False) if args.json else commands_printed(figures, args.runs)
            )
            return 0
        result = run(args)
    except SetupError as exc:
        print(f"pg_load: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else printed(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
