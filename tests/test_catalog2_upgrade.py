"""Units started on the bundled catalog 2020.01.27 (every release's fixture store) upgrade to
the corrected edition with their records intact: nothing in the log changes, and what each
item had recorded counts for the measure that carries it on (`replaces`). A unit that runs the
corrected edition already (in the stores of release 0.4.0 on) is left as it is."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from checklist.core import catalog as catalogs

from .test_fixture_stores import Cli, Fixture, fixture, run_json

__all__ = ["fixture"]  # the fixture of each release's store, used here by name


def _carried(item: dict[str, Any]) -> tuple[Any, ...]:
    last = item["last"]
    return item["state"], item["records"], last["id"] if last else None


def _units(fixture: Fixture, cli: Cli, *, corrected: bool) -> list[str]:
    """The fixture's units that run the corrected edition (the bundled catalog) already, or not."""
    digest = catalogs.load().digest
    store = ("--store", str(fixture.store))
    runs = {
        u: run_json(cli, "status", "--unit", u, "--now", fixture.now, *store)["catalog"]["digest"]
        for u in fixture.units
    }
    return [unit for unit in fixture.units if (runs[unit] == digest) == corrected]


def test_a_unit_on_the_corrected_edition_is_left_as_it_is(fixture: Fixture, cli: Cli) -> None:
    store = ("--store", str(fixture.store))
    for unit in _units(fixture, cli, corrected=True):
        log = fixture.store / "units" / unit / "records.jsonl"
        before = log.read_bytes() if log.exists() else b""
        result = cli("upgrade", "--unit", unit, "--now", fixture.now, "--catalog", str(catalogs.bundled_path()), *store)
        assert result.exit_code == 0, result
        assert f"{unit} runs the newest catalog already" in result.stderr
        assert (log.read_bytes() if log.exists() else b"") == before, unit


def test_every_unit_upgrades_to_the_corrected_edition_with_its_records_intact(fixture: Fixture, cli: Cli) -> None:
    bundled = catalogs.load()
    renames = bundled.renames
    store = ("--store", str(fixture.store))
    for unit in _units(fixture, cli, corrected=False):
        log = fixture.store / "units" / unit / "records.jsonl"
        before_bytes = log.read_bytes() if log.exists() else b""  # a unit with no records has no log yet
        place = {json.loads(line)["id"]: n for n, line in enumerate(before_bytes.splitlines())}
        before = run_json(cli, "list", "--unit", unit, "--now", fixture.now, *store)
        kind = run_json(cli, "status", "--unit", unit, "--now", fixture.now, *store)["unit"]["kind"]
        ids = {m.id for m in bundled.for_kind(kind)}

        # the bundled catalog is the source of every unit but rehab, started on a catalog folder since gone
        result = cli("upgrade", "--unit", unit, "--now", fixture.now, "--catalog", str(catalogs.bundled_path()), *store)
        assert result.exit_code == 0, result
        assert bundled.meta.version in result.stderr

        after_bytes = log.read_bytes()
        assert after_bytes.startswith(before_bytes), unit  # appended to, never rewritten
        upgraded = json.loads(after_bytes[len(before_bytes) :])
        assert upgraded["action"] == "upgraded"
        after = run_json(cli, "list", "--unit", unit, "--now", fixture.now, *store)
        status = run_json(cli, "status", "--unit", unit, "--now", fixture.now, *store)
        assert status["catalog"]["version"] == bundled.meta.version and status["catalog"]["newer"] is None

        # every unit-level item with records carries on under its id, or the id that replaces it
        now_items = {(i["id"], i["subject"]): i for i in after["items"]}
        retired: Counter[str] = Counter()
        for item in before["items"]:
            if not item["records"] or item["subject"] is not None:
                continue
            new_id = renames.get(item["id"], item["id"])
            if new_id not in ids:
                retired[item["id"]] += 1
                continue
            if item["id"] in renames:
                assert f"{item['id']} → {new_id}" in upgraded["note"], (unit, item["id"])
            merged = [
                i
                for i in before["items"]
                if renames.get(i["id"], i["id"]) == new_id and i["subject"] is None and i["records"]
            ]
            # several old items may flow into one: the latest record of them counts, and all their records
            latest = max(merged, key=lambda i: place[i["last"]["id"]] if i["last"] else -1)
            state, _, last = _carried(latest)
            records = sum(i["records"] for i in merged)
            assert _carried(now_items[new_id, None]) == (state, records, last), (unit, item["id"])
        for old_id in retired:  # dropped with no successor: its records stay, shown as retired
            assert old_id in status["retired"], (unit, old_id)

        # per-subject items, listed or archived: as many done and waived as before under the id that
        # carries them on; where two measures of a subject flow into one, at least as many as either
        was, now = _settled(before), _settled(after)
        for (old_id, state), count in was.items():
            new_id = renames.get(old_id, old_id)
            if new_id not in ids:  # dropped with no successor: counted under retired
                continue
            sources = [o for o in {*renames, new_id} if renames.get(o, o) == new_id and (o, state) in was]
            if len(sources) == 1:
                assert now[new_id, state] == count, (unit, old_id, state)
            else:
                assert now[new_id, state] >= count, (unit, old_id, state)

        log_after = run_json(cli, "log", "--unit", unit, *store)["records"]
        assert [r["id"] for r in log_after[:-1]] == [json.loads(line)["id"] for line in before_bytes.splitlines()]
    assert cli("verify", "--all", *store).exit_code == 0


def _settled(document: dict[str, Any]) -> Counter[tuple[str, str]]:
    """Items of subjects done or waived, listed or archived, by measure id."""
    counts: Counter[tuple[str, str]] = Counter()
    for i in document["items"]:
        if i["subject"] is not None and i["state"] in ("done", "na"):
            counts[i["id"], i["state"]] += 1
    for group in document.get("archived", []):
        for state in ("done", "na"):
            counts[group["id"], state] += group[state]
    return +counts
