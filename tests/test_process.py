"""The installed `checklist` command as a real process: no terminal, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from checklist.core import catalog as catalogs

from .conftest import REPO, installed_command


def test_start_prison_in_a_fresh_folder(proc) -> None:
    result = proc("start", "--unit", "prison")
    assert result.exit_code == 0, result
    assert Path(".checklist/units/prison/unit.json").is_file()
    assert "Checklist of Prison" in result.stdout and "Started Prison" in result.stderr


def test_mark_and_read_status_as_json(proc) -> None:
    proc("start", "--unit", "prison", "--name", "长沙监狱")
    assert proc("done", "prison.closed-management", "--note", "全封闭", "--evidence", __file__).exit_code == 0
    status = json.loads(proc("status", "--json").stdout)
    assert status["unit"]["name"] == "长沙监狱" and status["totals"]["done"] == 1


def test_scripted_walk_on_piped_stdin(proc) -> None:
    proc("start", "--unit", "rehab")
    result = proc("walk", input="n\n不涉及\ns\nq\n")
    assert result.exit_code == 0, result
    log = json.loads(proc("log", "--json").stdout)["records"]
    assert [(r["action"], r["note"]) for r in log] == [("na", "不涉及")]


def test_piped_output_has_no_escape_codes_even_without_no_color(proc) -> None:
    proc("start", "--unit", "prison")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["TERM"] = "xterm-256color"
    completed = subprocess.run([*installed_command(), "status"], capture_output=True, text=True, env=env, check=False)
    assert completed.returncode == 0 and "\x1b" not in completed.stdout + completed.stderr


def test_exit_codes_and_no_tracebacks(proc) -> None:
    assert proc("status").exit_code == 1  # no store
    assert proc("frobnicate").exit_code == 2  # usage
    proc("start", "--unit", "prison")
    assert proc("done", "no-such-item").exit_code == 1
    Path(".checklist/units/prison/records.jsonl").write_text("not json\n")
    damaged = proc("list")
    assert damaged.exit_code == 3 and "records.jsonl:1" in damaged.stderr
    for result in (damaged, proc("done", "x"), proc("start", "--unit", "nothing")):
        assert "Traceback" not in result.stderr


def test_the_entry_point_still_knows_every_command(proc) -> None:
    """main() builds only the command named; help and near-misses still see them all."""
    assert "approve" in proc("--help").stdout and "Usage: checklist status" in proc("status", "--help").stdout
    assert "Did you mean 'status'" in proc("statu").stderr
    assert proc("--debug", "keys", "list").exit_code == 0


def test_output_is_whole_when_piped_and_a_reader_that_leaves_early_is_no_error(proc) -> None:
    """main() leaves without tearing the interpreter down: what was printed must still all arrive."""
    from checklist.core.filestore import FileStore

    from .test_store import make_draft

    proc("start", "--unit", "prison")
    store = FileStore(Path(".checklist"))
    for n in range(400):
        store.append(make_draft(item="prison.emergency-reserves", n=n, action="partial", note=f"round {n} " * 8))
    whole = proc("log", "--json")
    assert whole.exit_code == 0 and len(json.loads(whole.stdout)["records"]) == 400  # 300 kB, flushed
    reader = subprocess.Popen([*installed_command(), "log"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.read(100)
    reader.stdout.close()  # like `checklist log | head -1`
    errors = reader.stderr.read().decode()
    assert reader.wait(timeout=60) == 0 and "Traceback" not in errors and "Exception" not in errors


def test_python_dash_m_works(proc) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "checklist", "--version"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0 and completed.stdout.startswith("checklist ")


def test_bundled_catalog_is_found_from_the_installed_package(proc, tmp_path: Path) -> None:
    result = proc("validate", "--json")
    document = json.loads(result.stdout)
    assert document["valid"] is True and document["measures"] >= 45
    # the bundled catalog itself, measure for measure, not some other one
    bundled = catalogs.load(REPO / "measures")
    assert (document["version"], document["digest"]) == (bundled.meta.version, bundled.digest)


def _read_until(stream, marker: str, timeout: float = 30) -> str:  # type: ignore[no-untyped-def]
    """Read a process's output as it comes until `marker` shows (no sleeping); what was read."""
    import selectors
    import time

    seen = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while marker.encode() not in seen:
            left = deadline - time.monotonic()
            assert left > 0 and selector.select(left), f"no {marker!r} in {seen.decode(errors='replace')!r}"
            chunk = os.read(stream.fileno(), 65536)
            assert chunk, f"the process ended before {marker!r}: {seen.decode(errors='replace')!r}"
            seen += chunk
    return seen.decode(errors="replace")


def test_ctrl_c_in_a_walk_exits_130_and_keeps_what_was_answered(proc) -> None:
    import signal

    if os.name == "nt":
        import pytest

        pytest.skip("SIGINT to a child process is a POSIX matter")
    assert proc("start", "--unit", "prison").exit_code == 0
    walk = subprocess.Popen(
        [*installed_command(), "walk"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert walk.stdin is not None and walk.stderr is not None
    walk.stdin.write("d\n已建立联防联控机制\n\nd\n日报\n0\n".encode())  # item 1 done; item 2 half answered
    walk.stdin.flush()
    before = _read_until(walk.stderr, "Cases reported upward")  # the walk waits at item 2's second figure
    assert "Recorded: 1 " in before and "→ done" in before
    walk.send_signal(signal.SIGINT)
    after = walk.stderr.read().decode()
    assert walk.wait(timeout=60) == 130
    assert "Traceback" not in after and "Aborted" not in after
    assert "Recorded 1;" in after  # the summary line is still printed
    assert "Not recorded: 2" in after and "日报" in after and "infections=0" in after  # shown, not lost silently
    log = json.loads(proc("log", "--json").stdout)["records"]
    assert [(r["item"], r["action"], r["note"]) for r in log] == [
        ("system.joint-prevention", "done", "已建立联防联控机制")
    ]


def test_end_of_piped_input_in_a_walk_still_exits_0(proc) -> None:
    assert proc("start", "--unit", "prison").exit_code == 0
    result = proc("walk", input="d\n已建立\n\nd\n日报\n")
    assert result.exit_code == 0, result
    assert "Recorded 1;" in result.stderr
