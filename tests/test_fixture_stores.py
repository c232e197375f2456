"""Stores written by earlier releases still open: every fixture in tests/fixtures/stores/<version>/.

Each release checks in a store it made (see tests/fixtures/stores/README.md) with what it said
about that store at a fixed moment (expected.json). This release must verify it, read it the
same way, append to it and seal it. Only stable fields are compared (ids, states, counts,
values), so that a later release may add fields to its JSON.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from .conftest import Result, seal_payload

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "stores"
VERSIONS = sorted(p.name for p in FIXTURES.iterdir() if (p / "store").is_dir()) if FIXTURES.is_dir() else []
OFFICER = "王警官"  # the store's user in every fixture, with a signing key in config-home/
TOTALS = ("done", "na", "open", "blocked", "partial", "awaiting", "lapsed", "upcoming")

Cli = Callable[..., Result]


@dataclass(frozen=True)
class Fixture:
    version: str
    store: Path
    config_home: Path
    expected: dict[str, Any]

    @property
    def now(self) -> str:
        return str(self.expected["now"])

    @property
    def units(self) -> list[str]:
        return list(self.expected["units"])


@pytest.fixture(params=VERSIONS)
def fixture(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fixture:
    """A copy of one release's fixture (the checked-in files are never written to)."""
    source = FIXTURES / request.param
    copy = tmp_path / "fixture"
    shutil.copytree(source / "store", copy / "store")
    shutil.copytree(source / "config-home", copy / "config-home")
    for path in copy.rglob("*"):  # a fixture made in place has read-only evidence; a git checkout has not
        path.chmod(path.stat().st_mode | 0o200)
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(copy / "config-home"))
    expected = json.loads((source / "expected.json").read_text(encoding="utf-8"))
    return Fixture(request.param, copy / "store", copy / "config-home", expected)


def run_json(cli: Cli, *args: str) -> Any:
    result = cli(*args, "--json")
    assert result.exit_code == 0, result
    return result.json()


def test_there_is_a_fixture_of_this_release() -> None:
    from checklist import __version__

    assert __version__ in VERSIONS, f"make one: python tests/fixtures/stores/make_store.py ({FIXTURES})"


def test_verify_all(fixture: Fixture, cli: Cli, proc: Cli) -> None:
    result = cli("verify", "--all", "--store", str(fixture.store))
    assert result.exit_code == 0, result
    # The same through the installed command, as a real process.
    done = proc("verify", "--all", "--json", "--store", str(fixture.store))
    assert done.exit_code == 0, done
    verdict = done.json()
    assert isinstance(verdict, dict) and verdict["ok"] is True
    fields = ("records", "head", "signed", "unsigned", "seals")
    got = {u["unit"]: {f: u[f] for f in fields} for u in verdict["units"]}
    want = {u["unit"]: {f: u[f] for f in fields} for u in fixture.expected["verify"]["units"]}
    assert got == want
    assert verdict["evidence"]["referenced"] == fixture.expected["verify"]["evidence"]["referenced"]


def test_every_seal_in_the_store_holds(fixture: Fixture, cli: Cli) -> None:
    seals = sorted(fixture.store.glob("units/*/seals/*.json"))
    assert seals, "every fixture holds a seal"
    for path in seals:
        result = cli("verify", "--seal", str(path), "--store", str(fixture.store))
        assert result.exit_code == 0, (path.name, result)


def test_status_at_the_fixed_moment(fixture: Fixture, cli: Cli) -> None:
    document = run_json(cli, "status", "--all", "--now", fixture.now, "--store", str(fixture.store))

    def stable(doc: dict[str, Any]) -> dict[str, Any]:
        return {
            unit["unit"]["id"]: {
                "totals": {state: unit["totals"][state] for state in TOTALS},
                "critical_open": unit["critical_open"],
                "headlines": {h["id"]: h["values"] for h in unit["headlines"]},
            }
            for unit in doc["units"]
        }

    assert stable(document) == stable(fixture.expected["status"])
    assert sorted(stable(document)) == fixture.units

    def alerts(unit: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(a["record"], a["id"], a["subject"], a["period"], a["values"]) for a in unit["unacknowledged_alerts"]]

    # the alerts left to acknowledge, by the record that raised them (said from 0.4.0 on)
    got = {unit["unit"]["id"]: alerts(unit) for unit in document["units"]}
    for unit in fixture.expected["status"]["units"]:
        if "unacknowledged_alerts" in unit:
            assert got[unit["unit"]["id"]] == alerts(unit), unit["unit"]["id"]


