"""Loading a measure catalog from YAML: a folder of files, or one file.

Every problem in every file is collected before anything is reported, so an author fixes
a catalog in one pass instead of one error per run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import UnionType
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import CatalogError, DataError, Message, NotFound, Problem, UserError, message
from .fuzzy import closest
from .models import MEASURE_ID, SLUG, Catalog, CatalogMeta, Measure, UnitKind

if TYPE_CHECKING:
    from .yamlfile import YamlDoc

YAML_SUFFIXES = (".yaml", ".yml")
KEPT_FORMAT = 2  # 1: the models' dump, kept by release 0.1.0
MAX_PROBLEMS = 1000  # enough to fix a catalog in one pass; a pathological file is not worth more


def bundled_path() -> Path:
    """The catalog shipped with the program: inside the installed package, or in a checkout."""
    packaged = resources.files("checklist").joinpath("measures")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "measures"


def catalog_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())
        if not files:
            raise CatalogError([Problem(str(path), message("catalog.no_yaml_files"))])
        return files
    if path.exists():
        return [path]
    raise UserError("catalog.not_found", path=str(path))


@dataclass
class _Entry:
    """One measure as written: its raw data, its model if valid, and the fields already faulted."""

    doc: YamlDoc
    index: int
    raw: Any
    measure: Measure | None
    faulted: set[str]


def load(path: Path | None = None, cache: Path | None = None) -> Catalog:
    """Load and validate a catalog; raise CatalogError listing every problem found.

    With a `cache` folder, the catalog's kept form (see `canonical`) is kept there and reused
    while every file keeps its path, size and modification time (as Python does with .pyc
    files), which spares parsing YAML on every command.
    """
    path = path or bundled_path()
    files = catalog_files(path)
    if cache is None:
        return _load_files(path, files).catalog
    cache_file = cache / f"catalog-{hashlib.sha256(str(path).encode()).hexdigest()[:16]}.json"
    key = _fingerprint(files)
    cached = _read_cache(cache_file, key)
    if cached is not None:
        return cached
    catalog = _load_files(path, files).catalog
    _write_cache(cache_file, key, catalog)
    return catalog


@dataclass(frozen=True)
class Checked:
    """A catalog that loads, and what it should still fix (see authoring.py): warnings do not
    stop a catalog from loading, and `load` leaves them out."""

    catalog: Catalog
    warnings: list[Problem]


def check(path: Path | None = None, strict: bool = False) -> Checked:
    """Load and validate a catalog for its authors (`checklist validate`), keeping the warnings;
    `strict` counts them as errors. A CatalogError lists every error, and the warnings."""
    path = path or bundled_path()
    return _load_files(path, catalog_files(path), strict)


def _fingerprint(files: list[Path]) -> bytes:
    from .. import __version__

    stats = []
    for file in files:
        info = file.stat()
        stats.append([str(file), info.st_size, info.st_mtime_ns])
    return json.dumps([__version__, stats], ensure_ascii=False).encode()


def _read_cache(cache_file: Path, key: bytes) -> Catalog | None:
    """The cache is the fingerprint on its first line, then the catalog's kept form."""
    from .files import CATALOG, read_bounded

    try:
        data = read_bounded(cache_file, CATALOG)
    except (OSError, DataError):  # derived: anything amiss, and it is made again
        return None
    saved_key, _, content = data.partition(b"\n")
    if saved_key != key:
        return None
    try:
        return kept(content, content_digest(content))
    except (ValueError, DataError):
        return None


def _write_cache(cache_file: Path, key: bytes, catalog: Catalog) -> None:
    """Best effort: a read-only store simply goes without the cache. In a group's folder
    (setgid: a store shared by a group) the group may read it, whatever the umask."""
    import stat

    from .atomic import write_atomic

    with contextlib.suppress(OSError):
        cache_file.parent.mkdir(exist_ok=True)
        shared = cache_file.parent.stat().st_mode & stat.S_ISGID
        write_atomic(cache_file, key + b"\n" + catalog.content, sync=False, group=stat.S_IRGRP if shared else 0)


