"""Every `--json` document carries its name and format, and its real output validates against
the JSON Schema that `checklist schema --output NAME` prints.

The documents are made once for the module, through the command line, from a store rich
enough that their optional parts are there: headline figures with an alert, overdue and
awaiting items, a lapsed waiver, subjects of events, a withdrawn event, an approval, a late
report, evidence, signed and unsigned records, a newer catalog, an upgraded unit with a
retired and a reworded measure, seals that hold and one that does not, and a store that fails
verification.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, get_type_hints

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from typer.testing import CliRunner

from checklist.cli.app import app
from checklist.core.keys import PublicKey
from checklist.core.models import Record
from checklist.core.status import STATES
from checklist.present import schemas

from . import pg
from .conftest import OLD_CATALOG, REPO, forge_seal, seal_payload, three_zeros

NAMES = [
    "status",
    "status-all",
    "status-by-measure",
    "status-measure",
    "status-compliance",
    "items",
    "agenda",
    "subjects",
    "log",
    "verification",
    "seal-check",
    "seal-checks",
    "checkpoint-checks",
    "keys",
    "imports",
    "push",
    "parts",
    "db-roles",
    "roles",
    "validation",
    "report",
]
DRAFT = "https://json-schema.org/draft/2020-12/schema"
# Objects whose keys are data (field ids, measure ids), not a closed shape.
OPEN_MAPS = {"figures", "latest", "totals", "today", "retired", "records_for_unknown_items", "values", "days_at_zero"}
OPEN_MAPS |= {"attested"}  # status-compliance: by measure id
START, NOW = "2020-01-26T09:00", "2020-01-29T10:00"

FORMATS = FormatChecker()  # every format jsonschema checks, and these two whatever is installed


@FORMATS.checks("date-time", raises=ValueError)
def _moment(value: object) -> bool:
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None  # with its offset


@FORMATS.checks("date", raises=ValueError)
def _day(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[Any]]]:
    """Every document, as printed (parsed), by name: several of each where the shapes differ."""
    root = tmp_path_factory.mktemp("documents")
    work = root / "work"
    work.mkdir()
    with pytest.MonkeyPatch.context() as env:
        for name in list(os.environ):
            if name.startswith("CHECKLIST_"):
                env.delenv(name)
        env.setenv("HOME", str(root / "home"))
        env.setenv("CHECKLIST_CONFIG_HOME", str(root / "config"))
        env.setenv("CHECKLIST_USER", "tester")
        env.setenv("CHECKLIST_LANG", "en")
        env.setenv("NO_COLOR", "1")
        env.chdir(work)
        yield _make(work)


def _run(*args: str, codes: tuple[int, ...] = (0,)) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code in codes, (args, result.exit_code, result.stdout, result.stderr)
    return result.stdout


EXAM = ("--set", "temperature=37.5", "--set", "symptoms=no")  # an alert: 37.3 °C or more
# What the units record, at which moment: (now, command...).
RECORDS: list[tuple[str, ...]] = [
    ("2020-01-27T20:00", "done", "system.three-zeros", "--note", "日报", *three_zeros()),
    ("2020-01-29T08:00", "done", "system.three-zeros", "--note", "日报", *three_zeros(infections=1)),  # an alert
    ("2020-01-29T08:00", "done", "system.three-zeros", "--for", "2020-01-28", "--note", "补报", *three_zeros()),
    ("2020-01-27T09:00", "done", "prison.closed-management", "--note", "全封闭", "--evidence", "notice.pdf"),
    ("2020-01-27T09:00", "partial", "prison.emergency-reserves", "--note", "口罩已到，药品未到"),
    ("2020-01-27T09:00", "block", "prison.large-activities-suspended", "--reason", "待省局批复"),
    ("2020-01-27T09:00", "na", "prison.outreach-activities-suspended", "--reason", "暂无", "--until", "2020-01-27"),
    ("2020-01-27T09:00", "na", "prison.visits-suspended", "--reason", "本监狱无接见"),  # critical: awaiting
    ("2020-01-27T09:00", "na", "prison.rotating-closed-duty", "--reason", "轮换暂停"),
    ("2020-01-27T09:30", "approve", "prison.rotating-closed-duty", "--by", "李四"),  # unsigned: no key
    ("2020-01-27T10:00", "event", "admission", "--subject", "P001", "--at", "2020-01-27T10:00"),
    ("2020-01-29T09:00", "event", "admission", "--subject", "P002", "--at", "2020-01-29T09:00"),
    ("2020-01-28T09:00", "event", "admission", "--subject", "P003", "--at", "2020-01-28T09:00"),
    ("2020-01-28T09:30", "event", "admission", "--subject", "P003", "--withdraw", "--note", "录入错误"),
    ("2020-01-27T11:00", "done", "prison.new-admission-exam", "--subject", "P001", "--note", "体检", *EXAM),
    ("2020-01-28T09:00", "ack", "prison.new-admission-exam", "--subject", "P001", "--reason", "复测正常"),
    ("2020-01-27T09:00", "done", "rehab.lead-selfless", "--unit", "rehab", "--note", "x"),
    ("2020-01-27T09:00", "done", "rehab.lead-front-line", "--unit", "rehab", "--note", "y"),
]


class Kept:
    """The documents printed, by name."""

    def __init__(self) -> None:
        self.found: dict[str, list[Any]] = {name: [] for name in NAMES}

    def __call__(self, name: str, *args: str, codes: tuple[int, ...] = (0,)) -> None:
        self.found[name].append(json.loads(_run(*args, "--json", codes=codes)))


def _make(work: Path) -> dict[str, list[Any]]:
    catalog = work / "catalog"
    # The 2020.01.27 edition: an item that opens after some days (upcoming, with `opens`) is
    # part of the documents, and the bundled catalog has none since 2020.01.27.2.
    shutil.copytree(OLD_CATALOG, catalog)
    _run("start", "--unit", "prison", "--name", "长沙监狱", "--catalog", str(catalog), "--now", START)
    _run("start", "--unit", "rehab", "--catalog", str(catalog), "--now", START)
    _run("use", "prison")
    _run("keys", "new")  # the tester's records are signed from now on
    Path("notice.pdf").write_bytes(b"%PDF-1.4 notice")
    for now, *command in RECORDS:
        _run(*command, "--now", now)
    _newer_catalog(catalog)
    _run("upgrade", "--unit", "rehab")  # prison stays on the version it runs: a newer one is available
    keep = Kept()
    _views(keep, catalog)
    _trust(keep)
    _database(keep)
    return keep.found


def _database(keep: Kept) -> None:
    """`db roles --json`, on a PostgreSQL store (tests/pg.py; none made without a server)."""
    if not pg.SERVER:
        return
    url = pg.new_database()
    try:
        _run("start", "--unit", "prison", "--store", url, "--now", START)
        _run("db", "grant", "writer", "json_doc_writer", "--unit", "prison", "--store", url)
        _run("db", "grant", "supervisor", "json_doc_supervisor", "--node", "湖南省司法厅/长沙市司法局", "--store", url)
        _run("db", "grant", "admin", "json_doc_admin", "--store", url)
        keep("db-roles", "db", "roles", "--store", url)
        keep("db-roles", "db", "roles", "--store", pg.with_user(url, "json_doc_writer"))  # its own row only
    finally:
        pg.drop_database(url)


def _newer_catalog(catalog: Path) -> None:
    """A newer version at the units' source: one measure removed, one reworded."""
    head = catalog / "00-catalog.yaml"
    head.write_text(head.read_text(encoding="utf-8").replace('"2020.01.27"', '"2020.02.01"'), encoding="utf-8")
    rehab = catalog / "50-rehab.yaml"
    text = rehab.read_text(encoding="utf-8")
    start = text.index("  - id: rehab.lead-selfless")
    text = text[:start] + text[text.index("  - id: ", start + 10) :]
    rehab.write_text(text.replace("Lead from the front line", "Lead from the very front line"), encoding="utf-8")


