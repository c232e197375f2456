"""`checklist validate` for a catalog's authors: what loads but cannot work is an error, what
works but likely not as meant is a warning (after the errors; `--strict` counts them), and each
error says what to change, in the project's words."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checklist.core import authoring
from checklist.core import catalog as catalogs
from checklist.core.models import FieldSpec, Measure
from checklist.core.status import Clock, Item, _due, _opens

from .conftest import Result
from .test_catalog import HEAD, MEASURE, write

Cli = Callable[..., Result]

# the first line after MEASURE (HEAD is 10 lines, then `measures:` and MEASURE's 9)
AFTER = 21
FIGURES_NOT_ASKED = (
    "the figure visitors is required (the default), yet nobody is asked for it: a measure asks for its figures "
    "only when its evidence includes figures; add figures to evidence, or mark the field `required: false`"
)
UNASKED = (
    "    evidence: [note]\n"
    "    fields:\n"
    "      - {id: visitors, label: {zh: 来访人数, en: Visitors}, type: integer, min: 0}\n"
    "      - {id: remark, label: {zh: 备注, en: Remark}, type: text, required: false}\n"
)


def catalog(tmp_path: Path, extra: str = "", head: str = HEAD, measures: str = "") -> Path:
    """HEAD's catalog with MEASURE, the lines `extra` added to it, and further measures."""
    return write(tmp_path, head + "measures:\n" + MEASURE + extra + measures)


def lines(result: Result) -> list[str]:
    """What validate printed, but the warning that a kind of event has no name, which every
    trigger of HEAD's catalog (it declares no events) has: tests/test_names.py tests it."""
    return [line for line in result.stdout.splitlines() if "has no name: screens show its id" not in line]


