"""Reading YAML safely, and finding where in a file a value stands.

Only the safe loader is used (C-accelerated when PyYAML was built with libyaml), so no tag
can construct a Python object. Duplicate keys are an error instead of a silent overwrite.
Positions are looked up only when there is a problem to report: the fast path never
builds a position map.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

try:
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # PyYAML without libyaml
    _BaseLoader = yaml.SafeLoader

MAX_BYTES = 8 * 1024 * 1024


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # unhashable key: let the base class report it
                break
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"duplicate key {key!r} (first at line {first.start_mark.line + 1})",
                    key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)
# Dates stay strings, so that the models parse them and a bad one is located like any other error.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


@dataclass
class YamlDoc:
    """A parsed YAML file: its data, and its text for locating values on demand."""

    path: Path
    text: str
    data: Any

    def locate(self, loc: Sequence[str | int]) -> tuple[int, int]:
        """Line and column (1-based) of the value at `loc`, or of its deepest existing parent."""
        node = yaml.compose(self.text, Loader=_Loader)
        mark = node.start_mark if node is not None else None
        for step in loc:
            child = _child(node, step)
            if child is None:
                continue  # a pydantic union tag, or a missing key: stay on the parent
            node = child
            mark = node.start_mark
        return (mark.line + 1, mark.column + 1) if mark else (1, 1)


def _child(node: yaml.Node | None, step: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode) and isinstance(step, str):
        for key_node, value_node in node.value:
            if key_node.value == step:
                return value_node  # type: ignore[no-any-return]
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        return node.value[step]  # type: ignore[no-any-return]
    return None


class YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.render())
        self.problem = problem


def read_yaml(path: Path) -> YamlDoc:
    """Read and parse one YAML file; any failure is a YamlProblem naming file, line and column."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(Problem(name, f"cannot read file: {exc.strerror or exc}")) from exc
    if len(raw) > MAX_BYTES:
        raise YamlProblem(Problem(name, f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlProblem(Problem(name, "file is not valid UTF-8", line, column)) from exc
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(filter(None, [exc.context, exc.problem]))
        located = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise YamlProblem(Problem(name, f"invalid YAML: {message}", *located)) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(name, f"invalid YAML: {exc}")) from exc
    except RecursionError as exc:
        raise YamlProblem(Problem(name, "YAML nested too deeply")) from exc
    if data is None:
        raise YamlProblem(Problem(name, "file is empty", 1, 1))
    return YamlDoc(path, text, data)
