"""Walking the open items, with answers piped on standard input."""

from __future__ import annotations

from pathlib import Path

from checklist.core import catalog as catalogs

from .conftest import records

PRISON = catalogs.load().for_kind("prison")
ITEMS = [m for m in PRISON if m.trigger is None]  # the triggered ones wait for an admission
LOG = Path(".checklist/units/prison/records.jsonl")


def answers_for_first_items() -> str:
    """Answers in the walk's order: 1 joint prevention (done: note), 2 three zeros (done: note + 3 figures),
    3 duty (skip), 4 liaison (n/a: reason), then quit."""
    return (
        "\n".join(
            [
                "d",
                "已与卫健部门建立联防联控机制",
                "",  # item 1: done, note, no evidence
                "d",
                "零感染零报告零炒作",
                "0",
                "0",
                "0",
                "",  # item 2: done, note, three figures, no evidence
                "s",  # item 3: skip
                "n",
                "由省局统一协调",  # item 4: not applicable, reason
                "q",
            ]
        )
        + "\n"
    )


def test_scripted_walk_records_each_answer(prison) -> None:
    assert [m.id for m in PRISON[:4]] == [
        "system.joint-prevention",
        "system.three-zeros",
        "system.three-level-duty",
        "shared.local-authority-liaison",
    ]
    result = prison("walk", input=answers_for_first_items())
    assert result.exit_code == 0, result
    got = [(r["item"], r["action"], r["note"]) for r in records()]
    assert got == [
        ("system.joint-prevention", "done", "已与卫健部门建立联防联控机制"),
        ("system.three-zeros", "done", "零感染零报告零炒作"),
        ("shared.local-authority-liaison", "na", "由省局统一协调"),
    ]
    assert records()[1]["figures"] == {"infections": 0, "reported_cases": 0, "hype_incidents": 0}
    assert f"Recorded 3; {len(ITEMS) - 3} still open." in result.stderr
    assert (
        "“" in result.stdout and "「" not in result.stdout and "全省监狱戒毒单位" not in result.stdout.split("4 ·")[0]
    )  # the source quote is shown, quoted as English quotes


def test_end_of_input_keeps_what_was_answered(prison) -> None:
    result = prison("walk", input="d\n已建立\n\nd\n")  # stops in the middle of item 2
    assert result.exit_code == 0
    assert [r["item"] for r in records()] == ["system.joint-prevention"]
    assert "Recorded 1;" in result.stderr


def test_bad_answers_and_values_are_asked_again(prison) -> None:
    script = "\n".join(["x", "s", "d", "日报", "-5", "0", "abc", "0", "0", "", "q"]) + "\n"
    result = prison("walk", input=script)
    assert result.exit_code == 0, result
    assert "Please answer d, n, b, s or q." in result.stderr
    assert "out of range" in result.stderr and "must be a whole number" in result.stderr
    (record,) = records()
    assert record["item"] == "system.three-zeros" and record["figures"] == {
        "infections": 0,
        "reported_cases": 0,
        "hype_incidents": 0,
    }


def test_evidence_files_in_a_walk(prison) -> None:
    Path("minutes.txt").write_text("会议纪要", encoding="utf-8")
    Path("roster.txt").write_text("值班表", encoding="utf-8")
    script = "\n".join(["d", "机制已建立", "minutes.txt", "missing.txt", "roster.txt", "", "q"]) + "\n"
    result = prison("walk", input=script)
    assert result.exit_code == 0, result
    # missing.txt is refused as it is typed; the walk asks again and keeps the note and minutes.txt
    assert "evidence file not found: missing.txt" in result.stderr
    (record,) = records()
    assert record["note"] == "机制已建立"
    assert [e["name"] for e in record["evidence"]] == ["minutes.txt", "roster.txt"]
    assert "Recorded 1;" in result.stderr


def test_each_evidence_path_is_checked_as_it_is_typed(prison) -> None:
    Path("folder").mkdir()
    Path("big.bin").write_bytes(b"x" * 300_000)
    Path("duty.pdf").write_bytes(b"%PDF-1.4 roster")
    assert prison("config", "evidence_max_mb", "0.1").exit_code == 0
    # items 1 and 2 skipped; 3 (three-level duty) takes a note and a file (the roster, when it changes)
    script = "\n".join(["s", "s", "d", "三级值班已落实", "folder", "big.bin", "nothing.pdf", "duty.pdf", "", "q"])
    result = prison("walk", input=script + "\n")
    assert result.exit_code == 0, result
    assert "evidence must be a file, not a folder: folder" in result.stderr
    assert "evidence file big.bin is 0.3 MB, above this store's limit of 0.1 MB" in result.stderr
    assert "evidence file not found: nothing.pdf" in result.stderr
    (record,) = records()
    assert (record["item"], record["note"]) == ("system.three-level-duty", "三级值班已落实")
    assert [e["name"] for e in record["evidence"]] == ["duty.pdf"]


def test_a_required_file_left_out_is_asked_for_and_the_note_kept(prison) -> None:
    Path("notice.pdf").write_bytes(b"%PDF-1.4 notice")
    assert [m.id for m in ITEMS][4] == "prison.closed-management" and "file" in ITEMS[4].evidence
    # items 1 to 4 skipped; 5 (closed management) needs a note and a file
    script = "\n".join(["s", "s", "s", "s", "d", "全封闭管理已落实", "", "notice.pdf", "", "q"])
    result = prison("walk", input=script + "\n")
    assert result.exit_code == 0, result
    assert "needs an evidence file" in result.stderr
    (record,) = records()
    assert (record["item"], record["note"]) == ("prison.closed-management", "全封闭管理已落实")
    assert [e["name"] for e in record["evidence"]] == ["notice.pdf"]


