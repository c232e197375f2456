"""Issue 13, in part: every command's help, its usage line and its usage errors in the language
of the run (`--lang`, CHECKLIST_LANG, the locale), from the `help` catalog."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from babel.messages.pofile import read_po
from rich.cells import cell_len

from checklist.cli.app import app
from checklist.cli.help_language import LABELS, SENTENCES, USAGE, sentence
from checklist.present.translations import LOCALE

ROOT = typer.main.get_command(app)


def command_tree() -> list[tuple[tuple[str, ...], object, object]]:
    """Every command of the app (the root, each command, each command of a group): its path,
    the click command and a context to read its parameters with."""
    found = []

    def walk(path: tuple[str, ...], command: object, ctx: object) -> None:
        found.append((path, command, ctx))
        if hasattr(command, "list_commands"):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                walk((*path, name), sub, type(ctx)(sub, info_name=name, parent=ctx))

    walk((), ROOT, ROOT.context_class(ROOT, info_name="checklist"))
    return found


TREE = command_tree()
PATHS = [path for path, _, _ in TREE]


def help_texts() -> set[str]:
    texts = set()
    for _path, command, ctx in TREE:
        texts |= {text for text in (command.help, command.short_help) if text}  # type: ignore[attr-defined]
        texts |= {param.help for param in command.get_params(ctx) if getattr(param, "help", None)}  # type: ignore[attr-defined]
    return texts


def po_ids(lang: str) -> dict[str, str]:
    with (LOCALE / lang / "LC_MESSAGES" / "help.po").open("rb") as file:
        return {message.id: message.string for message in read_po(file) if message.id}


def test_every_help_text_label_and_usage_error_has_words_in_both_languages() -> None:
    wanted = help_texts() | set(LABELS.values()) | {USAGE} | set(SENTENCES)
    assert len(help_texts()) > 100  # the walk reached every command, its options and arguments
    for lang in ("zh", "en"):
        known = po_ids(lang)
        assert sorted(text for text in wanted if not known.get(text)) == [], lang
    english = po_ids("en")
    assert [text for text in wanted if english[text] != text] == []  # en/help.po: the English as written


def test_each_sentence_keeps_its_placeholders_in_chinese() -> None:
    chinese = po_ids("zh")
    for english in [*SENTENCES, *LABELS.values()]:
        assert sorted(re.findall(r"\{\w*\}", chinese[english])) == sorted(re.findall(r"\{\w*\}", english)), english


# What may stay in Latin letters in Chinese help, besides command and option names, metavars
# and abbreviations (all capitals), commands in backticks and $ENVIRONMENT_VARIABLES: ids and
# values a user types (prison, admission, risk=high, yes/no, the walk's d/n/b/s/q, zh/en),
# example file names, programs (git, less) and proper names (Ctrl, Ed25519, JSON Schema, the
# README's "Trust"), and the x of a range (x>=1).
KEPT = {
    *["b", "d", "n", "q", "s", "x"],
    *[
        "admission",
        "custody",
        "staff",
        "warden",
        "risk",
        "high",
        "plan",
        "register",
        "roster",
        "pledge",
        "pledges",
        "notice",
        "pdf",
        "json",
    ],
    *[
        "prison",
        "catalog",
        "user",
        "default_unit",
        "evidence_max_mb",
        "yes",
        "no",
        "unknown",
        *["done", "partial", "na", "blocked", "open"],  # the states --state takes
        "zh",
        "en",
        "git",
        "less",
        "Ctrl",
        "Ed",
        "Schema",
        "Trust",
        "PostgreSQL",
    ],
}
COMMAND_NAMES = {name for path in PATHS for name in path} | {"checklist"}
# Chinese the English help quotes as examples of what a user types.
QUOTED_CHINESE = [
    "部分完成",  # the states --state takes in Chinese, longest first
    "未完成",
    "不适用",
    "完成",
    "受阻",
    "划归长沙市司法局管理",  # the hierarchy's examples: names of bodies, as typed
    "湖南省司法厅",
    "省监狱管理局",
    "长沙市司法局",
    "长沙监狱",
    "否",
    "尚未设立",
    "2月1日前设立",
    "是",
    "不清楚",
    "张三",
    "李四",
    "调任",
    "A区",
    "一监区",
    "监区合并",
    "县疾控通报：本地出现确诊病例",
    "风险等级=高",
]


def english_words(shown: str) -> list[str]:
    shown = re.sub(r"`[^`]*`", " ", shown)
    found = re.findall(r"(?<![\w$-])[A-Za-z][A-Za-z_]*", shown)
    return [word for word in found if not word.isupper() and word not in KEPT | COMMAND_NAMES]


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "checklist")
def test_chinese_help_has_no_english_and_english_help_no_chinese(cli, path: tuple[str, ...]) -> None:
    chinese = cli("--lang", "zh", *path, "--help")
    assert chinese.exit_code == 0, chinese
    assert chinese.stdout.lstrip().startswith("用法：checklist")
    assert english_words(chinese.stdout) == []
    english = cli(*path, "--help", "--lang", "en")
    assert english.exit_code == 0 and english.stdout.lstrip().startswith("Usage: checklist")
    shown = english.stdout
    for quoted in QUOTED_CHINESE:
        shown = shown.replace(quoted, "")
    assert re.findall(r"[\u3000-\u9fff\uff00-\uffef]+", shown) == []


ENVIRONMENT = set(re.findall(r"\$[A-Z_]+", " ".join(help_texts())))


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_every_help_fits_the_terminal_in_both_languages(cli, monkeypatch, columns: str) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    for path in PATHS:
        for lang in ("zh", "en"):
            shown = cli("--lang", lang, *path, "--help").stdout
            wide = [line for line in shown.splitlines() if cell_len(line) > int(columns)]
            assert wide == [], (path, lang, wide)
            assert not re.search(r"…\s*│", shown), (path, lang)  # folded where a line is full, never cut short
            if lang == "zh":  # broken between Chinese characters: no line starts with `，`, no name cut in two
                assert not re.search(r"(│| ) +[，。、；：！？）」』”]", shown), (path, shown)
                assert set(re.findall(r"\$[A-Z_]+", shown)) <= ENVIRONMENT, (path, shown)


def test_the_language_of_help_comes_from_the_option_the_environment_or_the_locale(cli, monkeypatch) -> None:
    assert "把事项记为已完成" in cli("--lang", "zh", "done", "--help").stdout
    assert "把事项记为已完成" in cli("done", "--help", "--lang", "zh").stdout
    assert "把事项记为已完成" in cli("done", "--help", "--lang=zh").stdout
    assert "Mark items done" in cli("done", "--help").stdout
    monkeypatch.setenv("CHECKLIST_LANG", "zh")
    assert "把事项记为已完成" in cli("done", "--help").stdout
    assert "Mark items done" in cli("done", "--help", "--lang", "en").stdout
    monkeypatch.delenv("CHECKLIST_LANG")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    shown = cli("done", "--help").stdout
    assert "把事项记为已完成" in shown and "╭─ 选项 " in shown and "╭─ 参数 " in shown and "（必填）" in shown


def test_lang_before_help_or_alone_is_no_usage_error(cli) -> None:
    top = cli("--lang", "zh", "--help")
    assert top.exit_code == 0 and "带领单位逐项落实" in top.stdout and "╭─ 命令 " in top.stdout
    alone = cli("--lang", "zh")  # no command: the root's help, in Chinese
    assert "带领单位逐项落实" in alone.stdout and "No such option" not in alone.output
    for path in (("verify",), ("keys",), ("keys", "new"), ("seal",)):  # commands that take no --lang
        shown = cli("--lang", "zh", *path, "--help")
        assert shown.exit_code == 0 and shown.stdout.lstrip().startswith("用法：checklist"), shown


USAGE_ERRORS = [
    (
        ("done",),
        ["用法：checklist done [OPTIONS] ITEM...", "查看帮助：`checklist done -h`", "─ 错误 ", "缺少参数 'ITEM...'。"],
        [
            "Usage: checklist done [OPTIONS] ITEM...",
            "Try 'checklist done -h' for help.",
            "─ Error ",
            "Missing argument 'ITEM...'.",
        ],
    ),
    (("done", "3", "--foo"), ["没有这个选项：--foo"], ["No such option: --foo"]),
    (
        ("done", "3", "--nte", "x"),
        ["没有这个选项：--nte（可能是：--note、--store、--unit）"],
        ["No such option: --nte (Possible options: --note, --store, --unit)"],
    ),
    (("dne",), ["没有这个命令：'dne'。是不是要用 'done'？"], ["No such command 'dne'. Did you mean 'done'?"]),
    (("keys", "nwe"), ["没有这个命令：'nwe'。是不是要用 'new'？"], ["No such command 'nwe'. Did you mean 'new'?"]),
    (("status", "extra"), ["多给了参数：extra"], ["Got unexpected extra argument(s) (extra)"]),
    (("done", "3", "--note"), ["选项 '--note' 后面要给一个值。"], ["Option '--note' requires an argument."]),
    (
        ("today", "--days", "99"),
        ["'--days' 的值有误：应小于或等于 60"],
        ["Invalid value for '--days': Input should be less than or equal to 60"],
    ),
    (
        ("today", "--days", "x"),
        ["'--days' 的值有误：应为整数"],
        ["Invalid value for '--days': Input should be a valid integer"],
    ),
    (
        ("done", "3", "--note", "a", "--note", "b"),
        ["'--note' 的值有误：给了 2 次，只能给一次（第二个值会悄悄替换第一个）"],
        ["Invalid value for '--note': given 2 times; give it once (a second value would silently replace the first)"],
    ),
]


@pytest.mark.parametrize(
    ("args", "chinese", "english"),
    USAGE_ERRORS,
    ids=lambda value: " ".join(value[:3]) if isinstance(value, tuple) else None,
)
def test_usage_errors_in_both_languages(cli, monkeypatch, args, chinese, english) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # each message on one line of its panel
    said = cli("--lang", "zh", *args)
    assert said.exit_code == 2, said
    for words in chinese:
        assert words in said.stderr, (words, said.stderr)
    residue = re.sub(r"'[^']*'|`[^`]*`", " ", said.stderr)  # what the user typed, quoted back
    for arg in args:
        residue = residue.replace(arg, " ")
    assert english_words(residue) == [], residue
    said = cli("--lang", "en", *args)
    assert said.exit_code == 2, said
    for words in english:
        assert words in said.stderr, (words, said.stderr)
    assert re.findall(r"[\u3000-\u9fff\uff00-\uffef]", said.stderr) == []


def test_a_wrong_language_is_said_in_the_language_of_the_environment(cli, monkeypatch) -> None:
    monkeypatch.setenv("CHECKLIST_LANG", "zh")
    said = cli("status", "--lang", "fr")
    assert said.exit_code == 2 and "'--lang' 的值有误：请用 zh 或 en" in said.stderr
    monkeypatch.setenv("CHECKLIST_LANG", "en")
    said = cli("--lang", "fr", "status")
    assert said.exit_code == 2 and "Invalid value for '--lang': use zh or en" in said.stderr


def test_a_sentence_typer_did_not_write_is_left_as_it_is() -> None:
    assert sentence("Something new from typer.", "zh") == "Something new from typer."
    assert sentence("Invalid value for '--x': something new", "zh") == "'--x' 的值有误：something new"


def test_help_and_errors_in_chinese_from_the_locale_in_a_real_process(proc, monkeypatch) -> None:
    for name in ("CHECKLIST_LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    shown = proc("done", "--help", env={"LANG": "zh_CN.UTF-8"})
    assert shown.exit_code == 0 and "用法：checklist done" in shown.stdout and "把事项记为已完成" in shown.stdout
    said = proc("done", env={"LANG": "zh_CN.UTF-8"})
    assert (
        said.exit_code == 2 and "缺少参数 'ITEM...'。" in said.stderr and "查看帮助：`checklist done -h`" in said.stderr
    )


def test_a_command_that_runs_reads_nothing_of_the_help_catalog(prison) -> None:
    script = (
        "import sys\n"
        "from checklist.cli.app import app\n"
        "try:\n    app(['status', '--lang', 'zh'], prog_name='checklist')\nexcept SystemExit:\n    pass\n"
        "print('checklist.cli.help_language' in sys.modules, 'typer.rich_utils' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=Path.cwd())
    assert done.stdout.strip().splitlines()[-1] == "False False", done
