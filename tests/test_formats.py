"""A store outlives the code that wrote it: catalog identity from content as written, and a
version on every file, so that a newer release opens an older store and an older release
refuses a newer one instead of misreading it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checklist.core import catalog as catalogs
from checklist.core import formats
from checklist.core.models import Catalog

from .conftest import REPO, three_zeros
from .test_catalog import HEAD, MEASURE, write

STORE = Path(".checklist")


def kept_files() -> list[Path]:
    return sorted((STORE / "catalogs").glob("*.json"))


def legacy_copy(catalog: Catalog) -> tuple[str, bytes]:
    """A catalog kept the way release 0.1.0 kept it: the models' dump, named by a hash of it."""
    meaning = {
        "meta": catalog.meta.model_dump(mode="json"),
        "measures": [m.model_dump(mode="json") for m in catalog.measures],
    }
    canonical = json.dumps(meaning, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()
    return digest, json.dumps({**meaning, "digest": digest}, ensure_ascii=False).encode()


class TestCatalogIdentity:
    def test_the_digest_is_the_hash_of_the_data_as_written_not_of_the_models_dump(self, tmp_path: Path) -> None:
        catalog = catalogs.load(write(tmp_path, HEAD + "measures:\n" + MEASURE))
        assert catalog.digest == "sha256:" + hashlib.sha256(catalog.content).hexdigest()
        content = json.loads(catalog.content)
        assert content["format"] == catalogs.KEPT_FORMAT
        (measure,) = content["measures"]
        assert "approval" not in measure and "headline" not in measure  # defaults are not written in
        assert measure["id"] == "prison.visits"

    def test_what_a_unit_runs_is_kept_as_those_bytes(self, cli) -> None:
        assert cli("start", "--unit", "prison").exit_code == 0
        (kept,) = kept_files()
        bundled = catalogs.load()
        assert kept.read_bytes() == bundled.content
        assert "sha256:" + kept.stem == bundled.digest

    def test_a_changed_byte_in_a_kept_catalog_is_refused_and_verify_names_it(self, cli) -> None:
        cli("start", "--unit", "prison")
        (kept,) = kept_files()
        kept.write_bytes(kept.read_bytes().replace("监狱".encode(), "看守所".encode(), 1))
        damaged = cli("status")
        assert damaged.exit_code == 3 and "not the version its name says" in damaged.stderr
        verdict = cli("verify", "--json")
        assert verdict.exit_code == 3
        (problem,) = verdict.json()["catalogs"]["problems"]
        assert kept.stem in problem and "not the version its name says" in problem

    def test_verify_re_hashes_every_kept_version_even_one_no_unit_runs_now(self, cli, tmp_path: Path) -> None:
        source = write(tmp_path, HEAD + "measures:\n" + MEASURE)
        cli("start", "--unit", "prison", "--catalog", str(source))
        source.write_text(source.read_text(encoding="utf-8").replace('version: "1"', 'version: "2"'), encoding="utf-8")
        assert cli("upgrade").exit_code == 0
        assert len(kept_files()) == 2
        assert cli("verify", "--json").json()["catalogs"] == {"kept": 2, "problems": []}
        old = next(p for p in kept_files() if '"version":"1"' in p.read_text(encoding="utf-8"))
        old.write_text(old.read_text(encoding="utf-8").replace("停止接见", "恢复接见"), encoding="utf-8")
        assert cli("status").exit_code == 0  # the unit runs version 2
        assert cli("verify").exit_code == 3

    def test_a_catalog_kept_by_release_0_1_0_is_read_and_checked_by_its_own_bytes(self, cli) -> None:
        cli("start", "--unit", "prison")
        bundled = catalogs.load()
        digest, content = legacy_copy(bundled)
        (STORE / "catalogs" / f"{digest.removeprefix('sha256:')}.json").write_bytes(content)
        unit_file = STORE / "units" / "prison" / "unit.json"
        unit = json.loads(unit_file.read_text(encoding="utf-8"))
        unit["catalog"]["digest"] = digest
        unit_file.write_text(json.dumps(unit, ensure_ascii=False), encoding="utf-8")
        (STORE / "units.jsonl").unlink()  # a store of that release kept no list of its units

        done = cli("done", "system.three-zeros", "--note", "日报", *three_zeros())
        assert done.exit_code == 0, done
        record = json.loads((STORE / "units" / "prison" / "records.jsonl").read_text(encoding="utf-8"))
        assert record["catalog"] == digest  # the unit still runs the version it was started with
        status = cli("status", "--json").json()
        assert status["catalog"]["digest"] == digest
        assert status["catalog"]["newer"] is None  # the same catalog, only kept in another form
        assert cli("upgrade").stderr.startswith("prison runs the newest catalog already")
        assert cli("verify").exit_code == 0

        legacy = STORE / "catalogs" / f"{digest.removeprefix('sha256:')}.json"
        legacy.write_bytes(legacy.read_bytes().replace("监狱".encode(), "看守所".encode(), 1))
        assert cli("status").exit_code == 3
        assert cli("verify").exit_code == 3

    def test_wording_hashes_the_texts_by_name(self) -> None:
        measure = next(m for m in catalogs.load().measures if m.detail)
        words = {
            "title": {"zh": measure.title.zh, "en": measure.title.en},
            "detail": {"zh": measure.detail.zh, "en": measure.detail.en},  # type: ignore[union-attr]
        }
        expected = hashlib.sha256(json.dumps(words, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
        assert measure.wording() == expected  # what release 0.1.0 recorded, so old records keep matching


def test_a_release_that_adds_fields_to_the_models_opens_a_store_made_before(cli, tmp_path: Path) -> None:
    """The defect this guards against: a new optional field changed every digest and locked users out."""
    assert cli("start", "--unit", "prison").exit_code == 0
    assert cli("done", "1", "--note", "已建立").exit_code == 0
    newer = tmp_path / "newer"
    shutil.copytree(REPO / "src" / "checklist", newer / "src" / "checklist")
    shutil.copytree(REPO / "measures", newer / "measures")
    models = newer / "src" / "checklist" / "core" / "models.py"
    source = models.read_text(encoding="utf-8")
    source = source.replace("class Measure(Strict):\n", "class Measure(Strict):\n    owner: str | None = None\n", 1)
    source = source.replace("    zh: Annotated", "    note: str | None = None\n    zh: Annotated", 1)
    models.write_text(source, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(newer / "src"), "PYTHONDONTWRITEBYTECODE": "1"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "checklist", *args], env=env, capture_output=True, text=True, check=False
        )

    probe = run("--version")
    assert probe.returncode == 0 and "owner" in models.read_text(encoding="utf-8")
    status = run("status", "--json")
    assert status.returncode == 0, status.stderr
    document = json.loads(status.stdout)
    assert document["catalog"]["newer"] is None
    items = json.loads(run("list", "--json").stdout)["items"]
    assert not any(item["changed_wording"] for item in items)
    assert run("done", "system.three-zeros", "--note", "日报", *three_zeros()).returncode == 0
    assert "runs the newest catalog already" in run("upgrade").stderr
    assert run("verify").returncode == 0


class TestNewerFormatsAreRefused:
    """An older release that meets a newer file stops with exit 3 and names what it needs."""

    @pytest.fixture(autouse=True)
    def started(self, cli) -> None:
        assert cli("start", "--unit", "prison").exit_code == 0
        assert cli("done", "1", "--note", "n").exit_code == 0

    def test_a_new_store_says_its_format_and_the_release_it_needs(self) -> None:
        marker = json.loads((STORE / "store.json").read_text(encoding="utf-8"))
        assert marker["format"] == formats.PLAIN_STORE == 3 and marker["requires"] == formats.REQUIRES

    def test_a_newer_store(self, cli) -> None:
        (STORE / "store.json").write_text(json.dumps({"format": 99, "requires": "7.1.0"}), encoding="utf-8")
        for command in (["status"], ["done", "2", "--note", "n"], ["verify"]):
            refused = cli(*command)
            assert refused.exit_code == 3, command
            assert "checklist 7.1.0 or newer" in refused.stderr and "format 99" in refused.stderr

    @pytest.mark.parametrize(
        "path",
        [
            "units/prison/unit.json",
            "units/prison/head.json",
            "config.json",
        ],
    )
    def test_a_newer_file(self, cli, path: str) -> None:
        if path == "config.json":
            cli("config", "user", "王警官")
        file = STORE / path
        data = json.loads(file.read_text(encoding="utf-8"))
        file.write_text(json.dumps({**data, "format": 5}), encoding="utf-8")
        refused = cli("reopen", "1", "--reason", "重新检查")  # reads the unit, its head and the config
        assert refused.exit_code == 3, refused
        assert "format 5" in refused.stderr and "a newer checklist" in refused.stderr

    def test_a_newer_record(self, cli) -> None:
        log = STORE / "units" / "prison" / "records.jsonl"
        record = json.loads(log.read_text(encoding="utf-8"))
        log.write_text(log.read_text(encoding="utf-8") + json.dumps({**record, "v": 6}) + "\n", encoding="utf-8")
        refused = cli("status")
        assert refused.exit_code == 3 and "format 6" in refused.stderr and "a newer checklist" in refused.stderr

    def test_a_newer_kept_catalog(self, cli) -> None:
        (kept,) = kept_files()
        content = json.loads(kept.read_bytes())
        newer = json.dumps({**content, "format": 3}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256(newer.encode()).hexdigest()
        (STORE / "catalogs" / f"{digest}.json").write_text(newer, encoding="utf-8")
        unit_file = STORE / "units" / "prison" / "unit.json"
        unit = json.loads(unit_file.read_text(encoding="utf-8"))
        unit["catalog"]["digest"] = "sha256:" + digest
        unit_file.write_text(json.dumps(unit, ensure_ascii=False), encoding="utf-8")
        refused = cli("status")
        assert refused.exit_code == 3 and "format 3" in refused.stderr

    def test_an_older_store_is_raised_to_this_format_only_when_something_newer_is_written(self, cli) -> None:
        (STORE / "store.json").write_text(json.dumps({"format": 1, "created_at": "2020-01-26T01:00:00+00:00"}))
        assert cli("status").exit_code == 0
        assert json.loads((STORE / "store.json").read_text())["format"] == 1  # reading changes nothing
        for kept in kept_files():
            kept.unlink()  # as if the version the unit runs had never been kept
        assert cli("status").exit_code == 0  # kept again, in this release's form
        marker = json.loads((STORE / "store.json").read_text())
        assert len(marker.pop("id")) == 36  # a store from before ids is given one when raised
        assert marker == {
            "format": formats.PLAIN_STORE,
            "requires": formats.REQUIRES,
            "created_at": "2020-01-26T01:00:00+00:00",
        }
