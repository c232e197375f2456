"""Settings: one order everywhere — the option, the environment, the store's config, a default —
and a session that picks its store's backend from the store's location."""

from __future__ import annotations

import getpass
import os
import subprocess
from pathlib import Path

import pytest

from checklist.core.errors import NoStore, UserError
from checklist.core.filestore import FileStore
from checklist.core.memstore import MemoryStore
from checklist.usecases import settings as settings_module
from checklist.usecases.session import Session, open_store
from checklist.usecases.settings import Settings, debug_from, language

from .conftest import installed_command


class TestOrder:
    def test_who_attests_the_option_then_the_environment_then_the_store_then_the_login(self) -> None:
        config = {"user": "store user"}
        assert Settings.load(by="option", environ={"CHECKLIST_USER": "env"}).actor(config) == "option"
        assert Settings.load(environ={"CHECKLIST_USER": "env"}).actor(config) == "env"
        assert Settings.load(environ={}).actor(config) == "store user"
        assert Settings.load(environ={}).actor({}) == getpass.getuser()

    def test_blank_values_do_not_count(self) -> None:
        assert Settings.load(by="  ", environ={"CHECKLIST_USER": " "}).actor({"user": "王警官"}) == "王警官"

    def test_the_language_the_option_then_the_environment_then_the_locale(self) -> None:
        assert language("zh", {"CHECKLIST_LANG": "en"}) == "zh"
        assert language(None, {"CHECKLIST_LANG": "zh_CN", "LANG": "en_US"}) == "zh"
        assert language(None, {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) == "en"  # LC_ALL wins, as in C
        assert language(None, {"LANG": "zh_CN.UTF-8"}) == "zh"
        assert language(None, {}) == "en"

    def test_the_store_the_option_then_the_environment_then_upward(self, tmp_path: Path) -> None:
        (tmp_path / "a" / ".checklist").mkdir(parents=True)
        (tmp_path / "b").mkdir()
        deep = tmp_path / "a" / "sub" / "deeper"
        deep.mkdir(parents=True)
        env = {"CHECKLIST_STORE": str(tmp_path / "b")}
        assert Settings.load(store=str(tmp_path / "a" / ".checklist"), environ=env).store_location() == str(
            tmp_path / "a" / ".checklist"
        )
        assert Settings.load(environ=env).store_location() == str(tmp_path / "b")
        upward = Settings(cwd=deep)
        assert upward.store_location() == str(tmp_path / "a" / ".checklist")
        with pytest.raises(NoStore):
            Settings(cwd=tmp_path).store_location()

    def test_debug_only_when_asked_for(self) -> None:
        assert debug_from({"CHECKLIST_DEBUG": "1"}) and debug_from({"CHECKLIST_DEBUG": "true"})
        for off in ("0", "false", "no", "", "off"):
            assert not debug_from({"CHECKLIST_DEBUG": off}), off

    def test_every_variable_is_named_once_here(self) -> None:
        names = [value for name, value in vars(settings_module).items() if name.startswith("ENV_")]
        assert len(names) == len(set(names)) and "CHECKLIST_STORE" in names and "CHECKLIST_DEBUG" in names

    def test_the_evidence_limit_from_the_store_config(self) -> None:
        assert Settings().evidence_max_bytes({}) == 100_000_000
        assert Settings().evidence_max_bytes({"evidence_max_mb": "2.5"}) == 2_500_000
        for bad in ("inf", "nan", "-1", "0", "lots"):
            with pytest.raises(UserError):
                Settings().evidence_max_bytes({"evidence_max_mb": bad})


def test_checklist_debug_0_shows_no_traceback(proc) -> None:
    result = proc("status", "--store", "nowhere", env={"CHECKLIST_DEBUG": "0"})
    assert result.exit_code == 1 and "Traceback" not in result.stderr and "error: no store at" in result.stderr
    shown = proc("status", "--store", "nowhere", env={"CHECKLIST_DEBUG": "1"})
    assert "Traceback" in shown.stderr


class TestBackends:
    def test_a_folder_is_a_file_store_memory_a_memory_store_and_postgresql_a_database(self, tmp_path: Path) -> None:
        assert isinstance(open_store(str(tmp_path / "s"), create=True), FileStore)
        assert isinstance(open_store("memory:x"), MemoryStore)
        assert open_store("memory:x") is open_store("memory:x")
        for location in ("postgresql://db/checklist?host=/nonexistent", "postgres://db/checklist?host=/nonexistent"):
            with pytest.raises(UserError) as info:
                open_store(location)  # a PostgreSQL store, whose server is not there
            assert info.value.code == "pg.cannot_connect"
        with pytest.raises(UserError) as info:
            open_store("mysql://db/checklist")
        assert info.value.code == "store.unknown_scheme"

    def test_every_command_runs_on_a_memory_store(self, cli) -> None:
        store = ["--store", "memory:cli-test"]
        try:
            assert cli("start", "--unit", "prison", "--name", "长沙监狱", *store).exit_code == 0
            assert cli("done", "1", "--note", "已落实", *store).exit_code == 0
            assert cli("event", "admission", "--subject", "P1", *store).exit_code == 0
            status = cli("status", "--json", *store).json()
            assert status["unit"]["name"] == "长沙监狱" and status["totals"]["done"] == 1
            assert [r["action"] for r in cli("log", "--json", *store).json()["records"]] == ["done", "event"]
            verdict = cli("verify", "--json", *store).json()
            assert verdict["ok"] and verdict["units"][0]["records"] == 2
            assert not Path(".checklist").exists()  # nothing was written to a folder
        finally:
            MemoryStore.forget("memory:cli-test")

    def test_a_session_says_whether_it_made_the_store(self, tmp_path: Path) -> None:
        made = Session.for_start(Settings(store=str(tmp_path / "new")))
        assert made.created and made.location == str(tmp_path / "new")
        again = Session.for_start(Settings(store=str(tmp_path / "new")))
        assert not again.created


def test_shell_completion_completes_command_names(tmp_path: Path) -> None:
    env = {**os.environ, "_CHECKLIST_COMPLETE": "complete_bash", "COMP_WORDS": "checklist sta", "COMP_CWORD": "1"}
    done = subprocess.run(installed_command(), env=env, capture_output=True, text=True, check=False)
    assert done.stdout.split() == ["start", "status"]
    script = subprocess.run(
        [*installed_command(), "--show-completion", "bash"], capture_output=True, text=True, check=False
    )
    assert script.returncode == 0 and "_checklist_completion" in script.stdout
