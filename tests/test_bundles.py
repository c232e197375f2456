"""Issue 14, reporting upward: bundles (`export`), their import by a receiving store (mirrors),
`keys export` and `keys trust`, and a relay from a unit through a bureau to the department.

Each store is a folder of its own with its own people, each with a config folder (their keys
and witness) of their own, as on separate machines."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from checklist.core import bundle
from checklist.core.errors import ChecklistError
from checklist.core.filestore import FileStore

from .conftest import Result
from .languages import chinese_in_english, english_lines

Run = Callable[..., Result]


class Place:
    """A store and the person who works on it: `place("done", "1", ...)` runs as them there."""

    def __init__(self, cli: Run, monkeypatch: pytest.MonkeyPatch, root: Path, user: str) -> None:
        self.cli, self.monkeypatch, self.root, self.user = cli, monkeypatch, root, user
        self.store = root / ".checklist"
        self.config = root / "config"

    def env(self) -> dict[str, str]:
        return {
            "CHECKLIST_STORE": str(self.store),
            "CHECKLIST_CONFIG_HOME": str(self.config),
            "CHECKLIST_USER": self.user,
        }

    def __call__(self, *args: str) -> Result:
        for name, value in self.env().items():
            self.monkeypatch.setenv(name, value)
        return self.cli(*args)

    def ok(self, *args: str) -> Result:
        result = self(*args)
        assert result.exit_code == 0, result
        return result

    def log(self, unit: str) -> bytes:
        return (self.store / "units" / unit / "records.jsonl").read_bytes()


def record(place: Place, number: str, note: str) -> None:
    """Attest item `number` (5, 6 and 9 need an evidence file, 8 a note only)."""
    evidence = place.root / "notice.pdf"
    evidence.write_bytes(b"%PDF-1.4 " + note.encode())
    place.ok("done", number, "--note", note, *(("--evidence", str(evidence)) if number in ("5", "6", "9") else ()))


def snapshot(store: Path) -> dict[str, bytes]:
    """Every file of a store, byte for byte (lock files, which reads make, aside)."""
    return {
        str(path.relative_to(store)): path.read_bytes()
        for path in sorted(store.rglob("*"))
        if path.is_file() and path.name != ".lock"
    }


@pytest.fixture
def places(cli: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[str, str], Place]:
    def make(name: str, user: str) -> Place:
        root = tmp_path / name
        root.mkdir()
        return Place(cli, monkeypatch, root, user)

    return make


@pytest.fixture
def prison(places: Callable[[str, str], Place]) -> Place:
    """A prison on its own store, its officer with a key, three records made."""
    place = places("prison", "王警官")
    place.ok("start", "--unit", "prison", "--name", "长沙监狱")
    place.ok("keys", "new")
    for number in ("1", "3", "4"):
        place.ok("done", number, "--note", f"第{number}项已落实")
    return place


@pytest.fixture
def province(places: Callable[[str, str], Place], prison: Place) -> Place:
    """The province's store (a unit of its own), trusting the prison's officer's key for it."""
    place = places("province", "省厅值班员")
    place.ok("start", "--unit", "department", "--name", "省厅")
    prison.ok("keys", "export", "--out", str(prison.root / "prison-key.json"))
    place.ok("keys", "trust", str(prison.root / "prison-key.json"), "--unit", "prison")
    return place


def export(place: Place, name: str, *options: str) -> Path:
    out = place.root / name
    place.ok("export", "--out", str(out), *options)
    return out


def refused(place: Place, bundle_file: Path, *, code: str, zh: str, en: str) -> None:
    """The import is refused, exit 3, with its words in both languages; the store unchanged."""
    before = snapshot(place.store)
    for lang, words in (("zh", zh), ("en", en)):
        result = place("import", str(bundle_file), "--lang", lang)
        assert result.exit_code == 3, result
        assert words in result.stderr, result
        assert str(bundle_file) in result.stderr
    as_json = place("import", str(bundle_file), "--json")
    assert as_json.exit_code == 3
    document = as_json.json()
    assert isinstance(document, dict) and document["files"][0]["error"]["code"] == code
    assert snapshot(place.store) == before


