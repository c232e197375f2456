"""Hostile catalog YAML: each input loads, or fails with a clear, located problem, in bounded time.

Every test times the load with `time.perf_counter()` (no sleeping) and asserts it stays under
TIME_LIMIT; the billion-laughs tests also bound the memory with tracemalloc. Most tests run
with both parsers: libyaml (C, what ships) and PyYAML's pure-Python one (the fallback).
"""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml

from checklist.core import catalog as catalogs
from checklist.core import yamlfile
from checklist.core.errors import CatalogError, Problem
from checklist.core.models import Catalog
from checklist.present.messages import problem_text

from .test_catalog import HEAD, MEASURE, write

TIME_LIMIT = 2.0  # seconds; every load below takes a small fraction of it
MIB = 1024 * 1024
DEEP = f"YAML nests more than {yamlfile.MAX_DEPTH} levels deep"
EXPANDS = f"YAML expands to more than {yamlfile.MAX_VALUES:,} values (anchors/aliases used too heavily)"
HOLDS = f"YAML holds more than {yamlfile.MAX_VALUES:,} values"
NOT_ALLOWED = "is not allowed (a catalog holds only text, numbers, true/false, null, lists and mappings)"
MEASURES_LINE = HEAD.count("\n") + 1  # the line of `measures:` after HEAD


