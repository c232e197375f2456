"""The message catalogs are complete in both languages and compiled as shipped."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from checklist.present.translations import LOCALE, catalog
from checklist.present.words import t, tn

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "translations.py"


@pytest.fixture(scope="module")
def tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("translations_tool", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["translations_tool"] = module
    spec.loader.exec_module(module)
    return module


def test_every_message_has_words_in_both_languages_and_every_mo_is_compiled(tool) -> None:  # type: ignore[no-untyped-def]
    assert tool.problems() == []


@pytest.mark.parametrize("domain", ["interface", "messages"])
def test_every_key_the_code_uses_is_in_the_catalogs(tool, domain: str) -> None:  # type: ignore[no-untyped-def]
    known = {tool.key_of(m)[1] for m in tool.read("en", domain) if m.id}
    assert sorted(tool.used_keys(domain) - known) == []


def test_the_compiled_catalogs_are_inside_the_package() -> None:
    for lang in ("zh", "en"):
        for domain in ("interface", "messages", "help"):
            assert (LOCALE / lang / "LC_MESSAGES" / f"{domain}.mo").is_file()


def test_words_come_from_the_compiled_catalogs() -> None:
    assert t("state.done", "zh") == "已完成"
    assert t("state.done", "en") == "done"
    assert catalog("interface", "xx") is catalog("interface", "en")  # an unknown language reads English


def test_a_missing_key_is_a_bug_not_a_key_on_screen() -> None:
    with pytest.raises(KeyError):
        t("no.such.key", "zh")
    with pytest.raises(KeyError):
        tn("no.such.key", 2, "en")