def _views(keep: Kept, catalog: Path) -> None:
    keep("status", "status", "--now", NOW)  # prison: a newer catalog, not upgraded
    keep("status", "status", "--unit", "rehab", "--now", NOW)  # upgraded: retired and reworded
    keep("status-all", "status", "--all", "--now", NOW)
    keep("report", "report", "--now", NOW, "--from", "2020-01-26")  # a unit's: figures, an alert, an approval
    keep("report", "report", "--all", "--now", NOW, "--day", "2020-01-27")  # several units'
    keep("status-by-measure", "status", "--all", "--by-measure", "--now", NOW)
    keep("status-measure", "status", "--all", "--item", "system.three-zeros", "--now", NOW)  # recurring, reported
    keep("status-measure", "status", "--all", "--item", "prison.new-admission-exam", "--now", NOW)  # per subject
    keep("status-compliance", "status", "--all", "--compliance", "--now", NOW)  # rehab upgraded: nothing new
    keep("items", "list", "--now", NOW)
    keep("items", "list", "--unit", "rehab", "--now", NOW)
    keep("agenda", "today", "--days", "20", "--now", NOW)
    keep("subjects", "subjects", "--now", NOW)
    keep("parts", "part", "--now", NOW)  # the bundled catalog's units have no parts: test_parts.py has some
    keep("log", "log")
    keep("log", "log", "--unit", "rehab")
    keep("validation", "validate", str(catalog))
    bad = catalog.parent / "bad.yaml"
    head = (catalog / "00-catalog.yaml").read_text(encoding="utf-8")
    bad.write_text(head + "\nmeasures:\n  - id: x\n    priority: urgent\n", encoding="utf-8")
    keep("validation", "validate", str(bad), codes=(3,))
    warned = catalog.parent / "warned.yaml"  # a figure nobody is asked for: a warning
    measure = (
        "  - {id: x, title: {zh: 甲, en: A}, applies_to: all, section: leadership, evidence: [note],\n"
        "     source: {issuer: {zh: 甲, en: A}, quote: 甲}, fields: [{id: n, label: {zh: 数, en: N}, type: integer}]}\n"
    )
    warned.write_text(head + "\nmeasures:\n" + measure, encoding="utf-8")
    keep("validation", "validate", str(warned))
    keep("validation", "validate", str(warned), "--strict", codes=(3,))


