"""Text in another encoding than UTF-8 (a terminal set to GBK on a UTF-8 system) is refused
with a message that says so and how to fix it, in arguments, in the environment and in the
answers of a walk, which asks again; it never reaches a record. Real processes, raw bytes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .conftest import installed_command

pytestmark = pytest.mark.skipif(os.name == "nt", reason="raw bytes in argv are POSIX")

GBK = "监区".encode("gbk")  # b"\xbc\xe0\xc7\xf8": what a GBK terminal sends for 监区
LOG = Path(".checklist/units/prison/records.jsonl")
LOCALES = [{"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}, {"LANG": "C", "LC_ALL": "C"}]


def run(*args: str | bytes, stdin: bytes = b"", env: dict[str, str | bytes] | None = None) -> tuple[int, str, str]:
    environ: dict[str | bytes, str | bytes] = {**os.environ, "CHECKLIST_NOW": "2020-01-28T10:00"}
    environ.update(env or {})
    command = [part.encode() if isinstance(part, str) else part for part in [*installed_command(), *args]]
    done = subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        env={os.fsencode(k): os.fsencode(v) for k, v in environ.items()},
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


@pytest.fixture
def unit() -> None:
    code, _, err = run("start", "--unit", "prison", "--now", "2020-01-27T09:00")
    assert code == 0, err


def _records() -> int:
    return len(LOG.read_bytes().splitlines()) if LOG.exists() else 0


ARGUMENTS = [
    (("done", "8", "--note", GBK), "--note"),
    (("partial", "8", "--note", GBK), "--note"),
    (("na", "8", "--reason", GBK), "--reason"),
    (("block", "8", "--reason", GBK), "--reason"),
    (("done", GBK, "--note", "n"), "ITEM"),
    (("done", "8", "--note", "n", "--by", GBK), "--by"),
    (("done", "2", "--note", "n", "--set", b"infections=" + GBK), "--set"),
    (("done", "12", "--note", "n", "--subject", GBK), "--subject"),
    (("done", "3", "--note", "n", "--for", GBK), "--for"),
    (("na", "8", "--reason", "r", "--until", GBK), "--until"),
    (("event", "admission", "--subject", GBK), "--subject"),
    (("event", GBK, "--subject", "P1"), "KIND"),
    (("start", "--unit", "prison", "--name", GBK), "--name"),
    (("start", "--unit", GBK), "--unit"),
    (("config", "user", GBK), "VALUE"),
    (("keys", "new", "--name", GBK), "--name"),
    (("status", "--unit", GBK), "--unit"),
    (("status", "--now", GBK), "--now"),
    (("list", "--section", GBK), "--section"),
    (("log", "--item", GBK), "--item"),
    (("use", GBK), "ID"),
    (("validate", GBK), "PATH"),
    (("status", "--catalog", GBK), "--catalog"),
]


@pytest.mark.usefixtures("unit")
@pytest.mark.parametrize("env", LOCALES, ids=["utf8-locale", "c-locale"])
def test_an_argument_in_another_encoding_is_refused_naming_it(env: dict[str, str | bytes]) -> None:
    before = _records()
    for args, option in ARGUMENTS:
        code, _, err = run(*args, env={**env, "CHECKLIST_CONFIG_HOME": "keys"})
        assert code == 1, (args, code, err)
        assert "UTF-8" in err and option in err and "Traceback" not in err, (args, err)
    assert _records() == before


@pytest.mark.usefixtures("unit")
@pytest.mark.parametrize("variable", ["CHECKLIST_USER", "CHECKLIST_NOW", "CHECKLIST_STORE", "CHECKLIST_CATALOG"])
def test_a_setting_in_another_encoding_is_refused_naming_the_variable(variable: str) -> None:
    code, _, err = run("done", "8", "--note", "n", env={variable: GBK})
    assert code == 1, err
    assert "UTF-8" in err and variable in err and "Traceback" not in err, err
    assert _records() == 0


@pytest.mark.usefixtures("unit")
def test_an_evidence_file_whose_name_is_in_another_encoding_is_recorded_with_its_name_escaped() -> None:
    Path(os.fsdecode(GBK + b".txt")).write_bytes(b"notice")
    code, _, err = run("done", "6", "--note", "n", "--evidence", GBK + b".txt")
    assert code == 0, err
    code, out, err = run("log", "--json")
    assert code == 0, err
    (evidence,) = json.loads(out)["records"][-1]["evidence"]
    assert evidence["name"] == "\\xbc\\xe0\\xc7\\xf8.txt"
    assert run("verify")[0] == 0


@pytest.mark.usefixtures("unit")
@pytest.mark.parametrize("env", LOCALES, ids=["utf8-locale", "c-locale"])
def test_a_walk_asks_again_for_an_answer_in_another_encoding(env: dict[str, str | bytes]) -> None:
    # the action and the note, each refused once and given again; no evidence; then quit
    answers = b"\n".join([GBK, b"d", GBK, "已落实".encode(), b"", b"q", b""])
    code, _, err = run("walk", "--lang", "zh", stdin=answers, env=env)
    assert code == 0, err
    assert "Traceback" not in err
    assert err.count("UTF-8") == 4, err  # twice in each refusal
    (record,) = [json.loads(line) for line in LOG.read_bytes().splitlines()]
    assert record["note"] == "已落实"