class TestWarnings:
    def test_fields_nobody_is_asked_for_are_a_warning_naming_the_fix(self, cli: Cli, tmp_path: Path) -> None:
        path = catalog(tmp_path, UNASKED)
        result = cli("validate", str(path))
        assert result.exit_code == 0
        assert lines(result) == [
            f"{path}:{AFTER + 2}:7: warning: measure prison.visits, field 'fields': {FIGURES_NOT_ASKED}"
        ]
        assert "Catalog OK: mini 1, 1 measure, 1 unit kind." in result.stderr
        assert "1 warning: the catalog works, but see above (--strict counts it as a problem)." in result.stderr

    def test_what_the_warning_says_is_true_and_it_does_not_stop_the_catalog(self, cli: Cli, tmp_path: Path) -> None:
        """The catalog loads for every command, which says nothing of the warning, and a done
        without the 'required' figure is recorded."""
        path = catalog(tmp_path, UNASKED)
        started = cli("start", "--unit", "prison", "--catalog", str(path))
        assert started.exit_code == 0 and "warning:" not in started.output
        done = cli("done", "1", "--note", "已停止接见")
        assert done.exit_code == 0, done
        records = [json.loads(line) for line in Path(".checklist/units/prison/records.jsonl").read_text().splitlines()]
        assert (records[-1]["action"], records[-1]["figures"]) == ("done", {})

    def test_a_warning_is_labelled_in_the_users_language(self, cli: Cli, tmp_path: Path) -> None:
        path = catalog(tmp_path, UNASKED)
        result = cli("validate", str(path), "--lang", "zh")
        assert lines(result)[0].startswith(
            f"{path}:{AFTER + 2}:7: 警告：措施 prison.visits，字段“fields”：指标 visitors 为必填"
        )
        assert "另有 1 个警告" in result.stderr

    def test_strict_counts_warnings_as_problems(self, cli: Cli, tmp_path: Path) -> None:
        path = catalog(tmp_path, UNASKED)
        result = cli("validate", str(path), "--strict")
        assert result.exit_code == 3
        assert lines(result) == [f"{path}:{AFTER + 2}:7: measure prison.visits, field 'fields': {FIGURES_NOT_ASKED}"]
        assert "The catalog has 1 problem." in result.stderr

    def test_json_lists_warnings_apart_from_problems(self, cli: Cli, tmp_path: Path) -> None:
        path = catalog(tmp_path, UNASKED)
        warning = {
            "file": str(path),
            "line": AFTER + 2,
            "column": 7,
            "measure": "prison.visits",
            "field": "fields",
            "code": "measure.figures_not_asked",
            "message": FIGURES_NOT_ASKED,
        }
        valid = cli("validate", str(path), "--json")
        assert valid.exit_code == 0
        document = valid.json()
        assert document["valid"] is True and document["warnings"] == [warning]
        strict = cli("validate", str(path), "--json", "--strict")
        assert strict.exit_code == 3
        assert strict.json() == {
            "document": "validation",
            "format": 1,
            "valid": False,
            "problems": [warning],
            "warnings": [],
        }

    def test_errors_come_first_then_warnings(self, cli: Cli, tmp_path: Path) -> None:
        path = catalog(tmp_path, UNASKED.replace("min: 0}", "min: 0, alert: {below: 0}}"))
        result = cli("validate", str(path))
        assert result.exit_code == 3
        assert [line.split(": ", 2)[1] for line in lines(result)] == [
            "measure prison.visits, field 'fields[0].alert.below'",
            "warning",
        ]
        assert "The catalog has 1 problem, and 1 warning." in result.stderr

    def test_figures_in_evidence_with_every_field_optional_ask_for_nothing(self, cli: Cli, tmp_path: Path) -> None:
        optional = UNASKED.replace("[note]", "[note, figures]").replace("min: 0}", "min: 0, required: false}")
        path = catalog(tmp_path, optional)
        result = cli("validate", str(path))
        assert result.exit_code == 0
        assert lines(result) == [
            f"{path}:{AFTER}:22: warning: measure prison.visits, field 'evidence[1]': evidence 'figures' asks for "
            "no figure, as every field is `required: false`; mark those an attestation must give `required: true`, "
            "or take figures out of evidence"
        ]

    def test_a_unit_kind_with_no_measures_is_a_warning(self, cli: Cli, tmp_path: Path) -> None:
        rehab = "    - {id: rehab, name: {zh: 戒毒所, en: Rehab centre}}\n"
        head = HEAD.replace("  sections:\n", rehab + "  sections:\n")
        path = catalog(tmp_path, head=head)
        result = cli("validate", str(path))
        assert result.exit_code == 0
        assert lines(result) == [
            f"{path}:9:7: warning: field 'catalog.unit_kinds[1]': unit kind 'rehab' has no measures: a unit of this "
            "kind would start with an empty checklist; name it in the applies_to of its measures, or remove it"
        ]

    def test_no_kind_lacks_measures_while_a_file_of_them_cannot_be_read(self, cli: Cli, tmp_path: Path) -> None:
        write(tmp_path, HEAD, "00-head.yaml")
        write(tmp_path, "measures:\n" + MEASURE + "  - [\n", "10-prison.yaml")
        result = cli("validate", str(tmp_path))
        assert result.exit_code == 3
        (line,) = lines(result)
        assert line.startswith(f"{tmp_path / '10-prison.yaml'}:") and "invalid YAML" in line

    def test_a_measure_for_all_kinds_leaves_no_kind_without_measures(self, cli: Cli, tmp_path: Path) -> None:
        head = HEAD.replace("unit_kinds:\n", "unit_kinds:\n    - {id: rehab, name: {zh: 戒毒所, en: Rehab centre}}\n")
        path = write(tmp_path, head + "measures:\n" + MEASURE.replace("applies_to: [prison]", "applies_to: all"))
        result = cli("validate", str(path))
        assert (result.exit_code, result.stdout) == (0, "")

    def test_the_bundled_catalog_has_no_warning(self, cli: Cli) -> None:
        assert catalogs.check().warnings == []
        result = cli("validate", "--strict", "--json")
        assert result.exit_code == 0 and result.json()["warnings"] == []