@pytest.fixture(params=["libyaml", "python"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test with libyaml, then with PyYAML's pure-Python parser."""
    if request.param == "libyaml" and not yamlfile._in_c():
        pytest.skip("PyYAML was built without libyaml")
    if request.param == "python":
        monkeypatch.setattr(yamlfile, "_Loader", yamlfile._make_loader(yaml.SafeLoader))
    return str(request.param)


@pytest.fixture
def libyaml() -> None:
    """For the tests at the scale of MAX_BYTES: libyaml only (the pure-Python parser is some
    20 times slower there: bounded too, but by seconds)."""
    if not yamlfile._in_c():
        pytest.skip("PyYAML was built without libyaml")


def timed_problems(path: Path, limit: float = TIME_LIMIT) -> list[Problem]:
    start = time.perf_counter()
    with pytest.raises(CatalogError) as info:
        catalogs.load(path)
    elapsed = time.perf_counter() - start
    assert elapsed < limit, f"took {elapsed:.2f} s"
    for problem in info.value.problems:
        assert str(problem.message) and problem_text(problem).startswith(str(path))
    return info.value.problems


def timed_load(path: Path) -> Catalog:
    start = time.perf_counter()
    catalog = catalogs.load(path)
    elapsed = time.perf_counter() - start
    assert elapsed < TIME_LIMIT, f"took {elapsed:.2f} s"
    return catalog


def one_problem(path: Path, limit: float = TIME_LIMIT) -> Problem:
    problems = timed_problems(path, limit)
    assert len(problems) == 1, problems
    return problems[0]


def laughs(levels: int = 9, width: int = 10, indent: str = "  ") -> str:
    """The "billion laughs": each anchor refers `width` times to the one before."""
    lines = [f"{indent}l0: &l0 [lol]"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"{indent}l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def bounded_memory() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
        assert peak < 20 * MIB, f"peak {peak / MIB:.1f} MiB"
    finally:
        tracemalloc.stop()


def test_libyaml_is_used_when_available() -> None:
    assert yamlfile._in_c() == bool(yaml.__with_libyaml__)
    if yaml.__with_libyaml__:
        assert issubclass(yamlfile._Loader, yaml.CSafeLoader)


class TestAliases:
    @pytest.mark.parametrize(
        "use",
        [
            "measures: *l9\n",
            "measures:\n" + MEASURE.replace("quote: 全面停止罪犯接见。", "quote: *l9"),
            "y:\n  ? *l9\n  : 1\nmeasures: []\n",
            "measures: []\n",  # defined only: the anchors alone expand
        ],
        ids=["as-measures", "as-a-quote", "as-a-key", "unused"],
    )
    def test_billion_laughs_is_refused_in_bounded_time_and_memory(
        self, tmp_path: Path, parser: str, bounded_memory: None, use: str
    ) -> None:
        problem = one_problem(write(tmp_path, HEAD + "x:\n" + laughs() + use))
        assert str(problem.message) == EXPANDS
        # l5 is the first anchor past the limit: 1 + 10 * (1 + 10 * (…)) values
        assert (problem.line, problem.column) == (MEASURES_LINE + 6, 7)

    def test_billion_laughs_in_a_long_file_is_refused(self, tmp_path: Path, parser: str) -> None:
        padding = "# " + "x" * (yamlfile.SCAN_ABOVE + 10) + "\n"  # long enough for the pre-scan
        problem = one_problem(write(tmp_path, padding + HEAD + "x:\n" + laughs() + "measures: []\n"))
        assert str(problem.message) == EXPANDS and problem.line == MEASURES_LINE + 7

    def test_a_flat_flood_of_aliases_stops_at_the_limit(self, tmp_path: Path, libyaml: None) -> None:
        flood = "x: [" + "*a, " * (yamlfile.MAX_VALUES + 10) + "*a]\n"
        problem = one_problem(write(tmp_path, HEAD + "a: &a 1\n" + flood + "measures: []\n"))
        assert str(problem.message) == EXPANDS and problem.line == MEASURES_LINE + 1

    def test_moderate_anchors_still_load(self, tmp_path: Path, parser: str) -> None:
        anchored = MEASURE.replace(
            "issuer: {zh: 监狱管理局, en: Prison administration}",
            "issuer: &pa {zh: 监狱管理局, en: Prison administration}",
        )
        second = MEASURE.replace("prison.visits", "prison.b").replace(
            "issuer: {zh: 监狱管理局, en: Prison administration}", "issuer: *pa"
        )
        catalog = timed_load(write(tmp_path, HEAD + "measures:\n" + anchored + second))
        assert catalog.measures[1].source.issuer.en == "Prison administration"

    def test_a_recursive_alias_is_refused(self, tmp_path: Path, parser: str) -> None:
        problem = one_problem(write(tmp_path, HEAD + "measures: &m [prison, *m]\n"))
        assert "alias refers to a collection that contains it" in str(problem.message)
        assert (problem.line, problem.column) == (MEASURES_LINE, 11)

    def test_a_chain_of_aliases_counts_as_nesting(self, tmp_path: Path, parser: str) -> None:
        chain = "".join(f"  - &a{i} [{f'*a{i - 1}' if i else 'x'}]\n" for i in range(300))
        problem = one_problem(write(tmp_path, HEAD + "x:\n" + chain + "measures: []\n"))
        assert str(problem.message) == DEEP and problem.line is not None and problem.line > MEASURES_LINE


def nested(shape: str, depth: int) -> str:
    if shape == "flow-seq":
        return "measures: " + "[" * depth + "]" * depth + "\n"
    if shape == "flow-map":
        return "measures: " + "{a: " * depth + "1" + "}" * depth + "\n"
    if shape == "block-map":
        return "x:\n" + "".join(" " * (level + 2) + "a:\n" for level in range(depth)) + "measures: []\n"
    if shape == "block-seq":
        return "x:\n" + "".join(" " * (2 * level + 2) + "-\n" for level in range(depth)) + "measures: []\n"
    assert shape == "compact-seq"
    return "measures:\n  " + "- " * depth + "1\n"


SHAPES = ["flow-seq", "flow-map", "block-map", "block-seq", "compact-seq"]


class TestNesting:
    @pytest.mark.parametrize(
        ("shape", "depth"),
        # past MAX_DEPTH, past libyaml's own limit (1,000), and far past (where indentation,
        # which grows quadratically, allows it)
        [
            (shape, depth)
            for shape in SHAPES
            for depth in (150, 1_500, 100_000)
            if depth < 2_000 or "block" not in shape
        ],
    )
    def test_deep_nesting_is_a_located_problem(self, tmp_path: Path, parser: str, shape: str, depth: int) -> None:
        problem = one_problem(write(tmp_path, HEAD + nested(shape, depth)))
        assert str(problem.message) == DEEP
        assert problem.line is not None and problem.line >= MEASURES_LINE and problem.column is not None

    @pytest.mark.parametrize("shape", SHAPES)
    def test_old_libyaml_without_a_nesting_limit_is_guarded_too(
        self, tmp_path: Path, libyaml: None, monkeypatch: pytest.MonkeyPatch, shape: str
    ) -> None:
        # libyaml before 0.2.6 composes recursively in C, without limit: the pre-scan stops first
        monkeypatch.setattr(yamlfile, "_LIBYAML_LIMITS_NESTING", False)
        problem = one_problem(write(tmp_path, HEAD + nested(shape, 100_000 if "flow" in shape else 1_000)))
        assert str(problem.message) == DEEP and problem.line is not None and problem.line >= MEASURES_LINE

    def test_the_limit_is_exact(self, tmp_path: Path, parser: str) -> None:
        # the root mapping is level 1, so 99 brackets make 100 levels and 100 make 101
        at_limit = "x: " + "[" * 99 + "]" * 99 + "\nmeasures: []\n"
        (problem,) = timed_problems(write(tmp_path, HEAD + at_limit, "a.yaml"))
        assert "unknown key" in str(problem.message) and problem.field == "x"
        over = "x: " + "[" * 100 + "]" * 100 + "\nmeasures: []\n"
        problem = one_problem(write(tmp_path, HEAD + over, "b.yaml"))
        assert str(problem.message) == DEEP and (problem.line, problem.column) == (MEASURES_LINE, 103)

    def test_no_crash_in_a_fresh_process(self, tmp_path: Path) -> None:
        """A C stack overflow would kill the interpreter, not raise: load in a child process."""
        for shape in SHAPES:
            write(
                tmp_path,
                HEAD + nested(shape, 100_000 if shape in ("flow-seq", "flow-map", "compact-seq") else 1_000),
                f"{shape}.yaml",
            )
        script = (
            "import sys, yaml\n"
            "from pathlib import Path\n"
            "from checklist.core import yamlfile\n"
            "from checklist.present import messages\n"
            "for variant in ('default', 'python', 'old-libyaml'):\n"
            "    if variant == 'python':\n"
            "        yamlfile._Loader = yamlfile._make_loader(yaml.SafeLoader)\n"
            "    if variant == 'old-libyaml' and yamlfile.yaml.__with_libyaml__:\n"
            "        yamlfile._Loader = yamlfile._make_loader(yaml.CSafeLoader)\n"
            "        yamlfile._LIBYAML_LIMITS_NESTING = False\n"
            "    for path in sorted(Path(sys.argv[1]).glob('*.yaml')):\n"
            "        try:\n"
            "            yamlfile.read_yaml(path)\n"
            "        except yamlfile.YamlProblem as exc:\n"
            "            print(variant, path.stem, str(exc.problem.message))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60, check=False
        )
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert len(lines) == 3 * len(SHAPES) and all(line.endswith(DEEP) for line in lines), lines


class TestSize:
    def test_a_file_over_8_mib_is_refused_unread(self, tmp_path: Path, parser: str) -> None:
        path = write(tmp_path, b"# " + b"x" * (9 * MIB))
        problem = one_problem(path)
        assert str(problem.message) == "file is larger than 8 MiB"

    def test_8_mib_of_tiny_values_stops_at_the_value_limit(self, tmp_path: Path, libyaml: None) -> None:
        text = "{" + "a," * (yamlfile.MAX_BYTES // 2 - 8) + "a}\n"  # 4 million keys: gigabytes if composed
        problem = one_problem(write(tmp_path, text))
        assert str(problem.message) == HOLDS and problem.line == 1

    def test_a_long_flow_list_stops_at_the_value_limit(self, tmp_path: Path, libyaml: None) -> None:
        text = HEAD + "measures: [" + "1," * (yamlfile.MAX_VALUES + 10) + "1]\n"
        problem = one_problem(write(tmp_path, text))
        assert str(problem.message) == HOLDS and problem.line == MEASURES_LINE

    @pytest.mark.parametrize("form", ["flow", "block"])
    def test_the_value_limit_holds_with_either_parser(
        self, tmp_path: Path, parser: str, monkeypatch: pytest.MonkeyPatch, form: str
    ) -> None:
        monkeypatch.setattr(yamlfile, "MAX_VALUES", 1_000)  # the same code paths, at a scale quick in pure Python
        values = "[" + "1, " * 1_000 + "1]\n" if form == "flow" else "\n" + "  - 1\n" * 1_001
        problem = one_problem(write(tmp_path, HEAD + "measures: " + values))
        assert str(problem.message) == "YAML holds more than 1,000 values" and problem.line is not None

    def test_8_mib_of_comment_is_read_quickly(self, tmp_path: Path, libyaml: None) -> None:
        text = "# " + "x" * (yamlfile.MAX_BYTES - 3) + "\n"
        problem = one_problem(write(tmp_path, text))
        assert str(problem.message) == "file holds no YAML value (only comments)"

    def test_many_problems_are_located_in_linear_time(self, tmp_path: Path, parser: str) -> None:
        from checklist.core.catalog import MAX_PROBLEMS

        count = 5_000
        problems = timed_problems(write(tmp_path, HEAD + "measures: [" + "1, " * count + "1]\n"))
        assert len(problems) == MAX_PROBLEMS + 1  # validation stops after that many, and says so
        assert (
            str(problems[-1].message)
            == f"stopped after {MAX_PROBLEMS} problems; {count + 1 - MAX_PROBLEMS} more measures not checked"
        )
        assert [(p.line, p.column) for p in problems[:2]] == [(MEASURES_LINE, 12), (MEASURES_LINE, 15)]

    def test_many_unknown_keys_are_located_in_linear_time(self, tmp_path: Path, parser: str) -> None:
        count = 5_000
        keys = "".join(f"k{i}: 1\n" for i in range(count))
        problems = timed_problems(write(tmp_path, HEAD + keys + "measures: []\n"))
        assert len(problems) == count and problems[-1].line == MEASURES_LINE + count - 1

    def test_an_endless_device_is_not_read(self) -> None:
        device = Path("/dev/zero")
        if not device.exists():
            pytest.skip("no /dev/zero here")
        problem = one_problem(device)
        assert str(problem.message) == "not a regular file"


def in_measure(old: str, new: str) -> str:
    assert old in MEASURE
    return HEAD + "measures:\n" + MEASURE.replace(old, new)


class TestTags:
    @pytest.mark.parametrize(
        ("text", "tag", "where"),
        [
            ("measures: !!python/object/apply:os.system ['touch {marker}']\n", "!!python/object/apply:os.system", 11),
            ("measures: !!python/object/new:os.system ['touch {marker}']\n", "!!python/object/new:os.system", 11),
            ("measures: !!python/name:os.system\n", "!!python/name:os.system", 11),
            ("measures: !!python/module:os\n", "!!python/module:os", 11),
            ("measures: !<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']\n", None, 11),
            ("measures: !foo []\n", "!foo", 11),
            ("measures: !<!bar> []\n", "!bar", 11),
            ("measures: !!merge []\n", "!!merge", 11),
            ("measures: !!yaml []\n", "!!yaml", 11),
        ],
    )
    def test_no_tag_constructs_an_object_or_runs_code(
        self, tmp_path: Path, parser: str, text: str, tag: str | None, where: int
    ) -> None:
        marker = tmp_path / "hacked"
        problem = one_problem(write(tmp_path, HEAD + text.format(marker=marker)))
        assert str(problem.message).startswith("invalid YAML: tag ") and str(problem.message).endswith(NOT_ALLOWED)
        assert tag is None or f" {tag} " in str(problem.message)
        assert (problem.line, problem.column) == (where, 11)
        assert not marker.exists()

    def test_a_tag_directive_cannot_reach_python_tags(self, tmp_path: Path, parser: str) -> None:
        marker = tmp_path / "hacked"
        text = (
            "%TAG !p! tag:yaml.org,2002:python/\n---\n"
            + HEAD
            + f"measures: !p!object/apply:os.system ['touch {marker}']\n"
        )
        problem = one_problem(write(tmp_path, text))
        assert "tag !!python/object/apply:os.system is not allowed" in str(problem.message)
        assert (problem.line, problem.column) == (MEASURES_LINE + 2, 11)
        assert not marker.exists()

    @pytest.mark.parametrize(
        ("old", "new", "tag", "where"),
        [
            ("quote: 全面停止罪犯接见。", "quote: !!binary 5YWo6Z2i5YGc5q2i572q54qv5o6l6KeB44CC", "!!binary", (20, 14)),
            ("applies_to: [prison]", "applies_to: !!set {prison}", "!!set", (14, 17)),
            ("applies_to: [prison]", "applies_to: !!omap [prison: 1]", "!!omap", (14, 17)),
            ("applies_to: [prison]", "applies_to: !!pairs [prison: 1]", "!!pairs", (14, 17)),
        ],
    )
    def test_other_yaml_types_are_refused_where_they_stand(
        self, tmp_path: Path, parser: str, *, old: str, new: str, tag: str, where: tuple[int, int]
    ) -> None:
        problem = one_problem(write(tmp_path, in_measure(old, new)))
        assert str(problem.message) == f"invalid YAML: tag {tag} {NOT_ALLOWED}"
        assert (problem.line, problem.column) == where

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("date: 2020-01-25", "date: !!timestamp 2020-01-25"),
            ('version: "1"', "version: !!str 1"),
            ("applies_to: [prison]", "applies_to: !!seq [! prison]"),
            ("title: {zh: 停止接见, en: Stop visits}", "title: !!map {zh: !!str 停止接见, en: Stop visits}"),
            ("section: containment", "section: containment\n    detail: !!null"),
        ],
    )
    def test_plain_data_tags_load(self, tmp_path: Path, parser: str, old: str, new: str) -> None:
        text = HEAD.replace(old, new) + "measures:\n" + MEASURE if old in HEAD else in_measure(old, new)
        catalog = timed_load(write(tmp_path, text))
        (measure,) = catalog.measures
        assert measure.source.date == date(2020, 1, 25) and catalog.meta.version == "1"
        assert measure.applies_to == ["prison"] and measure.title.zh == "停止接见" and measure.detail is None

    @pytest.mark.parametrize("value", ["!!timestamp 2020-02-30", "!!timestamp garbage", "!!timestamp 2020-01-25T25:00"])
    def test_a_bad_explicit_timestamp_is_a_field_problem(self, tmp_path: Path, parser: str, value: str) -> None:
        problem = one_problem(write(tmp_path, in_measure("date: 2020-01-25", f"date: {value}")))
        assert (problem.field, problem.line, problem.column) == ("source.date", 19, 13)

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("!!int abc", "'abc' is not an integer"),
            ("!!int 0x", "'0x' is not an integer"),
            ("!!int", "'' is not an integer"),
            ("!!float", "'' is not a number"),
            ("!!bool", "'' is not true or false"),
            ("!!float abc", "'abc' is not a number"),
            ("!!bool maybe", "'maybe' is not true or false"),
            ("1" * 5_000, "is too long for an integer (at most 100 characters)"),
            ("1" + ":1" * 500_000, "is too long for an integer (at most 100 characters)"),  # base 60
            ("!!str {a: 1}", "expected a scalar node, but found mapping"),
            ("!!int [1]", "expected a scalar node, but found sequence"),
            ("!!map text", "expected a mapping node, but found scalar"),
            ("!!seq text", "expected a sequence node, but found scalar"),
        ],
    )
    def test_a_scalar_that_does_not_fit_its_tag_is_located(
        self, tmp_path: Path, parser: str, value: str, message: str
    ) -> None:
        problem = one_problem(write(tmp_path, HEAD + f"measures: []\nx: {value}\n"))
        assert str(problem.message).startswith("invalid YAML: ") and message in str(problem.message)
        assert (problem.line, problem.column) == (MEASURES_LINE + 1, 4)

    def test_a_merge_key_is_a_plain_unknown_key(self, tmp_path: Path, parser: str) -> None:
        text = in_measure("title: {zh: 停止接见, en: Stop visits}", "<<: {title: {zh: 停止接见, en: Stop visits}}")
        problems = timed_problems(write(tmp_path, text))
        assert sorted((p.field, p.line) for p in problems) == [("<<", 13), ("title", 12)]