def _load_files(path: Path, files: list[Path], strict: bool = False) -> Checked:
    problems: list[Problem] = []
    heads: list[tuple[CatalogMeta | None, YamlDoc]] = []
    entries: list[_Entry] = []
    unread = 0  # files, or lists of measures, that could not be read
    for file in files:
        doc = _read(file, problems)
        if doc is None:
            unread += 1
            continue
        unread += not isinstance(doc.data.get("measures", []), list)
        if "catalog" in doc.data:
            heads.append((_validate(CatalogMeta, doc, ("catalog",), problems), doc))
        entries += _entries(doc, problems)
    meta = _one_head(heads, path, problems)
    # A faulty head hides nothing: the measures are checked against the kinds and sections
    # it names (None where it names none that can be read).
    head = heads[0][1] if heads else None
    kinds = _head_ids(head, "unit_kinds", "catalog.duplicate_kind", problems)
    sections = _head_ids(head, "sections", "catalog.duplicate_section", problems)
    _head_ids(head, "attributes", "catalog.duplicate_attribute", problems)  # applicability
    _head_ids(head, "subject_types", "catalog.duplicate_subject_type", problems)
    _head_ids(head, "events", "catalog.duplicate_event", problems)  # names: the kinds of event
    problems += _cross_checks(kinds, sections, entries)
    problems += _per_checks(_part_kinds(head), entries)
    problems += _named_checks(_declared(head, "roles", problems), _declared(head, "evidence_kinds", problems), entries)
    errors, warnings = _findings(head, entries, every_measure=not unread)
    problems += errors
    if strict:
        problems, warnings = problems + warnings, []
    if problems or meta is None or head is None:
        raise CatalogError(problems, warnings)
    content = canonical(head.data["catalog"], [e.raw for e in entries])
    measures = [e.measure for e in entries if e.measure is not None]
    return Checked(Catalog(meta, measures, content_digest(content), content), warnings)


def _read(file: Path, problems: list[Problem]) -> YamlDoc | None:
    from .yamlfile import YamlProblem, read_yaml  # PyYAML is imported only when YAML is read

    try:
        doc = read_yaml(file)
    except YamlProblem as exc:
        problems.append(exc.problem)
        return None
    if not isinstance(doc.data, dict):
        problems.append(Problem(str(file), message("catalog.file_not_mapping"), 1, 1))
        return None
    for key in doc.data:
        if key not in ("catalog", "measures"):
            line, column = doc.locate((key,))
            problems.append(Problem(str(file), message("catalog.file_unknown_key"), line, column, field=str(key)))
    return doc


def _entries(doc: YamlDoc, problems: list[Problem]) -> list[_Entry]:
    raw_measures = doc.data.get("measures", [])
    if not isinstance(raw_measures, list):
        line, column = doc.locate(("measures",))
        problems.append(Problem(str(doc.path), message("catalog.measures_not_list"), line, column, field="measures"))
        return []
    entries = []
    for index, raw in enumerate(raw_measures):
        if len(problems) >= MAX_PROBLEMS:
            rest = len(raw_measures) - index
            problems.append(Problem(str(doc.path), message("catalog.too_many_problems", max=MAX_PROBLEMS, rest=rest)))
            break
        found: list[Problem] = []
        measure = _validate(Measure, doc, ("measures", index), found)
        problems += found
        entries.append(_Entry(doc, index, raw, measure, {p.field or "" for p in found}))
    return entries


T = TypeVar("T", bound=BaseModel)


def _validate(model: type[T], doc: YamlDoc, prefix: tuple[str | int, ...], problems: list[Problem]) -> T | None:
    value: Any = doc.data
    for step in prefix:
        value = value[step]
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        problems += _validation_problems(doc, exc, prefix, model)
        return None


