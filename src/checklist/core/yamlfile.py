"""Reading YAML safely, and finding where in a file a value stands.

Only the safe loader is used (C-accelerated when PyYAML was built with libyaml), and a catalog
is treated as untrusted input: reading one is bounded in time and memory, and every failure is
a YamlProblem naming file, line and column.

- The file must be a regular file of at most MAX_BYTES, in UTF-8 (a byte-order mark is allowed).
- The document is composed into nodes once, and the nodes are checked before any value is
  built from them: at most MAX_VALUES values once every alias is expanded (the "billion laughs"
  are refused before they expand), at most MAX_DEPTH levels of nesting, no recursive alias,
  and only the tags of plain data: text, numbers, true/false, null, lists and mappings.
  A text longer than SCAN_ABOVE is first counted from libyaml's event stream, which stops at
  the limits before a single node is built.
- Values hold no control characters and no lone surrogates (both could only come from escapes).
- Duplicate keys are an error instead of a silent overwrite. Dates stay text (the models parse
  them, and locate a bad one), and so do `<<` and `=` keys, which the models then refuse.

Positions are looked up only when there is a problem to report: the fast path keeps no nodes,
and the first lookup composes the (already checked) text again, once, so that locating many
problems stays linear.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Message, Problem, message

try:
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # PyYAML without libyaml
    _BaseLoader = yaml.SafeLoader

MAX_BYTES = 8 * 1024 * 1024
# Limits per file. The bundled catalog holds about 2,500 values in nine files (613 in the
# largest) and nests 7 levels deep: the limits leave a margin of 300 and 14 times, yet keep
# a hostile file to a fraction of a second and tens of MB (8 MiB of `{a,a,…}` would be 8
# million nodes: 40 s and 2.6 GB to compose, and more to build).
MAX_VALUES = 200_000
MAX_DEPTH = 100
MAX_INT_CHARS = 100  # no catalog needs more, and `1:2:3:…` (base 60) costs quadratic time to build
# At most this long, a text composes in about 0.1 s whatever it holds (measured: 32 K nodes
# at worst), so it is composed directly; a longer one is first pre-scanned.
SCAN_ABOVE = 32 * 1024  # characters

_YAML = "tag:yaml.org,2002:"
_DATA_TAGS = frozenset(_YAML + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp"))
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")


class _Limit(Exception):
    """The document breaks one of the rules above; `mark` (PyYAML's or libyaml's) is where."""

    def __init__(self, problem: Message, mark: Any) -> None:
        super().__init__(str(problem))
        self.problem = problem
        self.mark = mark


def _make_loader(base: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    """The safe loader on `base`, with duplicate keys refused and the limits enforced."""

    class Loader(base):  # type: ignore[misc, valid-type]
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self._depth = 0
            self._values = 0
            self._aliases = False

        def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
            # Used by the pure-Python composer only (libyaml composes in C): it recurses once per
            # level, so the depth is bounded here, before Python's recursion limit is reached.
            self._values += 1
            self._depth += 1
            self._aliases = self._aliases or self.check_event(yaml.AliasEvent)
            try:
                if self._depth > MAX_DEPTH:
                    raise _Limit(_too_deep(), self.peek_event().start_mark)
                if self._values > MAX_VALUES:
                    raise _Limit(_too_many(expanded=self._aliases), self.peek_event().start_mark)
                return super().compose_node(parent, index)  # type: ignore[no-any-return]
            finally:
                self._depth -= 1

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            if not isinstance(node, yaml.MappingNode):  # e.g. `!!map text`: the base class reports it
                return super().construct_mapping(node, deep=deep)
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # unhashable key: let the base class report it
                    break
                if first is not None:
                    duplicate = message("yaml.duplicate_key", key=key, first=first.start_mark.line + 1)
                    raise _Limit(duplicate, key_node.start_mark)
                seen[key] = key_node
            return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]

    Loader.add_constructor(_YAML + "map", Loader.construct_yaml_map)
    integer = _checked(Loader.construct_yaml_int, "yaml.not_integer", "yaml.integer_too_long", MAX_INT_CHARS)
    Loader.add_constructor(_YAML + "int", integer)
    Loader.add_constructor(_YAML + "float", _checked(Loader.construct_yaml_float, "yaml.not_number"))
    Loader.add_constructor(_YAML + "bool", _checked(Loader.construct_yaml_bool, "yaml.not_boolean"))
    # An explicit `!!timestamp` stays text too: the models parse dates and locate a bad one.
    Loader.add_constructor(_YAML + "timestamp", Loader.construct_yaml_str)
    # Dates stay strings, so that the models parse them and a bad one is located like any other
    # error; `<<` (merge) and `=` (value) keys stay plain keys, which the models then refuse.
    # Booleans are YAML 1.2's, true and false only: YAML 1.1's yes, no, on and off stay text,
    # so `choices: [yes, no]` means two words (a bool field still reads "no" as false).
    dropped = {_YAML + "timestamp", _YAML + "merge", _YAML + "value", _YAML + "bool"}
    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in dropped]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    Loader.add_implicit_resolver(_YAML + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    return Loader


def _checked(
    construct: Callable[[Any, yaml.ScalarNode], Any], not_code: str, long_code: str = "", max_chars: int = 0
) -> Callable[[Any, yaml.Node], Any]:
    """A scalar constructor whose failures (ValueError, KeyError, IndexError for `!!int ''`…)
    become located problems: `not_code` when the text is not of the type, `long_code` when
    it is longer than `max_chars`."""

    def checked(loader: Any, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return construct(loader, node)  # type: ignore[arg-type]  # reports "expected a scalar node"
        if max_chars and len(node.value) > max_chars:
            raise _Limit(message(long_code, value=_short(node.value), max=max_chars), node.start_mark)
        try:
            return construct(loader, node)
        except (ValueError, KeyError, IndexError, TypeError, AttributeError, ArithmeticError) as exc:
            raise _Limit(message(not_code, value=_short(node.value)), node.start_mark) from exc

    return checked


def _short(value: str, size: int = 30) -> str:
    return repr(value if len(value) <= size else value[:size] + "…")


_Loader = _make_loader(_BaseLoader)


def _libyaml_limits_nesting() -> bool:
    """libyaml 0.2.6 refuses more than 1,000 levels while parsing; older ones recurse in C when
    composing, without limit, and would overflow the C stack on a deeply nested document."""
    parser_class = getattr(yaml, "CSafeLoader", None)
    if parser_class is None:
        return False
    parser = parser_class("[" * 1001 + "]" * 1001)
    try:
        parser.raw_parse()  # parses without building anything
    except yaml.YAMLError:
        return True
    except AttributeError:  # no raw_parse: assume the worst, and pre-scan every text
        return False
    finally:
        parser.dispose()
    return False


_LIBYAML_LIMITS_NESTING = _libyaml_limits_nesting()


@dataclass
class YamlDoc:
    """A parsed YAML file: its data, and its text for locating values on demand."""

    path: Path
    text: str
    data: Any
    _node: yaml.Node | None = field(default=None, init=False, repr=False, compare=False)
    _keys: dict[int, dict[Any, yaml.Node]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def locate(self, loc: Sequence[str | int]) -> tuple[int, int]:
        """Line and column (1-based) of the value at `loc`, or of its deepest existing parent."""
        if self._node is None:
            self._node = yaml.compose(self.text, Loader=_Loader)
        node = self._node
        mark = node.start_mark if node is not None else None
        for step in loc:
            child = self._child(node, step)
            if child is None:
                continue  # a pydantic union tag, or a missing key: stay on the parent
            node = child
            mark = node.start_mark
        return (mark.line + 1, mark.column + 1) if mark else (1, 1)

    def unquoted_comma(self, loc: Sequence[str | int]) -> tuple[str, str, list[str]] | None:
        """Whether the key at `loc`, which no model has, is the end of a text that an unquoted
        comma cut short: in a flow mapping, `{zh: 清洁, en: cleaning, dayrooms}` reads as the
        keys zh, en and `dayrooms` (with no value). If so: the key of the text cut short, the
        text as meant ("cleaning, dayrooms") and the words read as keys."""
        mapping = self._at(loc[:-1])
        if not (isinstance(mapping, yaml.MappingNode) and mapping.flow_style):
            return None
        pairs = mapping.value
        bare = [_bare(key) and _empty(value) for key, value in pairs]
        at = next((i for i, (key, _) in enumerate(pairs) if bare[i] and key.value == loc[-1]), None)
        if at is None:
            return None
        start, end = at, at + 1
        while start > 0 and bare[start - 1]:
            start -= 1
        while end < len(pairs) and bare[end]:
            end += 1
        if start == 0:
            return None
        key, value = pairs[start - 1]
        if not (isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode)) or _empty(value):
            return None
        words = [word.value for word, _ in pairs[start:end]]
        return key.value, ", ".join([value.value, *words]), words

    def _at(self, loc: Sequence[str | int]) -> yaml.Node | None:
        """The node at `loc`, or None if there is none."""
        if self._node is None:
            self._node = yaml.compose(self.text, Loader=_Loader)
        node = self._node
        for step in loc:
            node = self._child(node, step)
        return node

    def _child(self, node: yaml.Node | None, step: str | int) -> yaml.Node | None:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            keys = self._keys.get(id(node))
            if keys is None:  # indexed once, so that locating many problems stays linear
                keys = {}
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        keys.setdefault(key_node.value, value_node)
                self._keys[id(node)] = keys
            return keys.get(step)
        if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            return node.value[step]  # type: ignore[no-any-return]
        return None


def _bare(node: yaml.Node) -> bool:
    """A plain word, as an unquoted text cut at a comma leaves."""
    return isinstance(node, yaml.ScalarNode) and not node.style  # None in PyYAML, "" in libyaml


def _empty(node: yaml.Node) -> bool:
    """No value written: what YAML gives a key that stands alone (`{a: b, c}`)."""
    return isinstance(node, yaml.ScalarNode) and node.tag == _YAML + "null" and node.value == ""


class YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(repr(problem))
        self.problem = problem


def read_yaml(path: Path) -> YamlDoc:
    """Read and parse one YAML file; any failure is a YamlProblem naming file, line and column."""
    name = str(path)
    raw = _read_bytes(path, name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        data = exc.object  # without the byte-order mark, if any: the offsets count from there
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        before = data[line_start : exc.start].decode("utf-8")  # valid: the first bad byte is at exc.start
        line, column = data.count(b"\n", 0, exc.start) + 1, len(before) + 1
        raise YamlProblem(Problem(name, message("yaml.not_utf8"), line, column)) from exc
    try:
        node, data = _load(text)
    except _Limit as exc:
        located = (exc.mark.line + 1, exc.mark.column + 1) if exc.mark else (None, None)
        raise YamlProblem(Problem(name, exc.problem, *located)) from None
    except yaml.reader.ReaderError as exc:
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        refused = message("yaml.bad_character", char=f"U+{char:04X}")
        raise YamlProblem(Problem(name, refused, *_reader_position(text, exc.position))) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        invalid = message("yaml.invalid", detail=" ".join(filter(None, [exc.context, exc.problem])))
        if "maximum nesting depth" in (exc.problem or ""):  # libyaml's own limit, at 1,000 levels
            invalid = _too_deep()
        located = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise YamlProblem(Problem(name, invalid, *located)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(Problem(name, message("yaml.invalid", detail=str(exc)))) from None
    except RecursionError:  # not expected with the limits above: a last line of defence
        raise YamlProblem(Problem(name, _too_deep())) from None
    if node is None:
        raise YamlProblem(Problem(name, message("yaml.empty" if not text.strip() else "yaml.only_comments"), 1, 1))
    return YamlDoc(path, text, data)


def _read_bytes(path: Path, name: str) -> bytes:
    """The file's bytes, if it is a regular file of at most MAX_BYTES (a device could be endless)."""
    too_large = message("yaml.too_large", mib=MAX_BYTES // (1024 * 1024))
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise YamlProblem(Problem(name, message("yaml.not_regular")))
        if info.st_size > MAX_BYTES:
            raise YamlProblem(Problem(name, too_large))
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(Problem(name, message("yaml.cannot_read", reason=exc.strerror or str(exc)))) from exc
    if len(raw) > MAX_BYTES:  # it grew in between
        raise YamlProblem(Problem(name, too_large))
    return raw


def _load(text: str) -> tuple[yaml.Node | None, Any]:
    """Compose once, check the nodes, then construct: no value is built before the check."""
    if _in_c() and (len(text) > SCAN_ABOVE or not _LIBYAML_LIMITS_NESTING):
        _prescan(text)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        _check_graph(node, text)
        return node, loader.construct_document(node)
    finally:
        loader.dispose()


def _in_c() -> bool:
    """Whether the loader parses with libyaml (C), rather than PyYAML's pure-Python parser."""
    return bool(yaml.__with_libyaml__) and issubclass(_Loader, yaml.cyaml.CParser)  # type: ignore[attr-defined]


def _prescan(text: str) -> None:
    """Count values and nesting from the event stream, which libyaml parses without recursion
    and in constant memory; stop at the first limit broken, before any node is built."""
    parser = yaml.CSafeLoader(text)
    start = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    end = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    value = (yaml.ScalarEvent, yaml.AliasEvent, *start)
    depth = values = 0
    aliases = False
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, value):
                values += 1
                aliases = aliases or isinstance(event, yaml.AliasEvent)
                if values > MAX_VALUES:
                    raise _Limit(_too_many(expanded=aliases), event.start_mark)
                if isinstance(event, start):
                    depth += 1
                    if depth > MAX_DEPTH:
                        raise _Limit(_too_deep(), event.start_mark)
            elif isinstance(event, end):
                depth -= 1
    finally:
        parser.dispose()


