"""Loading a measure catalog from YAML: a folder of files, or one file.

Every problem in every file is collected before anything is reported, so an author fixes
a catalog in one pass instead of one error per run.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .errors import CatalogError, Problem, UserError
from .models import Catalog, CatalogMeta, Measure, MeasureFile
from .yamlfile import YamlDoc, YamlProblem, read_yaml

YAML_SUFFIXES = (".yaml", ".yml")


def bundled_path() -> Path:
    """The catalog shipped with the program: inside the installed package, or in a checkout."""
    packaged = resources.files("checklist").joinpath("measures")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "measures"


def resolve_path(option: str | os.PathLike[str] | None) -> Path | None:
    """The catalog a command asked for (option, then CHECKLIST_CATALOG), or None for the bundled one."""
    chosen = option if option is not None else os.environ.get("CHECKLIST_CATALOG") or None
    return Path(chosen).expanduser().resolve() if chosen is not None else None


def catalog_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())
        if not files:
            raise CatalogError([Problem(str(path), "folder holds no .yaml files")])
        return files
    if path.exists():
        return [path]
    raise UserError(f"catalog not found: {path}")


def load(path: Path | None = None) -> Catalog:
    """Load and validate a catalog; raise CatalogError listing every problem found."""
    path = path or bundled_path()
    problems: list[Problem] = []
    heads: list[tuple[CatalogMeta, Path]] = []
    measures: list[tuple[Measure, YamlDoc, int]] = []
    for file in catalog_files(path):
        parsed = _read(file, problems)
        if parsed is None:
            continue
        doc, content = parsed
        if content.catalog is not None:
            heads.append((content.catalog, file))
        measures.extend((m, doc, i) for i, m in enumerate(content.measures))
    meta = _one_head(heads, path, problems)
    if meta is not None:
        problems += _duplicates(heads[0][1], "unit kind", [k.id for k in meta.unit_kinds])
        problems += _duplicates(heads[0][1], "section", [s.id for s in meta.sections])
        problems += _cross_checks(meta, measures)
    if problems or meta is None:
        raise CatalogError(problems)
    return Catalog(meta=meta, measures=[m for m, _, _ in measures], digest=digest(meta, measures))


def _read(file: Path, problems: list[Problem]) -> tuple[YamlDoc, MeasureFile] | None:
    try:
        doc = read_yaml(file)
    except YamlProblem as exc:
        problems.append(exc.problem)
        return None
    if not isinstance(doc.data, dict):
        problems.append(Problem(str(file), "a measure file must be a mapping with 'measures' (and/or 'catalog')", 1, 1))
        return None
    try:
        return doc, MeasureFile.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(_validation_problems(doc, exc))
        return None


def _validation_problems(doc: YamlDoc, exc: ValidationError) -> list[Problem]:
    """Turn pydantic's errors into located problems, merging the alternatives of a union."""
    merged: dict[tuple[str | int, ...], list[str]] = {}
    for error in exc.errors(include_url=False):
        loc = tuple(step for step in error["loc"] if not _is_union_tag(step))
        message = _message(error)
        messages = merged.setdefault(loc, [])
        if message not in messages:
            messages.append(message)
    problems = []
    for loc, messages in merged.items():
        line, column = doc.locate(loc)
        measure_id, field = _split_loc(doc.data, loc)
        problems.append(Problem(str(doc.path), "; or ".join(messages), line, column, measure_id, field))
    return problems


def _is_union_tag(step: str | int) -> bool:
    # pydantic names the branch of a union it tried, e.g. "list[constrained-str]" or "literal['all']"
    return isinstance(step, str) and ("[" in step or "-" in step and step.startswith("constrained"))


def _message(error: Any) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return "unknown key (check its spelling against `checklist schema`)"
    if kind == "missing":
        return "required but missing"
    return str(msg[0].lower() + msg[1:]) if msg else str(kind)


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


def _one_head(heads: list[tuple[CatalogMeta, Path]], path: Path, problems: list[Problem]) -> CatalogMeta | None:
    if len(heads) > 1:
        files = ", ".join(str(f) for _, f in heads)
        problems.append(Problem(str(heads[1][1]), f"more than one file has a 'catalog' head: {files}", 1, 1))
    if not heads:
        if not problems:
            problems.append(Problem(str(path), "no file has the 'catalog' head (name, version, unit_kinds, sections)"))
        return None
    return heads[0][0]


def _cross_checks(meta: CatalogMeta, measures: list[tuple[Measure, YamlDoc, int]]) -> list[Problem]:
    """Checks that span files: unique ids, known unit kinds and sections."""
    problems: list[Problem] = []
    kinds = {k.id for k in meta.unit_kinds}
    sections = {s.id for s in meta.sections}
    first_seen: dict[str, str] = {}
    for measure, doc, index in measures:
        def problem(message: str, field: str, *loc: str | int) -> Problem:
            line, column = doc.locate(("measures", index, *loc))
            return Problem(str(doc.path), message, line, column, measure.id, field)

        where = f"{doc.path}:{doc.locate(('measures', index, 'id'))[0]}"
        if measure.id in first_seen:
            problems.append(problem(f"duplicate measure id (first defined at {first_seen[measure.id]})", "id", "id"))
        else:
            first_seen[measure.id] = where
        if isinstance(measure.applies_to, list):
            for i, kind in enumerate(measure.applies_to):
                if kind not in kinds:
                    known = ", ".join(sorted(kinds))
                    problems.append(problem(f"unknown unit kind {kind!r} (known: {known})", "applies_to", "applies_to", i))
        if measure.section not in sections:
            known = ", ".join(sorted(sections))
            problems.append(problem(f"unknown section {measure.section!r} (known: {known})", "section", "section"))
    return problems


def _duplicates(file: Path, what: str, ids: list[str]) -> list[Problem]:
    seen: set[str] = set()
    dupes = [i for i in ids if i in seen or seen.add(i)]  # type: ignore[func-returns-value]
    return [Problem(str(file), f"duplicate {what} id {d!r}", field="catalog") for d in dupes]


def digest(meta: CatalogMeta, measures: Iterable[tuple[Measure, YamlDoc, int]]) -> str:
    """A hash of the catalog's meaning, not its formatting: reflowing YAML does not change it."""
    content = {
        "meta": meta.model_dump(mode="json"),
        "measures": [m.model_dump(mode="json") for m, _, _ in measures],
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