def _validation_problems(
    doc: YamlDoc, exc: ValidationError, prefix: tuple[str | int, ...], model: type[BaseModel]
) -> list[Problem]:
    """Turn pydantic's errors into located problems, merging the alternatives of a union."""
    merged: dict[tuple[str | int, ...], list[Message]] = {}
    for error in exc.errors(include_url=False):
        inner = _inner_loc(error)
        loc, said = prefix + inner, _message(error, model, inner)
        comma = doc.unquoted_comma(loc) if error["type"] == "extra_forbidden" else None
        if comma is not None and str in _parts(_shape_at(model, (*inner[:-1], comma[0]))):
            key, meant, words = comma  # the unknown key is the end of a text cut short
            loc, said = (*loc[:-1], key), message("catalog.unquoted_comma", key=key, text=meant, words=words)
        messages = merged.setdefault(loc, [])
        if said not in messages:
            messages.append(said)
    problems = []
    for loc, messages in merged.items():
        line, column = doc.locate(loc)
        measure_id, field = _split_loc(doc.data, loc)
        said = messages[0] if len(messages) == 1 else message("catalog.alternatives", options=messages)
        problems.append(Problem(str(doc.path), said, line, column, measure=measure_id, field=field))
    return problems


def _inner_loc(error: Any) -> tuple[str | int, ...]:
    """Where an error is, without the branches of unions pydantic names; the last step of an
    unknown key is the key, whatever it looks like (`0[title`)."""
    steps: tuple[str | int, ...] = tuple(error["loc"])
    last = steps[-1:] if error["type"] == "extra_forbidden" else ()
    return tuple(step for step in steps[: len(steps) - len(last)] if not _is_union_tag(step)) + last


def _is_union_tag(step: str | int) -> bool:
    # pydantic names the branch of a union it tried, e.g. "list[constrained-str]" or "literal['all']"
    return isinstance(step, str) and ("[" in step or ("-" in step and step.startswith("constrained")))


# pydantic's error types, in the project's words (present/messages.py): none of pydantic's own
# sentences ("Input should be …") reaches a catalog's author.
_CODES = {
    "missing": "catalog.missing",
    "bool_type": "value.boolean",
    "bool_parsing": "value.boolean",
    "int_type": "value.integer",
    "int_parsing": "value.integer",
    "int_parsing_size": "value.integer",
    "int_from_float": "value.integer",
    "float_type": "value.number",
    "float_parsing": "value.number",
    "finite_number": "value.finite",
    "string_type": "value.text",
    "string_too_short": "value.too_short",
    "string_too_long": "value.too_long",
    "list_type": "value.list",
    "too_short": "value.too_few",
    "too_long": "value.too_many",
    "greater_than_equal": "value.at_least",
    "greater_than": "value.above",
    "less_than_equal": "value.at_most",
    "less_than": "value.below",
    "literal_error": "value.one_of",
    "date_type": "value.date",
    "date_parsing": "value.date",
    "date_from_datetime_parsing": "value.date",
    "date_from_datetime_inexact": "value.date",
    "invalid_key": "value.key",
}
_PATTERNS = {SLUG: "value.slug", MEASURE_ID: "value.measure_id"}


def _message(error: Any, model: type[BaseModel], loc: tuple[str | int, ...]) -> Message:
    """Our own validators' errors carry our codes; pydantic's own are put in our words."""
    kind, context = str(error["type"]), dict(error.get("ctx") or {})
    if "." in kind:  # a PydanticCustomError of models.py: our code and its values
        return Message(kind, context)
    value = error.get("input")
    shown = value if isinstance(value, str | int | float) else None  # a list or a mapping is not quoted back
    if kind == "extra_forbidden":
        key, allowed = str(loc[-1]), _keys_at(model, loc[:-1])
        return message("catalog.unknown_key", key=key, allowed=allowed, close=closest(key, allowed, limit=1))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        keys = _keys_at(model, loc)
        return message("value.texts") if set(keys) == {"zh", "en"} else message("value.mapping", keys=keys)
    if kind == "string_pattern_mismatch":
        return message(_PATTERNS.get(str(context.get("pattern")), "value.pattern"), value=shown, **context)
    if kind in ("too_short", "too_long") and isinstance(value, str):  # a text checked after its own validator
        kind = "string_" + kind
    if kind in _CODES:
        return message(_CODES[kind], value=shown, **context)
    # a type none of the models raises yet: its sentence, in the words the others use
    detail = str(error["msg"]).removeprefix("Value error, ").replace("Input should", "must").replace("should", "must")
    return message("catalog.invalid_value", detail=detail[:1].lower() + detail[1:] if detail else kind, type=kind)


