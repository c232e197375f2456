"""Roles and owners, approver roles, report recipients, and named kinds of evidence (issue 12).

A catalog's head declares roles and kinds of evidence; a measure names the role that owns it,
the role whose approval it needs and whom it reports to, and the kinds of evidence it asks
for. People are granted roles (and lose them) as records of the unit's log.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from checklist.core import formats
from checklist.core.models import Record
from checklist.core.names import key
from checklist.core.roles import holdings

HEAD = """\
catalog:
  name: roles-mini
  version: "1"
  title: {zh: 小目录, en: Mini catalog}
  issuer: {zh: 某厅, en: A department}
  timezone: Asia/Shanghai
  unit_kinds:
    - {id: prison, name: {zh: 监狱, en: Prison}}
  sections:
    - {id: containment, name: {zh: 封闭管理, en: Containment}}
  roles:
    - {id: warden, name: {zh: 监狱长, en: warden}}
    - {id: health-officer, name: {zh: 卫生员, en: health officer}}
  evidence_kinds:
    - {id: register, name: {zh: 登记簿, en: register}}
    - {id: plan, name: {zh: 工作方案, en: written plan}}
    - {id: pledge, name: {zh: 承诺书, en: signed pledge}}
    - {id: training-record, name: {zh: 培训记录, en: training record}}
    - {id: signage-photo, name: {zh: 张贴照片, en: photo of posted signage}}
"""

MEASURES = """\
measures:
  - id: prison.visits
    title: {zh: 停止接见, en: Stop visits}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 全面停止罪犯接见。}
    owner: warden
    approver: warden
    evidence: [note, register]
  - id: prison.daily-report
    title: {zh: 每日报告, en: Daily report}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 每日报告}
    recurrence: {every: day}
    owner: health-officer
    reports_to: {zh: 省司法厅, en: provincial department}
  - id: prison.pledges
    title: {zh: 签订承诺书, en: Staff sign pledges}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 签订承诺书}
    evidence: [pledge, plan]
    reports_to: warden
