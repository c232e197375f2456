"""A year of one prison's records: `checklist status` and `checklist today` against a bare Typer app.

Run it with the project's interpreter (the one `checklist` is installed in):

    python benchmarks/year.py [--runs N] [--keep]

It writes a catalog of 40 prison measures (10 daily ones, among them the headline "three
zeros"; one every 8 hours; 4 triggered by each admission; 25 plain ones), starts a unit on
it on 2019-01-01 and writes a year of its records in bulk, chained exactly as
`FileStore.append` chains them: every daily measure every day but a few missed days, the
8-hourly one three times a day, 500 admissions with their exams, isolations, health files
and releases on time, and the plain measures done in the first days. It checks that
`checklist status`, `checklist today` (both at 2020-01-01T09:00) and `checklist verify`
succeed, then times the first two and a minimal Typer app printing a 10-row rich table
(the framework's floor, as in startup.py) as whole processes, round-robin, N runs each
after 3 discarded warm-up rounds (the first ones save the index snapshot and the catalog
cache). The target is a median within 1.3x of the floor. It is a measurement, not a test:
it exits 0 whatever the figures, and 1 only when setup fails or a command does not exit 0.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from startup import (
    FLOOR,
    WARMUP,
    Result,
    SetupError,
    bench_env,
    checklist_command,
    in_scratch,
    run_checked,
    summarise,
    time_all,
    versions,
    write_minimal_app,
)

TARGET = 1.3  # the bedrock issue tightened it from 1.5
UNIT = "prison"
ZONE_NAME = "Asia/Shanghai"
ZONE = ZoneInfo(ZONE_NAME)
FIRST_DAY = date(2019, 1, 1)
DAYS = 365
STARTED = "2019-01-01T08:00"
NOW = "2020-01-01T09:00"
END = datetime(2020, 1, 1, tzinfo=ZONE)  # records are made up to the end of the year
ADMISSIONS = 500
ACTORS = ("王警官", "李医生", "Zhang Wei", "duty officer 3")
ISSUER = {"zh": "某省监狱管理局", "en": "A provincial prison administration"}

SECTIONS = {
    "duty": ("值班值守", "Duty and on-call shifts"),
    "containment": ("封闭管理", "Closed management"),
    "health-checks": ("健康检查与排查", "Health checks and screening"),
    "people-in-custody": ("监管对象管理", "People in custody"),
    "reporting": ("信息报告", "Reporting"),
    "supplies": ("物资保障", "Supplies and logistics"),
    "staff": ("民警职工", "Police and staff"),
    "communication": ("宣传与通讯管理", "Communication"),
}

# Daily measures after the three zeros: (id, zh, en, section, priority).
DAILY = (
    ("prison.rotating-duty", "落实轮换封闭式值班", "Serve closed duty shifts in rotation", "duty", "critical"),
    ("prison.staff-temperature", "民警职工每日测温", "Take every officer's temperature daily", "staff", "critical"),
    ("prison.ward-disinfection", "监区每日消毒", "Disinfect every ward daily", "containment", "high"),
    ("prison.inmate-screening", "罪犯每日健康排查", "Screen prisoners' health daily", "health-checks", "critical"),
    ("prison.supply-count", "清点防疫物资", "Count epidemic supplies", "supplies", "normal"),
    ("prison.call-monitoring", "落实亲情电话监听", "Monitor family phone calls", "communication", "high"),
    ("prison.kitchen-hygiene", "伙房卫生检查", "Inspect kitchen hygiene", "containment", "normal"),
    ("prison.daily-report", "每日向上级报告", "Report to the administration daily", "reporting", "high"),
    ("prison.clinic-round", "医务人员巡诊", "Medical staff make their round", "health-checks", "high"),
)
COUNT_FIELDS = {  # daily measures that record figures: field id -> (zh, en)
    "prison.staff-temperature": {"staff_checked": ("测温人数", "Officers checked"), "fever": ("发热人数", "Fever")},
    "prison.inmate-screening": {"screened": ("排查人数", "Prisoners screened"), "fever": ("发热人数", "Fever")},
}


# --- the catalog ---------------------------------------------------------------


def _text(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def _measure(
    measure_id: str, zh: str, en: str, section: str, *, priority: str, evidence: list[str], **extra: Any
) -> dict[str, Any]:
    return {
        "id": measure_id,
        "title": _text(zh, en),
        "applies_to": [UNIT],
        "section": section,
        "priority": priority,
        "source": {"issuer": ISSUER, "date": date(2020, 1, 25), "quote": f"{zh}。"},
        "evidence": evidence,
        **extra,
    }


def _count_field(field_id: str, zh: str, en: str, alert: bool = False) -> dict[str, Any]:
    field: dict[str, Any] = {"id": field_id, "label": _text(zh, en), "type": "integer", "min": 0}
    if alert:
        field["alert"] = {"above": 0}
    return field


def recurring_measures() -> list[dict[str, Any]]:
    three_zeros = _measure(
        "prison.three-zeros",
        "落实“三个零”,每日报告",
        "Meet the “three zeros” targets and report daily",
        "reporting",
        priority="critical",
        evidence=["note", "figures"],
        recurrence={"every": "day"},
        headline=True,
        fields=[
            _count_field("infections", "感染人数", "Infections", alert=True),
            _count_field("reported_cases", "上报病例数", "Reported cases", alert=True),
            _count_field("hype_incidents", "炒作事件数", "Hype incidents", alert=True),
        ],
    )
    daily = []
    for measure_id, zh, en, section, priority in DAILY:
        fields = COUNT_FIELDS.get(measure_id, {})
        extra: dict[str, Any] = {"recurrence": {"every": "day"}}
        if fields:
            extra["fields"] = [_count_field(f, *names, alert=f == "fever") for f, names in fields.items()]
        evidence = ["note", "figures"] if fields else ["note"]
        daily.append(_measure(measure_id, zh, en, section, priority=priority, evidence=evidence, **extra))
    patrol = _measure(
        "prison.perimeter-patrol",
        "监区周界每8小时巡查",
        "Patrol the perimeter every 8 hours",
        "containment",
        priority="high",
        evidence=["note"],
        recurrence={"every": "8h"},
    )
    return [three_zeros, *daily, patrol]


def admission_measures() -> list[dict[str, Any]]:
    def subject() -> dict[str, str]:
        return _text("新收押罪犯", "newly admitted prisoner")

    exam = _measure(
        "prison.new-admission-exam",
        "收押当天进行严格体检",
        "Examine every new admission on the day of admission",
        "health-checks",
        priority="critical",
        evidence=["note", "figures"],
        trigger={"event": "admission", "subject": subject()},
        deadline={"days": 0, "after": "event"},
        fields=[
            {
                "id": "temperature",
                "label": _text("体温", "Temperature"),
                "type": "number",
                "unit": "°C",
                "min": 34,
                "max": 43,
                "alert": {"at_least": 37.3},
            },
            {"id": "symptoms", "label": _text("有症状", "Symptoms"), "type": "yesno"},
        ],
    )
    isolation = _measure(
        "prison.new-admission-isolation",
        "新收押罪犯一律隔离观察14天",
        "Isolate and observe every new admission for 14 days",
        "people-in-custody",
        priority="critical",
        evidence=["note"],
        trigger={"event": "admission", "subject": subject(), "lasts_days": 14},
    )
    health_file = _measure(
        "prison.new-admission-health-file",
        "建立新收押罪犯健康档案",
        "Open a health file for every new admission",
        "health-checks",
        priority="high",
        evidence=["note"],
        trigger={"event": "admission", "subject": subject()},
        deadline={"days": 2, "after": "event"},
    )
    release = _measure(
        "prison.new-admission-observation-end",
        "隔离观察满14天无症状方可解除",
        "End observation only after 14 days without symptoms",
        "people-in-custody",
        priority="high",
        evidence=["note", "figures"],
        trigger={"event": "admission", "subject": subject(), "opens_after_days": 14},
        fields=[{"id": "symptoms", "label": _text("观察期内出现症状", "Symptoms"), "type": "yesno"}],
    )
    return [exam, isolation, health_file, release]


def plain_measures() -> list[dict[str, Any]]:
    measures = []
    sections = list(SECTIONS)
    for n in range(1, 26):
        extra: dict[str, Any] = {}
        if n % 3 == 0:
            extra["deadline"] = {"days": n % 10 + 2, "after": "start"}  # done within the first 10 days: on time
        measures.append(
            _measure(
                f"prison.standing-{n:02d}",
                f"第{n}项常规防控措施",
                f"Standing measure {n}",
                sections[n % len(sections)],
                priority=("critical", "high", "normal")[n % 3],
                evidence=["note", "file"] if n % 4 == 0 else ["note"],
                **extra,
            )
        )
    return measures


def write_catalog(folder: Path) -> list[dict[str, Any]]:
    """The catalog as a folder of YAML files; returns its measures as written."""
    head = {
        "catalog": {
            "name": "prison-year",
            "version": "2019.01",
            "title": _text("监狱全年防控措施", "A year of prison measures"),
            "issuer": ISSUER,
            "timezone": ZONE_NAME,
            "unit_kinds": [{"id": UNIT, "name": _text("监狱", "Prison")}],
            "sections": [{"id": key, "name": _text(zh, en)} for key, (zh, en) in SECTIONS.items()],
        }
    }
    files = {
        "00-catalog.yaml": head,
        "10-recurring.yaml": {"measures": recurring_measures()},
        "20-admission.yaml": {"measures": admission_measures()},
        "30-standing.yaml": {"measures": plain_measures()},
    }
    folder.mkdir()
    for name, content in files.items():
        text = yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=120)
        (folder / name).write_text(text, encoding="utf-8")
    return [m for name, content in files.items() if name != "00-catalog.yaml" for m in content["measures"]]


# --- the records ---------------------------------------------------------------


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def _missed(day_number: int, measure_number: int) -> bool:
    """A few days a year, different for each measure, when the daily record is not made."""
    return (day_number * 31 + measure_number * 17) % 113 == 0


def year_of_drafts(measures: list[dict[str, Any]], started: datetime) -> list[tuple[datetime, dict[str, Any]]]:
    """(when, record fields) of everything the unit records in the year, in no particular order."""
    drafts: list[tuple[datetime, dict[str, Any]]] = []

    def done(at: datetime, item: str, note: str, **fields: Any) -> None:
        if at < END:
            drafts.append((at, {"item": item, "action": "done", "note": note, **fields}))

    daily = [m for m in measures if m.get("recurrence") == {"every": "day"}]
    patrol = next(m for m in measures if m.get("recurrence") == {"every": "8h"})
    for day_number in range(DAYS):
        day = FIRST_DAY + timedelta(days=day_number)
        key = day.isoformat()
        for number, measure in enumerate(daily):
            if _missed(day_number, number):
                continue
            figures = {f["id"]: (day_number % 40 if f["id"] != "fever" else 0) for f in measure.get("fields", [])}
            if measure.get("headline"):
                figures = {"infections": 0, "reported_cases": 0, "hype_incidents": 0}
            done(_at(day, 9, 5 * number), measure["id"], f"{key} 已落实 / done", period=key, figures=figures)
        for hour in (0, 8, 16):
            at = max(_at(day, hour, 30), started + timedelta(minutes=1))
            done(at, patrol["id"], f"{key} {hour:02d}:00 巡查正常", period=f"{key}T{hour:02d}:00")

    for n in range(ADMISSIONS):
        day = FIRST_DAY + timedelta(days=n * DAYS // ADMISSIONS)
        occurred = _at(day, 9 + n % 8, 15)
        subject = f"P{n + 1:04d}"
        event = {"action": "event", "event": "admission", "subject": subject, "occurred": occurred}
        drafts.append((occurred + timedelta(minutes=5), event))
        temperature = round(36.2 + (n % 10) / 10, 1)
        exam = {"temperature": temperature, "symptoms": False}
        done(occurred + timedelta(hours=1), "prison.new-admission-exam", "体检正常", subject=subject, figures=exam)
        done(occurred + timedelta(hours=2), "prison.new-admission-isolation", "已隔离", subject=subject)
        done(occurred + timedelta(days=1), "prison.new-admission-health-file", "已建档", subject=subject)
        release = _at(day + timedelta(days=14), 10)
        done(
            release,
            "prison.new-admission-observation-end",
            "无症状，解除",
            subject=subject,
            figures={"symptoms": False},
        )

    for n, measure in enumerate(m for m in measures if "recurrence" not in m and "trigger" not in m):
        day = FIRST_DAY + timedelta(days=n % 10)
        evidence = (
            [{"name": "notice.pdf", "size": 48_213, "sha256": "ab" * 32}] if "file" in measure["evidence"] else []
        )
        done(_at(day, 10, n), measure["id"], "已落实", evidence=evidence)
    return drafts


def write_log(unit_dir: Path, catalog_dir: Path, measures: list[dict[str, Any]]) -> tuple[int, int]:
    """Write records.jsonl and head.json as `FileStore.append` would have; returns (records, bytes).

    Attestations carry the hash of their measure's wording, as `checklist done` writes them."""
    try:
        from checklist.core import catalog as catalogs
        from checklist.core.chain import digest
        from checklist.core.models import Draft, Record
    except ImportError as exc:
        raise SetupError(f"cannot import checklist with {sys.executable}: {exc} (run with the venv's python)") from exc
    wordings = {m.id: m.wording() for m in catalogs.load(catalog_dir).measures}
    unit_bytes = (unit_dir / "unit.json").read_bytes()
    unit = json.loads(unit_bytes)
    started = datetime.fromisoformat(unit["started_at"])
    drafts = sorted(year_of_drafts(measures, started), key=lambda pair: pair[0])
    prev = digest(unit_bytes)
    lines = []
    for seq, (at, fields) in enumerate(drafts, start=1):
        draft = Draft(
            id=uuid.uuid4().hex,
            unit=unit["id"],
            actor=ACTORS[seq % len(ACTORS)],
            at=at,
            catalog=unit["catalog"]["digest"],
            measure=wordings[fields["item"]] if "item" in fields else None,
            **fields,
        )
        line = Record.of({**draft.model_dump(), "v": 2, "seq": seq, "prev": prev}).line()
        lines.append(line)
        prev = digest(line)
    data = b"\n".join(lines) + b"\n"
    (unit_dir / "records.jsonl").write_bytes(data)
    head = {"seq": len(lines), "hash": prev, "size": len(data)}
    (unit_dir / "head.json").write_text(json.dumps(head), encoding="utf-8")
    return len(lines), len(data)


