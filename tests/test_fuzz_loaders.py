"""Property tests of the two readers of untrusted files: the catalog loader and the record reader.

Whatever the bytes, each ends in a result or in its typed error (CatalogError, StoreDamaged),
never in another exception; a record damaged in a known way is named by its line number.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklist.core import catalog as catalogs
from checklist.core import models
from checklist.core.errors import CatalogError, StoreDamaged, UserError
from checklist.core.filestore import FileStore
from checklist.core.formats import NewerFormat
from checklist.core.models import CatalogRef, Record, RecordModel, Unit
from checklist.present.messages import problem_text

from .test_catalog import HEAD, MEASURE

TIME_LIMIT = 2.0  # seconds per input: every one takes milliseconds
FUZZ = settings(
    deadline=None,  # time is asserted per input, with a generous bound, instead of hypothesis' 200 ms
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- the catalog loader ------------------------------------------------------------


def _schema_keys() -> list[str]:
    """Every key the catalog schema knows, so that fuzzed text reaches the models' checks."""
    keys: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            keys.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(models.catalog_json_schema())
    return sorted(keys)


KEYS = _schema_keys()
FRAGMENTS = [
    *[":", ": ", "-", "- ", "? ", "[", "]", "{", "}", ",", ", ", "'", '"', "|", ">", "|-", "#", "# c"],
    *["\n", "\r\n", "\r", "  ", "    ", "\t", "---\n", "...\n", "%YAML 1.1\n", "%TAG !p! tag:yaml.org,2002:python/\n"],
    *["&a ", "*a", "&b ", "*b", "<<: ", "=: ", "!tag ", "! ", "!p!name:os.system ", "!<!x> "],
    *["!!str ", "!!int ", "!!float ", "!!bool ", "!!null ", "!!seq ", "!!map ", "!!timestamp ", "!!binary "],
    *["!!set ", "!!omap ", "!!pairs ", "!!merge ", "!!python/name:os.system ", "!!python/object/apply:os.system "],
    *["\\", "\\0", "\\e", "\\x9b", "\\ud800", "\\U0001F600", "\x00", "\x1b", "\ufeff", "\x85", "\u2028"],
    *["~", "null", "true", "yes", "1", "-1", "1.5", ".nan", ".inf", "1e999", "0x1F", "0o7", "1:30", "1" * 120],
    *["2020-01-25", "2020-02-30", "prison", "containment", "critical", "all", "day", "8h", "Asia/Shanghai", "全面停止"],
]
fragment = st.one_of(
    st.sampled_from(FRAGMENTS),
    st.sampled_from(KEYS).map(lambda key: key + ": "),
    st.text(max_size=4),
)
yamlish = st.lists(fragment, max_size=60).map("".join)