ALERTS = [
    # (the field, the error): a threshold past the bound it points to never fires
    (
        "{type: number, min: 34, max: 43, alert: {above: 50}}",
        "fields[0].alert.above",
        "this alert can never fire: above 50, but the field's values go up to 43 (its max)",
    ),
    (
        "{type: number, min: 34, max: 43, alert: {above: 43}}",
        "fields[0].alert.above",
        "this alert can never fire: above 43, but the field's values go up to 43 (its max)",
    ),
    (
        "{type: number, min: 34, max: 43, alert: {at_most: 30}}",
        "fields[0].alert.at_most",
        "this alert can never fire: at_most 30, but the field's values start at 34 (its min)",
    ),
    (
        "{type: integer, min: 0, max: 9.5, alert: {at_least: 9.8}}",  # an integer field's values stop at 9
        "fields[0].alert.at_least",
        "this alert can never fire: at_least 9.8, but the field's values go up to 9 (its max)",
    ),
    # one past the bound behind it fires on every value
    (
        "{type: integer, min: 0, alert: {at_least: 0}}",
        "fields[0].alert.at_least",
        "this alert fires on every value: at_least 0, and the field's values start at 0 (its min); a flag on "
        "every attestation tells nothing",
    ),
    (
        "{type: number, max: 43, alert: {below: 50}}",
        "fields[0].alert.below",
        "this alert fires on every value: below 50, and the field's values go up to 43 (its max); a flag on "
        "every attestation tells nothing",
    ),
    (
        "{type: yesno, alert: {values: [yes, no]}}",
        "fields[0].alert.values",
        "this alert names every answer the field can take, so it flags every attestation; name only the answers "
        "that call for attention",
    ),
    (
        "{type: choice, "
        "choices: [{id: a, label: {zh: 甲, en: a}}, {id: b, label: {zh: 乙, en: b}}], alert: {values: [b, a]}}",
        "fields[0].alert.values",
        "this alert names every answer the field can take, so it flags every attestation; name only the answers "
        "that call for attention",
    ),
]