# --- setup -----------------------------------------------------------------------


def build_store(root: Path, env: dict[str, str], checklist: list[str]) -> tuple[Path, int, int]:
    """The catalog, the unit and its year of records; checked with status, today and verify."""
    catalog_dir, store = root / "catalog", root / "store"
    measures = write_catalog(catalog_dir)
    run_checked([*checklist, "validate", str(catalog_dir)], env, root)
    start = ["start", "--unit", UNIT, "--catalog", str(catalog_dir), "--store", str(store), "--now", STARTED]
    run_checked([*checklist, *start, "--no-walk"], env, root)
    unit_dir = store / "units" / UNIT
    if not (unit_dir / "unit.json").is_file():
        raise SetupError(f"`checklist start` did not leave {unit_dir / 'unit.json'}")
    records, size = write_log(unit_dir, catalog_dir, measures)
    for command in ("status", "today"):
        run_checked([*checklist, command, "--store", str(store), "--now", NOW], env, root)
    run_checked([*checklist, "verify", "--store", str(store)], env, root)
    check_year(measures, [*checklist, "status", "--json", "--store", str(store), "--now", NOW], env, root)
    return store, records, size


def check_year(measures: list[dict[str, Any]], argv: list[str], env: dict[str, str], cwd: Path) -> None:
    """The year reads back as it was built: every item there, nothing overdue, nearly all done."""
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SetupError(f"{' '.join(argv)} exited {done.returncode}\n{done.stdout}{done.stderr}".rstrip())
    totals = json.loads(done.stdout)["totals"]
    items = sum(ADMISSIONS if "trigger" in m else 1 for m in measures)
    if totals["total"] != items or totals["overdue"] or totals["done"] < 0.95 * items:
        raise SetupError(f"status does not read the year as built ({items} items, all on time): {totals}")