def _keys_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys of the model found at `loc` within `model`, if one is there."""
    parts = _parts(_shape_at(model, loc))
    found = next((part for part in parts if isinstance(part, type) and issubclass(part, BaseModel)), None)
    return [f.alias or name for name, f in found.model_fields.items()] if found is not None else []  # `is`, not `is_`


def _shape_at(model: type[BaseModel], loc: Sequence[str | int]) -> Any:
    """The type of what stands at `loc` within `model` (a field's, a list's element), or None."""
    shape: Any = model
    for step in loc:
        shape = next((inner for part in _parts(shape) if (inner := _step(part, step)) is not None), None)
    return shape


def _parts(shape: Any) -> list[Any]:
    """The alternatives of a type: `Annotated[X, …]` is X, `X | Y | None` is X and Y."""
    if get_origin(shape) is Annotated:
        return _parts(get_args(shape)[0])
    if get_origin(shape) in (Union, UnionType):
        return [part for arg in get_args(shape) for part in _parts(arg)]
    return [shape]


def _step(shape: Any, step: str | int) -> Any:
    if isinstance(step, str) and isinstance(shape, type) and issubclass(shape, BaseModel):
        found = shape.model_fields.get(step) or next(
            (f for f in shape.model_fields.values() if f.alias == step), None
        )  # a key written as its alias (a rule's `is`)
        return found.annotation if found is not None else None
    if isinstance(step, int) and get_origin(shape) is list:
        return get_args(shape)[0]
    return None


def _split_loc(data: Any, loc: Sequence[str | int]) -> tuple[str | None, str | None]:
    """('measures', 3, 'source', 'quote') -> ('prison.x', 'source.quote')."""
    if len(loc) >= 2 and loc[0] == "measures" and isinstance(loc[1], int):
        measure_id = None
        try:
            raw_id = data["measures"][loc[1]].get("id")
            measure_id = str(raw_id) if raw_id is not None else f"#{loc[1] + 1}"
        except (KeyError, IndexError, TypeError, AttributeError):
            pass
        return measure_id, _dotted(loc[2:]) or None
    return None, _dotted(loc) or None


def _dotted(loc: Iterable[str | int]) -> str:
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def _one_head(
    heads: list[tuple[CatalogMeta | None, YamlDoc]], path: Path, problems: list[Problem]
) -> CatalogMeta | None:
    if len(heads) > 1:
        files = [str(doc.path) for _, doc in heads]
        problems.append(Problem(str(heads[1][1].path), message("catalog.two_heads", files=files), 1, 1))
    if not heads:
        if not problems:
            problems.append(Problem(str(path), message("catalog.no_head")))
        return None
    return heads[0][0]


def _head_ids(head: YamlDoc | None, key: str, duplicate: str, problems: list[Problem]) -> set[str] | None:
    """The ids of the head's unit kinds or sections, as written (a faulty entry is reported by
    the models), with a located problem for each id given twice; None if there is no list."""
    listed = head.data["catalog"].get(key) if head is not None and isinstance(head.data["catalog"], dict) else None
    if head is None or not isinstance(listed, list):
        return None
    ids: set[str] = set()
    for index, entry in enumerate(listed):
        found = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(found, str):
            continue
        if found in ids:
            line, column = head.locate(("catalog", key, index, "id"))
            problems.append(Problem(str(head.path), message(duplicate, id=found), line, column, field=f"catalog.{key}"))
        ids.add(found)
    return ids


def _findings(head: YamlDoc | None, entries: list[_Entry], every_measure: bool) -> tuple[list[Problem], list[Problem]]:
    """The authors' rules (authoring.py), located: errors, and warnings. Those of the head ask
    what the measures apply to: not while some of them could not be read."""
    from .authoring import Finding, applicability_findings, head_findings, measure_findings

    errors: list[Problem] = []
    warnings: list[Problem] = []

    def add(finding: Finding, doc: YamlDoc, prefix: tuple[str | int, ...], measure: str | None) -> None:
        line, column = doc.locate((*prefix, *finding.loc))
        field = _dotted(finding.loc) if measure is not None else _dotted(("catalog", *finding.loc))
        found = Problem(str(doc.path), finding.message, line, column, measure=measure, field=field)
        (warnings if finding.warning else errors).append(found)

    for entry in entries:
        raw_id = entry.raw.get("id") if isinstance(entry.raw, dict) else None
        measure_id = str(raw_id) if raw_id is not None else f"#{entry.index + 1}"
        for finding in measure_findings(entry.raw):
            add(finding, entry.doc, ("measures", entry.index), measure_id)
        for finding in applicability_findings(head.data["catalog"] if head is not None else None, entry.raw):
            add(finding, entry.doc, ("measures", entry.index), measure_id)
    if head is not None and every_measure:
        for finding in head_findings(head.data["catalog"], [entry.raw for entry in entries]):
            add(finding, head, ("catalog",), None)
    return errors, warnings


def _cross_checks(kinds: set[str] | None, sections: set[str] | None, entries: list[_Entry]) -> list[Problem]:
    """Checks that span files: unique ids, known unit kinds and sections (None: the head names
    none that can be read, and they are not checked). They read the raw data, so a measure with
    other faults is still checked and every problem shows at once."""
    problems: list[Problem] = []
    first_seen: dict[str, _Entry] = {}
    replaced: dict[str, str] = {}  # an old id -> the measure that took it over
    live = {raw["id"] for e in entries if isinstance(raw := e.raw, dict) and isinstance(raw.get("id"), str)}
    for entry in entries:
        raw = entry.raw if isinstance(entry.raw, dict) else {}
        measure_id = raw.get("id") if isinstance(raw.get("id"), str) else None

        def problem(
            said: Message, *loc: str | int, entry: _Entry = entry, measure_id: str | None = measure_id
        ) -> Problem:
            line, column = entry.doc.locate(("measures", entry.index, *loc))
            return Problem(str(entry.doc.path), said, line, column, measure=measure_id, field=str(loc[0]))

        if measure_id is not None:
            first = first_seen.setdefault(measure_id, entry)
            if first is not entry:  # positions are looked up only now: locating re-parses the file
                where = f"{first.doc.path}:{first.doc.locate(('measures', first.index, 'id'))[0]}"
                problems.append(problem(message("catalog.duplicate_measure", first=where), "id"))
        applies_to = raw.get("applies_to")
        if kinds is not None and isinstance(applies_to, list) and "applies_to" not in entry.faulted:
            for i, kind in enumerate(applies_to):
                if isinstance(kind, str) and kind not in kinds:
                    known = sorted(kinds)
                    problems.append(problem(message("catalog.unknown_kind", kind=kind, known=known), "applies_to", i))
        if entry.measure is not None and measure_id is not None:
            for i, old in enumerate(entry.measure.replaces):
                if old in live:
                    problems.append(problem(message("catalog.replaces_live", id=old), "replaces", i))
                elif replaced.setdefault(old, measure_id) != measure_id:
                    said = message("catalog.replaced_twice", id=old, first=replaced[old])
                    problems.append(problem(said, "replaces", i))
        section = raw.get("section")
        known_section = sections is None or section in sections
        if isinstance(section, str) and not known_section and "section" not in entry.faulted:
            known = sorted(sections or ())
            problems.append(problem(message("catalog.unknown_section", section=section, known=known), "section"))
    return problems


def _part_kinds(head: YamlDoc | None) -> dict[str, set[str]] | None:
    """Unit parts: each unit kind's part kinds (ids as written); None if the head names no kinds that can be read."""
    listed = (
        head.data["catalog"].get("unit_kinds") if head is not None and isinstance(head.data["catalog"], dict) else None
    )
    if not isinstance(listed, list):
        return None
    found: dict[str, set[str]] = {}
    for kind in listed:
        if isinstance(kind, dict) and isinstance(kind.get("id"), str):
            parts = kind.get("parts")
            ids = (
                {p["id"] for p in parts if isinstance(p, dict) and isinstance(p.get("id"), str)}
                if isinstance(parts, list)
                else set()
            )
            found[kind["id"]] = ids
    return found