"""

NOW = "2020-01-27T10:00"


def write(folder: Path, head: str = HEAD, measures: str = MEASURES) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "00-head.yaml").write_text(head, encoding="utf-8")
    (folder / "10-measures.yaml").write_text(measures, encoding="utf-8")
    return folder


def start(cli: Any, tmp_path: Path, head: str = HEAD, measures: str = MEASURES) -> None:
    source = write(tmp_path / "catalog", head, measures)
    result = cli("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T09:00")
    assert result.exit_code == 0, result
    Path("roster.pdf").write_bytes(b"roster")
    Path("pledges.pdf").write_bytes(b"pledges")
    Path("plan.pdf").write_bytes(b"plan")


def records() -> list[dict[str, Any]]:
    path = Path(".checklist/units/prison/records.jsonl")
    log = path.read_text(encoding="utf-8") if path.exists() else ""
    return [json.loads(line) for line in log.splitlines() if line]


def item(cli: Any, item_id: str, now: str = NOW) -> dict[str, Any]:
    found = cli("list", "--json", "--now", now).json()["items"]
    return next(i for i in found if i["id"] == item_id)


class TestGrantAndRevoke:
    def test_a_grant_is_a_record_of_format_5_and_the_store_says_so(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        assert json.loads(Path(".checklist/store.json").read_text())["format"] == 3
        granted = cli("role", "grant", "张三", "warden", "--by", "王", "--reason", "任命", "--now", NOW)
        assert granted.exit_code == 0, granted
        assert "张三 now holds the role warden" in granted.stderr
        last = records()[-1]
        assert (last["v"], last["action"], last["role"], last["holder"], last["actor"], last["note"]) == (
            5,
            "granted",
            "warden",
            "张三",
            "王",
            "任命",
        )
        assert "item" not in last
        store = json.loads(Path(".checklist/store.json").read_text())
        assert (store["format"], store["requires"]) == (5, "0.5.0")  # release 0.4.0 refuses it, not misreads it

    def test_role_lists_who_holds_what_since_when_in_both_languages(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        assert cli("role", "grant", "张三", "监狱长", "--by", "王", "--now", "2020-01-27T11:00").exit_code == 0
        listed = cli("role", "--json", "--now", "2020-01-27T12:00").json()
        assert listed["document"] == "roles"
        warden, officer = listed["roles"]
        assert warden["id"] == "warden" and warden["holders"][0]["holder"] == "张三"
        assert warden["holders"][0]["since"].startswith("2020-01-27T11:00") and warden["holders"][0]["by"] == "王"
        assert officer["holders"] == []
        zh = cli("role", "--lang", "zh", "--now", "2020-01-27T12:00").stdout
        assert "监狱长" in zh and "张三" in zh and "无人担任" in zh and "nobody" not in zh
        en = cli("role", "--lang", "en", "--now", "2020-01-27T12:00").stdout
        assert "health officer" in en and "nobody" in en and "无人担任" not in en

    def test_a_second_grant_records_nothing_and_names_are_compared_as_people_are(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        assert cli("role", "grant", "Alice", "warden", "--now", NOW).exit_code == 0
        again = cli("role", "grant", "ＡＬＩＣＥ", "warden", "--now", NOW)  # full width, upper case: one person
        assert again.exit_code == 0 and "already" in again.stderr and "nothing recorded" in again.stderr
        assert [r["action"] for r in records()].count("granted") == 1
        revoked = cli("role", "revoke", "alice", "warden", "--reason", "调任", "--now", NOW)
        assert revoked.exit_code == 0 and "no longer holds" in revoked.stderr
        assert records()[-1]["holder"] == "Alice"  # the log names one person one way: as granted

    def test_revoking_a_role_not_held_is_refused_naming_who_holds_it(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        assert cli("role", "grant", "张三", "warden", "--now", NOW).exit_code == 0
        refused = cli("role", "revoke", "李四", "warden", "--now", NOW)
        assert refused.exit_code == 1
        assert "李四 does not hold the role warden (held by 张三)" in refused.stderr
        assert "Traceback" not in refused.output

    def test_an_unknown_role_suggests_the_closest(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        refused = cli("role", "grant", "张三", "wardn", "--now", NOW)
        assert refused.exit_code == 1 and "no role 'wardn'" in refused.stderr
        assert "did you mean: warden?" in refused.stderr
        assert cli("role", "grant", "张三", "卫生", "--now", NOW).exit_code == 1  # a grant names the role whole
        assert cli("role", "grant", "张三", "卫生员", "--now", NOW).exit_code == 0  # by its name
        assert records()[-1]["role"] == "health-officer"
        assert cli("today", "--role", "卫生", "--now", NOW).exit_code == 0  # a view takes a unique beginning

    def test_a_grant_ahead_of_the_real_clock_is_refused(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        ahead = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
        refused = cli("role", "grant", "张三", "warden", "--now", ahead)
        assert refused.exit_code == 1 and "the role warden of 张三" in refused.stderr and records() == []

    def test_a_bad_name_is_refused_in_one_line(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        refused = cli("role", "grant", "аlice", "warden", "--now", NOW)  # a Cyrillic а
        assert refused.exit_code == 1 and "Traceback" not in refused.output and refused.stderr.count("\n") <= 3


class TestApproverRole:
    def done(self, cli: Any, by: str = "张三", now: str = NOW) -> None:
        result = cli("done", "1", "--note", "已停止", "--file", "register=roster.pdf", "--by", by, "--now", now)
        assert result.exit_code == 0, result

    def test_nobody_approves_before_the_role_is_granted(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        self.done(cli)
        assert item(cli, "prison.visits")["state"] == "awaiting"  # approver: warden implies approval required
        refused = cli("approve", "1", "--by", "李四", "--now", "2020-01-27T11:00")
        assert refused.exit_code == 1
        assert "needs the approval of the role warden, which 李四 does not hold: nobody holds it now" in refused.stderr
        assert "checklist role grant NAME warden" in refused.stderr
        assert [r["action"] for r in records()] == ["done"]

    def test_only_a_holder_approves_and_the_refusal_names_the_holders(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        self.done(cli)
        assert cli("role", "grant", "李四", "warden", "--now", "2020-01-27T10:30").exit_code == 0
        refused = cli("approve", "1", "--by", "赵六", "--now", "2020-01-27T11:00")
        assert refused.exit_code == 1 and "it is held by 李四" in refused.stderr and "--by 李四" in refused.stderr
        approved = cli("approve", "1", "--by", "李四", "--now", "2020-01-27T11:00")
        assert approved.exit_code == 0, approved
        assert item(cli, "prison.visits", "2020-01-27T12:00")["state"] == "done"

    def test_the_holder_must_hold_it_at_the_moment_of_approval(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        self.done(cli)
        assert cli("role", "grant", "李四", "warden", "--now", "2020-01-27T14:00").exit_code == 0
        early = cli("approve", "1", "--by", "李四", "--now", "2020-01-27T13:00")  # before the grant took effect
        assert early.exit_code == 1 and "nobody holds it now" in early.stderr
        assert cli("role", "revoke", "李四", "warden", "--now", "2020-01-27T15:00").exit_code == 0
        late = cli("approve", "1", "--by", "李四", "--now", "2020-01-27T16:00")
        assert late.exit_code == 1
        assert cli("approve", "1", "--by", "李四", "--now", "2020-01-27T14:30").exit_code == 0

    def test_the_attester_does_not_approve_even_holding_the_role(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        assert cli("role", "grant", "张三", "warden", "--now", NOW).exit_code == 0
        self.done(cli, by="张三")
        refused = cli("approve", "1", "--by", "張三".replace("張", "张"), "--now", "2020-01-27T11:00")
        assert refused.exit_code == 1 and "cannot approve their own attestation" in refused.stderr

    def test_done_says_whose_approval_it_awaits(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        said = cli("done", "1", "--note", "已停止", "--file", "register=roster.pdf", "--by", "张三", "--now", NOW)
        assert said.exit_code == 0 and "Awaiting approval by warden: `checklist approve 1 --by NAME`" in said.stderr
        assert cli("reopen", "1", "--reason", "重做", "--by", "张三", "--now", NOW).exit_code == 0
        zh = ("--by", "张三", "--lang", "zh", "--now", NOW)
        again = cli("done", "1", "--note", "已停止", "--file", "register=roster.pdf", *zh)
        assert "待审批：须由监狱长审批" in again.stderr

    def test_approval_required_without_roles_still_works(self, cli, tmp_path: Path) -> None:
        head = HEAD.split("  roles:", maxsplit=1)[0]  # no roles, no kinds declared
        measures = """\