# --- results -----------------------------------------------------------------------


def print_table(results: list[Result], runs: int, records: int, size: int) -> None:
    about = versions()
    print(
        f"Python {about['python']}, typer {about['typer']}; {runs} runs after {WARMUP} warm-up; "
        f"{records:,} records in a year ({size / 1e6:.1f} MB log), {ADMISSIONS} admissions, now {NOW}"
    )
    width = max(len(r.command) for r in results)
    print(f"{'command':<{width}}  {'median ms':>9}  {'min ms':>7}  {'ratio':>6}  target {TARGET}x")
    for r in results:
        print(f"{r.command:<{width}}  {r.median_ms:>9.1f}  {r.min_ms:>7.1f}  {r.ratio:>5.2f}x  {r.verdict}")


# --- main ------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time status and today on a year of records against a Typer app.")
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command (default 15)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print where it is")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def benchmark(root: Path, runs: int) -> tuple[list[Result], int, int]:
    """The timings, the number of records and the log's size."""
    env, checklist = bench_env(), checklist_command()
    store, records, size = build_store(root, env, checklist)
    at = ["--store", str(store), "--now", NOW]
    commands = {
        "checklist status": [*checklist, "status", *at],
        "checklist today": [*checklist, "today", *at],
        FLOOR: [sys.executable, str(write_minimal_app(root))],
    }
    return summarise(time_all(commands, runs, env, root), TARGET), records, size


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    done = in_scratch("checklist-year-", args.keep, lambda root: benchmark(root, args.runs))
    if done is None:
        return 1
    root, (results, records, size) = done
    print_table(results, args.runs, records, size)
    if args.keep:
        print(
            f"kept the catalog ({root / 'catalog'}), store ({root / 'store'}) and minimal app in {root}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