class TestRoundTrip:
    def test_a_bundle_brings_the_units_records_byte_for_byte(self, prison: Place, province: Place) -> None:
        first = export(prison, "1.bundle")
        result = province.ok("import", str(first))
        assert "3 new records (0 held already); a new mirror, from store" in result.stderr
        assert "1 bundle: 1 imported, 0 refused; 3 new records." in result.stderr
        assert province.log("prison") == prison.log("prison")
        assert (province.store / "units/prison/unit.json").read_bytes() == (
            prison.store / "units/prison/unit.json"
        ).read_bytes()
        shown = province.ok("log", "--unit", "prison").stdout
        assert "第1项已落实" in shown and "第4项已落实" in shown
        everyone = province.ok("status", "--all").stdout
        assert "长沙监狱" in everyone and "省厅" in everyone
        stored = json.loads((province.store / "store.json").read_text())
        assert stored["format"] == 6 and stored["requires"] == "0.7.0"

    def test_importing_twice_changes_nothing_and_says_so(self, prison: Place, province: Place) -> None:
        first = export(prison, "1.bundle")
        province.ok("import", str(first))
        before = snapshot(province.store)
        again = province.ok("import", str(first), "--lang", "zh")
        assert "没有新记录：其 3 条记录均已存在" in again.stderr
        assert snapshot(province.store) == before

    def test_the_next_bundle_carries_only_what_is_new(self, prison: Place, province: Place) -> None:
        province.ok("import", str(export(prison, "1.bundle")))
        record(prison, "5", "第5项")
        record(prison, "6", "第6项")
        second = export(prison, "2.bundle")
        payload = json.loads(base64.b64decode(json.loads(second.read_text())["payload"]))
        (unit,) = payload["units"]
        assert (unit["after"], unit["head"], len(unit["records"])) == (3, 5, 2)
        result = province.ok("import", str(second))
        assert "2 new records (0 held already)" in result.stderr
        assert province.log("prison") == prison.log("prison")
        empty = export(prison, "3.bundle")
        assert json.loads(base64.b64decode(json.loads(empty.read_text())["payload"]))["units"][0]["records"] == []
        assert "no record since its last bundle" in province.ok("import", str(empty)).stderr

    def test_the_payload_is_a_dsse_envelope_as_its_schema_says(self, prison: Place, cli: Run) -> None:
        envelope = json.loads(export(prison, "1.bundle").read_text())
        assert envelope["payloadType"] == "application/vnd.checklist.bundle+json"
        assert [s["keyid"] for s in envelope["signatures"]] == [json.loads(prison.ok("keys", "export").stdout)["key"]]
        payload = json.loads(base64.b64decode(envelope["payload"]))
        schema = json.loads(cli("schema", "--output", "bundle").stdout)
        Draft202012Validator(schema).validate(payload)
        (unit,) = payload["units"]
        assert unit["catalog"] in payload["catalogs"] and unit["seal"] and unit["keys"]

    def test_the_seal_the_unit_sends_verifies_on_the_province(self, prison: Place, province: Place) -> None:
        seal = prison.root / "seal.json"
        prison.ok("seal", "--out", str(seal))
        result = province.ok("verify", "--seal", str(seal))  # the complaint: "key not registered"
        assert "holds" in result.stdout
        province.ok("import", str(export(prison, "1.bundle")))
        assert province.ok("verify", "--seal", str(seal)).exit_code == 0  # and against the mirror's log

    def test_evidence_comes_only_when_asked(self, prison: Place, province: Place) -> None:
        record(prison, "5", "通知")
        plain = json.loads(base64.b64decode(json.loads(export(prison, "1.bundle", "--full").read_text())["payload"]))
        assert plain["evidence"] == {}
        with_files = export(prison, "2.bundle", "--full", "--evidence")
        assert len(json.loads(base64.b64decode(json.loads(with_files.read_text())["payload"]))["evidence"]) == 1
        province.ok("import", str(with_files))
        assert len(list((province.store / "evidence").rglob("*"))) == 2  # its folder and the file
        assert province.ok("verify", "--all").exit_code == 0


