"""The commands, through Typer's CliRunner: behaviour, content and exit codes."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from checklist.core import catalog as catalogs

from .conftest import three_zeros

PRISON = catalogs.load().for_kind("prison")
NUMBER = {m.id: n for n, m in enumerate(PRISON, start=1)}
ITEMS = [m for m in PRISON if m.trigger is None]  # the triggered ones have items only once someone is admitted
VISITS = str(NUMBER["prison.visits-suspended"])
OUTREACH = str(NUMBER["prison.outreach-activities-suspended"])
ZEROS = str(NUMBER["system.three-zeros"])
LOG = Path(".checklist/units/prison/records.jsonl")


def lines_of_log() -> list[dict]:
    return [json.loads(line) for line in LOG.read_text(encoding="utf-8").splitlines()] if LOG.exists() else []


def evidence(name: str = "notice.txt", content: str = "停止接见通知") -> Path:
    path = Path(name)
    path.write_text(content, encoding="utf-8")
    return path


class TestStart:
    def test_creates_a_store_here_and_prints_the_checklist(self, cli) -> None:
        result = cli("start", "--unit", "prison")
        assert result.exit_code == 0, result
        assert Path(".checklist/units/prison/unit.json").is_file()
        assert "Checklist of Prison" in result.stdout
        assert "Suspend all visits to prisoners" in result.stdout
        assert f"Started Prison (prison, Prison) with {len(PRISON)} measures." in result.stderr
        assert "checklist walk" in result.stderr  # says what to do next

    def test_starting_again_resumes_and_says_so(self, prison) -> None:
        result = prison("start", "--unit", "prison", "--name", "长沙监狱")
        assert result.exit_code == 0
        assert f"Resuming 长沙监狱 (prison, Prison): 0 of {len(PRISON)} done." in result.stderr
        assert [p.name for p in Path(".checklist/units").iterdir()] == ["prison"]

    @pytest.mark.parametrize("kind", ["监狱", "Prison", "PRISON"])
    def test_kind_by_chinese_or_english_name(self, cli, kind: str) -> None:
        assert cli("start", "--unit", kind).exit_code == 0
        assert json.loads(Path(".checklist/units/prison/unit.json").read_text())["kind"] == "prison"

    def test_unknown_kind_suggests(self, cli) -> None:
        result = cli("start", "--unit", "prisn")
        assert result.exit_code == 1
        assert "unknown unit kind 'prisn'" in result.stderr and "did you mean: prison?" in result.stderr
        assert not Path(".checklist/units/prisn").exists()

    def test_second_unit_of_a_kind_with_another_name_gets_a_numbered_id(self, prison) -> None:
        result = prison("start", "--unit", "prison", "--name", "津市监狱")
        assert result.exit_code == 0 and "(prison-2, Prison)" in result.stderr

    def test_explicit_id_of_another_kind_is_refused(self, prison) -> None:
        result = prison("start", "--unit", "rehab", "--id", "prison")
        assert result.exit_code == 1 and "exists already, as a prison, not a rehab" in result.stderr

    def test_records_who_started_it_and_the_catalog(self, prison) -> None:
        unit = json.loads(Path(".checklist/units/prison/unit.json").read_text(encoding="utf-8"))
        assert unit["name"] == "长沙监狱" and unit["started_by"] == "tester"
        assert unit["catalog"]["digest"] == catalogs.load().digest
        assert unit["started_at"].endswith("+08:00")

    def test_explicit_store_folder(self, cli, tmp_path: Path) -> None:
        result = cli("start", "--unit", "rehab", "--store", str(tmp_path / "elsewhere"))
        assert result.exit_code == 0
        assert (tmp_path / "elsewhere/units/rehab/unit.json").is_file()
        assert not Path(".checklist").exists()


class TestStoreDiscovery:
    def test_found_from_a_subfolder(self, prison) -> None:
        Path("sub/deeper").mkdir(parents=True)
        os.chdir("sub/deeper")
        result = prison("status", "--json")
        assert result.exit_code == 0 and result.json()["unit"]["id"] == "prison"

    def test_outside_a_store_says_how_to_start_one(self, cli) -> None:
        result = cli("status")
        assert result.exit_code == 1
        assert "no checklist store here" in result.stderr
        assert "checklist start --unit prison" in result.stderr

    def test_store_from_environment(self, prison, monkeypatch, tmp_path: Path) -> None:
        monkeypatch.setenv("CHECKLIST_STORE", str(Path(".checklist").absolute()))
        os.chdir(tmp_path)
        assert prison("status", "--json").json()["unit"]["name"] == "长沙监狱"


class TestMarking:
    def test_done_with_note_and_evidence(self, prison) -> None:
        result = prison("done", VISITS, "--note", "各监区已停止接见", "--evidence", str(evidence()))
        assert result.exit_code == 0, result
        assert f"Recorded: {VISITS} Suspend all visits to prisoners → done" in result.stderr
        (record,) = lines_of_log()
        assert record["item"] == "prison.visits-suspended" and record["action"] == "done"
        assert record["note"] == "各监区已停止接见" and record["actor"] == "tester"
        content = "停止接见通知".encode()
        assert record["evidence"] == [
            {"name": "notice.txt", "size": len(content), "sha256": hashlib.sha256(content).hexdigest(), "stored": True}
        ]
        assert len(record["id"]) == 32 and record["catalog"] == catalogs.load().digest
        unit_file = Path(".checklist/units/prison/unit.json").read_bytes()
        assert (record["v"], record["seq"]) == (3, 1)
        assert record["prev"] == "sha256:" + hashlib.sha256(unit_file).hexdigest()  # the chain starts at the unit
        assert record["at"].endswith("+08:00")

    def test_marking_done_twice_records_once(self, prison) -> None:
        prison("done", VISITS, "--note", "x", "--evidence", str(evidence()))
        result = prison("done", VISITS, "--note", "x", "--evidence", str(evidence()))
        assert result.exit_code == 0
        assert "is already done; nothing recorded." in result.stderr
        assert f"to correct it, give the corrected figures (--set), a note or a file: `checklist done {VISITS} …`" in (
            result.stderr.replace("\n", " ")
        )
        assert len(lines_of_log()) == 1
        corrected = prison("done", VISITS, "--note", "again")  # a later comment is a correction, recorded
        assert "Corrected:" in corrected.stderr and "(note updated)" in corrected.stderr
        assert len(lines_of_log()) == 2

    def test_required_evidence_is_enforced(self, prison) -> None:
        result = prison("done", VISITS, "--note", "x")
        assert result.exit_code == 1
        assert "needs an evidence file" in result.stderr and "--evidence FILE" in result.stderr
        assert lines_of_log() == []

    def test_required_note_is_enforced(self, prison) -> None:
        result = prison("done", OUTREACH)
        assert result.exit_code == 1 and "needs a note" in result.stderr

    def test_missing_evidence_file(self, prison) -> None:
        result = prison("done", VISITS, "--note", "x", "--evidence", "nope.pdf")
        assert result.exit_code == 1 and "evidence file not found: nope.pdf" in result.stderr

    def test_evidence_folder_is_refused(self, prison) -> None:
        Path("folder").mkdir()
        result = prison("done", VISITS, "--note", "x", "--evidence", "folder")
        assert result.exit_code == 1 and "must be a file, not a folder" in result.stderr

    def test_figures_are_required_typed_and_bounded(self, prison) -> None:
        missing = prison("done", ZEROS, "--note", "日报")
        assert (
            missing.exit_code == 1
            and (
                "needs its figures: Confirmed infections (infections), Cases reported upward (reported_cases), "
                "Sensationalised incidents (hype_incidents)"
            )
            in missing.stderr
        )
        negative = prison(
            "done",
            ZEROS,
            "--note",
            "日报",
            *three_zeros(infections=-1),
        )
        assert negative.exit_code == 1 and "infections = -1 is out of range: allowed 0 to" in negative.stderr
        wrong = prison("done", ZEROS, "--note", "日报", "--set", "infections=none")
        assert wrong.exit_code == 1 and "infections must be a whole number, got 'none'" in wrong.stderr
        typo = prison("done", ZEROS, "--note", "日报", "--set", "infection=0")
        assert typo.exit_code == 1 and "did you mean: infections" in typo.stderr
        assert lines_of_log() == []
        ok = prison(
            "done",
            ZEROS,
            "--note",
            "日报",
            *three_zeros(hype=1),
        )
        assert ok.exit_code == 0, ok
        assert "alert:" in ok.stderr and "= 1 crosses its threshold" in ok.stderr
        assert lines_of_log()[0]["figures"] == {"infections": 0, "reported_cases": 0, "hype_incidents": 1}

    def test_several_items_at_once_all_or_nothing(self, prison) -> None:
        result = prison("done", OUTREACH, "nonsense", "--note", "x")
        assert result.exit_code == 1 and lines_of_log() == []
        result = prison("done", OUTREACH, "prison.large-activities-suspended", "--note", "已停止")
        assert result.exit_code == 0, result
        assert [r["item"] for r in lines_of_log()] == [
            "prison.outreach-activities-suspended",
            "prison.large-activities-suspended",
        ]

    def test_na_block_reopen_need_a_reason(self, prison) -> None:
        for command in ("na", "block", "reopen"):
            result = prison(command, OUTREACH)
            assert result.exit_code == 2 and "--reason" in result.stderr
        assert prison("na", OUTREACH, "--reason", "  ").exit_code == 1
        assert lines_of_log() == []

    def test_lifecycle_of_an_item(self, prison) -> None:
        assert prison("block", OUTREACH, "--reason", "等待上级通知").exit_code == 0
        assert prison("reopen", OUTREACH, "--reason", "通知已到").exit_code == 0
        assert prison("na", OUTREACH, "--reason", "本监狱无此类活动").exit_code == 0
        again = prison("reopen", OUTREACH, "--reason", "x")
        assert again.exit_code == 0
        noop = prison("reopen", OUTREACH, "--reason", "x")
        assert "is already open; nothing recorded." in noop.stderr
        assert [r["action"] for r in lines_of_log()] == ["blocked", "reopened", "na", "reopened"]
        assert [r["note"] for r in lines_of_log()][:3] == ["等待上级通知", "通知已到", "本监狱无此类活动"]

    def test_unknown_item_suggests_and_exits_1(self, prison) -> None:
        result = prison("done", "visits-suspendd", "--note", "x")
        assert result.exit_code == 1
        assert "no item 'visits-suspendd'" in result.stderr and "did you mean: prison.visits-suspended" in result.stderr

    def test_actor_precedence(self, prison, monkeypatch) -> None:
        prison("config", "user", "配置用户")
        monkeypatch.delenv("CHECKLIST_USER")
        prison("na", OUTREACH, "--reason", "a")
        monkeypatch.setenv("CHECKLIST_USER", "环境用户")
        prison("reopen", OUTREACH, "--reason", "b")
        prison("na", OUTREACH, "--reason", "c", "--by", "值班员")
        assert [r["actor"] for r in lines_of_log()] == ["配置用户", "环境用户", "值班员"]


class TestViews:
    def test_list_is_numbered_with_state_marks(self, prison) -> None:
        prison("na", OUTREACH, "--reason", "无")
        result = prison("list")
        assert result.exit_code == 0
        line = next(line for line in result.stdout.splitlines() if "Stop all warning-education" in line)
        assert line.split()[0] == OUTREACH and "n/a" in line

    def test_list_open_and_section_filters(self, prison) -> None:
        prison("na", OUTREACH, "--reason", "无")
        items = prison("list", "--open", "--json").json()["items"]
        assert len(items) == len(ITEMS) - 1 and all(i["state"] == "open" for i in items)
        visits = prison("list", "--section", "Visits and outside contact", "--json").json()["items"]
        assert {i["section"] for i in visits} == {"visits-and-contact"}
        by_id = prison("list", "-s", "visits-and-contact", "--json").json()["items"]
        assert visits == by_id
        assert prison("list", "--section", "nowhere").exit_code == 1
        assert prison("list", "--open", "--all").exit_code == 1

    def test_list_json_numbers_match_done_numbers(self, prison) -> None:
        items = prison("list", "--json").json()["items"]
        assert [i["number"] for i in items] == [NUMBER[m.id] for m in ITEMS]
        assert [i["id"] for i in items] == [m.id for m in ITEMS]

    def test_status_summary_content(self, prison) -> None:
        prison("na", OUTREACH, "--reason", "无")
        prison("done", VISITS, "--note", "x", "--evidence", str(evidence()))
        document = prison("status", "--json").json()
        assert document["totals"] == {
            "done": 1,
            "na": 1,
            "partial": 0,
            "blocked": 0,
            "awaiting": 0,
            "lapsed": 0,
            "open": len(ITEMS) - 2,
            "upcoming": 0,
            "inapplicable": 0,
            "overdue": 0,
            "total": len(ITEMS),
            "percent_done": round(100 / (len(ITEMS) - 1), 1),
        }
        assert "prison.visits-suspended" not in document["critical_open"]
        assert "prison.closed-management" in document["critical_open"]
        visits = next(s for s in document["sections"] if s["id"] == "visits-and-contact")
        assert (visits["done"], visits["na"]) == (1, 1)
        text = prison("status").stdout
        assert "长沙监狱 · status" in text and "Critical measures not yet done" in text
        assert "Put the secure area under strict, fully closed management" in text
        assert f"done: {100 / (len(ITEMS) - 1):.0f}%" in text

    def test_status_all_units(self, prison) -> None:
        prison("start", "--unit", "rehab", "--name", "新开铺强戒所")
        units = prison("status", "--all", "--json").json()["units"]
        assert sorted(u["unit"]["id"] for u in units) == ["prison", "rehab"]  # in the order of attention
        text = prison("status", "--all").stdout
        assert "长沙监狱" in text and "新开铺强戒所" in text

    def test_several_units_need_a_choice_or_a_default(self, prison) -> None:
        prison("start", "--unit", "rehab")
        result = prison("status")
        assert result.exit_code == 1 and "has 2 units: prison (长沙监狱), rehab" in result.stderr
        assert str(Path(".checklist").absolute()) in result.stderr  # which store is in use
        assert "--unit prison" in result.stderr and "checklist use prison" in result.stderr  # commands to choose one
        assert prison("use", "rehab").exit_code == 0
        assert prison("status", "--json").json()["unit"]["id"] == "rehab"
        assert prison("status", "--unit", "prison", "--json").json()["unit"]["id"] == "prison"
        assert prison("use", "nope").exit_code == 1

    def test_log_shows_the_audit_trail(self, prison) -> None:
        prison("block", OUTREACH, "--reason", "等待通知")
        prison("done", VISITS, "--note", "已停止", "--evidence", str(evidence()))
        records = prison("log", "--json").json()["records"]
        assert [(r["item"], r["action"]) for r in records] == [
            ("prison.outreach-activities-suspended", "blocked"),
            ("prison.visits-suspended", "done"),
        ]
        only = prison("log", "--item", VISITS, "--json").json()["records"]
        assert [r["item"] for r in only] == ["prison.visits-suspended"]
        text = prison("log").stdout
        assert "等待通知" in text and "notice.txt" in text and "tester" in text

    def test_log_without_records(self, prison) -> None:
        result = prison("log")
        assert result.exit_code == 0 and "No records yet." in result.stderr

    def test_chinese_interface(self, prison) -> None:
        prison("na", OUTREACH, "--reason", "无")
        text = prison("list", "--lang", "zh").stdout
        assert "长沙监狱的检查清单" in text and "不适用" in text and "全面停止罪犯接见" in text
        status = prison("status", "--lang", "zh").stdout
        assert "尚未落实的关键措施" in status and "完成率" in status

    def test_language_from_environment_and_locale(self, prison, monkeypatch) -> None:
        monkeypatch.setenv("CHECKLIST_LANG", "zh")
        assert "检查清单" in prison("list").stdout
        monkeypatch.delenv("CHECKLIST_LANG")
        monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
        assert "检查清单" in prison("list").stdout
        assert prison("list", "--lang", "fr").exit_code == 2

    def test_units_works_without_a_store(self, cli) -> None:
        result = cli("units", "--lang", "zh")
        assert result.exit_code == 0 and "监狱" in result.stdout and "戒毒" in result.stdout


class TestDamage:
    def test_damaged_log_exits_3_naming_file_and_line(self, prison) -> None:
        prison("na", OUTREACH, "--reason", "无")
        with LOG.open("a", encoding="utf-8") as handle:
            handle.write('{"broken": \n')
        result = prison("status")
        assert result.exit_code == 3
        assert "records.jsonl:2: damaged record" in result.stderr
        assert "Traceback" not in result.output

    def test_damaged_catalog_exits_3(self, cli, tmp_path: Path, monkeypatch) -> None:
        bad = tmp_path / "bad.yaml"
        bad.write_text("catalog: [\n")
        monkeypatch.setenv("CHECKLIST_CATALOG", str(bad))
        result = cli("start", "--unit", "prison")
        assert result.exit_code == 3 and "bad.yaml:" in result.stderr and "invalid YAML" in result.stderr

    def test_debug_shows_the_traceback(self, prison) -> None:
        with LOG.open("a", encoding="utf-8") as handle:
            handle.write("garbage\n")
        from checklist.core.errors import StoreDamaged

        with pytest.raises(StoreDamaged):
            prison("--debug", "status")


class TestHostileInput:
    def test_markup_and_escapes_in_notes_are_printed_literally(self, prison) -> None:
        note = "[bold red]urgent[/] \x1b[2J\x1b]0;pwned\x07 \x00 \u202e done"
        assert prison("na", OUTREACH, "--reason", note).exit_code == 0
        assert lines_of_log()[0]["note"] == note  # stored exactly as typed
        for output in (prison("log").stdout, prison("status").stdout):
            assert "\x1b" not in output and "\x07" not in output
        log = prison("log").stdout
        assert "[bold red]urgent[/]" in log and "\\x1b[2J" in log

    def test_markup_in_unit_names(self, cli) -> None:
        result = cli("start", "--unit", "prison", "--name", "[red]X[/red] 监狱")
        assert result.exit_code == 0 and "[red]X[/red] 监狱" in result.stdout

    @pytest.mark.parametrize("bad", ["../../etc", "a/b", "..", "a\\b", "x\x00y", "\x1b[31m", "Prison"])
    def test_path_like_unit_ids_are_refused(self, cli, bad: str) -> None:
        result = cli("start", "--unit", "prison", "--id", bad)
        assert result.exit_code in (1, 2)
        assert "invalid unit id" in result.stderr or "Error" in result.stderr
        assert not list(Path(".checklist/units").glob("*")) if Path(".checklist/units").exists() else True

    def test_control_characters_in_names_are_refused(self, cli) -> None:
        result = cli("start", "--unit", "prison", "--name", "监狱\x1b[31m")
        assert result.exit_code == 1 and "control characters" in result.stderr


class TestHelp:
    def test_version(self, cli) -> None:
        from checklist import __version__

        assert cli("--version").stdout.strip() == f"checklist {__version__}"

    def test_every_command_has_help_in_the_order_a_newcomer_meets_them(self, cli) -> None:
        from checklist.cli.app import COMMANDS

        top = cli("--help").stdout
        listed = [line.split()[1] for line in top.splitlines() if line.startswith("│ ") and line.split()[1].isalpha()]
        assert listed == list(COMMANDS)
        for name in COMMANDS:
            result = cli(name, "--help")
            assert result.exit_code == 0 and "Usage" in result.stdout, name

    def test_help_shows_no_raw_type_names(self, cli) -> None:
        from checklist.cli.app import COMMANDS

        for name in COMMANDS:
            shown = cli(name, "--help").stdout
            for raw in ("<bool>", "<list[", "<int>", "<str>", "<path>", "{ITEM", "{KIND"):
                assert raw not in shown, (name, raw)
        assert "Usage: checklist done [OPTIONS] ITEM..." in cli("done", "--help").stdout

    @pytest.mark.parametrize(
        ("argv", "imported"),
        [
            (["status", "--store", "nowhere"], ["views"]),
            (["--debug", "list", "--help"], ["views"]),
            (["keys", "list", "--store", "nowhere"], ["trust"]),
            (["done", "--help"], ["marks"]),
        ],
    )
    def test_a_run_imports_only_the_command_it_names(self, argv: list[str], imported: list[str]) -> None:
        import subprocess
        import sys

        script = (
            "import sys\n"
            "from checklist.cli.app import app\n"
            "try:\n    app(sys.argv[1:], prog_name='checklist')\nexcept SystemExit:\n    pass\n"
            "names = ('start', 'views', 'events', 'marks', 'trust', 'catalog_cmds', 'settings')\n"
            "print([n for n in names if 'checklist.cli.' + n in sys.modules])\n"
        )
        done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, check=True)
        assert done.stdout.strip().splitlines()[-1] == str(imported)

    def test_help_leads_with_examples_and_exit_codes(self, cli) -> None:
        top = cli("--help").stdout
        assert "checklist start --unit prison" in top and "Exit codes" in top


class TestKindNames:
    def test_a_unique_part_of_a_name_is_enough(self, cli) -> None:
        result = cli("start", "--unit", "戒毒所")
        assert result.exit_code == 0
        assert json.loads(Path(".checklist/units/rehab/unit.json").read_text())["kind"] == "rehab"

    def test_an_ambiguous_part_lists_the_kinds(self, cli) -> None:
        result = cli("start", "--unit", "司法")
        assert result.exit_code == 1 and "fits more than one unit kind" in result.stderr

    def test_suggestions_come_from_names_too(self, cli) -> None:
        result = cli("start", "--unit", "lawyer association")  # a near miss of "Hunan Lawyers Association"
        assert result.exit_code == 1 and "did you mean: bar-association" in result.stderr


class TestWideText:
    def test_chinese_columns_align_by_display_width(self, prison) -> None:
        from rich.cells import cell_len

        rows = [line for line in prison("list", "--lang", "zh").stdout.splitlines() if "☐ 未完成" in line]
        assert len(rows) == len(ITEMS)
        # the priority word ends each row: its display column must be the same on every row
        ends = {cell_len(line.rstrip()) for line in rows}
        starts = {cell_len(line[: line.rindex(line.split()[-1])]) for line in rows}
        assert len(ends) <= 2 and len(starts) == 1, (starts, ends)


class TestRepeatedOptions:
    """An option given twice must never keep only its last value silently."""

    def test_a_single_valued_option_given_twice_is_refused(self, prison) -> None:
        result = prison("done", "1", "--note", "一", "--note", "二")
        assert result.exit_code == 2 and "'--note'" in result.stderr and "given 2 times" in result.stderr
        assert prison("log", "--json").json()["records"] == []  # nothing recorded
        assert prison("status", "--unit", "prison", "-u", "prison").exit_code == 2
        assert prison("done", "1", "--note=一", "-n", "二").exit_code == 2

    def test_a_value_that_looks_like_an_option_is_a_value(self, prison) -> None:
        result = prison("done", "1", "--note", "--note")
        assert result.exit_code == 0, result

    def test_every_subject_named_is_recorded(self, prison) -> None:
        prison("event", "admission", "--subject", "R010")
        prison("event", "admission", "--subject", "R011")
        exam = "prison.new-admission-exam"
        figures = ["--set", "temperature=36.5", "--set", "symptoms=no"]
        result = prison("done", exam, "--subject", "R010", "--subject", "R011", "--note", "体检正常", *figures)
        assert result.exit_code == 0, result
        records = [r for r in prison("log", "--json").json()["records"] if r["action"] == "done"]
        assert sorted(r["subject"] for r in records) == ["R010", "R011"]

    def test_every_seal_named_is_checked(self, prison, tmp_path: Path) -> None:
        bogus = tmp_path / "bogus.json"
        bogus.write_text("{}", encoding="utf-8")
        result = prison("verify", "--seal", str(bogus), "--seal", str(tmp_path / "missing.json"))
        assert result.exit_code == 3
        assert "bogus.json is not a seal" in result.stderr and "cannot read" in result.stderr  # both were looked at


def test_start_in_a_subfolder_says_which_store_it_uses(prison) -> None:
    Path("sub").mkdir()
    os.chdir("sub")
    result = prison("start", "--unit", "rehab")
    assert result.exit_code == 0
    assert f"Using the store at {Path('..', '.checklist').resolve()}" in result.stderr
    assert not Path(".checklist").exists()