class TestErrors:
    @pytest.mark.parametrize(("spec", "field", "said"), ALERTS)
    def test_an_alert_that_cannot_tell_anything_is_an_error(
        self, cli: Cli, tmp_path: Path, spec: str, field: str, said: str
    ) -> None:
        spec = "{id: f, label: {zh: 甲, en: A}, " + spec[1:]
        path = catalog(tmp_path, f"    evidence: [figures]\n    fields:\n      - {spec}\n")
        result = cli("validate", str(path))
        assert result.exit_code == 3
        written = f"      - {spec}"
        key = field.rsplit(".", maxsplit=1)[-1] + ": "  # located at the threshold's value
        column = written.index(key, written.index("alert:")) + len(key) + 1
        (line,) = lines(result)
        assert line == f"{path}:{AFTER + 2}:{column}: measure prison.visits, field '{field}': {said}"

    @pytest.mark.parametrize(
        "spec",
        [
            "{type: number, min: 34, max: 43, alert: {at_least: 37.3}}",
            "{type: number, min: 34, max: 43, alert: {at_least: 43}}",  # the top value still fires
            "{type: integer, min: 0, alert: {above: 0}}",  # the three zeros
            "{type: number, alert: {above: 0}}",
            "{type: yesno, alert: {values: [yes]}}",
            "{type: choice, "
            "choices: [{id: a, label: {zh: 甲, en: a}}, {id: b, label: {zh: 乙, en: b}}], alert: {values: [b]}}",
        ],
    )
    def test_an_alert_that_can_go_either_way_is_fine(self, tmp_path: Path, spec: str) -> None:
        spec = "{id: f, label: {zh: 甲, en: A}, " + spec[1:]
        checked = catalogs.check(catalog(tmp_path, f"    evidence: [figures]\n    fields:\n      - {spec}\n"))
        assert checked.warnings == []

    def test_an_item_that_would_close_before_it_opens_is_an_error(self, cli: Cli, tmp_path: Path) -> None:
        path = catalog(tmp_path, "    trigger: {event: admission, opens_after_days: 14, lasts_days: 14}\n")
        result = cli("validate", str(path))
        assert result.exit_code == 3
        assert lines(result) == [
            f"{path}:{AFTER}:51: measure prison.visits, field 'trigger.opens_after_days': the item would be due "
            "before it opens: it opens 14 days after the event (opens_after_days), but its 14-day window ends on "
            "day 13 (lasts_days); opens_after_days must be less than lasts_days"
        ]
        one_day = catalog(tmp_path, "    trigger: {event: admission, opens_after_days: 13, lasts_days: 14}\n")
        assert cli("validate", str(one_day)).exit_code == 0  # it opens on its window's last day

    @pytest.mark.parametrize(
        ("extra", "where", "said"),
        [
            (
                "    trigger: {event: admission, opens_after_days: 5}\n    deadline: {days: 2, after: event}\n",
                (1, 22, "deadline.days"),
                "the item would be due before it opens: the deadline is 2 days after the event, but the item opens "
                "5 days after it (opens_after_days)",
            ),
            (
                "    trigger: {event: admission, lasts_days: 14}\n    deadline: {days: 2, after: event}\n",
                (0, 45, "trigger.lasts_days"),
                "lasts_days and deadline both say when the item is due, and the deadline wins: give one of them",
            ),
            (
                "    trigger: {event: admission}\n    headline: true\n",
                (1, 15, "headline"),
                "the headline shows the unit's own figures, never a subject's: a measure with a trigger never "
                "reaches it",
            ),
            (
                "    deadline: {date: 0202-01-28}\n",
                (0, 22, "deadline.date"),
                "the deadline 0202-01-28 is outside the years 2000 to 2200 that the clock reckons with",
            ),
        ],
    )
    def test_what_the_program_would_ignore_or_cannot_reckon_is_an_error(
        self, cli: Cli, tmp_path: Path, extra: str, where: tuple[int, int, str], said: str
    ) -> None:
        path = catalog(tmp_path, extra)
        result = cli("validate", str(path))
        assert result.exit_code == 3
        (line,) = lines(result)
        offset, column, field = where  # the value of the key named, on the lines added after MEASURE
        assert line == f"{path}:{AFTER + offset}:{column}: measure prison.visits, field '{field}': {said}"

    def test_a_deadline_past_9999_no_longer_breaks_status(self, cli: Cli, tmp_path: Path) -> None:
        """It loaded, and `start` and every command after it, which work out when the item is due,
        failed with an internal error (exit 70): Python's dates end at 9999-12-31."""
        path = catalog(tmp_path, "    deadline: {date: 9999-12-31}\n")
        result = cli("start", "--unit", "prison", "--catalog", str(path))
        assert result.exit_code == 3 and "outside the years 2000 to 2200" in result.stderr