FIELDS = """\
    recurrence: {every: day, times: 2}
    evidence: [note, figures]
    fields:
      - {id: temp, label: {zh: 体温, en: Temperature}, type: number, min: 34, max: 43, alert: {above: 37.3}}
      - {id: kind, label: {zh: 类型, en: Kind}, type: choice, choices: [a, b]}
"""
# A recurring measure's periods run from the unit's start: triggers and deadlines go on others.
TIMING = """\
    trigger: {event: admission, opens_after_days: 1, lasts_days: 14}
"""
VALID = (
    HEAD
    + "measures:\n"
    + MEASURE
    + "    deadline: {days: 3, after: start}\n"
    + MEASURE.replace("prison.visits", "prison.b")
    + FIELDS
    + MEASURE.replace("prison.visits", "prison.c")
    + TIMING
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid catalog with a few splices: near misses reach deep into validation."""
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        cut = draw(st.sampled_from([0, 0, 1, 2, 5, 20]))
        text = text[:position] + draw(fragment) + text[position + cut :]
    return text


@pytest.fixture(scope="module")
def catalog_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-catalog")


# pydantic's own sentences: a catalog's author reads the project's words instead
PYDANTIC = (
    "Input should",
    "should be",
    "Value error",
    "String should",
    "Field required",
    "Extra inputs",
    "should have",
)


def load_or_typed_error(path: Path) -> None:
    start = time.perf_counter()
    try:
        checked = catalogs.check(path)
    except CatalogError as exc:
        assert exc.problems
        warnings = exc.warnings
        for problem in exc.problems:
            said = problem_text(problem)
            assert str(problem.message) and said
            assert not any(words in said for words in PYDANTIC), said
            assert problem.line is None or problem.line >= 1
            assert problem.column is None or problem.column >= 1
    else:
        warnings = checked.warnings
        assert checked.catalog.measures is not None and checked.catalog.digest.startswith("sha256:")
    for warning in warnings:
        assert warning.line is not None and warning.column is not None and problem_text(warning, warning=True)
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_LIMIT, f"took {elapsed:.2f} s"


def write_catalog(folder: Path, data: bytes, with_head: bool) -> Path:
    """One file, or a folder of a valid head and the fuzzed file."""
    for old in folder.glob("*.yaml"):
        old.unlink()
    if not with_head:
        (folder / "catalog.yaml").write_bytes(data)
        return folder / "catalog.yaml"
    (folder / "00-head.yaml").write_text(HEAD, encoding="utf-8")
    (folder / "10-fuzz.yaml").write_bytes(data)
    return folder


@settings(FUZZ, max_examples=300)
@given(data=st.binary(max_size=3000), with_head=st.booleans())
def test_catalog_any_bytes(catalog_dir: Path, data: bytes, with_head: bool) -> None:
    load_or_typed_error(write_catalog(catalog_dir, data, with_head))


@settings(FUZZ, max_examples=400)
@given(text=yamlish, with_head=st.booleans())
def test_catalog_yamlish_text(catalog_dir: Path, text: str, with_head: bool) -> None:
    load_or_typed_error(write_catalog(catalog_dir, text.encode("utf-8"), with_head))


@settings(FUZZ, max_examples=400)
@given(text=mutated())
def test_catalog_near_misses(catalog_dir: Path, text: str) -> None:
    load_or_typed_error(write_catalog(catalog_dir, text.encode("utf-8"), with_head=False))


def test_the_unmutated_catalog_loads(catalog_dir: Path) -> None:
    assert [m.id for m in catalogs.load(write_catalog(catalog_dir, VALID.encode(), False)).measures] == [
        "prison.visits",
        "prison.b",
        "prison.c",
    ]


def test_a_missing_catalog_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="catalog not found"):
        catalogs.load(tmp_path / "nowhere.yaml")


# --- the record reader -------------------------------------------------------------

UNIT = "prison"
LOG = f"units/{UNIT}/records.jsonl"


def base_fields(n: int) -> dict[str, Any]:
    """A valid record's fields: the one place to adapt when the record format changes.

    Format 1 (before chaining) stays readable, and needs neither `prev` nor `seq`.
    """
    return {
        "v": 1,
        "id": f"{n + 1:032x}",
        "unit": UNIT,
        "item": "prison.visits",
        "action": "done",
        "actor": "王警官",
        "at": f"2020-01-26T09:{n % 60:02d}:00+08:00",
        "catalog": "sha256:" + "0" * 64,
    }


def valid_line(n: int) -> bytes:
    return Record.of(base_fields(n)).line()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> FileStore:
    store = FileStore.create(tmp_path_factory.mktemp("fuzz-store") / ".checklist")
    ref = CatalogRef(name="c", version="1", digest="sha256:" + "0" * 64)
    store.create_unit(Unit(id=UNIT, kind="prison", catalog=ref, started_at="2020-01-26T09:00:00+08:00", started_by="x"))
    return store


def write_log(store: FileStore, data: bytes) -> Path:
    folder = store.root / "units" / UNIT
    for derived in ("index.json", "head.json"):  # each example starts from its log alone
        (folder / derived).unlink(missing_ok=True)
    (folder / "records.jsonl").write_bytes(data)
    return folder / "records.jsonl"


def read_both(store: FileStore) -> None:
    """`records` and `index` return, or raise StoreDamaged; any other exception fails the test."""
    for read in (store.records, store.index):
        start = time.perf_counter()
        try:
            read(UNIT)
        except StoreDamaged as exc:
            assert str(exc.message).startswith(str(store.root / LOG))
        assert time.perf_counter() - start < TIME_LIMIT


@settings(FUZZ, max_examples=300)
@given(data=st.binary(max_size=3000))
def test_records_any_bytes(store: FileStore, data: bytes) -> None:
    write_log(store, data)
    read_both(store)


@settings(FUZZ, max_examples=200)
@given(
    lines=st.lists(
        st.one_of(
            st.integers(0, 50).map(valid_line),
            st.binary(max_size=200),
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
                lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                max_leaves=10,
            ).map(lambda value: json.dumps(value).encode()),
        ),
        max_size=8,
    ),
    end=st.sampled_from([b"\n", b"", b"\r\n"]),
)
def test_records_lines_of_json_and_noise(store: FileStore, lines: list[bytes], end: bytes) -> None:
    write_log(store, b"\n".join(lines) + end)
    read_both(store)


ACTIONS = set(get_args(models.Action))
REQUIRED = [name for name, field in RecordModel.model_fields.items() if field.is_required()]
NOT_TEXT = [True, 0, 1.5, [], {}, ["x"], {"a": 1}]
WRONG_TYPES: dict[str, list[Any]] = {
    **{name: [None, *NOT_TEXT] for name in ("id", "unit", "actor", "catalog") if name in REQUIRED},
    "at": [None, True, [], {}, "yesterday", "2020-01-26T09:00:00"],  # a naive time is refused too
    "action": [None, *NOT_TEXT],
    "v": [0, 3, None, [], "one"],
}


@st.composite
def damage(draw: st.DrawFn, line: bytes) -> tuple[bytes, str]:
    """One line made bad in one way, and the kind of damage (for the failure message)."""
    fields = json.loads(line)
    kind = draw(
        st.sampled_from(["wrong type", "unknown action", "other unit", "missing key", "extra key", "cut", "bad utf-8"])
    )
    if kind == "wrong type":
        name = draw(st.sampled_from(sorted(WRONG_TYPES)))
        fields[name] = draw(st.sampled_from(WRONG_TYPES[name]))
    elif kind == "unknown action":
        fields["action"] = draw(st.text(max_size=12).filter(lambda action: action not in ACTIONS))
    elif kind == "other unit":
        fields["unit"] = draw(st.text(max_size=12).filter(lambda unit: unit != UNIT))
    elif kind == "missing key":
        del fields[draw(st.sampled_from(REQUIRED))]
    elif kind == "extra key":
        name = draw(
            st.from_regex(r"[a-z_]{1,12}", fullmatch=True).filter(lambda key: key not in RecordModel.model_fields)
        )
        fields[name] = draw(st.none() | st.integers() | st.text(max_size=5))
    if kind == "cut":  # a strict prefix of a JSON object is never one
        return line[: draw(st.integers(1, len(line) - 1))], kind
    data = json.dumps(fields, ensure_ascii=False).encode()
    if kind == "bad utf-8":
        bad = draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80\x80\x80"]))
        data = data.replace(b'"actor": "', b'"actor": "' + bad, 1)
    return data, kind


@settings(FUZZ, max_examples=300)
@given(st.data())
def test_a_damaged_record_is_named_by_its_line(store: FileStore, data: st.DataObject) -> None:
    count = data.draw(st.integers(1, 6), label="records")
    lines = [valid_line(n) for n in range(count)]
    bad = data.draw(st.integers(0, count - 1), label="damaged line (0-based)")
    lines[bad], kind = data.draw(damage(lines[bad]), label="damage")
    blank_lines = data.draw(st.booleans(), label="blank line first")
    log = write_log(store, (b"\n" if blank_lines else b"") + b"\n".join(lines) + b"\n")
    number = bad + 1 + blank_lines
    for read in (store.records, store.index):
        with pytest.raises((StoreDamaged, NewerFormat)) as info:  # a record format 3 is not damage: it is newer
            read(UNIT)
        assert str(info.value.message).startswith(f"{log}:{number}: "), (kind, str(info.value.message))


def test_the_undamaged_log_reads(store: FileStore) -> None:
    write_log(store, b"".join(valid_line(n) + b"\n" for n in range(6)))
    assert [r.id for r in store.records(UNIT)] == [f"{n + 1:032x}" for n in range(6)]
    assert store.index(UNIT).count == 6
