"""The prison of the benchmarks: its catalog of 40 measures and the records it makes, year after year.

Shared by year.py (one year, 500 admissions), busy.py (5,000 admissions a year, 1 to 10 years)
and million.py (a million records of about 1 KB). The catalog (YAML, time zone Asia/Shanghai)
has 10 daily measures (among them the headline "three zeros" with its three integer figures),
one every 8 hours, 4 triggered by each `admission` (an exam due the same day, a 14-day
isolation, a health file due within 2 days, a release that opens after 14 days) and 25 plain
ones (some with a deadline after the start). The unit records each daily measure every day
but a few missed ones, the 8-hourly one for each of its periods, its admissions spread over
each year with their exams, isolations, health files and releases on time, and the plain
measures in its first ten days.

The log is written in bulk, chained exactly as `FileStore.append` chains it (with
`head.json`); its lines are built with the field order `Record.line()` gives, and a sample
of them is checked against `Record` (read back and written again, byte for byte).
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from startup import SetupError, bench_env, run_checked

UNIT = "prison"
ZONE_NAME = "Asia/Shanghai"
ZONE = ZoneInfo(ZONE_NAME)
FIRST_DAY = date(2019, 1, 1)
STARTED = "2019-01-01T08:00"
ACTORS = ("王警官", "李医生", "Zhang Wei", "duty officer 3")
ISSUER = {"zh": "某省监狱管理局", "en": "A provincial prison administration"}
EVIDENCE = {"name": "notice.pdf", "size": 48_213, "sha256": "ab" * 32, "stored": False}
CHECK_FIRST, CHECK_EVERY = 200, 997  # the lines checked against Record: the first ones, then every 997th

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


@dataclass(frozen=True)
class Mix:
    """How much the unit records: `years` whole years from 2019-01-01, `admissions` a year,
    and `note`, words added to every note (longer records)."""

    years: int = 1
    admissions: int = 500
    note: str = ""

    @property
    def end(self) -> datetime:
        """Records are made up to the end of the last year."""
        return datetime(FIRST_DAY.year + self.years, 1, 1, tzinfo=ZONE)

    @property
    def now(self) -> str:
        """The clock the commands read the store at: 09:00 on the day after the last year."""
        return f"{FIRST_DAY.year + self.years}-01-01T09:00"

    @property
    def subject_digits(self) -> int:
        return max(4, len(str(self.years * self.admissions)))


Draft = tuple[datetime, dict[str, Any]]  # when, and the record's fields


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE)


def _missed(day_number: int, measure_number: int) -> bool:
    """A few days a year, different for each measure, when the daily record is not made."""
    return (day_number * 31 + measure_number * 17) % 113 == 0


def _done(at: datetime, item: str, note: str, **fields: Any) -> Draft:
    return at, {"item": item, "action": "done", "note": note, **fields}


def _recurring(measures: list[dict[str, Any]], started: datetime, first: date, days: int, mix: Mix) -> list[Draft]:
    """The daily measures (but on a few missed days) and the 8-hourly patrol, `days` days from `first`."""
    drafts = []
    daily = [m for m in measures if m.get("recurrence") == {"every": "day"}]
    patrol = next(m for m in measures if m.get("recurrence") == {"every": "8h"})
    for day in (first + timedelta(days=n) for n in range(days)):
        day_number, key = (day - FIRST_DAY).days, day.isoformat()
        for number, measure in enumerate(daily):
            if _missed(day_number, number):
                continue
            figures = {f["id"]: (day_number % 40 if f["id"] != "fever" else 0) for f in measure.get("fields", [])}
            if measure.get("headline"):
                figures = {"infections": 0, "reported_cases": 0, "hype_incidents": 0}
            note = f"{key} 已落实 / done{mix.note}"
            drafts.append(_done(_at(day, 9, 5 * number), measure["id"], note, period=key, figures=figures))
        for hour in (0, 8, 16):
            at = max(_at(day, hour, 30), started + timedelta(minutes=1))
            note = f"{key} {hour:02d}:00 巡查正常{mix.note}"
            drafts.append(_done(at, patrol["id"], note, period=f"{key}T{hour:02d}:00"))
    return drafts


def _admissions(year: int, first: date, days: int, mix: Mix) -> list[Draft]:
    """The year's admissions, each with its exam, isolation, health file and release, on time."""
    drafts: list[Draft] = []
    for n in range(mix.admissions):
        day = first + timedelta(days=n * days // mix.admissions)
        occurred = _at(day, 9 + n % 8, 15)
        subject = f"P{year * mix.admissions + n + 1:0{mix.subject_digits}d}"
        event = {"action": "event", "event": "admission", "subject": subject, "occurred": occurred}
        exam = {"temperature": round(36.2 + (n % 10) / 10, 1), "symptoms": False}
        release = _at(day + timedelta(days=14), 10)
        drafts += [
            (occurred + timedelta(minutes=5), event),
            _done(occurred + timedelta(hours=1), "prison.new-admission-exam", f"体检正常{mix.note}", figures=exam),
            _done(occurred + timedelta(hours=2), "prison.new-admission-isolation", f"已隔离{mix.note}"),
            _done(occurred + timedelta(days=1), "prison.new-admission-health-file", f"已建档{mix.note}"),
            _done(
                release, "prison.new-admission-observation-end", f"无症状，解除{mix.note}", figures={"symptoms": False}
            ),
        ]
        for _, fields in drafts[-4:]:
            fields["subject"] = subject
    return drafts


def _plain(measures: list[dict[str, Any]], mix: Mix) -> list[Draft]:
    """The plain measures, done in the first ten days."""
    drafts = []
    for n, measure in enumerate(m for m in measures if "recurrence" not in m and "trigger" not in m):
        day = FIRST_DAY + timedelta(days=n % 10)
        evidence = [dict(EVIDENCE)] if "file" in measure["evidence"] else []
        drafts.append(_done(_at(day, 10, n), measure["id"], f"已落实{mix.note}", evidence=evidence))
    return drafts


def year_of_drafts(measures: list[dict[str, Any]], started: datetime, year: int, mix: Mix) -> list[Draft]:
    """Everything the unit records in its `year`-th year (from 0), in no particular order; what an
    admission late in the year brings (a health file, a release) may fall in the next year."""
    first = date(FIRST_DAY.year + year, 1, 1)
    days = (date(first.year + 1, 1, 1) - first).days
    drafts = _recurring(measures, started, first, days, mix) + _admissions(year, first, days, mix)
    return drafts + _plain(measures, mix) if year == 0 else drafts


def drafts(measures: list[dict[str, Any]], started: datetime, mix: Mix) -> Iterator[Draft]:
    """Everything the unit records up to the end of the mix's last year, oldest first (in the
    order made when two are made at the same minute), a year at a time."""
    carried: list[Draft] = []
    for year in range(mix.years):
        ends = date(FIRST_DAY.year + year + 1, 1, 1)
        batch = sorted([*carried, *year_of_drafts(measures, started, year, mix)], key=lambda pair: pair[0])
        cut = next((i for i, (at, _) in enumerate(batch) if at.date() >= ends), len(batch))
        yield from batch[:cut]
        carried = batch[cut:]


# --- the log ---------------------------------------------------------------------


@dataclass(frozen=True)
class Log:
    """What was written: the number of records and subjects, the log's size, the last record's time."""

    records: int
    subjects: int
    size: int
    last: datetime | None


def _record_line(order: tuple[str, ...], fields: dict[str, Any]) -> bytes:
    """The line `Record.line()` writes for these fields: model order, no None, compact, UTF-8."""
    present = {key: fields[key] for key in order if fields.get(key) is not None}
    return json.dumps(present, ensure_ascii=False, separators=(",", ":")).encode()


def _check_line(line: bytes, seq: int) -> None:
    from checklist.core.models import Record

    try:
        again = Record.decode(line).line()
    except ValueError as exc:
        raise SetupError(f"record {seq} is not a valid Record: {exc}\n{line.decode()}") from exc
    if again != line:
        raise SetupError(f"record {seq} is not written as Record.line() writes it:\n{line.decode()}\n{again.decode()}")


def write_log(unit_dir: Path, catalog_dir: Path, made: Iterable[Draft], limit: int | None = None) -> Log:
    """Write records.jsonl and head.json as `FileStore.append` would have, at most `limit` records.

    Attestations carry the hash of their measure's wording, as `checklist done` writes them."""
    try:
        from checklist.core import catalog as catalogs
        from checklist.core import formats
        from checklist.core.chain import digest
        from checklist.core.models import Record
    except ImportError as exc:
        raise SetupError(f"cannot import checklist with {sys.executable}: {exc} (run with the venv's python)") from exc
    wordings = {m.id: m.wording() for m in catalogs.load(catalog_dir).measures}
    order = tuple(Record.__struct_fields__)
    unit_bytes = (unit_dir / "unit.json").read_bytes()
    unit = json.loads(unit_bytes)
    prev, seq, subjects, size, last = digest(unit_bytes), 0, 0, 0, None
    with (unit_dir / "records.jsonl").open("wb", buffering=1 << 20) as out:
        for at, fields in made:
            if limit is not None and seq >= limit:
                break
            seq, last, subjects = seq + 1, at, subjects + (fields["action"] == "event")
            record = {"v": 2, "id": uuid.uuid4().hex, "unit": unit["id"], "actor": ACTORS[seq % len(ACTORS)]}
            record |= {"at": at.isoformat(), "catalog": unit["catalog"]["digest"], "seq": seq, "prev": prev}
            record |= {**fields, "figures": fields.get("figures", {}), "evidence": fields.get("evidence", [])}
            record["measure"] = wordings[fields["item"]] if "item" in fields else None
            if "occurred" in fields:
                record["occurred"] = fields["occurred"].isoformat()
            line = _record_line(order, record)
            if seq <= CHECK_FIRST or seq % CHECK_EVERY == 0:
                _check_line(line, seq)
            size += out.write(line + b"\n")
            prev = digest(line)
    head = {"format": formats.HEAD, "seq": seq, "hash": prev, "size": size}
    (unit_dir / "head.json").write_text(json.dumps(head), encoding="utf-8")
    return Log(seq, subjects, size, last)


# --- the store -------------------------------------------------------------------


def store_env(root: Path) -> dict[str, str]:
    """startup.py's environment, with the user's own folder (keys, witnesses) in `root/config`:
    what `verify` and `done` remember of the log belongs with the store, not in the caller's
    home, where a store built again in the same place would look like a rewritten log."""
    return {**bench_env(), "CHECKLIST_CONFIG_HOME": str(root / "config")}


@dataclass(frozen=True)
class Built:
    """A store built and checked: where it is, the clock to read it at and what it holds."""

    store: Path
    catalog: Path
    now: str
    records: int
    size: int
    items: int


def build(root: Path, env: dict[str, str], checklist: list[str], mix: Mix, limit: int | None = None) -> Built:
    """The catalog, the unit and its records in `root`; checked with status, today and verify.

    With `limit`, the log stops after that many records and the clock is the minute after the last."""
    catalog_dir, store = root / "catalog", root / "store"
    measures = write_catalog(catalog_dir)
    run_checked([*checklist, "validate", str(catalog_dir)], env, root)
    start = ["start", "--unit", UNIT, "--catalog", str(catalog_dir), "--store", str(store), "--now", STARTED]
    run_checked([*checklist, *start, "--no-walk"], env, root)
    unit_dir = store / "units" / UNIT
    if not (unit_dir / "unit.json").is_file():
        raise SetupError(f"`checklist start` did not leave {unit_dir / 'unit.json'}")
    started = datetime.fromisoformat(json.loads((unit_dir / "unit.json").read_bytes())["started_at"])
    log = write_log(unit_dir, catalog_dir, drafts(measures, started, mix), limit)
    now = mix.now
    if limit is not None and log.last is not None and log.records == limit:
        now = (log.last + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    items = sum(log.subjects if "trigger" in m else 1 for m in measures)
    for command in ("status", "today"):
        run_checked([*checklist, command, "--store", str(store), "--now", now], env, root)
    run_checked([*checklist, "verify", "--store", str(store)], env, root)
    check_status(items, [*checklist, "status", "--json", "--store", str(store), "--now", now], env, root)
    return Built(store, catalog_dir, now, log.records, log.size, items)


def check_status(items: int, argv: list[str], env: dict[str, str], cwd: Path) -> None:
    """The records read back as they were built: every item there, nothing overdue, nearly all of
    those open already done (those upcoming, a release within 14 days of an admission, are not)."""
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SetupError(f"{' '.join(argv)} exited {done.returncode}\n{done.stdout}{done.stderr}".rstrip())
    totals = json.loads(done.stdout)["totals"]
    due = totals["total"] - totals["upcoming"]
    if totals["total"] != items or totals["overdue"] or totals["done"] < 0.95 * due:
        raise SetupError(f"status does not read the records as built ({items} items, all on time): {totals}")