class TestWords:
    def test_an_unquoted_comma_in_braces_is_the_text_to_quote(self, cli: Cli, tmp_path: Path) -> None:
        path = catalog(tmp_path).rename(tmp_path / "comma.yaml")
        path.write_text(
            path.read_text(encoding="utf-8").replace("en: Stop visits}", "en: Stop visits, calls, parcels}"),
            encoding="utf-8",
        )
        result = cli("validate", str(path))
        assert result.exit_code == 3
        assert lines(result) == [
            f"{path}:13:27: measure prison.visits, field 'title.en': quote this text: en: \"Stop visits, calls, "
            "parcels\" (inside {…} a comma ends a text that is not quoted, and 'calls' and 'parcels' were read as keys)"
        ]

    def test_a_chinese_text_cut_at_a_comma_is_told_of_the_full_width_comma(self, cli: Cli, tmp_path: Path) -> None:
        path = catalog(tmp_path, "    examples:\n      - {zh: 已停止接见,已通知家属, en: Visits stopped}\n")
        (line,) = lines(cli("validate", str(path)))
        assert line == (
            f"{path}:{AFTER + 1}:14: measure prison.visits, field 'examples[0].zh': quote this text: zh: "
            "\"已停止接见, 已通知家属\" (inside {…} a comma ends a text that is not quoted, and '已通知家属' was "
            "read as a key); in Chinese, the full-width comma ， needs no quotes"
        )

    def test_a_key_alone_where_no_text_is_cut_short_is_an_unknown_key(self, cli: Cli, tmp_path: Path) -> None:
        """Only a text is quoted: a date cut at a comma is not (quoting would not make it a date)."""
        path = catalog(tmp_path, "    deadline: {date: 2020-01-28, soon}\n")
        (line,) = lines(cli("validate", str(path)))
        assert line == (
            f"{path}:{AFTER}:38: measure prison.visits, field 'deadline.soon': unknown key 'soon'; allowed here: "
            "date, days, within, after, before"
        )

    def test_an_unknown_key_lists_the_keys_allowed_there(self, cli: Cli, tmp_path: Path) -> None:
        path = catalog(tmp_path, "    priorty: high\n    source2: x\n")
        result = cli("validate", str(path))
        allowed = (
            "id, title, detail, guidance, replaces, applies_to, when, section, per, priority, source, evidence, "
            "recurrence, standing, in_force, trigger, fields, question, deadline, rules, approval, owner, approver, "
            "reports_to, headline, examples"
        )
        assert lines(result) == [
            f"{path}:{AFTER}:14: measure prison.visits, field 'priorty': unknown key 'priorty' (did you mean "
            f"'priority'?); allowed here: {allowed}",
            f"{path}:{AFTER + 1}:14: measure prison.visits, field 'source2': unknown key 'source2' (did you mean "
            f"'source'?); allowed here: {allowed}",
        ]

    def test_an_unknown_key_that_looks_like_pydantics_names_is_still_named(self, cli: Cli, tmp_path: Path) -> None:
        """pydantic names the branches of a union `list[…]`: a key written so is still the key (it crashed)."""
        path = catalog(tmp_path, "    list[title]: x\n")
        (line,) = lines(cli("validate", str(path)))
        assert line.startswith(
            f"{path}:{AFTER}:18: measure prison.visits, field 'list[title]': unknown key 'list[title]'"
        )

    def test_an_unknown_key_deep_in_a_measure_lists_that_places_keys(self, cli: Cli, tmp_path: Path) -> None:
        extra = "    fields:\n      - {id: f, label: {zh: 甲, en: A}, type: number, alert: {over: 1}}\n"
        (line,) = lines(cli("validate", str(catalog(tmp_path, extra))))
        assert line.endswith(
            "field 'fields[0].alert.over': unknown key 'over' (did you mean 'above'?); allowed here: above, "
            "at_least, below, at_most, values"
        )

    @pytest.mark.parametrize(
        ("old", "new", "said"),
        [
            ("priority: critical", "priority: urgent", "must be 'critical', 'high' or 'normal'"),
            ("priority: critical", "priority: [critical]", "must be 'critical', 'high' or 'normal'"),
            (
                "section: containment",
                "section: Containment",
                "'Containment' is not an id: lowercase letters and "
                "digits, in words joined by '-' or '_' (health-checks)",
            ),
            (
                "id: prison.visits",
                "id: prison visits",
                "'prison visits' is not a measure id: lowercase letters and "
                "digits, in words joined by '.', '-' or '_' (prison.visits-suspended)",
            ),
            (
                "title: {zh: 停止接见, en: Stop visits}",
                "title: Stop visits",
                "must give the text in both languages: {zh: …, en: …}",
            ),
            ("title: {zh: 停止接见, en: Stop visits}", "title: {zh: 停止接见, en: ''}", "must not be empty"),
            (
                "title: {zh: 停止接见, en: Stop visits}",
                "title: {zh: 停止接见, en: 2020}",
                "must be a text: put a number in quotes to make it one",
            ),
            (
                "date: 2020-01-25",
                "date: 2020-02-30",
                "'2020-02-30' is not a date: write it as YYYY-MM-DD, e.g. 2020-01-27",
            ),
            ("applies_to: [prison]", "applies_to: prison", "must be a list ([…]); or must be 'all'"),
            ("priority: critical", "priority: critical\n    headline: sometimes", "must be true or false"),
            ("priority: critical", "priority: critical\n    trigger: {event: a, lasts_days: 0}", "must be 1 or more"),
            (
                "priority: critical",
                "priority: critical\n    trigger: {event: a, lasts_days: 1.5}",
                "must be a whole number",
            ),
            ("priority: critical", "priority: critical\n    recurrence: {every: day, times: 25}", "must be 24 or less"),
            (
                "priority: critical",
                "priority: critical\n    fields: [{id: f, label: {zh: 甲, en: A}, type: number, max: .inf}]",
                "must be a finite number (not .inf or .nan)",
            ),
            (
                "priority: critical",
                "priority: critical\n    fields: [{id: f, label: {zh: 甲, en: A}, type: number, max: lots}]",
                "must be a number",
            ),
            (
                "priority: critical",
                "priority: critical\n    fields: [nothing]",
                "must be a mapping of keys to values "
                "(keys: id, label, type, unit, min, max, choices, required, alert, definition, aggregate, compute)",
            ),
            ("quote: 全面停止罪犯接见。", "quote: [全面停止罪犯接见。]", "must be a text"),
            ("priority: critical", "priority: critical\n    3: three", "a key must be a text: put this one in quotes"),
        ],
    )
    def test_no_pydantic_wording_reaches_the_author(
        self, cli: Cli, tmp_path: Path, old: str, new: str, said: str
    ) -> None:
        path = write(tmp_path, HEAD + "measures:\n" + MEASURE.replace(old, new))
        result = cli("validate", str(path))
        assert result.exit_code == 3
        (line,) = lines(result)
        assert line.endswith(f": {said}"), line

    def test_a_faulty_head_hides_no_problem_of_the_measures(self, cli: Cli, tmp_path: Path) -> None:
        head = HEAD.replace("  title: {zh: 小目录, en: Mini catalog}\n", "")
        other = MEASURE.replace("section: containment", "section: nowhere").replace("[prison]", "[prizon]")
        path = write(tmp_path, head + "measures:\n" + MEASURE + other + "    evidence: [figurs]\n")
        result = cli("validate", str(path))
        assert result.exit_code == 3
        assert [line.removeprefix(f"{path}:") for line in lines(result)] == [
            "2:3: field 'catalog.title': required but missing",
            f"20:9: measure prison.visits, field 'id': duplicate measure id (first defined at {path}:11)",
            "22:18: measure prison.visits, field 'applies_to': unknown unit kind 'prizon' (known: prison)",
            "23:14: measure prison.visits, field 'section': unknown section 'nowhere' (known: containment)",
            # a measure may name a kind of evidence the head declares: an unknown one suggests the closest
            "29:16: measure prison.visits, field 'evidence': unknown kind of evidence 'figurs' (did you mean "
            "'figures'?); known: note, file, figures (declare others under the head's evidence_kinds)",
        ]

    def test_a_head_with_a_duplicate_kind_names_where(self, cli: Cli, tmp_path: Path) -> None:
        head = HEAD.replace("  sections:\n", "    - {id: prison, name: {zh: 监狱, en: Prison}}\n  sections:\n")
        (line,) = lines(cli("validate", str(catalog(tmp_path, head=head))))
        assert line.endswith(":9:12: field 'catalog.unit_kinds': duplicate unit kind id 'prison'")


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(["integer", "number"]),
    low=st.none() | st.integers(-6, 6),
    span=st.integers(0, 8),
    top=st.booleans(),
    name=st.sampled_from(["above", "at_least", "below", "at_most"]),
    halves=st.integers(-20, 20),
)
def test_an_alert_is_refused_exactly_when_no_value_or_every_value_crosses_it(
    *, kind: str, low: int | None, span: int, top: bool, name: str, halves: int
) -> None:
    """Against the alert's own rule (Alert.crossed), over every value the field takes: an
    integer's every value, a number's bounds (a threshold is crossed on one side of a point)."""
    high = (low or 0) + span if top or low is None else None
    threshold = halves / 2
    spec = FieldSpec.model_validate(
        {"id": "f", "label": {"zh": "甲", "en": "A"}, "type": kind, "min": low, "max": high, "alert": {name: threshold}}
    )
    assert spec.alert is not None
    reach = 1000  # beyond any threshold drawn: an open end is as good as endless here
    first, last = low if low is not None else -reach, high if high is not None else reach
    values = range(first, last + 1) if kind == "integer" else [first, last, (first + last) / 2, threshold]
    crossed = [spec.alert.crossed(value) for value in values if first <= value <= last]
    codes = {finding.message.code for finding in authoring.measure_findings({"fields": [spec.model_dump()]})}
    assert ("field.alert_never" in codes) == (not any(crossed))
    assert ("field.alert_always" in codes) == all(crossed)


