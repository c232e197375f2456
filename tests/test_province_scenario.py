"""Issue 14, done means: the province's two levels, end to end.

Three units on stores of their own (a prison, a drug-rehabilitation centre, a community-
corrections office) report every evening for ten days, 24 January to 2 February 2020, and
send a bundle upward each night; the rehabilitation centre misses 30 and 31 January, the
prison reports an infection on 29 January. The city bureau (a unit of its own, on its own
store) imports the three bundles each night and relays everything to the department, which
imports the bureau's bundle. On the department's store, `status --all`, its `--days` grid,
`--under`, `report` in every format and `verify --all` must show exactly that.

Each store has its own officer with a key of their own and a config folder of their own, as
on separate machines (environment variables, as tests/test_bundles.py does)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from .conftest import Result, three_zeros

Run = Callable[..., Result]

FIRST = date(2020, 1, 24)
DAYS = [FIRST + timedelta(days=n) for n in range(10)]
MISSED = {date(2020, 1, 30), date(2020, 1, 31)}  # the rehabilitation centre's silent days
INFECTION = date(2020, 1, 29)  # the prison's infection
CITY = "湖南省司法厅/长沙市司法局"
UNITS = {  # id: (kind, name, officer)
    "cs-prison": ("prison", "长沙监狱", "王警官"),
    "cs-rehab": ("rehab", "长沙强制隔离戒毒所", "李所长"),
    "cs-cc": ("community-corrections", "长沙市社区矫正中心", "张科长"),
}
ZEROS = "system.three-zeros"


class Site:
    """A store on a machine of its own, and its officer: `site("done", ...)` runs as them there."""

    def __init__(self, cli: Run, monkeypatch: pytest.MonkeyPatch, root: Path, user: str, made: bool = False) -> None:
        if not made:
            root.mkdir()
        self.cli, self.monkeypatch, self.root, self.user = cli, monkeypatch, root, user

    def __call__(self, *args: str) -> Result:
        self.monkeypatch.setenv("CHECKLIST_STORE", str(self.root / ".checklist"))
        self.monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(self.root / "config"))
        self.monkeypatch.setenv("CHECKLIST_USER", self.user)
        return self.cli(*args)

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.exit_code == 0, (args, result)
        return result


def _at(day: date, time: str) -> tuple[str, str]:
    return "--now", f"{day.isoformat()}T{time}"


def _cli(*args: str) -> Result:
    """As the `cli` fixture runs the app (in-process, through Typer's CliRunner)."""
    from typer.testing import CliRunner

    from checklist.cli.app import app

    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def department(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The ten days played out once for the module; the department's site to ask."""
    monkeypatch = pytest.MonkeyPatch()
    root = tmp_path_factory.mktemp("province")
    try:
        _play(_cli, monkeypatch, root)
    finally:
        monkeypatch.undo()
    return Site(_cli, pytest.MonkeyPatch(), root / "department", "省厅值班员", made=True)


def _play(cli: Run, monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    units = {uid: Site(cli, monkeypatch, root / uid, officer) for uid, (_, _, officer) in UNITS.items()}
    bureau = Site(cli, monkeypatch, root / "bureau", "赵局长")
    department = Site(cli, monkeypatch, root / "department", "省厅值班员")
    start = _at(DAYS[0], "08:00")
    for uid, site in units.items():
        kind, name, _ = UNITS[uid]
        site.ok("start", "--unit", kind, "--id", uid, "--name", name, "--under", CITY, *start)
        site.ok("keys", "new")
        site.ok("keys", "export", "--out", str(root / f"{uid}.key"))
    bureau.ok(
        "start",
        "--unit",
        "city-bureau",
        "--id",
        "cs-bureau",
        "--name",
        "长沙市司法局",
        "--under",
        "湖南省司法厅",
        *start,
    )
    bureau.ok("keys", "new")
    bureau.ok("keys", "export", "--out", str(root / "cs-bureau.key"))
    department.ok(
        "start", "--unit", "department", "--id", "hn-dept", "--name", "省司法厅机关", "--under", "湖南省司法厅", *start
    )
    for uid in UNITS:  # each unit's key, for its own bundles and seals, on both receiving stores
        bureau.ok("keys", "trust", str(root / f"{uid}.key"), "--unit", uid)
        department.ok("keys", "trust", str(root / f"{uid}.key"), "--unit", uid)
    department.ok("keys", "trust", str(root / "cs-bureau.key"), "--unit", "cs-bureau")
    for day in DAYS:
        sent = []
        for uid, site in units.items():
            if uid == "cs-rehab" and day in MISSED:
                continue
            infections = 1 if uid == "cs-prison" and day == INFECTION else 0
            site.ok("done", ZEROS, "--note", "日报", *three_zeros(infections=infections), *_at(day, "20:00"))
            out = root / f"{uid}-{day.isoformat()}.bundle"
            site.ok("export", "--out", str(out), *_at(day, "21:00"))  # its seal is of that day
            sent.append(str(out))
        bureau.ok("done", ZEROS, "--note", "日报", *three_zeros(), *_at(day, "20:30"))
        bureau.ok("import", *sent)
        relayed = root / f"bureau-{day.isoformat()}.bundle"
        bureau.ok("export", "--all", "--out", str(relayed))
        department.ok("done", ZEROS, "--note", "日报", *three_zeros(), *_at(day, "20:45"))
        department.ok("import", str(relayed))


LAST = _at(DAYS[-1], "23:30")


def test_the_headline_on_the_last_day(department: Site) -> None:
    document = department.ok("status", "--all", "--json", *LAST).json()
    assert isinstance(document, dict)
    headline = document["headline"]
    assert headline["units"] == 5
    assert headline["reporting"] == 5  # the rehabilitation centre reports again from 1 February
    assert headline["missing"] == []
    assert headline["alerting"] == 1  # the prison's infection, not acknowledged
    assert headline["figures"] == {"infections": 0, "reported_cases": 0, "hype_incidents": 0}  # today's
    assert sorted(unit["unit"]["id"] for unit in document["units"]) == [
        "cs-bureau",
        "cs-cc",
        "cs-prison",
        "cs-rehab",
        "hn-dept",
    ]


def test_the_grid_shows_the_two_missed_days_and_the_infection(department: Site) -> None:
    document = department.ok("status", "--all", "--days", "10", "--json", *LAST).json()
    assert isinstance(document, dict)
    assert document["days"] == [day.isoformat() for day in DAYS]
    history = {entry["unit"]: entry["marks"] for entry in document["history"]}
    rehab = ["missed" if day in MISSED else "reported" for day in DAYS]
    assert history["cs-rehab"] == rehab
    prison = history["cs-prison"]
    assert prison[DAYS.index(INFECTION)] == "alert"
    assert [mark for n, mark in enumerate(prison) if n != DAYS.index(INFECTION)] == ["reported"] * 9
    for uid in ("cs-cc", "cs-bureau", "hn-dept"):
        assert history[uid] == ["reported"] * 10, uid
    shown = department.ok("status", "--all", "--days", "10", "--lang", "zh", *LAST).stdout
    assert "长沙强制隔离戒毒所" in shown
    assert "长沙监狱" in shown


def test_the_city_bureaus_node_holds_its_four_units(department: Site) -> None:
    document = department.ok("status", "--all", "--under", "长沙市司法局", "--json", *LAST).json()
    assert isinstance(document, dict)
    assert document["node"] == ["湖南省司法厅", "长沙市司法局"]
    assert sorted(unit["unit"]["id"] for unit in document["units"]) == ["cs-cc", "cs-prison", "cs-rehab"]
    assert document["headline"]["units"] == 3


def test_each_bundle_carries_the_units_seal_of_its_day(department: Site) -> None:
    """The seal inside the infection day's bundle is of that day and reads the infection."""
    import base64
    import json

    bundle = department.root.parent / f"cs-prison-{INFECTION.isoformat()}.bundle"
    payload = json.loads(base64.b64decode(json.loads(bundle.read_bytes())["payload"]))
    (unit,) = payload["units"]
    seal = json.loads(base64.b64decode(json.loads(unit["seal"])["payload"]))
    assert (seal["unit"], seal["period"]) == ("cs-prison", INFECTION.isoformat())
    assert "infections" in json.dumps(seal["day"])


def test_mirrors_are_read_never_recorded_on(department: Site) -> None:
    refused = department("done", ZEROS, "--unit", "cs-prison", "--note", "省里代报", *three_zeros(), *LAST)
    assert refused.exit_code == 1
    assert "cs-prison" in refused.stderr


def test_verify_all_on_the_department_holds_every_chain_and_signature(department: Site) -> None:
    verified = department.ok("verify", "--all", "--json")
    document = verified.json()
    assert isinstance(document, dict)
    units = {entry["unit"]: entry for entry in document["units"]}
    assert set(units) == {"cs-bureau", "cs-cc", "cs-prison", "cs-rehab", "hn-dept"}
    assert all(entry["ok"] for entry in units.values()), units
    rehab_reports = len(DAYS) - len(MISSED)
    assert units["cs-rehab"]["records"] >= rehab_reports


def test_a_record_changed_in_a_mirror_is_caught(department: Site, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(department.root / ".checklist", copy)
    log = copy / "units" / "cs-prison" / "records.jsonl"
    lines = log.read_bytes().split(b"\n")
    changed = [line.replace(b'"infections":1', b'"infections":0') for line in lines]
    assert changed != lines
    log.write_bytes(b"\n".join(changed))
    result = department("verify", "--all", "--store", str(copy))
    assert result.exit_code == 3
    assert "cs-prison" in result.stdout + result.stderr


PERIOD = ("--from", DAYS[0].isoformat(), "--to", DAYS[-1].isoformat())


def test_the_departments_report_says_the_same_in_every_format(department: Site, tmp_path: Path) -> None:
    document = department.ok("report", "--all", *PERIOD, "--format", "json", *LAST).json()
    assert isinstance(document, dict)
    assert (document["first"], document["last"]) == (DAYS[0].isoformat(), DAYS[-1].isoformat())
    headline = document["headline"]
    assert (headline["units"], headline["reporting"], headline["missing"]) == (5, 5, [])
    assert (headline["verified"], headline["intact"], headline["broken"]) == (True, 5, [])
    trend = {day["day"]: day for day in document["trend"]}
    assert trend[INFECTION.isoformat()]["figures"]["infections"] == 1
    assert trend[INFECTION.isoformat()]["alerts"] == ["infections"]
    for day in MISSED:
        assert trend[day.isoformat()]["reporting"] == 4
    assert sum(day["figures"].get("infections", 0) for day in document["trend"]) == 1
    units = {unit["id"]: unit for unit in document["units"]}
    rehab = units["cs-rehab"]
    assert [day["day"] for day in rehab["trend"] if not day["reported"]] == sorted(d.isoformat() for d in MISSED)
    assert [(m["id"], m["periods"]) for m in rehab["missed"] if m["id"] == ZEROS] == [
        (ZEROS, sorted(d.isoformat() for d in MISSED))
    ]
    prison = units["cs-prison"]
    assert [alert["fields"] for alert in prison["alerts"]] == [["infections"]]
    assert all(unit["signatures"]["intact"] for unit in units.values())
    for form in ("md", "html", "csv", "xlsx"):
        out = tmp_path / f"province.{form}"
        department.ok("report", "--all", *PERIOD, "--out", str(out), *LAST)
        assert out.stat().st_size > 500, form
    markdown = (tmp_path / "province.md").read_text(encoding="utf-8")
    assert "长沙强制隔离戒毒所" in markdown
    assert "长沙监狱" in markdown
    csv_text = (tmp_path / "province.csv").read_bytes()
    assert csv_text.startswith("\ufeff".encode())
    rows = csv_text.decode("utf-8-sig").splitlines()
    assert len(rows) == 1 + 5 * len(DAYS)  # a header, then a row per unit and day


def test_a_report_for_the_city_bureaus_node(department: Site) -> None:
    document = department.ok("report", "--under", "长沙市司法局", *PERIOD, "--json", "--no-verify", *LAST).json()
    assert isinstance(document, dict)
    assert sorted(unit["id"] for unit in document["units"]) == ["cs-cc", "cs-prison", "cs-rehab"]
    assert document["headline"]["units"] == 3
    unknown = department("report", "--under", "长沙市", "--json", *LAST)
    assert unknown.exit_code == 1
    assert "长沙市司法局" in unknown.stderr  # the closest body, named


def test_by_measure_the_three_zeros_were_missed_in_one_unit_of_the_city(department: Site) -> None:
    document = department.ok("status", "--all", "--by-measure", "--under", "长沙市司法局", "--json", *LAST).json()
    assert isinstance(document, dict)
    assert document["units"] == 3
    zeros = next(row for row in document["measures"] if row["id"] == ZEROS)
    assert zeros["counts"]["missed"] == 1  # the rehabilitation centre's two silent days
    assert zeros["applies"] == 3
    across = department.ok("status", "--all", "--item", ZEROS, "--under", "长沙市司法局", "--json", *LAST).json()
    assert isinstance(across, dict)
    first = across["units"][0]
    assert (first["unit"], first["standing"], first["missed"]) == ("cs-rehab", "missed", 2)
    hint = department.ok("status", "--all", "--under", "长沙市司法局", "--lang", "zh", *LAST).stderr
    assert "--by-measure --under '湖南省司法厅/长沙市司法局'" in hint  # the next level down keeps the node


@pytest.mark.parametrize("node", ["长沙市司法局", "湖南省司法厅", "湖南省司法厅/长沙市司法局"])
def test_status_all_under_a_node_from_the_kept_summaries_is_the_supervisors_view(department: Site, node: str) -> None:
    """`status --all --under NODE --json` is answered from the roll-up cache (cold, then warm):
    byte for byte the document the supervisor's view makes folding every unit."""
    import json

    from checklist.present.documents import all_units_document
    from checklist.present.output import unsafe_escaped
    from checklist.usecases import views
    from checklist.usecases.session import Session
    from checklist.usecases.settings import Settings

    moment = LAST[1]
    department.monkeypatch.setenv("CHECKLIST_STORE", str(department.root / ".checklist"))
    shutil.rmtree(department.root / ".checklist" / "cache", ignore_errors=True)
    document = all_units_document(views.supervisor(Session.open(Settings.load(now=moment)), None, under=node))
    expected = unsafe_escaped(json.dumps(document, ensure_ascii=False, indent=2).encode()) + b"\n"
    for _ in ("cold", "warm"):
        assert department.ok("status", "--all", "--under", node, "--json", *LAST).stdout.encode() == expected
    assert (department.root / ".checklist" / "cache" / "rollup.bin").exists()