def _per_checks(part_kinds: dict[str, set[str]] | None, entries: list[_Entry]) -> list[Problem]:
    """Unit parts: a measure kept `per` a kind of part needs that kind of part in every unit
    kind it applies to (else a unit of that kind could never attest it), located at `per`."""
    problems: list[Problem] = []
    if part_kinds is None:
        return problems
    for entry in entries:
        raw = entry.raw if isinstance(entry.raw, dict) else {}
        per, applies_to = raw.get("per"), raw.get("applies_to")
        if not isinstance(per, str) or "per" in entry.faulted:
            continue
        kinds = list(part_kinds) if applies_to == "all" else applies_to if isinstance(applies_to, list) else []
        lacking = [k for k in kinds if isinstance(k, str) and k in part_kinds and per not in part_kinds[k]]
        if lacking:
            known = sorted({p for k in kinds if isinstance(k, str) for p in part_kinds.get(k, ())})
            said = message("catalog.unknown_part_kind", per=per, kinds=lacking, known=known)
            line, column = entry.doc.locate(("measures", entry.index, "per"))
            measure_id = raw.get("id") if isinstance(raw.get("id"), str) else None
            problems.append(Problem(str(entry.doc.path), said, line, column, measure=measure_id, field="per"))
    return problems


_DUPLICATE = {"roles": "catalog.duplicate_role", "evidence_kinds": "catalog.duplicate_evidence_kind"}