def _check_graph(root: yaml.Node, text: str) -> None:
    """Check the composed nodes before any value is built from them: tags (plain data only),
    expanded size and depth, recursive aliases, and (if the text has escapes) the characters
    of every value. Neither walk recurses."""
    escapes = "\\" in text
    if "*" in text:
        _check_shared(root, escapes)
    else:  # no alias: the nodes form a tree, and one look at each node suffices
        _check_tree(root, escapes)


def _check_tree(root: yaml.Node, escapes: bool) -> None:
    """Level by level: the number of levels is the depth, the sum of their widths the size."""
    level = [root]
    depth = count = 0
    while level:
        depth += 1
        count += len(level)
        if depth > MAX_DEPTH:
            raise _Limit(_too_deep(), level[0].start_mark)
        if count > MAX_VALUES:
            raise _Limit(_too_many(expanded=False), level[0].start_mark)
        below: list[yaml.Node] = []
        for node in level:
            if node.tag not in _DATA_TAGS or escapes:
                _check_node(node, escapes)
            kind = type(node)  # exact types: the composers build these classes only
            if kind is yaml.MappingNode:
                for pair in node.value:
                    below += pair
            elif kind is yaml.SequenceNode:
                below += node.value
        level = below


def _check_shared(root: yaml.Node, escapes: bool) -> None:
    """Depth first, each node entered once however many aliases refer to it.

    The expanded size counts a node once per alias that refers to it (a mapping counts its keys
    and values); sizes and heights are memoised per node, so billions of expanded values cost
    no more than the few nodes written. A node met again while still open is a recursive alias.
    """
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    entered: set[int] = set()  # open nodes: the path from the root to the current node
    # (node, parent, depth, children): children is None to enter the node, else to finish it.
    stack: list[tuple[yaml.Node, yaml.Node | None, int, list[yaml.Node] | None]] = [(root, None, 1, None)]
    while stack:
        node, parent, depth, children = stack.pop()
        key = id(node)
        if children is not None:
            size[key] = total = 1 + sum([size[id(child)] for child in children])
            height[key] = 1 + max([height[id(child)] for child in children], default=0)
            entered.discard(key)
            if total > MAX_VALUES:
                raise _Limit(_too_many(expanded=True), node.start_mark)
            continue
        if key in size:  # met again through an alias: its subtree is known
            if depth - 1 + height[key] > MAX_DEPTH:
                raise _Limit(_too_deep(), (parent or node).start_mark)
            continue
        if key in entered:
            mark = (parent or node).start_mark
            raise _Limit(message("yaml.recursive_alias"), mark)
        if depth > MAX_DEPTH:
            raise _Limit(_too_deep(), node.start_mark)
        if len(entered) + len(size) >= MAX_VALUES:
            raise _Limit(_too_many(expanded=False), node.start_mark)
        _check_node(node, escapes)
        entered.add(key)
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        stack.append((node, parent, depth, children))
        stack += [(child, node, depth + 1, None) for child in children]


def _check_node(node: yaml.Node, escapes: bool) -> None:
    tag = node.tag
    if tag not in _DATA_TAGS:
        shown = "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag
        raise _Limit(message("yaml.tag", tag=shown), node.start_mark)
    if escapes and isinstance(node, yaml.ScalarNode):
        bad = _BAD_CHARS.search(node.value)
        if bad:
            char = ord(bad.group())
            code = "yaml.surrogate" if 0xD800 <= char <= 0xDFFF else "yaml.control_character"
            raise _Limit(message(code, char=f"U+{char:04X}"), node.start_mark)


def _reader_position(text: str, position: int) -> tuple[int, int]:
    """Line and column of a character the reader refused; libyaml counts UTF-8 bytes, Python characters."""
    if _in_c():
        data = text.encode("utf-8")
        before = data[:position].decode("utf-8", "replace")
    else:
        before = text[:position]
    line_start = before.rfind("\n") + 1
    return before.count("\n") + 1, len(before) - line_start + 1


def _too_many(expanded: bool) -> Message:
    return message("yaml.too_many_expanded" if expanded else "yaml.too_many", max=MAX_VALUES)


def _too_deep() -> Message:
    return message("yaml.too_deep", max=MAX_DEPTH)