class TestText:
    def test_utf16_is_not_utf8(self, tmp_path: Path, parser: str) -> None:
        problem = one_problem(write(tmp_path, (HEAD + "measures: []\n").encode("utf-16")))
        assert (str(problem.message), problem.line, problem.column) == ("file is not valid UTF-8", 1, 1)

    def test_a_bad_byte_is_located_by_character(self, tmp_path: Path, parser: str) -> None:
        text = HEAD.encode() + "measures: []\nx: 全面".encode() + b"\xff\n"
        problem = one_problem(write(tmp_path, text))
        assert (str(problem.message), problem.line, problem.column) == ("file is not valid UTF-8", MEASURES_LINE + 1, 6)

    def test_a_bad_byte_after_a_byte_order_mark(self, tmp_path: Path, parser: str) -> None:
        problem = one_problem(write(tmp_path, b"\xef\xbb\xbfx: \xc3\n"))
        assert (str(problem.message), problem.line, problem.column) == ("file is not valid UTF-8", 1, 4)

    def test_bom_and_crlf_keep_positions(self, tmp_path: Path, parser: str) -> None:
        text = "\ufeff" + in_measure("priority: critical", "priority: urgent").replace("\n", "\r\n")
        problem = one_problem(write(tmp_path, text))
        assert (problem.field, problem.line, problem.column) == ("priority", 16, 15)

    def test_old_mac_line_ends_load(self, tmp_path: Path, parser: str) -> None:
        catalog = timed_load(write(tmp_path, (HEAD + "measures:\n" + MEASURE).replace("\n", "\r")))
        assert catalog.measures[0].id == "prison.visits"

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "file is empty"),
            ("  \n\n   \n", "file is empty"),
            ("\ufeff", "file is empty"),
            ("# only a comment\n# and another\n", "file holds no YAML value (only comments)"),
            ("--- # an empty document\n...\n", "a measure file must be a mapping with 'measures' (and/or 'catalog')"),
            ("- a\n- b\n", "a measure file must be a mapping with 'measures' (and/or 'catalog')"),
            ("just text\n", "a measure file must be a mapping with 'measures' (and/or 'catalog')"),
            ("~\n", "a measure file must be a mapping with 'measures' (and/or 'catalog')"),
            ("catalog\n", "a measure file must be a mapping with 'measures' (and/or 'catalog')"),
        ],
    )
    def test_files_without_a_mapping(self, tmp_path: Path, parser: str, text: str, message: str) -> None:
        problem = one_problem(write(tmp_path, text))
        assert (str(problem.message), problem.line, problem.column) == (message, 1, 1)

    def test_duplicate_keys_in_a_flow_mapping(self, tmp_path: Path, parser: str) -> None:
        problem = one_problem(write(tmp_path, in_measure("en: Stop visits", "zh: Stop visits")))
        assert "duplicate key 'zh' (first at line 13)" in str(problem.message) and problem.line == 13

    def test_duplicate_top_level_keys(self, tmp_path: Path, parser: str) -> None:
        problem = one_problem(write(tmp_path, HEAD + "measures: []\nmeasures: []\n"))
        assert "duplicate key 'measures'" in str(problem.message) and problem.line == MEASURES_LINE + 1

    def test_two_documents(self, tmp_path: Path, parser: str) -> None:
        problem = one_problem(write(tmp_path, HEAD + "measures: []\n---\nmeasures: []\n"))
        assert "expected a single document" in str(problem.message) and problem.line == MEASURES_LINE + 1

    def test_tab_indentation(self, tmp_path: Path, parser: str) -> None:
        problem = one_problem(write(tmp_path, HEAD + "measures:\n\t- x\n"))
        assert str(problem.message).startswith("invalid YAML: ") and problem.line == MEASURES_LINE + 1

    @pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x9b", "\ufffe"])
    def test_a_raw_forbidden_character_is_located_by_character(self, tmp_path: Path, parser: str, char: str) -> None:
        text = in_measure("quote: 全面停止罪犯接见。", f"quote: 全面停止{char}罪犯接见。")
        problem = one_problem(write(tmp_path, text))
        assert str(problem.message) == f"invalid YAML: character U+{ord(char):04X} is not allowed in a YAML file"
        assert (problem.line, problem.column) == (20, len("      quote: 全面停止") + 1)

    @pytest.mark.parametrize(("escape", "code"), [("\\0", 0), ("\\e", 0x1B), ("\\x9b", 0x9B), ("\\a", 7)])
    def test_an_escaped_control_character_is_located(self, tmp_path: Path, parser: str, escape: str, code: int) -> None:
        problem = one_problem(write(tmp_path, in_measure("quote: 全面停止罪犯接见。", f'quote: "全面{escape}停止"')))
        assert str(problem.message) == f"invalid YAML: the value holds a control character (U+{code:04X})"
        assert (problem.line, problem.column) == (20, 14)

    def test_an_escaped_control_character_in_a_key_is_located(self, tmp_path: Path, parser: str) -> None:
        problem = one_problem(write(tmp_path, HEAD + 'measures: []\n"x\\0y": 1\n'))
        assert "control character (U+0000)" in str(problem.message) and problem.line == MEASURES_LINE + 1

    def test_tabs_and_newlines_in_escapes_are_fine(self, tmp_path: Path, parser: str) -> None:
        catalog = timed_load(
            write(tmp_path, in_measure("quote: 全面停止罪犯接见。", 'quote: "全面停止\\t罪犯\\n接见。\\\\"'))
        )
        assert catalog.measures[0].source.quote == "全面停止\t罪犯\n接见。\\"

    def test_a_lone_surrogate_escape_is_located(self, tmp_path: Path, parser: str) -> None:
        problem = one_problem(write(tmp_path, in_measure("quote: 全面停止罪犯接见。", 'quote: "\\ud800"')))
        assert str(problem.message).startswith("invalid YAML: ") and problem.line == 20
        if parser == "python":  # libyaml refuses the escape itself, pointing inside the string
            assert str(problem.message) == "invalid YAML: the value holds a lone surrogate (U+D800)"
