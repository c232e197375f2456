"""The roll-up cache of `status --all --json` (issue 14, "Scale"): each unit's summary kept in
the store's cache folder, reused only for the log it was made from and while it still holds
at the moment asked; the answer with it is the answer without it, byte for byte."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import Result, installed_command, three_zeros

CACHE = Path(".checklist/cache/rollup.bin")
KINDS = ("prison", "rehab", "community-corrections", "city-bureau")
START = datetime(2020, 1, 25, 9, 0)
_BUILT: dict[str, Path] = {}


def _build(cli: Callable[..., Result]) -> None:
    """Six units of four kinds started on the 25th: daily reports on the 25th and 26th (u2 one
    infection on the 26th, an alert), a waiver until the 27th, and u1 admits a prisoner on the
    26th at 10:00 (its exam is due that day)."""
    for n in range(1, 7):
        started = cli(
            "start", "--unit", KINDS[(n - 1) % 4], "--id", f"u{n}", "--name", f"单位{n}", "--now", "2020-01-25T09:00"
        )
        assert started.exit_code == 0, started
    for day in ("2020-01-25", "2020-01-26"):
        for n in (1, 2, 3, 5):
            sick = 1 if (n, day) == (2, "2020-01-26") else 0
            done = cli(
                "done",
                "system.three-zeros",
                "--unit",
                f"u{n}",
                "--note",
                "日报",
                *three_zeros(sick),
                "--now",
                f"{day}T20:00",
            )
            assert done.exit_code == 0, done
    waived = cli("na", "1", "--unit", "u4", "--reason", "暂缓", "--until", "2020-01-27", "--now", "2020-01-25T10:00")
    assert waived.exit_code == 0, waived
    admitted = cli("event", "admission", "--subject", "P001", "--unit", "u1", "--now", "2020-01-26T10:00")
    assert admitted.exit_code == 0, admitted


@pytest.fixture
def province(cli: Callable[..., Result], tmp_path_factory: pytest.TempPathFactory) -> None:
    """The store above, built once and copied for each test (without any cache)."""
    if "store" not in _BUILT:
        _build(cli)
        kept = tmp_path_factory.mktemp("rollup") / ".checklist"
        shutil.copytree(".checklist", kept)
        _BUILT["store"] = kept
    else:
        shutil.copytree(_BUILT["store"], ".checklist")
    shutil.rmtree(".checklist/cache", ignore_errors=True)


def cached(now: str, **filters: object) -> tuple[bytes, int]:
    """`status --all --json` through the roll-up (the cache used and kept), and how many units
    were folded again."""
    from checklist.present.rollup import rollup_json, unit_text
    from checklist.usecases import rollup as rolling
    from checklist.usecases.session import Session
    from checklist.usecases.settings import Settings

    session = Session.open(Settings.load(now=now))
    made: list[int] = []
    summaries = rolling.summaries

    def counting(session: Session, render: rolling.Render) -> rolling.Folded:
        found = summaries(session, render)
        made.append(found.made)
        return found

    rolling.summaries = counting  # type: ignore[assignment]
    try:
        view = rolling.rollup(session, unit_text, **filters)  # type: ignore[arg-type]
    finally:
        rolling.summaries = summaries  # type: ignore[assignment]
    return rollup_json(view), made[0]


def reference(now: str, **filters: object) -> bytes:
    """The same document as the supervisor's view makes it, folding every unit, with no cache,
    printed as print_json prints it."""
    from checklist.present.documents import all_units_document
    from checklist.present.output import unsafe_escaped
    from checklist.usecases import views
    from checklist.usecases.session import Session
    from checklist.usecases.settings import Settings

    document = all_units_document(views.supervisor(Session.open(Settings.load(now=now)), **filters))  # type: ignore[arg-type]
    text = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8", "surrogatepass")
    return unsafe_escaped(text) + b"\n"


def agrees(now: str, **filters: object) -> int:
    found, made = cached(now, **filters)
    assert found == reference(now, **filters), now
    return made


def moments(first: datetime, last: datetime, step: timedelta) -> list[str]:
    found = []
    while first <= last:
        found.append(first.strftime("%Y-%m-%dT%H:%M"))
        first += step
    return found


def test_over_a_week_of_moments_the_cache_answers_as_a_fold(province) -> None:
    """Every five hours and around midnight, from the 26th to a week later: the kept answer is
    the folded one; within a day nothing is folded again, across midnight every unit is."""
    folded = []
    for now in moments(datetime(2020, 1, 26, 1, 0), datetime(2020, 2, 2, 1, 0), timedelta(hours=5)):
        folded.append((now, agrees(now)))
    assert folded[0][1] == 6  # nothing kept yet
    assert ("2020-01-26T06:00", 0) in folded  # the same day, nothing due between: all kept
    for day in ("2020-01-28", "2020-01-30"):
        before, after = agrees(f"{day}T23:59"), agrees(f"{day[:-2]}{int(day[-2:]) + 1:02d}T00:00")
        assert (before, after) == (6, 6)  # a day later: every unit's report of today is another question
        assert agrees(f"{day[:-2]}{int(day[-2:]) + 1:02d}T00:30") == 0


def test_a_deadline_passing_is_not_answered_from_before_it(province, cli) -> None:
    """u1's admission exam is due at a moment of the 26th: asked a minute before, then at it,
    the second answer is folded again (the item turns overdue), and agrees."""
    items = cli("list", "--unit", "u1", "--json", "--now", "2020-01-26T11:00").json()
    (due,) = {i["due"] for i in items["items"] if i["id"] == "prison.new-admission-exam"}
    at = datetime.fromisoformat(due).replace(tzinfo=None)
    before = (at - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    agrees("2020-01-26T11:00")
    assert agrees(before) == 0
    changed = agrees(at.strftime("%Y-%m-%dT%H:%M"))
    assert changed >= 1
    overdue = json.loads(cached(at.strftime("%Y-%m-%dT%H:%M"))[0])["headline"]["overdue"]
    assert overdue == json.loads(cached(before)[0])["headline"]["overdue"] + 1


def test_an_earlier_moment_is_not_answered_from_a_later_one(province) -> None:
    agrees("2020-01-27T09:00")
    assert agrees("2020-01-26T21:00") == 6


def test_after_an_append_only_that_unit_is_folded_again(province, cli) -> None:
    now = "2020-01-27T21:00"
    assert agrees(now) == 6 and agrees(now) == 0
    done = cli(
        "done", "system.three-zeros", "--unit", "u3", "--note", "日报", *three_zeros(2), "--now", "2020-01-27T20:00"
    )
    assert done.exit_code == 0, done
    assert agrees(now) == 1
    assert json.loads(cached(now)[0])["headline"]["figures"]["infections"] == 2


def test_a_unit_added_is_folded_alone(province, cli) -> None:
    now = "2020-01-27T21:00"
    assert agrees(now) == 6
    assert cli("start", "--unit", "rehab", "--id", "u7", "--name", "单位7", "--now", "2020-01-27T09:00").exit_code == 0
    assert agrees(now) == 1
    assert json.loads(cached(now)[0])["total"] == 7


def test_filters_and_sorts_agree(province) -> None:
    now = "2020-01-26T21:00"
    for filters in ({"sort": "name"}, {"sort": "progress"}, {"kind": "prison"}, {"missing": True}, {"alerts": True}):
        agrees(now, **filters)
    assert agrees(now, overdue=True, sort="name") == 0


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-10] + b"x" * 10,  # its end, where the header starts, cut
        lambda data: data[:100] + bytes([data[100] ^ 1]) + data[101:],  # a text that is not what was kept
        lambda data: data[: len(data) // 2],  # cut off
        lambda data: b"\x00" * len(data),
        lambda data: data.replace(b'"program":"', b'"program":"9'),  # another release's
        lambda data: b"",
    ],
)
def test_a_damaged_cache_is_ignored_and_made_again(province, damage) -> None:
    now = "2020-01-27T09:00"
    agrees(now)
    CACHE.write_bytes(damage(CACHE.read_bytes()))
    assert agrees(now) == 6
    assert agrees(now) == 0  # made again


def test_a_cache_from_another_store_is_not_used(province, cli, tmp_path: Path) -> None:
    now = "2020-01-27T09:00"
    agrees(now)
    other = tmp_path / "other"
    shutil.copytree(".checklist", other / ".checklist")
    os.chdir(other)
    (other / ".checklist" / "store.json").write_text(
        json.dumps({**json.loads(Path(".checklist/store.json").read_text()), "id": "0" * 32})
    )
    assert agrees(now) == 6  # another store (its id), and another log (its inode) for each unit


def test_a_read_only_cache_folder_writes_nothing_and_answers_right(province) -> None:
    """Where the cache cannot be written (a file in the folder's place), every command folds
    and answers, and nothing is kept."""
    Path(".checklist/cache").write_text("not a folder")
    now = "2020-01-27T09:00"
    assert agrees(now) == 6 and agrees(now) == 6
    assert Path(".checklist/cache").read_text() == "not a folder"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_store(province) -> None:
    now = "2020-01-27T09:00"
    agrees(now)
    CACHE.unlink()
    for folder, _, names in os.walk(".checklist"):
        Path(folder).chmod(0o500)
        for name in names:
            Path(folder, name).chmod(0o400)
    try:
        assert agrees(now) == 6 and not CACHE.exists()
    finally:
        for folder, _, _ in os.walk(".checklist"):
            Path(folder).chmod(0o700)


def test_verify_never_reads_the_cache(province, cli) -> None:
    agrees("2020-01-27T09:00")
    CACHE.write_bytes(b"anything at all")
    result = cli("verify", "--all")
    assert result.exit_code == 0, result and "rollup" not in result.output


def test_parallel_and_serial_folds_give_the_same_answer(province, monkeypatch) -> None:
    from checklist.usecases import rollup as rolling

    if rolling._cores() < 2 or not rolling._can_fork():
        pytest.skip("one core, or no fork: the fold stays in one process")
    now = "2020-01-27T21:00"
    serial = cached(now)
    CACHE.unlink()
    for unit in Path(".checklist/units").iterdir():
        (unit / "index.json").unlink(missing_ok=True)
    monkeypatch.setattr(rolling, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(rolling, "PARALLEL_UNITS", 1)
    pools = []
    from concurrent.futures import ProcessPoolExecutor

    made = ProcessPoolExecutor.__init__

    def counted(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        pools.append(1)
        made(self, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "__init__", counted)
    parallel = cached(now)
    assert pools and parallel == serial and parallel[1] == 6
    assert cached(now) == (serial[0], 0)  # and kept, as the serial one is


def test_through_a_real_process_while_another_appends(province, cli) -> None:
    """A reader runs `status --all --json` while a writer appends: each answer is whole, and
    once the writer is done the kept answer is the folded one."""
    now = "2020-01-27T21:00"
    agrees(now)
    env = {**os.environ, "CHECKLIST_LANG": "zh"}
    command = installed_command()
    script = " ; ".join(
        " ".join([*command, "done", "system.three-level-duty", "--unit", f"u{n}", "--note", "值班", "--now", now])
        for n in range(1, 7)
    )
    writer = subprocess.Popen(script, shell=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S602
    answers = []
    try:
        while writer.poll() is None or not answers:
            read = subprocess.run(
                [*command, "status", "--all", "--json", "--now", now], env=env, capture_output=True, check=False
            )
            assert read.returncode == 0, read.stderr.decode()
            answers.append(json.loads(read.stdout))
    finally:
        writer.wait(timeout=120)
    assert writer.returncode == 0, writer.stderr.read().decode() if writer.stderr else ""
    assert all(a["total"] == 6 for a in answers)
    assert agrees(now) >= 0
    final = subprocess.run(
        [*command, "status", "--all", "--json", "--now", now], env=env, capture_output=True, check=False
    )
    assert final.stdout == reference(now)


class Step:
    """One step of a random history: the clock moves on, then perhaps a unit records."""

    def __init__(self, minutes: int, unit: int | None, infections: int) -> None:
        self.minutes, self.unit, self.infections = minutes, unit, infections

    def __repr__(self) -> str:
        return f"Step({self.minutes}, {self.unit}, {self.infections})"


steps = st.builds(
    Step,
    st.integers(min_value=1, max_value=36 * 60),
    st.one_of(st.none(), st.integers(min_value=1, max_value=6)),
    st.integers(min_value=0, max_value=2),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(steps, min_size=1, max_size=6))
def test_cached_and_folded_agree_over_random_histories(province, cli, monkeypatch, history: list[Step]) -> None:
    import tempfile

    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", tempfile.mkdtemp())  # what verify remembers: this example's
    shutil.rmtree(".checklist")
    shutil.copytree(_BUILT["store"], ".checklist")
    shutil.rmtree(".checklist/cache", ignore_errors=True)
    now = datetime(2020, 1, 26, 20, 30)
    for step in history:
        now += timedelta(minutes=step.minutes)
        at = now.strftime("%Y-%m-%dT%H:%M")
        if step.unit is not None:
            figures = three_zeros(step.infections)
            done = cli("done", "system.three-zeros", "--unit", f"u{step.unit}", "--note", "日报", *figures, "--now", at)
            assert done.exit_code == 0, done
        agrees(at)


def test_a_reader_that_leaves_early_ends_it_quietly(province) -> None:
    """`status --all --json | head -3`: the first lines, exit 0, nothing on stderr."""
    command = " ".join([*installed_command(), "status", "--all", "--json", "--now", "2020-01-27T09:00"])
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"{command} | head -3"], capture_output=True, text=True, check=False
    )
    assert done.stdout == '{\n  "document": "status-all",\n  "format": 1,\n'
    assert done.returncode == 0 and done.stderr == ""