def _trust(keep: Kept) -> None:
    keep("keys", "keys", "list")
    keep("roles", "role")
    _run("seal", "--unit", "prison", "--out", "seal.json")
    sealed = seal_payload(Path("seal.json"))
    sealed["totals"]["done"] = 99
    forge_seal(Path("seal.json"), Path("forged.json"), sealed)
    keep("seal-check", "verify", "--seal", "seal.json")
    keep("seal-check", "verify", "--seal", "forged.json", codes=(3,))
    keep("seal-checks", "verify", "--seal", "seal.json", "--seal", "forged.json", codes=(3,))
    keep("seal-checks", "verify", "--seal", "seal.json", "--seal", "missing.json", codes=(1,))
    _run("checkpoint", "--unit", "prison", "--out", "point.note")
    Path("garbled.note").write_text("not a checkpoint", encoding="utf-8")
    keep("checkpoint-checks", "verify", "--checkpoint", "point.note")
    keep("checkpoint-checks", "verify", "--checkpoint", "point.note", "--checkpoint", "garbled.note", codes=(3,))
    keep("verification", "verify", "--all")
    keep("verification", "verify", "--all", "--require-signatures", codes=(3,))
    # Bundles: the prison's records imported by a province's store, once it trusts the tester's key.
    _run("export", "--unit", "prison", "--out", "prison.bundle")
    _run("keys", "export", "--out", "tester.json")
    province = ("--store", "province/.checklist")
    _run("start", "--unit", "bureau", *province)
    keep("imports", "import", "prison.bundle", *province, codes=(3,))  # the key not trusted yet
    _run("keys", "trust", "tester.json", "--unit", "prison", *province)
    keep("imports", "import", "prison.bundle", "prison.bundle", *province)  # the second time: nothing new
    keep("keys", "keys", "list", *province)
    _push(keep)
    # Damage: an evidence file changed, the keys gone, a torn last line; then repair it.
    for stored in Path(".checklist/evidence").rglob("*"):
        if stored.is_file():
            stored.chmod(0o644)
            stored.write_bytes(b"changed")
    for registered in Path(".checklist/keys").glob("*.json"):
        registered.unlink()
    with Path(".checklist/units/prison/records.jsonl").open("ab") as log:
        log.write(b'{"v":2,"id":"torn')
    keep("verification", "verify", "--all", codes=(3,))
    keep("verification", "verify", "--all", "--repair", codes=(3,))