def _declared(head: YamlDoc | None, key: str, problems: list[Problem]) -> set[str] | None:
    """The ids of the head's roles or evidence kinds (none declared: an empty set, as a
    measure naming one is then wrong); None if the head cannot be read."""
    if head is None or not isinstance(head.data["catalog"], dict):
        return None
    if key not in head.data["catalog"]:
        return set()
    return _head_ids(head, key, _DUPLICATE[key], problems)


def _named_checks(roles: set[str] | None, kinds: set[str] | None, entries: list[_Entry]) -> list[Problem]:
    """A measure's owner, approver and reports_to name roles of the head, and its evidence
    names kinds the head declares: a located problem for each that does not, with the closest ids."""
    problems: list[Problem] = []
    for entry in entries:
        raw = entry.raw if isinstance(entry.raw, dict) else {}
        measure_id = raw.get("id") if isinstance(raw.get("id"), str) else None

        def problem(said: Message, *loc: str | int, entry: _Entry = entry, measure_id: str | None = measure_id) -> None:
            line, column = entry.doc.locate(("measures", entry.index, *loc))
            problems.append(Problem(str(entry.doc.path), said, line, column, measure=measure_id, field=str(loc[0])))

        for key in ("owner", "approver", "reports_to"):
            found = raw.get(key)
            if roles is not None and isinstance(found, str) and found not in roles and key not in entry.faulted:
                known = sorted(roles)
                said = message("catalog.unknown_role", role=found, key=key, known=known, near=closest(found, known))
                problem(said, key)
        evidence = raw.get("evidence")
        if kinds is not None and isinstance(evidence, list):
            for i, kind in enumerate(evidence):
                if isinstance(kind, str) and kind not in ("note", "file", "figures") and kind not in kinds:
                    known = ["note", "file", "figures", *sorted(kinds)]
                    near = closest(kind, known)
                    problem(message("catalog.unknown_evidence_kind", kind=kind, known=known, near=near), "evidence", i)
    return problems


