"""Issue 13, in part: `--lang` before the command as well as after it, and piped output without
the blanks rich pads every line of a table or a panel with."""

from __future__ import annotations

from checklist.cli.command import lang_after_command

NOW = "2020-01-27T10:00"


def test_lang_before_the_command_is_the_same_as_after_it(prison, cli) -> None:
    before = cli("--lang", "zh", "status", "--now", NOW)
    after = cli("status", "--lang", "zh", "--now", NOW)
    assert before.exit_code == after.exit_code == 0
    assert before.stdout == after.stdout and "落实情况" in before.stdout
    english = cli("--lang=en", "status", "--now", NOW)
    assert english.exit_code == 0 and "status" in english.stdout and "落实情况" not in english.stdout


def test_lang_before_another_command_reaches_it(prison, cli) -> None:
    listed = cli("--lang", "zh", "list", "--now", NOW)
    assert listed.exit_code == 0 and "未完成" in listed.stdout


def test_the_arguments_are_moved_only_where_there_is_a_command() -> None:
    assert lang_after_command(["--lang", "zh", "status", "--all"]) == ["status", "--lang", "zh", "--all"]
    assert lang_after_command(["--debug", "--lang=en", "done", "3"]) == ["--debug", "done", "--lang=en", "3"]
    assert lang_after_command(["status", "--lang", "zh"]) == ["status", "--lang", "zh"]
    assert lang_after_command(["--lang", "zh"]) == ["--lang", "zh"]  # no command: left to the usage error
    assert lang_after_command([]) == []


def test_piped_output_has_no_blanks_at_the_ends_of_its_lines(prison, cli, proc) -> None:
    assert cli("done", "1", "--note", "已落实", "--now", NOW).exit_code == 0  # a record for the log to show
    for run in (cli, proc):
        timed = ("--now", NOW)
        for command in (("status", *timed), ("list", *timed), ("today", *timed), ("log",), ("walk", *timed)):
            shown = run(*command, "--lang", "zh", input="s\ns\nq\n")  # log: paged, walk: prompted
            assert shown.exit_code == 0, shown
            padded = [line for line in shown.stdout.splitlines() if line != line.rstrip(" ")]
            assert not padded, (command, padded[:3])
            assert "未完成" in shown.stdout or command[0] in ("log", "walk")  # the tables are there, lined up as before
