"""The readable seal (format 6): a unit's day as a bureau reads it from the seal alone — its
figures, alerts, notes and what was missed — checked against the records it names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from checklist.core import clock

from .conftest import REPO, Result, forge_seal, seal_payload, three_zeros

Run = Callable[..., Result]
RELEASE_0_6_0 = "7d8dc8e"  # the commit of release 0.6.0 ("Release 0.6.0: the version; …")


@pytest.fixture
def at(monkeypatch) -> Callable[[str], None]:
    """The real clock set to a moment of Changsha (UTC+8): records are made at it."""
    moment = [datetime(2020, 1, 26, 1, 0, tzinfo=UTC)]
    monkeypatch.setattr(clock, "real_now", lambda: moment[0])

    def set_to(local: str) -> None:
        moment[0] = datetime.fromisoformat(local + "+08:00").astimezone(UTC)

    return set_to


@pytest.fixture
def day(cli: Run, at, tmp_path: Path, monkeypatch) -> Run:
    """A prison started on 2020-01-26; on the 27th 王警官 reports one infection (an alert) with a
    note, and the three-level duty with a note; every other daily measure missed the 26th."""
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("CHECKLIST_USER", "王警官")
    at("2020-01-26T09:00")
    assert cli("start", "--unit", "prison", "--name", "长沙监狱").exit_code == 0
    assert cli("keys", "new").exit_code == 0
    at("2020-01-27T09:00")
    done = cli("done", "system.three-zeros", *three_zeros(infections=1), "--note", "三监区一名民警确诊，已隔离")
    assert done.exit_code == 0, done
    at("2020-01-27T09:30")
    assert cli("done", "system.three-level-duty", "--note", "领导带班").exit_code == 0
    at("2020-01-27T20:00")
    return cli


def sealed(cli: Run, out: str = "seal.json") -> dict:
    result = cli("seal", "--out", out)
    assert result.exit_code == 0, result
    return seal_payload(Path(out))


ENGLISH = """\
✔ seal of prison, 2020-01-27, by 王警官, 2 records: holds
  Figures recorded that day
    #1 Meet the “three zeros”: zero infections, zero reported cases, zero sensationalised incidents (2020-01-27)
    (headline)
      Confirmed infections 1 ⚠, Cases reported upward 0, Sensationalised incidents 0
  Alerts
    #1 Meet the “three zeros”: zero infections, zero reported cases, zero sensationalised incidents (2020-01-27)
      Confirmed infections 1 ⚠, 01-27 09:00, not acknowledged
  Notes written that day
    #1 Meet the “three zeros”: zero infections, zero reported cases, zero sensationalised incidents (2020-01-27)
      王警官, 01-27 09:00: 三监区一名民警确诊，已隔离
    #2 Run the three-level duty system (2020-01-27)
      王警官, 01-27 09:30: 领导带班
  Missed or overdue when it was sealed
    Meet the “three zeros”: zero infections, zero reported cases, zero sensationalised incidents
      1 period missed: 2020-01-26
    Run the three-level duty system
      1 period missed: 2020-01-26
    Arrange with the police detention centres to defer transfers of prisoners with symptoms
      1 period missed: 2020-W04
    Monitor prisoners' family phone calls
      1 period missed: 2020-01-26
"""

CHINESE = """\
✔ prison 2020年1月27日 的签章报告（王警官 签名，2 条记录）：有效
  当日记录的数据
    #1 落实“三个零”：零感染、零报告、零炒作（2020-01-27）（重点数据）
      确诊感染人数 1 ⚠、上报病例数 0、炒作事件数 0
  警示
    #1 落实“三个零”：零感染、零报告、零炒作（2020-01-27）
      确诊感染人数 1 ⚠，1月27日 09:00，待确认
  当日填写的说明
    #1 落实“三个零”：零感染、零报告、零炒作（2020-01-27）
      王警官，1月27日 09:00：三监区一名民警确诊，已隔离
    #2 严格落实三级值班制度（2020-01-27）
      王警官，1月27日 09:30：领导带班
  签章时漏报或逾期的事项
    落实“三个零”：零感染、零报告、零炒作
      漏报 1 期：2020-01-26
    严格落实三级值班制度
      漏报 1 期：2020-01-26
    协调公安看守所，暂缓收押有症状罪犯
      漏报 1 期：2020-W04
    严格落实亲情电话监听制度
      漏报 1 期：2020-01-26