def _push(keep: Kept) -> None:
    """The store pushed into a database (with a PostgreSQL server for the tests), then again."""
    from . import pg

    if not pg.SERVER:
        return
    url = pg.new_database()
    try:
        keep("push", "push", "--to", url, "--all")
        keep("push", "push", "--to", url, "--all")  # nothing new
    finally:
        pg.drop_database(url)


@pytest.fixture(scope="module")
def printed_schemas() -> dict[str, dict[str, Any]]:
    """What `checklist schema --output NAME` prints, for every name `--list` gives."""
    listed = _run("schema", "--list").split()
    return {name: json.loads(_run("schema", "--output", name)) for name in listed}


def test_schema_lists_the_catalog_and_every_document(printed_schemas: dict[str, dict[str, Any]]) -> None:
    assert list(printed_schemas) == ["catalog", "bundle", *NAMES]


@pytest.mark.parametrize("name", ["catalog", "bundle", *NAMES])
def test_every_schema_is_a_valid_draft_2020_12_schema(name: str, printed_schemas: dict[str, dict[str, Any]]) -> None:
    schema = printed_schemas[name]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT and schema["title"] and schema.get("description", name == "catalog")


def test_the_default_schema_is_still_the_catalogs() -> None:
    assert json.loads(_run("schema")) == json.loads(_run("schema", "--output", "catalog"))


@pytest.mark.parametrize("name", NAMES)
def test_real_output_validates_against_its_schema(
    name: str, made: dict[str, list[Any]], printed_schemas: dict[str, dict[str, Any]]
) -> None:
    schema = printed_schemas[name]
    validator = Draft202012Validator(schema, format_checker=FORMATS)
    if name in ("db-roles", "push") and not made[name]:
        pg.server()  # skipped without a PostgreSQL server (failed in CI)
    assert made[name], f"no {name} document was made"
    for document in made[name]:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
        assert not errors, errors
        assert document["document"] == name and isinstance(document["format"], int)


@pytest.mark.parametrize("name", NAMES)
def test_a_key_the_schema_does_not_know_fails_validation(
    name: str, made: dict[str, list[Any]], printed_schemas: dict[str, dict[str, Any]]
) -> None:
    """Every object of every document is closed: an added key anywhere is drift the tests catch."""
    validator = Draft202012Validator(printed_schemas[name])
    for document in made[name]:
        paths = list(_objects(document))
        assert paths[0] == ()  # the document itself, then every object in it
        for path in paths:
            changed = json.loads(json.dumps(document))
            _at(changed, path)["surprise"] = 1
            assert not validator.is_valid(changed), (name, path)