def resolve_kind(catalog: Catalog, token: str) -> UnitKind:
    """A unit kind by its id or its Chinese or English name, in any case, or a unique part of one."""
    wanted = token.strip().casefold()
    names = {
        kind.id: (kind.id, (kind.name.zh or "").casefold(), (kind.name.en or "").casefold())
        for kind in catalog.meta.unit_kinds
    }
    by_id = {kind.id: kind for kind in catalog.meta.unit_kinds}
    exact = [kind_id for kind_id, forms in names.items() if wanted in forms]
    partial = [kind_id for kind_id, forms in names.items() if wanted and any(wanted in form for form in forms)]
    for found in (exact, partial):
        if len(found) == 1:
            return by_id[found[0]]
    if len(partial) > 1:
        raise UserError("kind.ambiguous", token=token, kinds=partial)
    owner = {form: kind_id for kind_id, forms in names.items() for form in forms}
    suggestions = list(dict.fromkeys(owner[form] for form in closest(wanted, owner, limit=6)))[:3]
    raise NotFound("kind.unknown", suggestions, token=token, known=list(names))


def canonical(head: Any, measures: Sequence[Any]) -> bytes:
    """A catalog's kept form: its data exactly as read from YAML (not as the current models
    dump it, with their defaults), as JSON with sorted keys and no blanks. Its SHA-256 is the
    catalog's identity, so adding a field to a model in a later release changes no digest,
    and reflowing YAML or adding comments changes none either."""
    content = {"format": KEPT_FORMAT, "catalog": head, "measures": list(measures)}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def content_digest(content: bytes) -> str:
    return "sha256:" + hashlib.sha256(content).hexdigest()


class KeptCatalog(BaseModel):
    """A catalog's kept form, read back (see `canonical`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int
    catalog: CatalogMeta
    measures: list[Measure]


def kept(content: bytes, digest: str) -> Catalog:
    """A catalog as kept in a store under `digest`, checked against the hash of its own bytes.

    A copy kept by release 0.1.0 (format 1: the models' dump, with its digest inside) is
    checked by recomputing that release's digest from the copy's own JSON, never from
    today's models. Raises DataError if the bytes are not the version their name says,
    ValueError if they cannot be read as a catalog.
    """
    if content_digest(content) == digest:
        try:
            loaded = KeptCatalog.model_validate_json(content)
        except ValidationError:
            _refuse_newer(content)
            raise
        if loaded.format > KEPT_FORMAT:
            _refuse_newer(content)
        return Catalog(loaded.catalog, loaded.measures, digest, content)
    raw = json.loads(content)
    if not (isinstance(raw, dict) and raw.keys() == {"meta", "measures", "digest"}):
        raise DataError("catalog.kept_mismatch")
    legacy = json.dumps(
        {"meta": raw["meta"], "measures": raw["measures"]}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    if content_digest(legacy.encode()) != digest or raw["digest"] != digest:
        raise DataError("catalog.kept_mismatch")
    meta = CatalogMeta.model_validate(raw["meta"])
    return Catalog(meta, [Measure.model_validate(m) for m in raw["measures"]], digest, content)


def _refuse_newer(content: bytes) -> None:
    from .formats import refuse_newer

    try:
        found = json.loads(content).get("format")
    except (ValueError, AttributeError):
        return
    if isinstance(found, int) and found > KEPT_FORMAT:
        refuse_newer(message("format.kept_catalog"), found, KEPT_FORMAT)