def test_a_refusal_after_the_questions_keeps_the_answers(prison, monkeypatch) -> None:
    """Whatever refuses the answers once they are all in, they are kept: Enter takes each again."""
    from checklist.core.errors import UserError
    from checklist.usecases import recording

    real = recording.attest
    refusals = []

    def refuse_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not refusals:
            refusals.append(args)
            raise UserError("store.busy", where="the log", seconds=30)
        return real(*args, **kwargs)

    monkeypatch.setattr(recording, "attest", refuse_once)
    script = "\n".join(["s", "d", "日报", "0", "1", "0", "", "", "", "", "", "", "", "q"])
    result = prison("walk", input=script + "\n")
    assert result.exit_code == 0, result
    assert "error: the store is busy: could not lock the log within 30 s" in result.stderr
    assert "Your answers are kept" in result.stderr
    (record,) = records()
    assert record["item"] == "system.three-zeros" and record["note"] == "日报"
    assert record["figures"] == {"infections": 0, "reported_cases": 1, "hype_incidents": 0}


def test_chinese_answers(prison) -> None:
    result = prison("walk", "--lang", "zh", input="不适用\n本单位不涉及\n退出\n")
    assert result.exit_code == 0
    assert records()[0]["action"] == "na"
    assert "已处理 1 项" in result.stderr


def test_nothing_open(prison) -> None:
    for measure in ITEMS:
        prison("na", measure.id, "--reason", "test", "--by", "someone")
    result = prison("walk", input="")
    assert result.exit_code == 0 and "No open items." in result.stderr


def test_start_with_walk_flag_walks_at_once(cli) -> None:
    result = cli("start", "--unit", "prison", "--walk", input="n\n不涉及\nq\n")
    assert result.exit_code == 0
    assert [r["action"] for r in records()] == ["na"]


def test_start_without_a_terminal_never_prompts(cli) -> None:
    result = cli("start", "--unit", "prison", input="")
    assert result.exit_code == 0
    assert "Walk through the open items now?" not in result.output


def test_enter_at_the_action_prompt_skips_and_says_so(prison) -> None:
    result = prison("walk", input="\nq\n")
    assert result.exit_code == 0, result
    assert "[s]kip / [q]uit [s]:" in result.stderr  # the default is shown
    assert "Skipped: 1" in result.stderr
    assert records() == []
    chinese = prison("walk", "--lang", "zh", input="\n跳过\n退出\n")
    assert "[q]退出 [s]：" in chinese.stderr  # a full-width colon after Chinese words
    assert "跳过：1" in chinese.stderr and "跳过：2" in chinese.stderr
    assert records() == []


def test_ctrl_c_at_any_prompt_exits_130(cli, monkeypatch) -> None:
    """Ctrl-C at start's offer to walk: the prompt raises Abort from None, the KeyboardInterrupt in __context__."""
    from checklist.cli import start

    def ctrl_c(*args: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(start, "interactive", lambda settings: True)
    monkeypatch.setattr("builtins.input", ctrl_c)
    result = cli("start", "--unit", "prison")
    assert result.exit_code == 130, result
    assert "Started Prison" in result.stderr and "Aborted" not in result.stderr
    assert Path(".checklist/units/prison/unit.json").is_file()  # what was done stays


def test_end_of_input_at_any_prompt_is_no_interruption(cli, monkeypatch) -> None:
    import typer

    from checklist.cli import start

    def eof(*args: object, **kwargs: object) -> bool:
        try:
            raise EOFError
        except EOFError:
            raise typer.Abort() from None

    monkeypatch.setattr(start, "interactive", lambda settings: True)
    monkeypatch.setattr(typer, "confirm", eof)
    result = cli("start", "--unit", "prison")
    assert result.exit_code == 1 and "Started Prison" in result.stderr  # as before: no answer, no walk


def test_an_evidence_path_the_system_cannot_look_at_is_refused_and_asked_again(prison) -> None:
    Path("minutes.txt").write_text("会议纪要", encoding="utf-8")
    too_long = "a" * 5000  # the system refuses to look it up at all (ENAMETOOLONG)
    result = prison("walk", input="\n".join(["d", "机制已建立", too_long, "minutes.txt", "", "q"]) + "\n")
    assert result.exit_code == 0, result
    assert "error: cannot use evidence" in result.stderr and "internal error" not in result.stderr
    (record,) = records()
    assert [e["name"] for e in record["evidence"]] == ["minutes.txt"]
    done = prison("done", "4", "--note", "x", "--evidence", too_long)
    assert done.exit_code == 1 and "cannot use evidence" in done.stderr


def test_answers_kept_after_a_refusal_are_shown_when_the_input_ends(prison, monkeypatch) -> None:
    from checklist.core.errors import UserError
    from checklist.usecases import recording

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise UserError("store.busy", where="the log", seconds=30)

    monkeypatch.setattr(recording, "attest", refuse)
    result = prison("walk", input="d\n已建立机制\n\n")  # refused, then the input ends at the action prompt
    assert result.exit_code == 0, result
    assert "Not recorded: 1 (note: 已建立机制)" in result.stderr
    assert "Recorded 0;" in result.stderr
