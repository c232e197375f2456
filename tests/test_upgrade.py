"""Catalogs change during an emergency: a unit keeps the version it runs until it is upgraded."""

from __future__ import annotations

import json
from pathlib import Path

from .test_catalog import HEAD, MEASURE

SECOND = (
    MEASURE.replace("prison.visits", "prison.masks").replace("停止接见", "配发口罩").replace("Stop visits", "Masks")
)


def write_catalog(folder: Path, *measures: str, version: str = "1") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "00-head.yaml").write_text(HEAD.replace('version: "1"', f'version: "{version}"'), encoding="utf-8")
    (folder / "10-measures.yaml").write_text("measures:\n" + "".join(measures), encoding="utf-8")
    return folder


def test_a_changed_catalog_shows_as_newer_until_the_unit_is_upgraded(cli, tmp_path: Path) -> None:
    source = write_catalog(tmp_path / "catalog", MEASURE, SECOND)
    assert cli("start", "--unit", "prison", "--catalog", str(source)).exit_code == 0
    assert cli("na", "prison.visits", "--reason", "无接见", "--by", "甲").exit_code == 0
    assert cli("done", "prison.masks", "--note", "已配发").exit_code == 0
    assert cli("status", "--json").json()["catalog"]["newer"] is None

    reworded = MEASURE.replace("Stop visits", "Stop all visits")
    third = MEASURE.replace("prison.visits", "prison.temperature").replace("Stop visits", "Take temperatures")
    write_catalog(source, reworded, third, version="2")  # masks removed, visits reworded, temperature new

    before = cli("status", "--json").json()
    assert before["catalog"]["version"] == "1" and before["catalog"]["newer"]["version"] == "2"
    assert {i["id"] for i in cli("list", "--json").json()["items"]} == {"prison.visits", "prison.masks"}
    assert "newer version 2 available: `checklist upgrade`" in cli("status").stdout

    result = cli("upgrade")
    assert result.exit_code == 0
    assert "Upgraded prison: catalog 1 → 2 (1 new, 1 retired, 1 reworded, 0 carried over)." in result.stderr
    upgraded = json.loads(Path(".checklist/units/prison/records.jsonl").read_text().splitlines()[-1])
    assert upgraded["action"] == "upgraded" and upgraded["note"].startswith("1 (")

    after = cli("status", "--json").json()
    assert after["catalog"]["version"] == "2" and after["catalog"]["newer"] is None
    assert after["retired"] == {"prison.masks": 1}
    items = {i["id"]: i for i in cli("list", "--json").json()["items"]}
    assert items["prison.temperature"]["state"] == "open"
    assert items["prison.visits"]["changed_wording"] is True and items["prison.visits"]["state"] == "awaiting"
    assert "attested against earlier wording" in cli("list").stdout
    assert "1 record belongs to a measure no longer in the catalog: prison.masks" in cli("status").stdout
    assert cli("upgrade").stderr.startswith("prison runs the newest catalog already")
    assert cli("verify").exit_code == 0


def test_each_version_a_unit_runs_is_kept_in_the_store(cli, tmp_path: Path) -> None:
    source = write_catalog(tmp_path / "catalog", MEASURE)
    cli("start", "--unit", "prison", "--catalog", str(source))
    kept = list(Path(".checklist/catalogs").glob("*.json"))
    assert len(kept) == 1
    for path in source.iterdir():
        path.unlink()
    source.rmdir()  # the source is gone: the unit still runs its version
    assert cli("status", "--json").json()["catalog"]["version"] == "1"
    kept[0].write_text(kept[0].read_text().replace('"version":"1"', '"version":"9"'))
    damaged = cli("status")
    assert damaged.exit_code == 3 and "not the version its name says" in damaged.stderr
