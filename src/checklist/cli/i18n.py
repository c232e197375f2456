"""The words of the interface, in Chinese and English."""

from __future__ import annotations

import os

_WORDS: dict[str, tuple[str, str]] = {
    # states
    "state.done": ("已完成", "done"),
    "state.na": ("不适用", "n/a"),
    "state.blocked": ("受阻", "blocked"),
    "state.open": ("未完成", "open"),
    "state.partial": ("部分完成", "partial"),
    "state.awaiting": ("待审批", "awaiting approval"),
    "state.lapsed": ("豁免已过期", "waiver lapsed"),
    "state.upcoming": ("未到期", "upcoming"),
    "action.partial": ("部分完成", "partial"),
    "action.approved": ("审批", "approved"),
    "action.event": ("事件", "event"),
    "action.withdrawn": ("撤回事件", "event withdrawn"),
    "action.upgraded": ("升级目录", "catalog upgraded"),
    "action.done": ("完成", "done"),
    "action.na": ("不适用", "not applicable"),
    "action.blocked": ("受阻", "blocked"),
    "action.reopened": ("重新打开", "reopened"),
    "priority.critical": ("关键", "critical"),
    "priority.high": ("高", "high"),
    "priority.normal": ("一般", "normal"),
    # columns and headings
    "col.no": ("序号", "#"),
    "col.item": ("事项", "item"),
    "col.id": ("编号", "id"),
    "col.section": ("类别", "section"),
    "col.priority": ("优先级", "priority"),
    "col.state": ("状态", "state"),
    "col.progress": ("进度", "progress"),
    "col.when": ("时间", "when"),
    "col.who": ("记录人", "by"),
    "col.action": ("操作", "action"),
    "col.note": ("说明", "note"),
    "col.kind": ("单位类型", "unit kind"),
    "col.measures": ("措施数", "measures"),
    "col.unit": ("单位", "unit"),
    "col.critical_open": ("关键未完成", "critical open"),
    "col.critical_short": ("关键", "critical"),
    "col.overdue_short": ("逾期", "overdue"),
    "col.report_short": ("今日报告", "report"),
    "col.last_short": ("最近", "last"),
    "col.last": ("最近记录", "last record"),
    "col.figures": ("数据", "figures"),
    "col.evidence": ("证据", "evidence"),
    "head.checklist": ("{name} 的检查清单", "Checklist of {name}"),
    "head.status": ("{name} · 落实情况", "{name} · status"),
    "head.all_units": ("全部单位落实情况", "All units"),
    "head.log": ("{name} · 记录", "{name} · audit trail"),
    "head.critical_open": ("尚未落实的关键措施", "Critical measures not yet done"),
    "head.units": ("单位类型", "Unit kinds"),
    "label.kind": ("类型", "kind"),
    "label.catalog": ("措施目录", "catalog"),
    "label.started": ("开始于", "started"),
    "label.by": ("由", "by"),
    "label.total": ("合计", "total"),
    "label.done_pct": ("完成率", "done"),
    "label.detail": ("说明", "detail"),
    "label.source": ("依据", "source"),
    "label.examples": ("示例", "examples"),
    "label.needs": ("需要", "needs"),
    "label.recurs": ("重复", "recurs"),
    "label.trigger": ("触发", "trigger"),
    "label.last": ("最近", "last"),
    "label.day": ("第 {day} 天", "day {day}"),
    "label.report_today": ("今日报告", "Today's report"),
    "label.missing": ("未报", "missing"),
    "label.days_at_zero": ("连续 {days} 天为零", "{days} days at zero"),
    "head.overdue": ("已逾期", "Overdue"),
    "label.per_subject": ("按对象记录（每次 {event} 事件）：暂无", "kept per subject (each {event}): none yet"),
    "label.period": ("本期", "period"),
    "label.missed": ("漏报 {count} 期", "{count} missed"),
    "label.streak": ("连续 {count} 期", "{count} in a row"),
    "label.opens": ("开放于", "opens"),
    "label.due_by": ("截止 {day} 当日", "due by the end of {day}"),
    "label.overdue": ("已逾期，截止", "OVERDUE since"),
    "label.until": ("豁免至", "waived until"),
    "label.alerts": ("⚠ 警示：{fields}", "⚠ alert: {fields}"),
    "label.alert": ("⚠ 警示", "⚠ alert"),
    "label.changed": ("措施内容已更新，记录依据旧版本", "attested against earlier wording"),
    "needs.note": ("说明", "a note"),
    "needs.file": ("证据文件", "an evidence file"),
    "needs.figures": ("数据", "figures"),
    # messages
    "msg.started": (
        "已开始单位 {name}（{id}，{kind}），共 {count} 项措施。",
        "Started {name} ({id}, {kind}) with {count} measures.",
    ),
    "msg.resumed": (
        "继续单位 {name}（{id}，{kind}）：已完成 {done}/{count}。",
        "Resuming {name} ({id}, {kind}): {done} of {count} done.",
    ),
    "msg.next": (
        '下一步：`checklist walk` 逐项处理，或 `checklist done 编号 --note "…"`，`checklist status` 查看进度。',
        "Next: `checklist walk` to go through the items, or "
        '`checklist done N --note "…"`; `checklist status` to see progress.',
    ),
    "msg.walk_offer": ("现在逐项处理未完成事项吗？", "Walk through the open items now?"),
    "msg.recorded": ("已记录：{item} → {action}", "Recorded: {item} → {action}"),
    "msg.skipped": ("跳过：{item}", "Skipped: {item}"),
    "msg.noop": ("{item} 已是“{state}”，未重复记录。", "{item} is already {state}; nothing recorded."),
    "msg.nothing_open": ("没有未完成事项。", "No open items."),
    "msg.walk_done": ("已处理 {count} 项；还有 {open} 项未完成。", "Recorded {count}; {open} still open."),
    "msg.default_unit": ("默认单位已设为 {id}。", "Default unit is now {id}."),
    "msg.catalog_ok": (
        "措施目录有效：{name} {version}，{count} 项措施，{kinds} 类单位。",
        "Catalog OK: {name} {version}, {count} measures, {kinds} unit kinds.",
    ),
    "msg.catalog_bad": ("措施目录有 {count} 个问题。", "The catalog has {count} problems."),
    "msg.no_records": ("暂无记录。", "No records yet."),
    "msg.orphans": (
        "另有 {count} 条记录属于目录中已没有的措施：{ids}",
        "{count} records belong to measures no longer in the catalog: {ids}",
    ),
    "msg.alert": ("⚠ 警示：{field} = {value} 超出警戒值", "⚠ alert: {field} = {value} crosses its threshold"),
    "msg.config": ("{key} = {value}", "{key} = {value}"),
    "msg.event_recorded": ("已记录事件：{kind} · {subject}", "Recorded {kind} of {subject}."),
    "msg.event_withdrawn": ("已撤回事件：{kind} · {subject}", "Withdrew {kind} of {subject}."),
    "msg.event_noop": (
        "{subject} 的 {kind} 已有记录，未重复记录。",
        "{kind} of {subject} is recorded already; nothing recorded.",
    ),
    "msg.event_next": (
        "其相关事项见 `checklist subjects` 或 `checklist today`。",
        "Its items: `checklist subjects`, `checklist today`.",
    ),
    "head.today": ("{name} · 今日待办（{day}）", "{name} · agenda for {day}"),
    "head.due_today": ("今日到期", "Due today"),
    "head.coming": ("近期", "Coming up"),
    "head.attention": (
        "需要处理（受阻、部分完成、豁免已过期、待审批）",
        "Needs attention (blocked, partial, lapsed, awaiting approval)",
    ),
    "head.still_open": ("其余未完成", "Still open"),
    "label.said": ("{who}：", "{who}:"),
    "head.subjects": ("{name} · 对象", "{name} · subjects"),
    "col.subject": ("对象", "subject"),
    "col.event": ("事件", "event"),
    "col.open": ("未完成", "open"),
    "col.next_due": ("最近截止", "next due"),
    "col.command": ("记录命令", "to record"),
    "msg.agenda_empty": ("没有待办事项。", "Nothing to do."),
    "msg.upgrade_noop": ("{id} 已使用最新版本的措施目录。", "{id} runs the newest catalog already."),
    "msg.upgraded": (
        "{id} 已升级措施目录：{old} → {new}（新增 {added}，停用 {retired}，内容变更 {reworded}）。",
        "Upgraded {id}: catalog {old} → {new} ({added} new, {retired} retired, {reworded} reworded).",
    ),
    "label.newer": (
        "有新版本 {version}：`checklist upgrade`",
        "newer version {version} available: `checklist upgrade`",
    ),
    "label.days_left": ("剩 {days} 天", "{days} days left"),
    "label.days_over": ("已逾期 {days} 天", "overdue by {days} days"),
    "label.missed_recent": ("漏报 {count} 期：{periods}", "{count} missed: {periods}"),
    "head.recurring": ("定期事项", "Recurring"),
    "label.missed_none": ("无漏报", "none missed"),
    "label.missed_list": ("漏报：{periods}", "missed: {periods}"),
    "head.figures": ("数据", "Figures"),
    "col.field": ("指标", "figure"),
    "col.latest": ("最新", "latest"),
    "col.today": ("今日合计", "today"),
    "col.since_start": ("累计", "since start"),
    # walk
    "walk.ask": (
        "[d]完成 / [n]不适用 / [b]受阻 / [s]跳过 / [q]退出",
        "[d]one / [n]ot applicable / [b]locked / [s]kip / [q]uit",
    ),
    "walk.bad_answer": ("请回答 d、n、b、s 或 q。", "Please answer d, n, b, s or q."),
    "walk.note": ("说明", "Note"),
    "walk.note_required": ("说明（必填）", "Note (required)"),
    "walk.reason": ("原因（必填）", "Reason (required)"),
    "walk.evidence": ("证据文件路径（留空结束）", "Evidence file path (empty to finish)"),
    "walk.evidence_required": ("证据文件路径（必填）", "Evidence file path (required)"),
    "walk.file_needed": (
        "此项需要证据文件（通知、纪要、名册、照片）：请输入文件路径。",
        "This item needs an evidence file (a notice, minutes, a roster, a photo): give its path.",
    ),
    "walk.unrecorded": ("未记录：{item}（{answers}）", "Not recorded: {item} ({answers})"),
    "walk.answered_note": ("说明：{note}", "note: {note}"),
    "walk.answered_files": ("证据：{files}", "evidence: {files}"),
    "walk.files_kept": ("已保留的证据文件：{files}", "Evidence kept: {files}"),
    "walk.kept": (
        "您的回答已保留：每个问题按回车即沿用原答案，输入新内容则修改。",
        "Your answers are kept: at each question, Enter keeps your answer; type a new one to change it.",
    ),
    "walk.field": ("{label}（{spec}）", "{label} ({spec})"),
    "walk.optional": ("可留空", "optional"),
    "walk.progress": ("第 {n}/{total} 项", "item {n} of {total}"),
}


def resolve_lang(option: str | None) -> str:
    """--lang, then CHECKLIST_LANG, then the locale; English unless Chinese is asked for."""
    for candidate in (option, os.environ.get("CHECKLIST_LANG")):
        if candidate:
            return "zh" if candidate.lower().startswith("zh") else "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def t(key: str, lang: str, **values: object) -> str:
    zh, en = _WORDS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text