class TestRefused:
    def test_an_untrusted_key(self, prison: Place, places: Callable[[str, str], Place]) -> None:
        stranger = places("stranger", "某人")
        stranger.ok("start", "--unit", "bureau")
        refused(
            stranger,
            export(prison, "1.bundle"),
            code="bundle.untrusted_signer",
            zh="在本记录库未被信任代表任何单位",
            en="which this store trusts for no unit",
        )

    def test_a_changed_payload(self, prison: Place, province: Place) -> None:
        path = export(prison, "1.bundle")
        envelope = json.loads(path.read_text())
        payload = base64.b64decode(envelope["payload"]).replace("第3项已落实".encode(), "第3项未落实".encode())
        envelope["payload"] = base64.b64encode(payload).decode()
        path.write_text(json.dumps(envelope))
        refused(
            province, path, code="bundle.bad_signature", zh="报送包在签名后被改动", en="was changed after it was signed"
        )

    def test_a_bad_signature(self, prison: Place, province: Place) -> None:
        path = export(prison, "1.bundle")
        envelope = json.loads(path.read_text())
        signature = bytearray(base64.b64decode(envelope["signatures"][0]["sig"]))
        signature[0] ^= 1
        envelope["signatures"][0]["sig"] = base64.b64encode(bytes(signature)).decode()
        path.write_text(json.dumps(envelope))
        refused(province, path, code="bundle.bad_signature", zh="的签名不符", en="does not hold")

    def test_a_gap_then_sent_again_from_where_it_was(self, prison: Place, province: Place) -> None:
        province.ok("import", str(export(prison, "1.bundle")))
        record(prison, "5", "第5项")
        export(prison, "2.bundle")  # lost on the way
        record(prison, "6", "第6项")
        third = export(prison, "3.bundle")
        refused(province, third, code="bundle.gap", zh="中间的记录缺失", en="the records between are missing")
        hint = province("import", str(third)).stderr
        assert "checklist export --unit prison --since 3 --out FILE" in hint
        again = export(prison, "again.bundle", "--since", "3")
        assert "2 new records" in province.ok("import", str(again)).stderr
        assert province.log("prison") == prison.log("prison")

    def test_a_fork(self, prison: Place, province: Place, places: Callable[[str, str], Place]) -> None:
        before_third = prison.root / "backup"
        shutil.copytree(prison.store, before_third)
        record(prison, "8", "第8项")
        province.ok("import", str(export(prison, "1.bundle")))
        # someone restores the old copy and writes another record 4, with a key of their own
        shutil.rmtree(prison.store)
        shutil.copytree(before_third, prison.store)
        other = places("other", "李警官")
        other.store = prison.store
        other.ok("keys", "new")
        other.ok("done", "9", "--note", "另一条", "--evidence", str(prison.root / "notice.pdf"))
        other.ok("keys", "export", "--out", str(other.root / "key.json"))
        province.ok("keys", "trust", str(other.root / "key.json"), "--unit", "prison")
        forked = export(other, "forked.bundle", "--full")
        refused(province, forked, code="bundle.fork", zh="（分叉）", en="(a fork)")
        assert "record 4 is not the one this store holds" in province("import", str(forked)).stderr

    def test_a_unit_of_another_store_with_the_same_id(
        self, prison: Place, province: Place, places: Callable[[str, str], Place]
    ) -> None:
        province.ok("import", str(export(prison, "1.bundle")))
        twin = places("twin", "赵警官")
        twin.ok("start", "--unit", "prison", "--name", "另一个监狱")
        twin.ok("keys", "new")
        twin.ok("done", "1", "--note", "x")
        twin.ok("keys", "export", "--out", str(twin.root / "key.json"))
        province.ok("keys", "trust", str(twin.root / "key.json"), "--unit", "prison")
        refused(
            province,
            export(twin, "twin.bundle"),
            code="bundle.clash",
            zh="是另一个同编号的单位",
            en="is another unit with the same id",
        )

    def test_a_unit_with_the_id_of_one_of_the_stores_own(
        self, province: Place, places: Callable[[str, str], Place]
    ) -> None:
        namesake = places("namesake", "钱警官")
        namesake.ok("start", "--unit", "department")
        namesake.ok("keys", "new")
        namesake.ok("keys", "export", "--out", str(namesake.root / "key.json"))
        province.ok("keys", "trust", str(namesake.root / "key.json"), "--unit", "department")
        refused(
            province,
            export(namesake, "namesake.bundle"),
            code="bundle.clash_own",
            zh="是本记录库自己的单位",
            en="is one of this store's own units",
        )

    def test_not_a_bundle(self, province: Place) -> None:
        junk = province.root / "junk.bundle"
        junk.write_text('{"payloadType": "text/plain", "payload": "", "signatures": []}')
        refused(province, junk, code="bundle.malformed", zh="不是可读取的报送包", en="is not a bundle that can be read")

    def test_a_seal_given_for_a_bundle(self, prison: Place, province: Place) -> None:
        seal = prison.root / "seal.json"
        prison.ok("seal", "--out", str(seal))
        refused(province, seal, code="bundle.is_seal", zh="是封签，不是报送包", en="is a seal, not a bundle")

    def test_other_files_still_import_and_the_summary_says_which_were_refused(
        self, prison: Place, province: Place
    ) -> None:
        junk = province.root / "junk.bundle"
        junk.write_text("not json")
        result = province("import", str(junk), str(export(prison, "1.bundle")))
        assert result.exit_code == 3
        assert "2 bundles: 1 imported, 1 refused; 3 new records." in result.stderr
        assert province.log("prison") == prison.log("prison")


