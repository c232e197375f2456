"""A facility's month (issue 12): thirty days of one prison on a catalog that uses every
construct release 0.5.0 added — a standing rule reviewed weekly, an approver role and a named
kind of evidence, a question with a follow-up, a measure that applies while the risk level is
high, a measure kept per block, rounds at fixed times with a computed share and its alert, a
maximum, checks counted three a day while in force, admissions of typed subjects with a
decision rule and a second occurrence, a transfer recorded ahead — replayed with a fixed clock,
with the exact status along the way and at the end."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .conftest import REPO, Result

CATALOG = REPO / "tests" / "data" / "facility"
START = date(2020, 2, 1)
DAYS = [START + timedelta(days=n) for n in range(30)]  # 2020-02-01 .. 2020-03-01
MISSED_BLOCK = date(2020, 2, 10)  # block B区 not disinfected
LOW_SHARE = (date(2020, 2, 15), "14")  # 80 of 100 screened: below the alert's 90 %
MISSED_ROUND = (date(2020, 2, 20), "20")
SHORT_DAY = date(2020, 2, 5)  # two staff reports of three
END = "2020-03-01T21:00"


def items(cli: Callable[..., Result], now: str) -> dict[tuple[str, str | None, str | None], dict[str, Any]]:
    found = cli("list", "--json", "--now", now)
    assert found.exit_code == 0, found
    return {(i["id"], i["subject"], i["part"]): i for i in found.json()["items"]}


def test_a_month_of_a_facility_on_every_new_construct(cli: Callable[..., Result]) -> None:
    def at(now: str, *args: str) -> Result:
        result = cli(*args, "--now", now)
        assert result.exit_code == 0, (now, args, result)
        return result

    first_day(cli, at)
    every_day(cli, at)
    events(cli, at)
    month_end(cli, at)


def first_day(cli: Callable[..., Result], at: Callable[..., Result]) -> None:
    Path("roster.pdf").write_bytes(b"%PDF visits register")
    at("2020-02-01T08:30", "start", "--unit", "prison", "--catalog", str(CATALOG), "--by", "王警官")
    at("2020-02-01T08:35", "role", "grant", "赵监狱长", "warden", "--by", "王警官")
    at("2020-02-01T08:35", "role", "grant", "李医生", "doctor", "--by", "王警官")
    at("2020-02-01T08:40", "part", "add", "block", "A区", "--by", "王警官")
    at("2020-02-01T08:40", "part", "add", "block", "B区", "--by", "王警官")
    at("2020-02-01T09:00", "done", "gate.closed", "--by", "王警官")
    at(
        "2020-02-01T09:00",
        "done",
        "visits.suspended",
        "--note",
        "已停止",
        "--file",
        "register=roster.pdf",
        "--by",
        "王警官",
    )
    refused = cli("approve", "visits.suspended", "--by", "李医生", "--now", "2020-02-01T09:20")
    assert refused.exit_code == 1 and "赵监狱长" in refused.stderr  # the approver must hold the warden's role
    at("2020-02-01T09:30", "approve", "visits.suspended", "--by", "赵监狱长")
    no_note = cli("answer", "ward.ready", "否", "--by", "王警官", "--now", "2020-02-01T09:40")
    assert no_note.exit_code == 1  # a "no" needs a note (the follow-up)
    at("2020-02-01T09:40", "answer", "ward.ready", "否", "--note", "尚未设立", "--by", "王警官")
    first = items(cli, "2020-02-01T10:00")
    assert first[("ward.ready", None, None)]["verdict"] == "not_met"
    assert first[("lockdown.full", None, None)]["state"] == "inapplicable"  # the risk level is low


def every_day(cli: Callable[..., Result], at: Callable[..., Result]) -> None:
    for day in DAYS:
        s = day.isoformat()
        at(f"{s}T21:00", "done", "block.disinfection", "--part", "A区", "--by", "王警官")
        if day != MISSED_BLOCK:
            at(f"{s}T21:05", "done", "block.disinfection", "--part", "B区", "--by", "王警官")
        for hour in ("08", "14", "20"):
            if (day, hour) == MISSED_ROUND:
                continue
            screened = "80" if (day, hour) == LOW_SHARE else "100"
            highest = "37.9" if (day, hour) == (date(2020, 2, 13), "08") else "36.8"
            figures = ["--set", f"screened={screened}", "--set", "registered=100", "--set", f"highest={highest}"]
            at(f"{s}T{hour}:30", "done", "rounds.temperature", *figures, "--by", "李医生")
        if day <= date(2020, 2, 7):
            for k in range(2 if day == SHORT_DAY else 3):
                at(f"{s}T{9 + 4 * k:02d}:00", "done", "staff.checks", "--by", "王警官")
        if day == SHORT_DAY:
            short = items(cli, f"{s}T22:00")[("staff.checks", None, None)]
            assert (short["timing"]["made"], short["timing"]["needed"], short["state"]) == (2, 3, "open")
    for s in ("2020-02-04", "2020-02-12", "2020-02-27"):  # the gate's weekly review: none in 2020-W08
        at(f"{s}T10:00", "done", "gate.closed", "--by", "赵监狱长")


def events(cli: Callable[..., Result], at: Callable[..., Result]) -> None:
    at(
        "2020-02-03T10:05",
        "event",
        "admission",
        "P001",
        "--type",
        "custody",
        "--at",
        "2020-02-03T10:00",
        "--by",
        "王警官",
    )
    screening = ["--set", "fever=否", "--set", "symptoms=无", "--by", "李医生"]
    at("2020-02-03T11:00", "done", "admission.screening", "--subject", "P001", *screening)
    at("2020-02-04T09:00", "event", "admission", "S01", "--type", "staff", "--by", "王警官")  # no screening of staff
    at("2020-02-10T09:00", "set", "risk=high", "--reason", "本地出现确诊", "--by", "王警官")
    lockdown = items(cli, "2020-02-10T10:00")[("lockdown.full", None, None)]
    assert (lockdown["state"], lockdown["due"]) == ("open", "2020-02-12T00:00:00+08:00")  # a day after it applied
    at("2020-02-10T15:00", "done", "lockdown.full", "--by", "王警官")
    at("2020-02-15T10:00", "answer", "ward.ready", "是", "--by", "王警官")
    at(
        "2020-02-20T10:05",
        "event",
        "admission",
        "P001",
        "--type",
        "custody",
        "--at",
        "2020-02-20T10:00",
        "--by",
        "王警官",
    )
    fever = at(
        "2020-02-20T10:30",
        "done",
        "admission.screening",
        "--subject",
        "P001",
        "--set",
        "fever=是",
        "--set",
        "symptoms=咳嗽",
        "--by",
        "李医生",
        "--lang",
        "zh",
    )
    assert "立即隔离，通知卫生所" in fever.output  # the rule's instruction, at once
    at("2020-02-20T12:00", "ack", "admission.screening", "--subject", "P001", "--reason", "已隔离", "--by", "李医生")
    at("2020-02-22T09:00", "set", "risk=low", "--reason", "解除", "--by", "王警官")
    at("2020-02-25T09:00", "event", "admission", "P002", "--type", "custody", "--by", "王警官")
    at("2020-02-28T09:00", "event", "transfer", "P003", "--at", "2020-03-05T09:00", "--by", "王警官")


def month_end(cli: Callable[..., Result], at: Callable[..., Result]) -> None:
    status = at(END, "status", "--json").json()
    assert status["totals"] | {"percent_done": None, "percent_met": None} == {
        "done": 8, "na": 0, "partial": 0, "blocked": 0, "awaiting": 0, "lapsed": 0, "open": 3, "upcoming": 0,
        "inapplicable": 0, "overdue": 2, "total": 11, "met": 8, "not_met": 0, "unknown": 0,
        "percent_done": None, "percent_met": None,
    }  # fmt: skip
    assert [(o["id"], o["subject"]) for o in status["overdue"]] == [
        ("staff.checks", None),
        ("admission.screening", "P002"),
    ]
    assert [(a["id"], a["period"], a["values"]) for a in status["unacknowledged_alerts"]] == [
        ("rounds.temperature", "2020-02-15T14:00", {"share": 80.0})
    ]
    assert [(a["id"], a["value"], a["since"]) for a in status["attributes"]] == [
        ("risk", "low", "2020-02-22T09:00:00+08:00")
    ]
    assert [(o["role"], o["done"], o["total"]) for o in status["owners"]] == [("warden", 2, 2), ("doctor", 1, 1)]
    assert [(p["id"], p["totals"]["done"]) for p in status["parts"]] == [("A区", 1), ("B区", 1)]
    month_end_items(cli)
    agenda = at(END, "today", "--json").json()
    commands = {entry["id"]: entry["command"] for entry in agenda["overdue"]}
    assert commands["staff.checks"] == "checklist done 7 --for 2020-02-05"  # past its last period: the missed one
    assert cli(*commands["staff.checks"].split()[1:], "--by", "王警官", "--now", END).exit_code == 0
    chinese = at(END, "status", "--lang", "zh").output
    for words in ("风险等级", "逾期", "待确认的警示", "各分区进度", "监狱长"):
        assert words in chinese, words


def month_end_items(cli: Callable[..., Result]) -> None:
    final = items(cli, END)
    gate = final[("gate.closed", None, None)]
    assert (gate["state"], gate["missed"], gate["timing"]["reviewed"]) == ("done", ["2020-W08"], "2020-W09")
    visits = final[("visits.suspended", None, None)]
    assert (visits["state"], visits["evidence_given"], visits["approver"]) == ("done", ["register"], "warden")
    ward = final[("ward.ready", None, None)]
    assert (ward["answer"], ward["verdict"]) == (["yes"], "met")  # the later answer corrects the "no"
    assert final[("lockdown.full", None, None)]["state"] == "done"  # done while it applied: it stays done
    assert final[("block.disinfection", None, None)]["rollup"] == {
        "kind": "block",
        "done": 2,
        "total": 2,
        "missing": [],
    }
    assert (
        final[("block.disinfection", None, "A区")]["missed"],
        final[("block.disinfection", None, "A区")]["streak"],
    ) == ([], 30)
    assert final[("block.disinfection", None, "B区")]["missed"] == ["2020-02-10"]
    rounds = final[("rounds.temperature", None, None)]
    assert (rounds["missed"], rounds["streak"], rounds["timing"]["round"]) == (["2020-02-20T20:00"], 30, "20:00")
    assert rounds["totals"] == {"screened": 8880, "registered": 8900, "share": 100.0, "highest": 37.9}
    staff = final[("staff.checks", None, None)]
    assert (staff["state"], staff["missed"], staff["timing"]["in_force_until"]) == (
        "open",
        ["2020-02-05"],
        "2020-02-07",
    )
    assert final[("admission.screening", "P002", None)]["state"] == "open"
    assert ("admission.screening", "S01", None) not in final  # a staff member is not screened as an admission
    transfer = final[("transfer.vehicle", "P003", None)]
    assert (transfer["state"], transfer["due"], transfer["overdue"]) == ("open", "2020-03-05T00:00:00+08:00", False)
    subjects = cli("subjects", "--json", "--now", END).json()
    screened = [
        (s["subject"], s.get("occurrence"))
        for s in subjects["subjects"]
        if any(i["id"] == "admission.screening" for i in s["items"])
    ]
    assert ("P002", 1) in screened