measures:
  - id: prison.visits
    title: {zh: 停止接见, en: Stop visits}
    applies_to: [prison]
    section: containment
    source: {issuer: {zh: 监狱管理局, en: Prison administration}, quote: 全面停止罪犯接见。}
    approval: required
"""
        start(cli, tmp_path, head, measures)
        done = cli("done", "1", "--by", "张三", "--now", NOW)
        assert done.exit_code == 0 and "Awaiting approval by a second person (not the one who attested)" in done.stderr
        assert cli("approve", "1", "--by", "李四", "--now", NOW).exit_code == 0
        assert item(cli, "prison.visits")["state"] == "done"
        assert cli("role", "--json", "--now", NOW).json()["roles"] == []
        refused = cli("role", "grant", "张三", "warden", "--now", NOW)
        assert refused.exit_code == 1 and "declares no roles" in refused.stderr


class TestOwnersAndFilters:
    def test_list_status_and_json_show_owner_approver_and_recipient(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        visits, report, pledges = cli("list", "--json", "--now", NOW).json()["items"]
        assert (visits["owner"], visits["approver"], visits["reports_to"]) == ("warden", "warden", None)
        assert report["owner"] == "health-officer"
        assert report["reports_to"] == {"role": None, "name": {"zh": "省司法厅", "en": "provincial department"}}
        assert pledges["reports_to"] == {"role": "warden", "name": {"zh": "监狱长", "en": "warden"}}
        zh = cli("list", "--lang", "zh", "--now", NOW).stdout
        assert "负责：监狱长 · 审批：监狱长" in zh and "报送：省司法厅" in zh and "报送：监狱长" in zh
        en = cli("list", "--lang", "en", "--now", NOW).stdout
        assert "owner: warden · approver: warden" in en and "reports to: provincial department" in " ".join(en.split())
        assert "负责" not in en and "owner" not in zh
        status = cli("status", "--lang", "zh", "--now", NOW).stdout
        assert "按负责角色" in status and "卫生员" in status and "报送：省司法厅" in status
        owners = cli("status", "--json", "--now", NOW).json()["owners"]
        assert [(o["role"], o["total"], o["open"]) for o in owners] == [("warden", 1, 1), ("health-officer", 1, 1)]

    def test_today_and_status_keep_to_a_role(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        agenda = cli("today", "--role", "health-officer", "--json", "--now", NOW).json()
        listed = [e["id"] for part in ("overdue", "today", "coming", "attention", "open") for e in agenda[part]]
        assert listed == ["prison.daily-report"] and agenda["roles"] == ["health-officer"]
        assert cli("today", "--json", "--now", NOW).json()["roles"] is None
        shown = cli("today", "--role", "卫生员", "--lang", "zh", "--now", NOW).stdout
        assert "仅显示“卫生员”负责的事项" in shown and "每日报告" in shown and "停止接见" not in shown
        assert "负责：卫生员 · 报送：省司法厅" in shown  # who acts on each row, and whom it reports to
        assert "owner: warden · approver: warden" in cli("today", "--now", NOW).stdout
        status = cli("status", "--role", "warden", "--json", "--now", NOW).json()
        assert status["totals"]["total"] == 1 and status["roles"] == ["warden"]
        refused = cli("today", "--role", "nurse", "--now", NOW)
        assert refused.exit_code == 1 and "no role 'nurse'" in refused.stderr

    def test_today_by_a_person_shows_what_their_roles_own(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        assert cli("role", "grant", "王医生", "health-officer", "--now", NOW).exit_code == 0
        agenda = cli("today", "--by", "王医生", "--json", "--now", NOW).json()
        assert [e["id"] for e in agenda["today"]] == ["prison.daily-report"] and agenda["roles"] == ["health-officer"]
        shown = cli("today", "--by", "王医生", "--now", NOW).stdout
        assert "Only the items of 王医生's roles (health officer)" in shown
        refused = cli("today", "--by", "钱七", "--now", NOW)
        assert refused.exit_code == 1 and "钱七 holds no role of this unit now" in refused.stderr
        assert "王医生" in refused.stderr  # who does hold roles, to choose from
        both = cli("status", "--role", "warden", "--by", "王医生", "--now", NOW)
        assert both.exit_code == 1


class TestEvidenceKinds:
    def test_done_refuses_without_every_kind_and_lists_what_is_missing(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        refused = cli("done", "3", "--evidence", "plan.pdf", "--now", NOW)
        assert refused.exit_code == 1
        assert (
            "needs evidence of each of these kinds, not given: signed pledge (pledge), written plan (plan)"
            in refused.stderr
        )
        assert "--file pledge=FILE --file plan=FILE" in refused.stderr
        half = cli("done", "3", "--file", "pledge=pledges.pdf", "--now", NOW)
        assert half.exit_code == 1 and "not given: written plan (plan)" in half.stderr
        assert records() == []
        done = cli("done", "3", "--file", "承诺书=pledges.pdf", "-f", "plan=plan.pdf", "--now", NOW)  # a kind by name
        assert done.exit_code == 0, done
        last = records()[-1]
        assert last["v"] == 5
        assert [(f["name"], f["kind"], f["stored"]) for f in last["evidence"]] == [
            ("pledges.pdf", "pledge", True),
            ("plan.pdf", "plan", True),
        ]

    def test_kinds_given_show_in_list_status_log_and_json(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        args = ("--file", "pledge=pledges.pdf", "--file", "plan=plan.pdf", "--now", NOW)
        assert cli("done", "3", *args).exit_code == 0
        found = item(cli, "prison.pledges")
        assert found["evidence"] == ["pledge", "plan"] and found["evidence_given"] == ["pledge", "plan"]
        assert [f["kind"] for f in found["last"]["evidence"]] == ["pledge", "plan"]
        assert "已附：承诺书, 工作方案" in cli("list", "--lang", "zh", "--now", NOW).stdout
        log = cli("log", "--json").json()["records"][-1]
        assert [f["kind"] for f in log["evidence"]] == ["pledge", "plan"]
        assert "[pledge] pledges.pdf" in cli("log", "--no-pager").stdout

    def test_a_plain_done_stays_in_format_3(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        assert cli("done", "2", "--evidence", "plan.pdf", "--now", NOW).exit_code == 0
        assert records()[-1]["v"] == 3 and "kind" not in records()[-1]["evidence"][0]
        assert json.loads(Path(".checklist/store.json").read_text())["format"] == 3

    def test_an_unknown_kind_or_a_bad_form_is_refused_with_suggestions(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        unknown = cli("done", "3", "--file", "pledg=pledges.pdf", "--file", "plan=plan.pdf", "--now", NOW)
        assert unknown.exit_code == 1 and "no kind of evidence 'pledg'" in unknown.stderr
        assert "did you mean: pledge?" in unknown.stderr
        form = cli("done", "3", "--file", "pledges.pdf", "--now", NOW)
        assert form.exit_code == 1 and "--file takes KIND=FILE" in form.stderr and "register" in form.stderr
        missing = cli("done", "3", "--file", "pledge=nowhere.pdf", "--file", "plan=plan.pdf", "--now", NOW)
        assert missing.exit_code == 1 and "nowhere.pdf" in missing.stderr
        assert records() == []

    def test_walk_asks_for_each_kind_by_name(self, cli, tmp_path: Path) -> None:
        start(cli, tmp_path)
        answers = "d\n已停止\nnowhere.pdf\nroster.pdf\n\nq\n"  # a path refused, then asked again
        walked = cli("walk", "--by", "张三", "--lang", "zh", "--now", NOW, input=answers)
        assert walked.exit_code == 0, walked
        assert "登记簿：文件路径" in walked.stderr and "需要：说明、登记簿" in walked.stdout
        assert "找不到证据文件：nowhere.pdf" in walked.stderr
        last = records()[-1]
        assert last["action"] == "done" and [(f["name"], f["kind"]) for f in last["evidence"]] == [
            ("roster.pdf", "register")
        ]
        en = cli("walk", "--lang", "en", "--now", NOW, input="s\nd\n\npledges.pdf\nplan.pdf\n\n")
        # item 2 skipped; item 3: a note (optional), then a file for each kind it asks for, in its order
        assert "signed pledge: file path" in en.stderr and "written plan: file path" in en.stderr
        assert "登记簿" not in en.output
        last = records()[-1]
        assert last["item"] == "prison.pledges" and [f["kind"] for f in last["evidence"]] == ["pledge", "plan"]


class TestValidation:
    def test_undeclared_roles_and_kinds_are_located_errors_with_the_closest(self, cli, tmp_path: Path) -> None:
        wrong = MEASURES.replace("owner: warden", "owner: wardn").replace("reports_to: warden", "reports_to: wraden")
        wrong = wrong.replace("evidence: [pledge, plan]", "evidence: [pledge, plans]")
        source = write(tmp_path / "catalog", HEAD, wrong)
        result = cli("validate", str(source))
        assert result.exit_code == 3
        said = result.output
        assert "10-measures.yaml:7:12: measure prison.visits, field 'owner': unknown role 'wardn' in owner" in said
        assert "did you mean 'warden'?" in said
        assert "unknown role 'wraden' in reports_to" in said
        assert "unknown kind of evidence 'plans' (did you mean 'plan'?" in said

    def test_a_role_in_a_catalog_without_roles_is_an_error(self, cli, tmp_path: Path) -> None:
        head = HEAD.split("  roles:", maxsplit=1)[0]
        source = write(tmp_path / "catalog", head, MEASURES)
        result = cli("validate", "--json", str(source))
        problems = [p["message"] for p in result.json()["problems"]]
        assert any("the head declares no roles" in p for p in problems)
        assert any("unknown kind of evidence 'register'" in p for p in problems)

    def test_a_kind_named_as_a_built_in_one_is_refused(self, cli, tmp_path: Path) -> None:
        head = HEAD.replace("{id: plan, name:", "{id: note, name:")
        result = cli("validate", str(write(tmp_path / "catalog", head, MEASURES)))
        assert result.exit_code == 3 and "'note' is a kind every catalog has" in result.output
        assert "00-head.yaml:16:12:" in result.output

    def test_the_new_keys_have_descriptions_in_the_schema(self, cli) -> None:
        schema = json.dumps(cli("schema").json(), ensure_ascii=False)
        for words in ("the role that owns the measure", "who receives the report", "kinds of evidence beyond note"):
            assert words in schema


# --- who holds a role at a moment: the fold against a slow reference --------------------

PEOPLE = ["张三", "李四", "alice", "ALICE", "Bob"]
START = datetime(2020, 1, 27, tzinfo=UTC)


def role_record(seq: int, step: tuple[str, str, str, int, bool]) -> Record:
    action, role, holder, minutes, replayed = step
    moment = START + timedelta(minutes=minutes)
    return Record.of(
        {
            "v": 5,
            "id": f"{seq:032x}",
            "unit": "prison",
            "action": action,
            "actor": "王",
            "at": (START + timedelta(days=1, seconds=seq)) if replayed else moment,
            "clock": moment if replayed else None,
            "role": role,
            "holder": holder,
            "catalog": "sha256:" + "0" * 64,
            "seq": seq,
            "prev": "sha256:" + "0" * 64,
        }
    )


def slow_holders(found: list[Record], role: str, at: datetime) -> set[str]:
    """Who holds `role` at `at`: for each person, the latest record of that role and person
    (by moment, then by place in the log) that took effect by then is a grant."""
    held = set()
    for person in {key(r.holder or "") for r in found}:
        ours = [(n, r) for n, r in enumerate(found) if r.role == role and key(r.holder or "") == person]
        mine = [(r.clock or r.at, n, r) for n, r in ours]
        effective = [entry for entry in mine if entry[0] <= at]
        if effective and max(effective, key=lambda e: (e[0], e[1]))[2].action == "granted":
            held.add(person)
    return held


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["granted", "revoked"]),
            st.sampled_from(["warden", "health-officer"]),
            st.sampled_from(PEOPLE),
            st.integers(0, 60),
            st.booleans(),
        ),
        max_size=14,
    ),
    st.integers(-5, 70),
)
def test_who_holds_a_role_at_a_moment_is_the_slow_reference(steps: list[tuple[Any, ...]], minute: int) -> None:
    found = [role_record(n + 1, step) for n, step in enumerate(steps)]
    at = START + timedelta(minutes=minute)
    fold = holdings(found, at)
    for role in ("warden", "health-officer"):
        assert {key(h.holder) for h in fold if h.role == role} == slow_holders(found, role, at)


def test_role_records_need_the_format_that_reads_them() -> None:
    assert formats.NEWER_ACTIONS["granted"] == formats.NEWER_ACTIONS["revoked"] == 5
    assert formats.REQUIRES_OF[5] == "0.5.0"


def test_the_index_keeps_the_role_records_and_verify_checks_them(cli, tmp_path: Path) -> None:
    start(cli, tmp_path)
    assert cli("role", "grant", "张三", "warden", "--now", NOW).exit_code == 0
    assert cli("role", "grant", "李四", "health-officer", "--now", NOW).exit_code == 0
    index = json.loads(Path(".checklist/units/prison/index.json").read_text())
    assert index["format"] == 9 and len(index["roles"]) == 2
    assert cli("verify").exit_code == 0
    index["roles"] = index["roles"][:1]  # an index that forgets a grant: status would show it unnoticed
    Path(".checklist/units/prison/index.json").write_text(json.dumps(index))
    assert cli("verify").exit_code == 3
    Path(".checklist/units/prison/index.json").unlink()  # folded again from the log: both grants
    holders = cli("role", "--json", "--now", NOW).json()["roles"]
    assert [[h["holder"] for h in r["holders"]] for r in holders] == [["张三"], ["李四"]]


def test_through_a_real_process(proc, tmp_path: Path) -> None:
    source = write(tmp_path / "catalog")
    assert proc("start", "--unit", "prison", "--catalog", str(source), "--now", "2020-01-27T09:00").exit_code == 0
    Path("roster.pdf").write_bytes(b"roster")
    assert proc("done", "1", "--note", "已停止", "--file", "register=roster.pdf", "--by", "张三").exit_code == 0
    granted = proc("role", "grant", "李四", "warden", "--by", "王", "--reason", "任命")
    assert granted.exit_code == 0 and "李四 now holds the role warden" in granted.stderr
    refused = proc("approve", "1", "--by", "赵六")
    assert refused.exit_code == 1 and "held by 李四" in refused.stderr and "Traceback" not in refused.stderr
    assert proc("approve", "1", "--by", "李四").exit_code == 0
    listed = proc("role", "--lang", "zh")
    assert listed.exit_code == 0 and "李四" in listed.stdout and "监狱长" in listed.stdout


def test_the_readme_examples_validate_and_run(cli, tmp_path: Path) -> None:
    import re

    from checklist.core import catalog as catalogs

    from .conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Roles, owners, report recipients and kinds of evidence", 1)[1]
    section = section.split("\n## ", 1)[0].split("\n### ", 1)[0]
    head, measures = re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)
    source = write(tmp_path / "readme", head, measures)
    checked = catalogs.check(source)
    assert checked.warnings == [] and [m.owner for m in checked.catalog.measures] == ["warden", "health-officer"]
    assert cli("start", "--unit", "prison", "--catalog", str(source)).exit_code == 0
    (commands,) = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    import shlex

    for line in commands.splitlines():
        args = shlex.split(line.split("  #")[0])
        assert args[0] == "checklist"
        result = cli(*args[1:])
        assert result.exit_code == 0, (line, result)
    assert [r["action"] for r in records()] == ["granted", "revoked"]


def test_a_seal_of_a_day_with_a_grant_is_of_a_newer_format_and_verifies(cli, tmp_path: Path, monkeypatch) -> None:
    from .conftest import seal_payload

    monkeypatch.setenv("CHECKLIST_CONFIG_HOME", str(tmp_path / "config"))
    start(cli, tmp_path)
    assert cli("keys", "new").exit_code == 0
    assert cli("role", "grant", "张三", "warden").exit_code == 0
    assert cli("seal", "--out", "seal.json").exit_code == 0
    payload = seal_payload(Path("seal.json"))
    assert payload["format"] == 6 and [e["action"] for e in payload["entries"]] == ["granted"]
    checked = cli("verify", "--seal", "seal.json")
    assert checked.exit_code == 0, checked


def test_the_documents_with_roles_and_kinds_validate_against_their_schemas(cli, tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    from checklist.present.schemas import schema

    start(cli, tmp_path)
    assert cli("role", "grant", "张三", "warden", "--now", NOW).exit_code == 0
    assert cli("done", "1", "--note", "x", "--file", "register=roster.pdf", "--by", "李四", "--now", NOW).exit_code == 0
    assert cli("done", "3", "--file", "pledge=pledges.pdf", "--file", "plan=plan.pdf", "--now", NOW).exit_code == 0
    documents = {
        "items": cli("list", "--json", "--now", NOW).json(),
        "status": cli("status", "--role", "warden", "--json", "--now", NOW).json(),
        "agenda": cli("today", "--by", "张三", "--json", "--now", NOW).json(),
        "roles": cli("role", "--json", "--now", NOW).json(),
        "log": cli("log", "--json").json(),
    }
    for name, document in documents.items():
        errors = [
            f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(schema(name)).iter_errors(document)
        ]
        assert not errors, (name, errors)
    assert documents["agenda"]["attention"][0]["evidence_given"] == ["register"]  # awaiting the warden's approval


def test_a_plain_status_imports_nothing_of_roles(cli, tmp_path: Path) -> None:
    """Start-up is benchmarked: `status` and `today` without --role or --by load no role code."""
    import os
    import subprocess
    import sys

    start(cli, tmp_path)
    for command in ("status", "today"):
        ran = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "checklist", command],
            capture_output=True,
            text=True,
            env={**os.environ},
            check=False,
            timeout=60,
        )
        assert ran.returncode == 0, ran.stderr[-2000:]
        imported = {line.rsplit("|", 1)[-1].strip() for line in ran.stderr.splitlines() if "|" in line}
        assert "checklist.usecases.views" in imported  # the command ran, through its use case
        assert not {"checklist.core.roles", "checklist.usecases.recording"} & imported, command