class TestMirrors:
    def test_a_mirror_is_never_recorded_on(self, prison: Place, province: Place) -> None:
        province.ok("import", str(export(prison, "1.bundle")))
        store_id = json.loads((prison.store / "store.json").read_text())["id"]
        before = snapshot(province.store)
        for lang, words in (("en", "is a mirror, imported from store"), ("zh", "导入的副本")):
            result = province("done", "8", "--unit", "prison", "--note", "x", "--lang", lang)
            assert result.exit_code == 1 and words in result.stderr and store_id in result.stderr
        assert province("seal", "--unit", "prison").exit_code == 1
        assert province.log("prison") == prison.log("prison")
        assert {k: v for k, v in snapshot(province.store).items() if "index" not in k and "cache" not in k} == {
            k: v for k, v in before.items() if "index" not in k and "cache" not in k
        }

    def test_verify_all_checks_a_mirror_against_its_own_keys_and_catches_a_change(
        self, prison: Place, province: Place
    ) -> None:
        province.ok("keys", "new")  # the province's own officer
        province.ok("import", str(export(prison, "1.bundle")))
        result = province.ok("verify", "--all")
        assert "signed by 王警官" in result.stdout and "prison" in result.stdout
        log = province.store / "units/prison/records.jsonl"
        log.write_bytes(log.read_bytes().replace("第3项已落实".encode(), "第3项未落实".encode()))
        broken = province("verify", "--all")
        assert broken.exit_code == 3 and "record 2 at line 2 was changed" in broken.stdout

    def test_verify_all_catches_a_mirror_cut_back_with_its_head_rewritten(self, prison: Place, province: Place) -> None:
        province.ok("import", str(export(prison, "1.bundle")))
        folder = province.store / "units/prison"
        lines = (folder / "records.jsonl").read_bytes().splitlines(keepends=True)
        kept = b"".join(lines[:-1])
        (folder / "records.jsonl").write_bytes(kept)
        head = {
            "format": 1,
            "seq": 2,
            "hash": "sha256:" + hashlib.sha256(lines[-2][:-1]).hexdigest(),
            "size": len(kept),
        }
        (folder / "head.json").write_text(json.dumps(head))
        for lang, words in (
            ("en", "no longer holds record 3 as its unit sealed it"),
            ("zh", "日志中的第 3 条记录已与该单位"),
        ):
            result = province("verify", "--all", "--lang", lang)
            assert result.exit_code == 3 and words in result.stdout, result

    def test_an_officer_of_the_same_name_on_the_province_does_not_clash(
        self, prison: Place, places: Callable[[str, str], Place]
    ) -> None:
        province = places("province", "王警官")  # the province's own 王警官, another person
        province.ok("start", "--unit", "department")
        province.ok("keys", "new")
        province.ok("done", "1", "--note", "省厅")
        prison.ok("keys", "export", "--out", str(prison.root / "key.json"))
        province.ok("keys", "trust", str(prison.root / "key.json"), "--unit", "prison")
        province.ok("import", str(export(prison, "1.bundle")))
        result = province.ok("verify", "--all")
        assert result.stdout.count("signed by 王警官") == 2

    def test_keys_list_shows_the_trusted_keys(self, province: Place) -> None:
        shown = province.ok("keys", "list").stdout
        assert "prison" in shown and "王警官" in shown
        again = province.ok("keys", "trust", str(province.root.parent / "prison/prison-key.json"), "--unit", "prison")
        assert "already" in again.stderr


