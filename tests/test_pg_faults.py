"""Faults on PostgreSQL: client processes killed with SIGKILL in the middle of appends, and the
server stopped as a crash stops it (pg_ctl -m immediate) while clients append. Nothing a client
acknowledged is lost, no partial record exists, `checklist verify --all` passes.

The load and its check are benchmarks/pg_load.py's (`--faults`), run here with a small count.
Each test starts a PostgreSQL cluster of its own (scripts/pg-cluster, in a folder of its own),
so that crashing it disturbs no other test; the server binaries are all it needs. Without them
the tests are skipped, and fail in CI, as tests/pg.py does.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from checklist.core.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
APPENDS = 400  # 8 clients on their units and 2 on one shared unit: 40 appends each


def _load_module() -> ModuleType:
    path = ROOT / "benchmarks" / "pg_load.py"
    spec = importlib.util.spec_from_file_location("pg_load", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("pg_load", module)
    spec.loader.exec_module(module)
    return module


pg_load = _load_module()

pytestmark = pytest.mark.skipif(os.name != "posix", reason="uses processes, signals and a local server")


@pytest.fixture
def cluster() -> Iterator[object]:
    """A throwaway cluster of the test's own; skipped (failed in CI) without server binaries."""
    if pg_load.server_binaries() is None:
        reason = "no PostgreSQL server binaries (apt-get install postgresql) for the fault tests"
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(reason + " (CI must run them)")
        pytest.skip(reason)
    started = pg_load.Cluster.start()
    yield started
    started.stop()


def _clean(outcome: object) -> dict[str, object]:
    figures: dict[str, object] = outcome.figures()  # type: ignore[attr-defined]
    assert figures["problems"] == []
    assert figures["verify_exit"] == 0
    return figures


def test_clients_killed_mid_append_lose_nothing_they_acknowledged(cluster: object, tmp_path: Path) -> None:
    outcome = pg_load.faults_run(cluster, tmp_path, appends=APPENDS, clients=8, kill=0.5, restart=False)
    figures = _clean(outcome)
    killed = [c for c in outcome.clients if c.killed]
    assert len(killed) == 5  # half of the 10 clients
    for client in killed:  # killed once it had acknowledged so many: mostly in its next append
        assert len(pg_load.read_journal(client.journal).acked) >= client.killed_after
    survivors = [c for c in outcome.clients if not c.killed]
    assert all(c.code == 0 and len(pg_load.read_journal(c.journal).acked) == c.count for c in survivors)
    assert figures["errors"] == []
    acknowledged = sum(len(pg_load.read_journal(c.journal).acked) for c in outcome.clients)
    assert outcome.checked.acknowledged == acknowledged
    assert outcome.checked.in_flight_present + outcome.checked.in_flight_absent <= len(killed)
    # every record is there: the acknowledged ones, the in-flight ones that committed, and
    # the two the duty officer's `start` and `done` wrote (the units' first lines aside)
    assert outcome.checked.records == acknowledged + outcome.checked.in_flight_present + 1


def test_a_server_crash_mid_load_loses_nothing_acknowledged(cluster: object, tmp_path: Path) -> None:
    outcome = pg_load.faults_run(cluster, tmp_path, appends=APPENDS, clients=8, kill=0.0, restart=True)
    figures = _clean(outcome)
    errors = dict(figures["errors"])  # type: ignore[call-overload]
    # the clients appending when the server went down: the append in flight failed with
    # checklist's own error (a traceback would be a problem above), and each went on after
    assert set(errors) == {"pg.cannot_connect"}
    assert errors["pg.cannot_connect"] >= 1
    for client in outcome.clients:
        journal = pg_load.read_journal(client.journal)
        assert client.code == 0
        assert len(journal.acked) + len(journal.errors) == client.count
    assert outcome.checked.acknowledged == APPENDS - errors["pg.cannot_connect"]
    assert outcome.checked.records == outcome.checked.acknowledged + outcome.checked.in_flight_present + 1


def test_a_store_whose_server_crashed_says_so_and_a_new_one_goes_on(cluster: object) -> None:
    """PgStore does not reconnect by itself: the call after a lost connection fails as plainly as
    the one it lost (whether that append committed only the log can say), and a new PgStore —
    a new command, or a long-lived process opening it again — works."""
    from checklist.core.pgstore import PgStore

    url = pg_load.new_database(cluster.url)  # type: ignore[attr-defined]
    env = pg_load.environment(Path(cluster.folder) / "config")  # type: ignore[attr-defined]
    pg_load.set_up(url, 1, env)
    store = PgStore.open(url)
    assert store.unit_ids() == ["shared", "unit-01"]
    cluster.restart_immediate()  # type: ignore[attr-defined]
    with pytest.raises(UserError) as info:
        store.unit_ids()
    assert info.value.code == "pg.cannot_connect"
    assert "password" not in str(info.value)
    store.close()
    again = PgStore.open(url)
    assert again.unit_ids() == ["shared", "unit-01"]
    assert len(again.records("shared")) == 1
    again.close()
