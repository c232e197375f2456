"""Issue 13's line: no English in a Chinese screen, no Chinese in an English one.

A scripted session of a few days (the bundled catalog with a prison and a community-corrections
office; the facility catalog for roles, parts, attributes and questions; an old edition to
upgrade from) runs every command of the app, with its main options, in each language at 60, 80
and 120 columns. Every word shown must be in the run's language, apart from ids, file names,
commands to type, options, values typed and digests (tests/languages.py says which); every
line of stdout must fit the width. `--json` documents are data and are only parsed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from checklist.cli.app import COMMANDS

from . import pg
from .conftest import OLD_CATALOG, REPO, Result
from .languages import catalog_data, chinese_in_english, english_in_chinese, english_lines, too_wide

FACILITY = REPO / "tests" / "data" / "facility"
BUNDLED = REPO / "measures"
WIDTHS = (60, 80, 120)

# What the user types (names, notes, reasons, subjects, parts, values): shown as typed.
TYPED = [
    "湖南省司法厅",  # the hierarchy: bodies, a reason, a body mistyped
    "长沙市司法局",
    "省监狱管理局",
    "划归省监狱管理局",
    "长沙",
    "长沙监狱",
    "岳麓区社区矫正中心",
    "望城监狱",
    "王警官",
    "李四",
    "赵监狱长",
    "李医生",
    "张三",
    "tester",
    "监管区已全封闭",
    "日报",
    "体温偏高，单独观察",
    "复测体温正常，已报医务室",
    "本监狱无此类活动",
    "已与监狱所在地公安看守所协商",
    "口罩库存不足，已报省局",
    "物资已到",
    "已联系卫健部门",
    "每日通话监听",
    "录入错误",
    "尚未设立",
    "已停止",
    "任命文件",
    "调任",
    "监区合并",
    "县疾控通报：本地出现确诊病例",
    "一监区",
    "缺少人手",
    "本中心无此项工作",
    "50",
    "二监区",
    "已建立联防联控机制",
    "已设立",
    "旧电脑已报废",
    "P2020-017",
    "P2020-018",
    "S-07",
    "A区",
    "B区",
    "notice.pdf",
    "roster.pdf",
    "seal.json",
    "checkpoint.txt",
    "nosuch",
    "prisn",
    "Wang",
    "Jing",
    "boss",
    "postgres",
    "elsewhere",
    "visits-supended",
    "abc",
    "yesterday",
    "99",
    "high",
    "facility",
    "old",
    "cc",
    "d",
    "q",
    "否",
    "是",
    "咳嗽",
    "乏力",
    "无",
]
# The commands of each entry of COMMANDS (and its subcommands) the session runs, checked below.
SUBCOMMANDS = {
    "role": {"grant", "revoke"},
    "part": {"add", "retire", "list"},
    "keys": {"new", "endorse", "list", "rotate", "revoke", "export", "trust"},
    "db": {"migrate", "grant", "revoke", "roles"} if pg.SERVER else {"migrate"},
}


def session(  # noqa: PLR0915
    cli: Callable[..., Result], lang: str, monkeypatch: pytest.MonkeyPatch, config: Path
) -> list[tuple[tuple[str, ...], Result]]:
    """Every command, run as a duty officer would over a few days; each run and its result."""
    ran: list[tuple[tuple[str, ...], Result]] = []

    def run(*args: str, at: str = "2020-01-27T10:00", code: int = 0, input: str | None = None) -> Result:
        timed = ("--now", at) if at else ()
        result = cli(*args, *timed, "--lang", lang, input=input)
        assert result.exit_code == code, (args, result)
        ran.append((args, result))
        return result

    Path("notice.pdf").write_bytes(b"%PDF notice")
    Path("roster.pdf").write_bytes(b"%PDF roster")
    # day 1: the units start, the officer holds a key
    run("start", "--unit", "prison", "--name", "长沙监狱", at="2020-01-25T08:00")
    run(
        "start",
        *("--unit", "社区矫正机构", "--id", "cc", "--name", "岳麓区社区矫正中心"),
        *("--under", "湖南省司法厅/长沙市司法局"),
        at="2020-01-25T08:10",
    )
    run(
        "start",
        "--unit",
        "prison",
        "--id",
        "facility",
        "--name",
        "望城监狱",
        "--catalog",
        str(FACILITY),
        at="2020-01-25T08:20",
    )
    run("start", "--unit", "prison", "--id", "old", "--catalog", str(OLD_CATALOG), at="2020-01-25T08:30")
    run("use", "prison", at="")
    run("config", "user", "王警官", at="")
    run("config", "user", at="")
    run("config", "evidence_max_mb", "50", at="")
    run("config", "evidence_max_mb", at="")
    run("config", "evidence_max_mb", "--unset", at="")
    run("keys", "new", at="")
    run("keys", "list", at="")
    run("done", "5", "--note", "监管区已全封闭", "--evidence", "notice.pdf", at="2020-01-25T09:00")
    run(
        "done",
        "system.three-zeros",
        "--note",
        "日报",
        "--set",
        "infections=0",
        "--set",
        "reported_cases=0",
        "--set",
        "hype_incidents=0",
        at="2020-01-25T18:00",
    )
    run("na", "8", "--reason", "本监狱无此类活动", at="2020-01-25T10:00")
    run("block", "6", "--reason", "口罩库存不足，已报省局", at="2020-01-25T11:00")
    # day 2: an admission, its exam with a temperature past the alert, acknowledged
    run("event", "admission", "P2020-017", "--at", "2020-01-26T09:30", at="2020-01-26T10:00")
    run(
        "done",
        "11",
        "--subject",
        "P2020-017",
        "--note",
        "体温偏高，单独观察",
        "--set",
        "temperature=37.8",
        "--set",
        "symptoms=no",
        at="2020-01-26T11:00",
    )
    run("ack", "11", "--subject", "P2020-017", "--reason", "复测体温正常，已报医务室", at="2020-01-26T12:00")
    run("event", "admission", "--subject", "P2020-018", at="2020-01-26T13:00")
    run("event", "admission", "--subject", "P2020-018", "--withdraw", "--note", "录入错误", at="2020-01-26T13:10")
    run("reopen", "6", "--reason", "物资已到", at="2020-01-26T14:00")
    run("partial", "4", "--note", "已联系卫健部门", at="2020-01-26T15:00")
    run(
        "done",
        "2",
        "--for",
        "2020-01-26",
        "--note",
        "日报",
        "--set",
        "infections=0",
        "--set",
        "reported_cases=0",
        "--set",
        "hype_incidents=0",
        at="2020-01-26T18:00",
    )
    run("na", "12", "--reason", "已与监狱所在地公安看守所协商", "--until", "2020-02-10", at="2020-01-26T16:00")
    run("approve", "12", "--by", "李四", at="2020-01-26T16:30")
    # the facility: roles, parts, attributes, a question, an approver role, a kind of evidence
    run("role", "grant", "赵监狱长", "warden", "--reason", "任命文件", "--unit", "facility", at="2020-01-26T08:00")
    run("role", "grant", "张三", "doctor", "--unit", "facility", at="2020-01-26T08:05")
    run("role", "revoke", "张三", "doctor", "--reason", "调任", "--unit", "facility", at="2020-01-26T08:10")
    run("role", "--unit", "facility")
    run("part", "add", "block", "A区", "--name", "一监区", "--unit", "facility", at="2020-01-26T08:20")
    run("part", "add", "block", "B区", "--name", "二监区", "--at", "2020-01-26T08:25", "--unit", "facility")
    run("part", "retire", "block", "B区", "--reason", "监区合并", "--unit", "facility", at="2020-01-27T08:00")
    run("part", "--unit", "facility")
    run("part", "list", "--unit", "facility")
    run("set", "risk=high", "--reason", "县疾控通报：本地出现确诊病例", "--unit", "facility", at="2020-01-26T09:00")
    run("set", "--unit", "facility")
    run(
        "place",
        "湖南省司法厅/省监狱管理局",
        "--unit",
        "facility",
        "--reason",
        "划归省监狱管理局",
        at="2020-01-26T09:10",
    )
    run("place", "--unit", "facility")
    run("answer", "ward.ready", "否", "--note", "尚未设立", "--unit", "facility", at="2020-01-26T09:40")
    run("answer", "ward.ready", "是", "--unit", "facility", at="2020-01-26T10:40")
    run(
        "done",
        "visits.suspended",
        "--note",
        "已停止",
        "--file",
        "register=roster.pdf",
        "--unit",
        "facility",
        at="2020-01-26T11:00",
    )
    run("approve", "visits.suspended", "--by", "赵监狱长", "--unit", "facility", at="2020-01-26T11:30")
    run("event", "admission", "--subject", "S-07", "--type", "staff", "--unit", "facility", at="2020-01-26T12:00")
    run("done", "block.disinfection", "--part", "A区", "--unit", "facility", at="2020-01-26T21:00")
    # day 3: the walk, the views, an upgrade, trust
    run("walk", input="d\n已建立联防联控机制\n\nq\n")
    run("walk", "--unit", "cc", input="b\n缺少人手\nn\n本中心无此项工作\ns\nq\n")
    run("done", "3", "--note", "每日通话监听", at="2020-01-27T09:00")
    run("upgrade", "--unit", "old", "--catalog", str(BUNDLED))
    for args in (
        ("status",),
        ("status", "--all"),
        ("status", "--all", "--by-measure"),
        ("status", "--all", "--item", "three-zeros"),
        ("status", "--all", "--item", "prison.new-admission-exam"),
        ("status", "--all", "--compliance"),
        ("status", "--unit", "facility", "--role", "warden"),
        ("status", "--unit", "facility", "--by", "赵监狱长"),
        ("status", "--unit", "facility", "--part", "A区"),
        ("status", "--unit", "cc"),
        ("status", "--all", "--under", "长沙市司法局"),
        ("status", "--all", "--days", "7"),
        ("status", "--all", "--under", "湖南省司法厅", "--by-node", "--days", "3"),
        ("list",),
        ("list", "--open", "--missed"),
        ("list", "--detail", "--section", "containment"),
        ("list", "--unit", "facility", "--part", "A区"),
        ("today",),
        ("today", "--days", "7"),
        ("today", "--unit", "facility", "--role", "warden"),
        ("subjects",),
        ("subjects", "--open"),
        ("subjects", "--unit", "facility"),
        ("report",),
        ("report", "--all", "--from", "2020-01-25", "--to", "2020-01-27"),
        ("report", "--unit", "facility", "--format", "csv"),
    ):
        run(*args)
    for args in (("log", "--no-pager"), ("log", "--item", "11", "--no-pager"), ("units",), ("validate",)):
        run(*args, at="")
    run("validate", str(FACILITY), "--strict", at="")
    run("seal", "--period", "2020-01-27", "--out", "seal.json", at="2020-01-27T20:00")
    run("checkpoint", "--out", "checkpoint.txt", at="")
    for args in (
        ("verify",),
        ("verify", "--all"),
        ("verify", "--repair"),
        ("verify", "--seal", "seal.json"),
        ("verify", "--checkpoint", "checkpoint.txt"),
        ("schema", "--list"),
    ):
        run(*args, at="")
    for args in (("status", "--json"), ("list", "--json"), ("today", "--json"), ("subjects", "--json")):
        json.loads(run(*args).stdout)
    for args in (("log", "--json", "--no-pager"), ("verify", "--json"), ("keys", "list", "--json")):
        json.loads(run(*args, at="").stdout)
    json.loads(run("schema", "--output", "status", at="").stdout)
    json.loads(run("validate", "--json", at="").stdout)
    run("verify", "--require-signatures", at="", code=3)  # 李四 approved without a key
    # a second key for the same name, made on another machine: registered once the first one endorses it
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(config.with_name("elsewhere")))
    run("keys", "new", at="")
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(config))
    public = next(config.with_name("elsewhere").rglob("*.json"))
    run("keys", "endorse", str(public), at="")
    run("keys", "endorse", str(public), at="")  # once is enough
    # the prison reports upward: a bundle, imported by the province's store, which trusts its key
    run("export", "--unit", "prison", "--out", "prison.bundle", at="")
    run("export", "--unit", "prison", "--out", "empty.bundle", at="")  # nothing new since
    run("keys", "export", "--out", "王警官.json", at="")
    province = ("--store", "province/.checklist")
    run("start", "--unit", "prison", "--id", "department", *province, at="2020-01-25T08:00")
    run("import", "prison.bundle", *province, at="", code=3)  # its key not trusted yet
    run("keys", "trust", "王警官.json", "--unit", "prison", *province, at="")
    run("import", "prison.bundle", "empty.bundle", *province, at="")
    run("import", "prison.bundle", *province, at="")  # twice: nothing changes
    run("keys", "list", *province, at="")
    run("done", "8", "--unit", "prison", "--note", "省里不能记录", *province, at="", code=1)  # a mirror
    run("verify", "--all", *province, at="")
    _push(run)
    # the second key takes over from the first, which its holder then revokes
    registered = json.loads(run("keys", "list", "--json", at="").stdout)["registered"]
    first, second = (k["key"] for k in sorted(registered, key=lambda k: k["registered_at"])[:2])
    run("keys", "rotate", first, "--to", second, at="")
    run("keys", "revoke", first, "--reason", "旧电脑已报废", at="")
    run("keys", "list", at="")
    if pg.SERVER:
        database(run)
    return ran


def database(run: Callable[..., Result]) -> None:
    """Who may do what in a PostgreSQL store: grants, a listing, a revoke, and the mistakes."""
    url = pg.new_database()
    db = ("--store", url)
    try:
        run("start", "--unit", "prison", "--under", "湖南省司法厅/长沙市司法局", *db, at="2020-01-25T08:00", input="")
        run("db", "grant", "writer", "lang_writer", "--unit", "prison", *db, at="")
        run("db", "grant", "supervisor", "lang_supervisor", "--node", "湖南省司法厅/长沙市司法局", *db, at="")
        run("db", "grant", "admin", "lang_admin", *db, at="")
        run("db", "grant", "admin", "lang_admin", *db, at="")  # granted already
        run("db", "roles", *db, at="")
        run("db", "roles", "--store", pg.with_user(url, "lang_writer"), at="")
        run("db", "revoke", "supervisor", "lang_supervisor", "--node", "湖南省司法厅/长沙市司法局", *db, at="")
        run("done", "1", "--note", "已启动", "--unit", "prison", "--store", pg.with_user(url, "lang_writer"))
        run("verify", "--all", "--store", pg.with_user(url, "lang_writer"), at="")
        for args in (
            ("db", "grant", "writer", "lang_writer", "--unit", "prisn", *db),  # an unknown unit
            ("db", "grant", "writer", "Wang Jing", "--unit", "prison", *db),  # no role name
            ("db", "grant", "admin", "postgres", *db),  # a reserved role
            ("db", "grant", "writer", "lang_writer", *db),  # no --unit
            ("db", "grant", "boss", "lang_writer", *db),  # no such kind
            ("db", "revoke", "supervisor", "lang_supervisor", "--node", "湖南省司法厅", *db),  # not granted
            ("db", "grant", "admin", "x_y", "--store", pg.with_user(url, "lang_writer")),  # not an administrator
            ("done", "1", "--note", "x", "--unit", "prison", "--store", pg.with_user(url, "lang_supervisor")),
        ):
            run(*args, at="", code=1)
    finally:
        pg.drop_database(url)


def _push(run: Callable[..., Result]) -> None:
    """The store pushed into a database, twice (with a PostgreSQL server for the tests)."""
    if not pg.SERVER:
        return
    url = pg.new_database()
    try:
        run("push", "--to", url, "--all", at="")
        run("push", "--to", url, "--all", at="")  # nothing new
        run("push", "--to", url, "--unit", "prison", "--all", at="", code=1)  # one or the other
    finally:
        pg.drop_database(url)


def errors(cli: Callable[..., Result], lang: str) -> list[tuple[tuple[str, ...], Result]]:
    """The usual mistakes, typed on purpose on the session's store."""
    ran = []
    for args in (
        ("done", "99", "--note", "x"),  # an unknown item
        ("status", "--unit", "nosuch"),  # an unknown unit
        ("start", "--unit", "nosuch"),  # an unknown kind of unit
        ("done", "3"),  # a missing note
        (
            "done",
            "2",
            "--note",
            "日报",
            "--set",
            "infections=abc",
            "--set",
            "reported_cases=0",
            "--set",
            "hype_incidents=0",
        ),  # a bad figure
        ("done", "3", "--note", "x", "--now", "yesterday"),  # a bad time
        ("event", "admission"),  # no subject
        ("ack", "5", "--reason", "x"),  # nothing to acknowledge
        ("place", "湖南省司法厅//长沙市司法局", "--unit", "cc"),  # an empty level
        ("place", "湖南省司法厅/长沙市司法局", "--unit", "cc"),  # the place it has
        ("status", "--all", "--under", "长沙"),  # an unknown body
        ("status", "--all", "--days", "0"),  # days out of range
        ("keys", "revoke", "ed25519:0000000000000000", "--reason", "x"),  # a key this store does not have
        ("keys", "rotate", "nosuch"),  # no such key either
        ("import", "nosuch.bundle"),  # a bundle that is not there
        ("export", "--unit", "nosuch", "--out", "x.bundle"),  # an unknown unit
        ("db", "migrate"),  # no database named: the session's store is a folder
        ("db", "migrate", "--store", "postgresql://nobody@/x?host=/nonexistent"),  # no server there
        ("status", "--store", "mysql://db.example/x"),  # a kind of store checklist cannot open
        ("push", "--to", "elsewhere"),  # a folder, not a database
        ("push", "--to", "postgresql://nobody@/x?host=/nonexistent", "--all"),  # no server there
        ("keys", "trust", "nosuch.json", "--unit", "prison"),  # a key file that is not there
        ("report", "--format", "html"),  # html to a terminal
        ("report", "--from", "2020-01-27", "--to", "2020-01-20"),  # a period backwards
        ("status", "--all", "--item", "visits-supended"),  # an unknown measure
        ("status", "--by-measure"),  # without --all
    ):
        result = cli(*args, "--lang", lang)
        assert result.exit_code == 1, (args, result)
        ran.append((args, result))
    for args in (("ack", "5"), ("today", "--days", "100")):  # usage errors: a missing option, a bad value
        result = cli(*args, "--lang", lang)
        assert result.exit_code == 2, (args, result)
        ran.append((args, result))
    return ran