class TestRelay:
    def test_unit_to_bureau_to_department_verified_end_to_end(
        self, prison: Place, places: Callable[[str, str], Place]
    ) -> None:
        bureau = places("bureau", "局值班员")
        bureau.ok("start", "--unit", "city-bureau", "--name", "市局")
        bureau.ok("keys", "new")
        prison.ok("keys", "export", "--out", str(prison.root / "key.json"))
        bureau.ok("keys", "trust", str(prison.root / "key.json"), "--unit", "prison")
        bureau.ok("import", str(export(prison, "1.bundle")))
        department = places("department", "厅值班员")
        department.ok("start", "--unit", "department")
        bureau.ok("keys", "export", "--out", str(bureau.root / "key.json"))
        department.ok("keys", "trust", str(bureau.root / "key.json"), "--unit", "city-bureau")
        department.ok("keys", "trust", str(prison.root / "key.json"), "--unit", "prison")
        relayed = export(bureau, "up.bundle", "--all")
        result = department.ok("import", str(relayed))
        assert "city-bureau (市局)" in result.stderr and "prison (长沙监狱): 3 new records" in result.stderr
        assert department.log("prison") == prison.log("prison")
        assert department.ok("verify", "--all").exit_code == 0
        # the next day's records go the same way, only what is new
        record(prison, "8", "第8项")
        bureau.ok("import", str(export(prison, "2.bundle")))
        assert "1 new record" in department.ok("import", str(export(bureau, "up2.bundle", "--all"))).stderr
        assert department.log("prison") == prison.log("prison")

    def test_a_relay_cannot_forge_a_units_record(self, prison: Place, places: Callable[[str, str], Place]) -> None:
        bureau = places("bureau", "局值班员")
        bureau.ok("start", "--unit", "city-bureau")
        bureau.ok("keys", "new")
        prison.ok("keys", "export", "--out", str(prison.root / "key.json"))
        bureau.ok("keys", "trust", str(prison.root / "key.json"), "--unit", "prison")
        bureau.ok("import", str(export(prison, "1.bundle")))
        log = bureau.store / "units/prison/records.jsonl"
        log.write_bytes(log.read_bytes().replace("第3项已落实".encode(), "第3项未落实".encode()))
        department = places("department", "厅值班员")
        department.ok("start", "--unit", "department")
        bureau.ok("keys", "export", "--out", str(bureau.root / "key.json"))
        department.ok("keys", "trust", str(bureau.root / "key.json"), "--unit", "city-bureau")
        department.ok("keys", "trust", str(prison.root / "key.json"), "--unit", "prison")
        forged = export(bureau, "up.bundle", "--all")  # signed by the bureau, whose key the department trusts
        refused(
            department,
            forged,
            code="bundle.broken_chain",
            zh="记录链在第",
            en="the chain of its records breaks at record",
        )

    def test_a_relay_cannot_change_the_last_record_either(
        self, prison: Place, places: Callable[[str, str], Place]
    ) -> None:
        bureau = places("bureau", "局值班员")
        bureau.ok("start", "--unit", "city-bureau")
        bureau.ok("keys", "new")
        prison.ok("keys", "export", "--out", str(prison.root / "key.json"))
        bureau.ok("keys", "trust", str(prison.root / "key.json"), "--unit", "prison")
        bureau.ok("import", str(export(prison, "1.bundle")))
        log = bureau.store / "units/prison/records.jsonl"
        log.write_bytes(log.read_bytes().replace("第4项已落实".encode(), "第4项未落实".encode()))
        department = places("department", "厅值班员")
        department.ok("start", "--unit", "department")
        bureau.ok("keys", "export", "--out", str(bureau.root / "key.json"))
        department.ok("keys", "trust", str(bureau.root / "key.json"), "--unit", "city-bureau")
        department.ok("keys", "trust", str(prison.root / "key.json"), "--unit", "prison")
        refused(
            department,
            export(bureau, "up.bundle", "--all"),
            code="bundle.head_not_sealed",
            zh="途中被改动",
            en="is not the one the unit's seal signs",
        )