"""


def test_a_seal_carries_the_days_figures_alerts_notes_and_what_was_missed(day: Run) -> None:
    payload = sealed(day)
    assert payload["format"] == 6 and [e["seq"] for e in payload["entries"]] == [1, 2]
    readable = payload["day"]
    [figures] = readable["figures"]
    assert figures["seq"] == 1 and figures["item"] == "system.three-zeros" and figures["headline"] is True
    assert [(v["field"], v["value"], v["alert"]) for v in figures["values"]] == [
        ("infections", 1, True),
        ("reported_cases", 0, False),
        ("hype_incidents", 0, False),
    ]
    assert figures["values"][0]["label"] == {"zh": "确诊感染人数", "en": "Confirmed infections"}
    assert figures["title"]["zh"] == "落实“三个零”：零感染、零报告、零炒作"  # the reader needs no catalog
    [alert] = readable["alerts"]
    assert alert["seq"] == 1 and alert["state"] == "open" and [v["field"] for v in alert["values"]] == ["infections"]
    assert [(n["seq"], n["actor"], n["note"]) for n in readable["notes"]] == [
        (1, "王警官", "三监区一名民警确诊，已隔离"),
        (2, "王警官", "领导带班"),
    ]
    missed = {m["item"]: m for m in readable["missed"]}
    assert (
        missed["system.three-level-duty"]["periods"] == ["2020-01-26"]
        and missed["system.three-level-duty"]["missed"] == 1
    )
    assert set(missed) == {
        "system.three-zeros",
        "system.three-level-duty",
        "prison.defer-symptomatic-transfers",  # weekly: the week before
        "prison.family-call-monitoring",
    }


def test_verify_seal_shows_the_day_in_english_and_in_chinese(day: Run) -> None:
    sealed(day)
    english = day("verify", "--seal", "seal.json")
    assert english.exit_code == 0, english
    assert english.stdout == ENGLISH
    chinese = day("--lang", "zh", "verify", "--seal", "seal.json")
    assert chinese.exit_code == 0, chinese
    assert chinese.stdout == CHINESE
    from .languages import english_in_chinese

    assert english_in_chinese(chinese.stdout, allowed=["prison"]) == []  # the unit's id


def test_the_json_document_holds_the_readable_part(day: Run) -> None:
    sealed(day)
    result = day("verify", "--seal", "seal.json", "--json")
    document = json.loads(result.stdout)
    assert document["ok"] is True and document["seal_format"] == 6 and document["checked_against_log"] is True
    assert document["day"] == seal_payload(Path("seal.json"))["day"]
    import jsonschema

    from checklist.present.schemas import schema

    jsonschema.validate(document, schema("seal-check"))


def test_an_acknowledged_alert_is_sealed_as_such_and_an_earlier_open_one_too(day: Run, at) -> None:
    at("2020-01-28T09:00")
    again = day("done", "system.three-zeros", *three_zeros(reported=2), "--note", "上报一例疑似")  # an alert, the 28th
    assert again.exit_code == 0, again
    at("2020-01-28T10:00")
    assert day("ack", "system.three-zeros", "--for", "2020-01-27", "--reason", "已核实").exit_code == 0
    at("2020-01-28T20:00")
    alerts = sealed(day)["day"]["alerts"]
    assert [(a["seq"], a["period"], a["state"]) for a in alerts] == [(3, "2020-01-28", "open")]
    at("2020-01-28T21:00")
    earlier = day("seal", "--period", "2020-01-27", "--out", "27.json")  # the 27th, sealed late: acknowledged since
    assert earlier.exit_code == 0, earlier
    alerts = seal_payload(Path("27.json"))["day"]["alerts"]
    assert [(a["seq"], a["state"]) for a in alerts] == [(1, "acknowledged"), (3, "open")]  # and the 28th's, open


def _resign(payload: dict, out: Path) -> None:
    """A seal of `payload` signed with the unit's own key: what a sealer who wrote other figures
    than the records hold would send (its signature holds)."""
    from checklist.core import keys
    from checklist.core import seal as seals

    config = Path(os.environ["CHECKLIST_CONFIG_HOME"])
    [public] = keys.own_keys(config)
    private = keys.load_private(config, public)
    draft = seals.Seal.model_validate(payload)
    _, content = seals.signed(draft, lambda data: keys.sign(private, public, data))
    out.write_bytes(content)


def test_figures_that_differ_from_the_records_they_cite_are_a_problem(day: Run) -> None:
    payload = sealed(day)
    payload["day"]["figures"][0]["values"][0]["value"] = 0  # "zero infections", signed by the sealer
    payload["day"]["alerts"] = []
    _resign(payload, Path("rosy.json"))
    result = day("verify", "--seal", "rosy.json")
    assert result.exit_code == 3
    assert "the figures it gives for record 1 are not what record 1 of the log holds" in result.stdout
    assert "Confirmed infections" not in result.stdout  # a seal that does not hold shows no day
    chinese = day("--lang", "zh", "verify", "--seal", "rosy.json")
    assert "其中记录 1 的数据与记录库中记录 1 的内容不符" in chinese.stdout


def test_a_changed_note_or_alert_is_a_problem_and_one_naming_an_unsealed_record_too(day: Run) -> None:
    payload = sealed(day)
    note = json.loads(json.dumps(payload))
    note["day"]["notes"][1]["note"] = "一切正常"
    _resign(note, Path("note.json"))
    assert (
        "the note it gives for record 2 is not what record 2 of the log says"
        in day("verify", "--seal", "note.json").stdout
    )
    alert = json.loads(json.dumps(payload))
    alert["day"]["alerts"][0]["values"][0]["value"] = 5
    _resign(alert, Path("alert.json"))
    assert (
        "the alert it gives for record 1 is not what record 1 of the log holds"
        in day("verify", "--seal", "alert.json").stdout
    )
    unsealed = json.loads(json.dumps(payload))
    unsealed["day"]["notes"][0]["seq"] = 7
    _resign(unsealed, Path("unsealed.json"))
    result = day("verify", "--seal", "unsealed.json")
    assert result.exit_code == 3 and "names record 7, which is not one of the records it seals" in result.stdout


def test_a_tampered_readable_part_breaks_the_signature(day: Run) -> None:
    payload = sealed(day)
    payload["day"]["notes"][0]["note"] = "无异常"
    forge_seal(Path("seal.json"), Path("forged.json"), payload)
    result = day("verify", "--seal", "forged.json")
    assert result.exit_code == 3 and "signature" in result.stdout and "无异常" not in result.stdout


def test_a_kept_seal_whose_figures_differ_from_the_log_fails_verify(day: Run) -> None:
    payload = sealed(day)
    payload["day"]["figures"][0]["values"][0]["value"] = 0
    payload["head"]["seq"] = 2
    folder = Path(".checklist/units/prison/seals")
    _resign(payload, folder / "2020-01-27.9.json")
    result = day("verify")
    assert result.exit_code == 3
    assert "2020-01-27.9: the figures it gives for record 1 are not what record 1 of the log holds" in result.stdout


def test_earlier_seals_still_verify_and_show_no_readable_part(cli: Run, tmp_path: Path) -> None:
    import shutil

    store = tmp_path / "0.6.0"
    shutil.copytree(REPO / "tests" / "fixtures" / "stores" / "0.6.0" / "store", store)
    seal = store / "units" / "prison" / "seals" / "2020-02-10.63.json"
    result = cli("verify", "--seal", str(seal), "--json", "--store", str(store))
    assert result.exit_code == 0, result
    document = json.loads(result.stdout)
    assert document["seal_format"] < 6 and "day" not in document
    shown = cli("verify", "--seal", str(seal), "--store", str(store))
    assert "Figures recorded that day" not in shown.stdout and "The sealed day" not in shown.stdout


def test_a_seal_raises_the_store_to_format_6(day: Run) -> None:
    sealed(day)
    marker = json.loads(Path(".checklist/store.json").read_text(encoding="utf-8"))
    assert marker["format"] == 6 and marker["requires"] == "0.7.0"


@pytest.fixture(scope="module")
def release_0_6_0(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source of release 0.6.0, from the repository's history (skipped in a shallow clone)."""
    import shutil
    import tarfile

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = tmp_path_factory.mktemp("release-0.6.0")
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", RELEASE_0_6_0, "src", "measures"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        pytest.skip(f"release 0.6.0 is not in this repository's history: {archive.stderr.decode().strip()}")
    (folder / "source.tar").write_bytes(archive.stdout)
    with tarfile.open(folder / "source.tar") as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def test_release_0_6_0_refuses_a_readable_seal_as_newer(day: Run, release_0_6_0: Path) -> None:
    """Through real processes: this release checks the seal; 0.6.0 says it needs a newer release."""
    sealed(day)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    mine = subprocess.run(
        [sys.executable, "-m", "checklist", "verify", "--seal", "seal.json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert mine.returncode == 0 and "Confirmed infections 1 ⚠" in mine.stdout, mine.stderr
    old = subprocess.run(
        [sys.executable, "-m", "checklist", "verify", "--seal", "seal.json"],
        env={**env, "PYTHONPATH": str(release_0_6_0)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert old.returncode == 3 and "Traceback" not in old.stderr
    assert "format 6" in old.stderr and "checklist 0.7.0 or newer" in old.stderr
