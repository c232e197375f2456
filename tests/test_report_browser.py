"""The HTML report in a real browser: headless Chromium (Debian's, driven by Playwright) opens
it, reads back the numbers the page shows (its data- attributes and table cells) and holds
them to the JSON report's, logs every request the page makes (only the file itself), and
prints it to PDF on A4.

Without Chromium the tests skip, saying why; in CI (CI=true) they fail instead: `.ci/run`
installs it (`apt-get install chromium`)."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from . import report_stores
from .conftest import Result
from .report_stores import WEEK

CHROMIUM = "/usr/bin/chromium"
A4 = (595.0, 842.0)  # points


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from report_stores.week(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def province(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield from report_stores.province(built, tmp_path_factory.mktemp("province"))


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        return "Chromium is not installed (apt-get install chromium; .ci/run does it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"the browser test must run in CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


def _open(browser: Any, path: Path) -> tuple[Any, list[str]]:
    """The page of a file, with every request it makes logged (and anything but the file refused)."""
    page = browser.new_page()
    requests: list[str] = []
    wanted = path.resolve().as_uri()

    def route(found: Any) -> None:  # anything but the file is refused, and logged below all the same
        if found.request.url == wanted:
            found.continue_()
        else:
            found.abort()

    page.route("**/*", route)
    page.on("request", lambda request: requests.append(request.url))
    page.goto(wanted)
    page.wait_for_load_state("load")
    return page, requests


def _numbers(text: str) -> float | None:
    text = text.strip()
    return None if text in ("—", "") else float(text)


def _shown(page: Any) -> dict[str, Any]:
    """What the page shows, read from the DOM."""
    return page.evaluate(
        """() => {
        const headline = document.querySelector('#headline').dataset;
        const figures = {};
        document.querySelectorAll('[data-headline-figure]').forEach(e => {
            figures[e.dataset.headlineFigure] = Number(e.dataset.value); });
        const trend = [...document.querySelectorAll('#trend table.trend tbody tr')].map(tr => ({
            day: tr.dataset.day, reported: tr.dataset.reported === 'true', reporting: Number(tr.dataset.reporting),
            cells: Object.fromEntries([...tr.querySelectorAll('td[data-field]')]
                .map(td => [td.dataset.field, td.textContent])),
        }));
        const points = [...document.querySelectorAll('svg.chart circle')].map(c => [c.dataset.day, c.dataset.field,
            Number(c.dataset.value)]);
        const units = [...document.querySelectorAll('section.unit')].map(s => ({
            id: s.dataset.unit, reported: s.dataset.reported === 'true', percent: Number(s.dataset.percent),
            done: Number(s.dataset.done), alerts: Number(s.dataset.alerts), overdue: Number(s.dataset.overdue),
            intact: s.dataset.intact, signed: Number(s.dataset.signed), unsigned: Number(s.dataset.unsigned),
            figures: Object.fromEntries([...s.querySelectorAll('[data-figure]')].map(e => [e.dataset.figure,
                Number(e.dataset.value)])),
            heading: s.querySelector('h2').textContent,
        }));
        const scripts = document.querySelectorAll('script').length;
        return {headline: {units: Number(headline.units), reporting: Number(headline.reporting),
                alerting: Number(headline.alerting), overdue: Number(headline.overdue),
                intact: Number(headline.intact), missing: headline.missing ? headline.missing.split(' ') : []},
                figures, trend, points, units, scripts, title: document.title};
    }"""
    )


def _held_to_json(shown: dict[str, Any], document: dict[str, Any]) -> None:
    headline = document["headline"]
    for key in ("units", "reporting", "alerting", "overdue", "intact", "missing"):
        assert shown["headline"][key] == headline[key], key
    assert shown["figures"] == headline["figures"]
    assert [d["day"] for d in shown["trend"]] == [d["day"] for d in document["trend"]]
    fields = [f["id"] for f in document["fields"]]
    points = []
    for row, day in zip(shown["trend"], document["trend"], strict=True):
        assert row["reported"] == day["reported"]
        assert row["reporting"] == day["reporting"]
        assert {f: _numbers(row["cells"][f]) for f in fields} == {f: day["figures"].get(f) for f in fields}
        points += [[day["day"], f, day["figures"][f]] for f in fields if f in day["figures"]]
    assert sorted(shown["points"]) == sorted(points)  # the chart draws exactly the JSON's figures
    assert [u["id"] for u in shown["units"]] == [u["id"] for u in document["units"]]
    for unit, wanted in zip(shown["units"], document["units"], strict=True):
        assert unit["reported"] == wanted["reported"]
        assert unit["percent"] == wanted["progress"]["percent"]
        assert unit["done"] == wanted["progress"]["done"]
        assert (unit["alerts"], unit["overdue"]) == (len(wanted["alerts"]), len(wanted["overdue"]))
        assert unit["intact"] == ("true" if wanted["signatures"]["intact"] else "false")
        assert (unit["signed"], unit["unsigned"]) == (wanted["signatures"]["signed"], wanted["signatures"]["unsigned"])
        assert unit["figures"] == wanted["figures"]


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size of each page of a PDF, in points."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in boxes]


def _report(cli: Callable[..., Result], store: Path, out: Path, *args: str) -> dict[str, Any]:
    written = cli("report", "--store", str(store), *WEEK, "--out", str(out), *args)
    assert written.exit_code == 0, written
    printed = cli("report", "--store", str(store), *WEEK, "--format", "json", *args)
    assert printed.exit_code == 0, printed
    document: dict[str, Any] = json.loads(printed.stdout)
    return document


def test_every_units_page_shows_the_json_numbers_fetches_nothing_and_prints_on_a4(
    browser: Any, cli: Callable[..., Result], province: Path, tmp_path: Path
) -> None:
    out = tmp_path / "province.html"
    document = _report(cli, province, out, "--all", "--lang", "zh")
    page, requests = _open(browser, out)
    shown = _shown(page)
    assert requests == [out.resolve().as_uri()]  # nothing but the file: no font, style, script or image
    assert shown["scripts"] == 0
    assert shown["title"].startswith("各单位疫情防控日报")
    _held_to_json(shown, document)
    assert [u["heading"].split()[0] for u in shown["units"]] == [
        "新开铺强制隔离戒毒所",
        "芙蓉区社区矫正管理局",
        "长沙监狱",
    ]
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    pages = _pages(pdf)
    assert all(abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2 for w, h in pages), pages
    assert 4 <= len(pages) <= 12, len(pages)  # the headline and chart, then each of the 3 units on a page of its own
    (tmp_path / "province.pdf").write_bytes(pdf)
    page.close()


def test_a_units_page_in_english_with_a_hostile_note(
    browser: Any, cli: Callable[..., Result], built: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(built, store)
    out = tmp_path / "prison.html"
    document = _report(cli, store, out, "--lang", "en")
    page, requests = _open(browser, out)
    shown = _shown(page)
    assert requests == [out.resolve().as_uri()]
    _held_to_json(shown, document)
    assert shown["scripts"] == 0  # the note's <script> is text
    note = page.evaluate("() => [...document.querySelectorAll('section.unit li')].map(li => li.textContent)")
    assert any(line.endswith(document["units"][0]["note"]) for line in note), note
    assert page.evaluate("() => document.documentElement.lang") == "en"
    pages = _pages(page.pdf(format="A4"))
    assert 1 <= len(pages) <= 4, len(pages)
    page.close()