class TestKeysAndExport:
    def test_export_without_a_key_says_how_to_make_one(self, places: Callable[[str, str], Place]) -> None:
        unit = places("unit", "王警官")
        unit.ok("start", "--unit", "prison")
        for lang in ("en", "zh"):
            result = unit("export", "--out", "x.bundle", "--lang", lang)
            assert result.exit_code == 1 and "`checklist keys new`" in result.stderr
        assert not Path("x.bundle").exists()
        assert unit("keys", "export").exit_code == 1

    def test_keys_export_prints_the_public_key_alone(self, prison: Place) -> None:
        printed = json.loads(prison.ok("keys", "export").stdout)
        assert set(printed) == {"format", "key", "name", "public", "created_at"} and printed["name"] == "王警官"

    def test_trust_refuses_a_file_that_is_no_key_and_a_bad_unit_id(self, province: Place) -> None:
        junk = province.root / "junk.json"
        junk.write_text("{}")
        assert province("keys", "trust", str(junk), "--unit", "prison").exit_code == 1
        key = province.root.parent / "prison/prison-key.json"
        assert province("keys", "trust", str(key), "--unit", "../x").exit_code == 1

    def test_export_since_a_record_the_unit_does_not_have(self, prison: Place) -> None:
        result = prison("export", "--out", "x.bundle", "--since", "9")
        assert result.exit_code == 1 and "has no record 9" in result.stderr

    def test_a_damaged_line_is_not_sent(self, prison: Place) -> None:
        with (prison.store / "units/prison/records.jsonl").open("ab") as log:
            log.write(b"\xff\xfe\n")
        result = prison("export", "--out", str(prison.root / "x.bundle"))
        assert result.exit_code == 3 and "records.jsonl:4: damaged record" in result.stderr, result
        assert not (prison.root / "x.bundle").exists() and not (prison.store / "units/prison/exported.json").exists()

    def test_the_commands_speak_chinese(self, prison: Place, province: Place) -> None:
        made = prison.ok("export", "--out", str(prison.root / "1.bundle"), "--lang", "zh").stderr
        assert "报送包已写入" in made and "第 1 至 3 条记录（3 条）" in made
        done = province.ok("import", str(prison.root / "1.bundle"), "--lang", "zh").stderr
        assert "新增记录 3 条" in done and "新建副本" in done
        store_id = json.loads((prison.store / "store.json").read_text())["id"]
        for text in (made, done):
            assert not english_lines(text, {str(prison.root), str(province.root), store_id}), text
        english = province.ok("import", str(prison.root / "1.bundle"), "--lang", "en").stderr
        assert not chinese_in_english(english, {"长沙监狱"}), english


