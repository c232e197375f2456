"""A prison's first 30 days, replayed with a fixed clock, and its exact status at the end."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from checklist.core import catalog as catalogs

from .conftest import three_zeros

PRISON = catalogs.load().for_kind("prison")
N = {m.id: str(n) for n, m in enumerate(PRISON, start=1)}
START = date(2020, 1, 26)
DAYS = [START + timedelta(days=d) for d in range(30)]  # 2020-01-26 .. 2020-02-24
MISSED = date(2020, 1, 30)
NIL = three_zeros()


def test_thirty_days_of_a_prison(cli) -> None:
    def at(day: date, clock: str, *args: str) -> None:
        result = cli(*args, "--now", f"{day.isoformat()}T{clock}")
        assert result.exit_code == 0, (day, args, result)

    Path("roster.pdf").write_bytes(b"%PDF duty roster")
    at(START, "09:00", "start", "--unit", "prison", "--name", "长沙监狱")
    at(START, "10:00", "done", N["prison.closed-management"], "--note", "全封闭", "--evidence", "roster.pdf")
    at(
        START,
        "10:05",
        "na",
        N["prison.outreach-activities-suspended"],
        "--reason",
        "春节无活动",
        "--until",
        "2020-02-10",
    )
    for day in DAYS:
        if day != MISSED:
            at(day, "20:00", "done", N["system.three-zeros"], "--note", "日报", *NIL)
    at(DAYS[1], "10:00", "event", "admission", "--subject", "P001")
    at(
        DAYS[1],
        "11:00",
        "done",
        N["prison.new-admission-exam"],
        "--subject",
        "P001",
        "--note",
        "体检正常",
        "--set",
        "temperature=36.6",
        "--set",
        "symptoms=no",
    )
    at(
        DAYS[15],
        "09:00",
        "done",
        N["prison.new-admission-isolation"],
        "--subject",
        "P001",
        "--note",
        "14天观察期满，解除观察",
        "--set",
        "symptoms=no",
    )
    at(DAYS[9], "10:00", "event", "admission", "--subject", "P002")  # never examined: overdue

    status = cli("status", "--json", "--now", "2020-02-24T21:00").json()
    items = {(i["id"], i["subject"]): i for i in cli("list", "--json", "--now", "2020-02-24T21:00").json()["items"]}

    zeros = items[("system.three-zeros", None)]
    assert (zeros["state"], zeros["period"], zeros["missed"], zeros["streak"]) == (
        "done",
        "2020-02-24",
        ["2020-01-30"],
        25,
    )
    assert zeros["totals"] == {"infections": 0, "reported_cases": 0, "hype_incidents": 0}
    (headline,) = status["headlines"]
    assert headline["reported_today"] is True
    assert headline["days_at_zero"] == {"infections": 25, "reported_cases": 25, "hype_incidents": 25}

    duty = items[("system.three-level-duty", None)]
    assert duty["state"] == "open" and len(duty["missed"]) == 29 and duty["streak"] == 0

    assert items[("prison.outreach-activities-suspended", None)]["state"] == "lapsed"  # waived until 02-10
    assert items[("prison.closed-management", None)]["state"] == "done"
    assert items[("prison.new-admission-isolation", "P002")]["state"] == "open"  # observation not yet recorded
    # P001's two items are both done: settled for good, counted but no longer listed
    assert not [key for key in items if key[1] == "P001"] and status["archived_subjects"] == 1
    archived = {a["id"]: (a["done"], a["na"]) for a in status["archived"]}
    assert archived["prison.new-admission-isolation"] == (1, 0) and sum(d for d, _ in archived.values()) == 2
    assert items[("prison.new-admission-exam", "P002")]["overdue"] is True
    assert items[("prison.new-admission-isolation", "P002")]["overdue"] is True  # its window ended 02-17
    assert sorted((o["id"], o["subject"]) for o in status["overdue"]) == [
        ("prison.new-admission-exam", "P002"),
        ("prison.new-admission-isolation", "P002"),
    ]
    assert status["day"] == 30
    by_section = {s["id"]: s["overdue"] for s in status["sections"]}
    assert (by_section["health-checks"], by_section["people-in-custody"], sum(by_section.values())) == (1, 1, 2)
    plain = len([m for m in PRISON if m.trigger is None])
    assert status["totals"] == {
        "done": 2 + 2,  # three zeros today, closed management; P001's two items
        "na": 0,
        "partial": 0,
        "blocked": 0,
        "awaiting": 0,
        "lapsed": 1,
        "open": plain - 3 + 2,  # the plain ones left, and P002's two items
        "upcoming": 0,
        "inapplicable": 0,
        "overdue": 2,
        "total": plain + 4,
        "percent_done": round(100 * 4 / (plain + 4), 1),
    }
    agenda = cli("today", "--json", "--now", "2020-02-24T21:00").json()
    assert [(e["id"], e["subject"]) for e in agenda["overdue"]] == [
        ("prison.new-admission-isolation", "P002"),
        ("prison.new-admission-exam", "P002"),
    ]
    assert cli("verify").exit_code == 0