def test_items_at_the_fixed_moment(fixture: Fixture, cli: Cli) -> None:
    """Numbers, states, periods and missed periods of every item: what `done N` and status rely on."""

    def stable(doc: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(i["number"], i["id"], i["subject"], i["state"], i["period"], i["missed"]) for i in doc["items"]]

    for unit in fixture.units:
        document = run_json(cli, "list", "--unit", unit, "--now", fixture.now, "--store", str(fixture.store))
        got, want = stable(document), stable(fixture.expected["list"][unit])
        # a subject whose every item is settled for good is counted, not listed (core/archive.py)
        live = {subject for _, _, subject, *_ in got}
        settled = [item for item in want if item[2] is not None and item[2] not in live]
        assert got == [item for item in want if item not in settled], unit
        assert all(state in ("done", "na") for _, _, _, state, *_ in settled), unit
        counted = Counter((number, state) for number, _, _, state, *_ in settled)
        # and those the release that made the fixture counted already (items format 2, from 0.4.0)
        counted += archived_of(fixture.expected["list"][unit])
        assert +archived_of(document) == counted, unit


def test_log_of_every_unit(fixture: Fixture, cli: Cli) -> None:
    for unit in fixture.units:
        document = run_json(cli, "log", "--unit", unit, "--store", str(fixture.store))
        got = [(r["id"], r["action"]) for r in document["records"]]
        want = [(r["id"], r["action"]) for r in fixture.expected["log"][unit]["records"]]
        assert got == want, unit


def archived_of(document: dict[str, Any]) -> Counter[tuple[int, str]]:
    """How many subject items of each number an items document counts as settled for good, by state."""
    return Counter({(a["number"], s): a[s] for a in document.get("archived", []) for s in ("done", "na")})


def open_items(fixture: Fixture) -> list[tuple[str, dict[str, Any]]]:
    """Per unit, the first item open at the fixed moment that a note (and a file) can close."""
    found = []
    for unit in fixture.units:
        if (fixture.store / "units" / unit / "mirror.json").is_file():  # another store's unit: never recorded on
            continue
        for item in fixture.expected["list"][unit]["items"]:
            simple = item["subject"] is None and item["period"] is None and "figures" not in item["evidence"]
            simple = simple and not item["missed"]  # not a recurring measure past its last period (--for one)
            if item["state"] == "open" and simple:
                found.append((unit, item))
                break
    return found


def test_appending_to_every_unit(fixture: Fixture, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """New records chain onto the old ones, signed with the old key of the store's user."""
    monkeypatch.delenv("CHECKLIST_USER")  # so that who attests is the store's user (config user)
    evidence = tmp_path / "通知.txt"
    evidence.write_text("appended by a later release\n", encoding="utf-8")
    targets = open_items(fixture)
    assert targets, "the fixture has an open item to append to"
    store = ["--store", str(fixture.store)]
    for unit, item in targets:
        files = ["--evidence", str(evidence)] if "file" in item["evidence"] else []
        args = ("done", item["id"], "--unit", unit, "--note", "后续版本追加", *files, "--now", fixture.now)
        result = cli(*args, *store)
        assert result.exit_code == 0, (unit, result)
        records = run_json(cli, "log", "--unit", unit, *store)["records"]
        last = records[-1]
        assert len(records) == len(fixture.expected["log"][unit]["records"]) + 1
        assert (last["item"], last["action"], last["actor"]) == (item["id"], "done", OFFICER)
        assert last.get("sig"), f"{unit}: the appended record is not signed"
        items = run_json(cli, "list", "--unit", unit, "--now", fixture.now, *store)["items"]
        assert next(i for i in items if i["id"] == item["id"])["state"] == "done"
    result = cli("verify", "--all", *store)
    assert result.exit_code == 0, result


def test_sealing_a_new_day(fixture: Fixture, cli: Cli, tmp_path: Path) -> None:
    day = date.fromisoformat(fixture.now[:10]) + timedelta(days=1)
    out = tmp_path / "seal.json"
    store = ["--store", str(fixture.store)]
    now = ["--now", f"{day.isoformat()}T12:00:00+08:00"]
    result = cli("seal", "--period", day.isoformat(), "--by", OFFICER, "--out", str(out), *now, *store)
    assert result.exit_code == 0, result
    assert seal_payload(out)["period"] == day.isoformat()
    result = cli("verify", "--seal", str(out), *store)
    assert result.exit_code == 0, result
    result = cli("verify", "--all", *store)
    assert result.exit_code == 0, result


def test_a_mirror_is_never_recorded_on(fixture: Fixture, cli: Cli) -> None:
    """From 0.7.0: the unit imported from another store's bundle refuses a record, whatever the item."""
    mirrors = [u for u in fixture.units if (fixture.store / "units" / u / "mirror.json").is_file()]
    for unit in mirrors:
        store = ["--store", str(fixture.store)]
        result = cli("done", "system.three-zeros", "--unit", unit, "--note", "x", "--now", fixture.now, *store)
        assert result.exit_code == 1, result
        assert unit in result.stderr