def test_several_files_in_a_real_process_no_progress_bar_when_piped(
    prison: Place, province: Place, proc: Callable[..., Result]
) -> None:
    first = export(prison, "1.bundle")
    record(prison, "8", "第8项")
    second = export(prison, "2.bundle")
    result = proc("import", str(first), str(second), str(first), env={**province.env(), "CHECKLIST_LANG": "en"})
    assert result.exit_code == 0, result
    assert "3 bundles: 3 imported, 0 refused; 4 new records." in result.stderr
    assert "Importing bundles" not in result.stderr and "\x1b" not in result.stderr
    assert province.log("prison") == prison.log("prison")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
            max_leaves=12,
        ).map(lambda value: json.dumps(value).encode()),
        st.dictionaries(
            st.sampled_from(["payloadType", "payload", "signatures"]),
            st.one_of(
                st.text(max_size=30), st.lists(st.dictionaries(st.sampled_from(["keyid", "sig"]), st.text(max_size=10)))
            ),
        ).map(lambda value: json.dumps(value).encode()),
        st.binary(max_size=300).map(
            lambda raw: json.dumps(
                {
                    "payloadType": bundle.PAYLOAD_TYPE,
                    "payload": base64.b64encode(raw).decode(),
                    "signatures": [{"keyid": "ed25519:0000000000000000", "sig": ""}],
                }
            ).encode()
        ),
    )
)
def test_the_bundle_reader_never_fails_but_with_its_words(data: bytes, tmp_path: Path) -> None:
    """Whatever the bytes, reading a bundle ends in the bundle's own error (exit 3), never a traceback."""
    store = FileStore.create(tmp_path / "receiver")
    try:
        bundle.check_bundle(store, data, "x.bundle")
    except ChecklistError as exc:
        assert exc.exit_code == 3 and exc.code.startswith(("bundle.", "format."))
    else:  # pragma: no cover - nothing random is a signed bundle of a trusted key
        pytest.fail("a random file was imported")


def test_a_progress_bar_only_on_a_terminal_and_never_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from checklist.usecases.settings import progress_wanted

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    assert progress_wanted({}) and progress_wanted({"CI": "0"})
    assert not progress_wanted({"CI": "true"})
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # piped
    assert not progress_wanted({})


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
def test_a_progress_bar_on_a_terminal_in_a_real_process(prison: Place, province: Place) -> None:
    import os
    import pty
    import subprocess

    from .conftest import installed_command

    files = [str(export(prison, f"{n}.bundle")) for n in range(3)]
    leader, follower = pty.openpty()
    env = {**os.environ, **province.env(), "CHECKLIST_LANG": "en", "COLUMNS": "100"}
    env.pop("CI", None)
    done = subprocess.run(
        [*installed_command(), "import", *files],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
        timeout=60,
        check=False,
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 1 << 16)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert done.returncode == 0
    text = shown.decode(errors="replace")
    assert "Importing bundles" in text and "3 bundles: 3 imported, 0 refused; 3 new records." in text


@pytest.mark.parametrize(
    ("content", "code", "zh", "en"),
    [
        ("这不是报送包", "bundle.not_json", "不是报送包：它不是 JSON 文件", "is not a bundle: it is not a JSON file"),
        ('{"seq": 1}', "bundle.not_envelope", "不是报送包：它不是", "is not a bundle: it is not a signed envelope"),
    ],
)
def test_a_file_that_is_no_bundle_at_all_is_said_so_plainly(
    province: Place, content: str, code: str, zh: str, en: str
) -> None:
    """Not the JSON parser's English ("Expecting value: line 1 column 1") in a Chinese run."""
    junk = province.root / "junk.bundle"
    junk.write_text(content, encoding="utf-8")
    refused(province, junk, code=code, zh=zh, en=en)
    assert "Expecting value" not in province("import", str(junk), "--lang", "zh").stderr


def test_a_bundle_checks_with_any_dsse_implementation(prison: Place) -> None:
    """The envelope as the DSSE spec defines it, checked here with `cryptography` alone and the
    exported public key, none of checklist's code: PAE(payloadType, payload) signed in Ed25519."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    bundle_file = export(prison, "dsse.bundle")
    prison.ok("keys", "export", "--out", str(prison.root / "key.json"))
    public = json.loads((prison.root / "key.json").read_text(encoding="utf-8"))
    envelope = json.loads(bundle_file.read_bytes())
    payload_type, payload = envelope["payloadType"].encode(), base64.b64decode(envelope["payload"])
    signed = b"DSSEv1 %d %s %d %s" % (len(payload_type), payload_type, len(payload), payload)
    (signature,) = envelope["signatures"]
    assert signature["keyid"] == public["key"]
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public["public"]))
    key.verify(base64.b64decode(signature["sig"]), signed)  # raises if it does not hold
    with pytest.raises(InvalidSignature):
        key.verify(base64.b64decode(signature["sig"]), signed.replace(b"prison", b"prisom", 1))
    assert json.loads(payload)["kind"] == "checklist-bundle"