def _values(*folders: Path) -> set[str]:
    found = set(TYPED) | set(catalog_data(*folders))
    store = Path(".checklist")
    found |= {p.name for p in (store / "units").iterdir()} if store.exists() else set()
    if (store / "store.json").exists():  # a mirror names the store it comes from by its id
        found.add(json.loads((store / "store.json").read_text(encoding="utf-8"))["id"])
    return found


def _leaks(ran: list[tuple[tuple[str, ...], Result]], lang: str, allowed: set[str]) -> list[str]:
    found = []
    for args, result in ran:
        if "--json" in args or args[:1] == ("schema",):
            continue
        text = result.stdout + result.stderr
        if args[:1] == ("checkpoint",):  # the note itself is the thing to send, as the format writes it
            text = result.stderr
        if lang == "zh":
            wrong = english_lines(text, allowed)
        else:
            wrong = [(line, said) for line in text.splitlines() if (said := chinese_in_english(line, allowed))]
        found += [f"{' '.join(args)}: {words} in {line.strip()!r}" for line, words in wrong]
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_command_speaks_the_language_of_the_run_and_fits_the_width(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config"))
    ran = session(cli, lang, monkeypatch, tmp_path / "config")
    ran += errors(cli, lang)
    names = {args[0] for args, _ in ran}
    assert set(COMMANDS) <= names, set(COMMANDS) - names
    for group, subcommands in SUBCOMMANDS.items():
        assert subcommands <= {args[1] for args, _ in ran if args[0] == group and len(args) > 1}
    allowed = _values(BUNDLED, FACILITY, OLD_CATALOG)
    leaks = _leaks(ran, lang, allowed)
    assert not leaks, "\n".join(leaks)
    wide = [
        f"{' '.join(args)}: {line!r}"
        for args, result in ran
        if "--json" not in args and args[0] not in ("schema", "checkpoint", "report")  # a report is a document
        for line in too_wide(result.stdout, width)
    ]
    assert not wide, "\n".join(wide)


def test_an_error_is_checked_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    from checklist.core.errors import UserError
    from checklist.present import translations

    from . import languages

    error = UserError("item.unknown", token="5x")  # noqa: S106 - a token the user typed
    assert languages.error_leaks(error) == []
    english = translations.catalog
    monkeypatch.setattr(translations, "catalog", lambda domain, lang: english(domain, "en"))
    leaks = languages.error_leaks(error)  # English standing in for the Chinese words: a leak
    assert leaks and leaks[0].startswith("item.unknown (zh): ") and "'5x'" not in leaks[0].split(" in ")[0]


def test_the_detectors_keep_ids_commands_paths_and_typed_values() -> None:
    from .languages import chinese_in_english, english_in_chinese

    shown = "已记录：5 监管区 · A区 → 完成；下一步：`checklist ack 11 --subject P1`，文件 /tmp/x/notice.pdf（2 MB）"
    assert english_in_chinese(shown, {"A区", "P1"}) == []
    assert english_in_chinese("错误：no item '5x'", {"5x"}) == ["no", "item"]
    assert chinese_in_english("recorded: 5 · note 监管区已全封闭", {"监管区已全封闭"}) == []
    assert chinese_in_english("recorded：5", set()) == ["："]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_keys_list_shows_each_key_id_whole_on_a_narrow_screen(
    keyed: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    key = json.loads(keyed("keys", "list", "--json").stdout)["registered"][0]["key"]
    listed = keyed("--lang", lang, "keys", "list")  # --lang before a group reaches its command
    assert listed.exit_code == 0 and key in listed.stdout  # the id people compare out of band: never cut
    assert ("生成时间" in listed.stdout) == (lang == "zh") and not too_wide(listed.stdout, 60)


def test_a_chinese_screen_puts_an_id_in_full_width_parentheses(cli: Callable[..., Result]) -> None:
    assert cli("start", "--unit", "prison", "--catalog", str(FACILITY), "--now", "2020-01-25T08:00").exit_code == 0
    granted = cli("role", "grant", "赵监狱长", "warden", "--lang", "zh", "--now", "2020-01-25T09:00")
    assert granted.exit_code == 0 and "已授予 赵监狱长 角色：监狱长（warden）" in granted.stderr
    assert "warden (warden)" in cli("role", "grant", "李四", "warden", "--lang", "en").stderr
    cli("set", "risk=high", "--reason", "通报", "--now", "2020-01-25T10:00")
    again = cli("set", "risk=高", "--lang", "zh", "--now", "2020-01-25T11:00")
    assert "风险等级已是所给的值，未记录。" in again.stderr  # no blank between Chinese words
    assert "风险等级（risk）" in cli("set", "--lang", "zh").stdout


def test_verify_and_keys_speak_the_locale_s_language_in_a_real_process(
    proc: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CHECKLIST_LANG")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config"))
    assert proc("start", "--unit", "prison", "--name", "长沙监狱").exit_code == 0
    made = proc("keys", "new", "--name", "王警官")
    assert made.exit_code == 0 and "已为 王警官 生成新密钥" in made.stderr
    verified = proc("verify", "--all")
    assert verified.exit_code == 0 and "✔ prison：完好：尚无记录" in verified.stdout
    allowed = {"prison", "王警官", "长沙监狱"}
    assert english_in_chinese(verified.stdout + made.stderr, allowed) == []
    english = proc("verify", "--all", "--lang", "en")
    assert "✔ prison: intact: no records yet" in english.stdout and chinese_in_english(english.stdout) == []