def _objects(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The path of every closed object in a document (not the maps whose keys are data)."""
    if isinstance(value, dict):
        if not path or path[-1] not in OPEN_MAPS:
            yield path
        for key, inner in value.items():
            yield from _objects(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _objects(inner, (*path, index))


def _at(document: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def test_a_changed_type_or_a_missing_key_fails_validation(
    made: dict[str, list[Any]], printed_schemas: dict[str, dict[str, Any]]
) -> None:
    validator = Draft202012Validator(printed_schemas["status"])
    document = made["status"][0]
    assert not validator.is_valid({**document, "day": "30"})
    assert not validator.is_valid({**document, "format": 2})
    assert not validator.is_valid({k: v for k, v in document.items() if k != "headlines"})


def test_the_documents_have_their_optional_parts(made: dict[str, list[Any]]) -> None:
    """The store the documents come from exercises what a schema could otherwise get wrong."""
    prison, rehab = made["status"]
    assert prison["catalog"]["newer"] and prison["catalog"]["started_with"]["path"]
    assert prison["headlines"][0]["values"]["infections"] == 1 and prison["overdue"] and prison["critical_open"]
    assert any(r["missed"] for r in prison["recurring"]) and any(s["overdue"] for s in prison["sections"])
    assert prison["last_record_at"] and rehab["retired"] == {"rehab.lead-selfless": 1}
    assert [a["id"] for a in prison["unacknowledged_alerts"]] == ["system.three-zeros"]  # the exam's acknowledged
    items = made["items"][0]["items"]
    states = {i["state"] for i in items}
    assert {"done", "na", "partial", "blocked", "awaiting", "lapsed", "open", "upcoming"} <= states
    assert any(i["alerts"] for i in items) and any(i["opens"] for i in items) and any(i["due"] for i in items)
    assert any(i["changed_wording"] for i in made["items"][1]["items"])
    agenda = made["agenda"][0]
    assert all(agenda[part] for part in ("overdue", "today", "coming", "attention", "open", "acknowledge")), agenda
    assert [s["subject"] for s in made["subjects"][0]["subjects"]] == ["P001", "P002"]
    records = made["log"][0]["records"] + made["log"][1]["records"]
    kinds = {r["action"] for r in records}
    assert {"done", "partial", "na", "blocked", "approved", "event", "withdrawn", "upgraded", "acknowledged"} <= kinds
    optional = {"item", "period", "subject", "event", "occurred", "until", "approves", "measure", "note", "sig"}
    assert optional <= {key for record in records for key in record}
    assert any(r["evidence"] for r in records) and any("sig" not in r for r in records)
    keys = made["keys"][0]
    assert len(keys["registered"]) == len(keys["own"]) == 1
    assert [k["unit"] for k in made["keys"][1]["trusted"]] == ["prison"]
    refused, imported = made["imports"]
    assert refused["refused"] == 1 and refused["files"][0]["error"]["code"] == "bundle.untrusted_signer"
    first, again = imported["files"]
    assert first["units"][0]["created"] and first["units"][0]["new"] == imported["new_records"] > 0
    assert again["imported"] and again["units"][0]["new"] == 0 and again["error"] is None
    assert [(v["valid"], len(v["warnings"])) for v in made["validation"]] == [
        (True, 6),  # the first edition names none of its kinds of event: a warning at each of its 6 triggers
        (False, 0),
        (True, 1),
        (False, 0),
    ]
    assert made["validation"][-1]["problems"][0]["code"] == "measure.figures_not_asked"  # --strict
    held, forged = made["seal-check"]
    assert held["ok"] and held["checked_against_log"] and not forged["ok"] and forged["problems"]
    assert [len(d["seals"]) for d in made["seal-checks"]] == [2, 1]
    intact, unsigned, damaged, repaired = made["verification"]
    assert intact["ok"] and not unsigned["ok"] and unsigned["units"][0]["problems"]
    assert not damaged["ok"] and damaged["evidence"]["problems"] and damaged["units"][0]["unknown_key"]
    assert repaired["repaired"] and repaired["repaired"][0]["moved"] > 0


def test_an_unknown_name_is_refused_with_the_names_and_the_closest(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("schema", "--output", "stauts")
    assert result.exit_code == 1 and not result.stdout and "Traceback" not in result.stderr
    assert "no schema named 'stauts'" in result.stderr and "did you mean: status" in result.stderr
    assert all(name in result.stderr for name in ["catalog", *NAMES])


def test_the_shapes_follow_the_models_they_are_dumped_from() -> None:
    """Records (msgspec) and keys (pydantic) are dumped whole: their documents must name exactly their fields."""
    assert set(get_type_hints(schemas.RecordDocument)) == set(Record.__struct_fields__)
    assert set(get_type_hints(schemas.KeyDocument)) == set(PublicKey.model_fields)
    tally = set(get_type_hints(schemas.TallyDocument))
    assert set(STATES) <= tally


def test_the_names_and_formats_in_the_readme_are_the_schemas() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## JSON output", 1)[1].split("\n## ", 1)[0]
    for name in NAMES:
        shape = schemas.DOCUMENTS[name][0]
        options = shape.__args__ if hasattr(shape, "__args__") else (shape,)
        (fmt,) = {get_type_hints(option)["format"].__args__[0] for option in options}
        assert re.search(rf"`{re.escape(name)}` \| {fmt} \|", section), name


def test_printing_a_document_does_not_load_the_schemas(prison) -> None:  # type: ignore[no-untyped-def]
    """The shapes are for mypy and for `schema`: a command that prints JSON builds plain dicts."""
    code = (
        "import sys; sys.argv = ['checklist', 'status', '--json']\n"
        "from checklist.cli.app import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('checklist.present.schemas', 'jsonschema') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.rsplit("\n[", 1)[0])["document"] == "status"
    assert done.stdout.strip().splitlines()[-1] == "[]"