@settings(max_examples=300, deadline=None)
@given(
    opens=st.integers(0, 30),
    lasts=st.none() | st.integers(1, 30),
    deadline=st.none() | st.integers(0, 30),
    day=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
)
def test_an_item_is_refused_exactly_when_status_would_make_it_due_before_it_opens(
    opens: int, lasts: int | None, deadline: int | None, day: date
) -> None:
    """Against status's own reckoning of when an item of a subject opens and falls due, for an
    event on any day; and lasts_days is refused beside a deadline exactly when status ignores it."""
    raw = {
        "id": "prison.x",
        "title": {"zh": "甲", "en": "A"},
        "applies_to": ["prison"],
        "section": "s",
        "source": {"issuer": {"zh": "甲", "en": "A"}, "quote": "q"},
        "trigger": {"event": "admission", "opens_after_days": opens, "lasts_days": lasts},
        "deadline": {"days": deadline, "after": "event"} if deadline is not None else None,
    }
    clock = Clock(ZoneInfo("Asia/Shanghai"), datetime(2020, 1, 1, tzinfo=UTC))

    def due(fields: dict[str, object]) -> date | None:  # the day it is due by the end of
        moment = _due(Item(1, Measure.model_validate(fields), "P1", None, day), None, clock)  # type: ignore[arg-type]
        return (moment - timedelta(microseconds=1)).date() if moment is not None else None

    measure = Measure.model_validate(raw)
    item = Item(1, measure, "P1", None, day)
    opening = _opens(item) or day
    codes = {finding.message.code for finding in authoring.measure_findings(raw)}
    before = {"trigger.closes_before_opening", "deadline.before_opening"} & codes
    due_day = due(raw)
    assert bool(before) == (due_day is not None and due_day < opening)
    ignored = lasts is not None and due(raw) == due({**raw, "trigger": {**raw["trigger"], "lasts_days": None}})
    assert ("trigger.lasts_and_deadline" in codes) == ignored


def test_every_property_of_the_measure_files_schema_has_a_description(cli: Cli) -> None:
    """Editors show them as an author types: every field of every catalog model has one."""
    schema = cli("schema").json()
    objects = {"measure file": schema, **schema["$defs"]}
    missing = [
        f"{name}.{key}"
        for name, shape in objects.items()
        for key, described in shape.get("properties", {}).items()
        if not described.get("description")
    ]
    assert missing == []
    assert set(schema["$defs"]) >= {"Measure", "FieldSpec", "Alert", "Trigger", "Deadline", "Recurrence", "Text"}
