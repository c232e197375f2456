"""The words of the interface, in Chinese and English."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..core.models import Question
    from ..core.status import Item

_WORDS: dict[str, tuple[str, str]] = {
    # states
    "state.done": ("已完成", "done"),
    "state.na": ("不适用", "n/a"),
    "state.blocked": ("受阻", "blocked"),
    "state.open": ("未完成", "open"),
    "state.partial": ("部分完成", "partial"),
    "state.awaiting": ("待审批", "awaiting approval"),
    "msg.awaits_approval": (
        "待审批：须由{who}审批 `checklist approve {target} --by 姓名`",
        "Awaiting approval by {who}: `checklist approve {target} --by NAME`.",
    ),
    "label.second_person": ("另一人（非记录人）", "a second person (not the one who attested)"),
    "state.lapsed": ("已失效", "lapsed"),
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
    "action.acknowledged": ("确认警示", "alerts acknowledged"),
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
    "head.checklist": ("{name}的检查清单", "Checklist of {name}"),
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
    "label.summary": (
        "↳ 另有 {parts}（逐个查看：`checklist subjects`）",
        "↳ also {parts} (each one: `checklist subjects`)",
    ),
    "label.quiet_part": ("{count} 项{state}", "{count} {state}"),
    "label.archived_part": ("{count} 项早已办结", "{count} settled for good earlier"),
    "label.archived_na": ("（其中不适用 {na} 项）", " ({na} of them n/a)"),
    "label.archived_changed": ("，其中 {changed} 项按旧措辞记录", "; {changed} of them against an earlier wording"),
    "label.archived_subjects": (
        "另有 {count} 个对象的各项均已办结，只计数，不逐一列出。",
        "{count} more subjects have every item settled for good: counted, not listed.",
    ),
    "label.same_for": ("{count} 个对象：{subjects}", "{count} subjects: {subjects}"),
    "label.and_more": ("等（另有 {count} 个）", "and {count} more"),
    "label.period": ("本期", "period"),
    # timing: fixed times, counted occurrences, standing rules, in force from/until, before an event
    "recurs.day": ("每日", "daily"),
    "recurs.times": ("每日 {n} 次", "{n} times a day"),
    "recurs.week": ("每周", "weekly"),
    "recurs.month": ("每月", "monthly"),
    "recurs.days": ("每 {n} 天", "every {n} days"),
    "recurs.hours": ("每 {n} 小时", "every {n}h"),
    "recurs.on": ("每周{days}", "on {days}"),
    "recurs.at": ("每日 {times}", "at {times}"),
    "recurs.count": ("{base}，每期 {n} 次", "{base}, {n} times each"),
    "weekday.mon": ("一", "mon"),
    "weekday.tue": ("二", "tue"),
    "weekday.wed": ("三", "wed"),
    "weekday.thu": ("四", "thu"),
    "weekday.fri": ("五", "fri"),
    "weekday.sat": ("六", "sat"),
    "weekday.sun": ("日", "sun"),
    "label.round": ("{day} {time} 轮次", "{time} round of {day}"),
    "label.counted": ("本期已记录 {made}/{needed} 次", "{made}/{needed} this period"),
    "label.standing": ("常设规则，{review}复核", "standing rule, reviewed {review}"),
    "label.reviewed": ("最近复核：{period}（{when}）", "last reviewed {period} ({when})"),
    "label.not_in_place": ("尚未落实", "not yet in place"),
    "label.review_overdue": ("复核已逾期", "review OVERDUE"),
    "label.in_force_until": ("有效期至 {day}", "in force until {day}"),
    "label.out_of_force": ("{day} 后已不再生效，未完成", "no longer in force after {day}, never done"),
    "label.event_at": ("事件（{event}）时间 {moment}", "{event} at {moment}"),
    "label.missed": ("漏报 {count} 期", "{count} missed"),
    "label.streak": ("连续 {count} 期", "{count} in a row"),
    "label.opens": ("开放于", "opens"),
    "label.due_by": ("截止 {day} 当日", "due by the end of {day}"),
    "label.due_at": ("截止 {moment}", "due by {moment}"),
    "label.ready": ("{day} 起可标记完成", "can be done from {day}"),
    "label.overdue": ("已逾期", "OVERDUE"),
    "label.until": ("豁免至", "waived until"),
    "label.alerts": ("⚠ 警示：{fields}", "⚠ alert: {fields}"),
    "label.alert": ("⚠ 警示", "⚠ alert"),
    "label.changed": ("措施内容已更新，记录依据旧版本", "attested against earlier wording"),
    "label.unacknowledged": ("⚠ 待确认的警示 {count} 条", "⚠ {count} alert{s} to acknowledge"),
    "label.recorded_by": ("{when} 由 {who} 记录", "recorded {when} by {who}"),
    "label.replayed_at": ("（⏱ --now {when}）", " (⏱ --now {when})"),
    "head.unacknowledged": ("待确认的警示", "Alerts to acknowledge"),
    "head.attention_alerts": ("需要处理：待确认的警示", "Needs attention: alerts to acknowledge"),
    "label.more_alerts": (
        "另有 {count} 条（全部列表：`checklist today`）",
        "and {count} more (all of them: `checklist today`)",
    ),
    "msg.acknowledged": ("已确认警示：{item}（{count} 条）", "Acknowledged: {item} ({count} alert{s})"),
    "msg.ack_next": (
        '此警示在确认前一直显示于 `checklist status`：`checklist ack {target} --reason "…"`',
        'It stays in `checklist status` until acknowledged: `checklist ack {target} --reason "…"`',
    ),
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
    "msg.store_created": ("已新建记录库：{store}", "Created a store at {store}."),
    "msg.store_in_use": ("使用记录库：{store}", "Using the store at {store}."),
    "msg.walk_offer": ("现在逐项处理未完成事项吗？", "Walk through the open items now?"),
    "msg.recorded": ("已记录：{item} → {action}", "Recorded: {item} → {action}"),
    "msg.skipped": ("跳过：{item}", "Skipped: {item}"),
    "msg.noop": ("{item} 已是“{state}”，未重复记录。", "{item} is already {state}; nothing recorded."),
    "msg.noop_done": (
        "没有新的内容可记录；如需更正，请附上更正后的数据（--set）、说明或证据文件：`checklist done {target} …`。",
        "Nothing new to record; to correct it, give the corrected figures (--set), a note or a file:"
        " `checklist done {target} …`.",
    ),
    "msg.corrected": ("已更正：{item}（{changes}）", "Corrected: {item} ({changes})"),
    "label.note_changed": ("说明已更新", "note updated"),
    "label.files_added": ("新增 {count} 个证据文件", "{count} file(s) added"),
    "msg.noop_correct": (
        '如需更正（数据、说明或证据），请先重新打开：`checklist reopen {target} --reason "…"`，再重新记录。',
        'To correct it (figures, note or evidence), reopen it first: `checklist reopen {target} --reason "…"`, '
        "then record it again.",
    ),
    "msg.nothing_open": ("没有未完成事项。", "No open items."),
    "msg.walk_done": ("已处理 {count} 项；还有 {open} 项未完成。", "Recorded {count}; {open} still open."),
    "msg.default_unit": ("默认单位已设为 {id}。", "Default unit is now {id}."),
    "msg.catalog_ok": (
        "措施目录有效：{name} {version}，{count} 项措施，{kinds} 类单位。",
        "Catalog OK: {name} {version}, {count} measures, {kinds} unit kinds.",
    ),
    "msg.catalog_bad": ("措施目录有 {count} 个问题。", "The catalog has {count} problems."),
    "msg.catalog_bad_warned": (
        "措施目录有 {count} 个问题，另有 {warnings} 个警告。",
        "The catalog has {count} problems, and {warnings} warnings.",
    ),
    "msg.catalog_warned": (
        "另有 {count} 个警告：目录可以使用，但宜按上面所说修改（--strict 把警告算作问题）。",
        "{count} warnings: the catalog works, but see above (--strict counts them as problems).",
    ),
    "validate.warning": ("警告", "warning"),
    "msg.no_records": ("暂无记录。", "No records yet."),
    "msg.orphans": (
        "另有 {count} 条记录属于目录中已没有的措施：{ids}",
        "{count} records belong to measures no longer in the catalog: {ids}",
    ),
    "msg.unusable": (
        "⚠ {count} 条记录无法使用，未计入以上情况（可用 `checklist verify` 核查）：",
        "⚠ {count} record{s} could not be used and {are} left out of the above (`checklist verify` names {them} too):",
    ),
    "msg.unusable_units": (
        "⚠ {unit}：{count} 条记录无法使用（见 `checklist status --unit {unit}`）",
        "⚠ {unit}: {count} record{s} could not be used (see `checklist status --unit {unit}`)",
    ),
    "msg.alerts_units": (
        "⚠ {unit}：{count} 条警示待确认（见 `checklist status --unit {unit}`）",
        "⚠ {unit}: {count} alert{s} to acknowledge (see `checklist status --unit {unit}`)",
    ),
    "msg.alert": ("⚠ 警示：{field} = {value} 超出警戒值", "⚠ alert: {field} = {value} crosses its threshold"),
    "msg.alert_value": ("⚠ 警示：{field}为“{value}”", "⚠ alert: {field} is {value}"),
    "value.yes": ("是", "yes"),
    "value.no": ("否", "no"),
    "label.guidance": ("目录编者的说明", "Catalog's guidance"),
    "source.translation": ("译文，非原文", "a translation, not the source's own words"),
    "source.paraphrase": ("大意，非原文", "a paraphrase, not the source's own words"),
    "label.definitions": ("计数口径", "What each figure counts"),
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
        "需要处理（受阻、部分完成、豁免已过期、待审批、回答未达标或情况不明）",
        "Needs attention (blocked, partial, lapsed, awaiting approval, answered not met or unknown)",
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
        "{id} 已升级措施目录：{old} → {new}（新增 {added}，停用 {retired}，内容变更 {reworded}，记录转入 {carried}）。",
        "Upgraded {id}: catalog {old} → {new} ({added} new, {retired} retired, {reworded} reworded,"
        " {carried} carried over).",
    ),
    "msg.carried": ("  → {old} 的记录转入 {new}", "  → records of {old} carry over to {new}"),
    "label.replayed": (
        "{count} 条记录是用回放时钟（--now）记录的：见 `checklist log`",
        "{count} record{s} made with a replayed clock (--now): see `checklist log`",
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
    "col.aggregate": ("汇总方式", "adds up as"),
    "col.today": ("今日", "today"),
    "col.since_start": ("开始以来", "since start"),
    "aggregate.sum": ("合计", "sum"),
    "aggregate.latest": ("最新一期", "latest"),
    "aggregate.min": ("最低", "lowest"),
    "aggregate.max": ("最高", "highest"),
    "aggregate.mean": ("平均", "mean"),
    "aggregate.none": ("不汇总", "none"),
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
    "walk.not_utf8": (
        "这不是 UTF-8 文字：终端使用了另一种编码（如 GBK）。请把终端的字符编码设为 UTF-8，再输入一次。",
        "That is not UTF-8 text: the terminal sends another encoding (GBK, say). Set the terminal's character "
        "encoding to UTF-8 and type it again.",
    ),
    # answers (questions a measure asks: `checklist answer`)
    "answer.yes": ("是", "yes"),
    "answer.no": ("否", "no"),
    "answer.unknown": ("不清楚", "unknown"),
    "verdict.met": ("达标", "met"),
    "verdict.not_met": ("未达标", "not met"),
    "verdict.unknown": ("情况不明", "unknown"),
    "label.answer": ("回答：{answer}（{verdict}）", "answer: {answer} ({verdict})"),
    "label.met_pct": ("达标率", "met"),
    "label.answered": ("回答：{answer}", "answer: {answer}"),
    "label.answer_counts": ("未达标 {not_met} · 情况不明 {unknown}", "not met {not_met} · unknown {unknown}"),
    "label.answer_alert": ("回答", "the answer"),
    "attention.not_met": ("回答未达标", "answered: not met"),
    "attention.unknown": ("回答情况不明", "answered: unknown"),
    "msg.noop_answer": (
        "没有新的内容可记录；如需更正，请给出更正后的回答、说明或数据：`checklist answer {target} 回答 …`。",
        "Nothing new to record; to correct it, give the corrected answer, a note or figures:"
        " `checklist answer {target} ANSWER …`.",
    ),
    "walk.question": ("问题：{title}", "Question: {title}"),
    "walk.answers": ("可选回答（编号或文字{several}）", "Answers (a number or the words{several})"),
    "walk.several": ("，可多选，用逗号分隔", "; several, separated by commas"),
    "walk.answer_prompt": ("回答", "Answer"),
    "walk.follow_up": ("此回答还需要：{needs}", "This answer also needs: {needs}"),
    "walk.answer_na": (
        "“不适用”不是回答：在操作中选 n（不适用）并说明理由。",
        '"Not relevant" is not an answer: choose n (n/a) as the action, with a reason.',
    ),
    "walk.progress": ("第 {n}/{total} 项", "item {n} of {total}"),
    # field types, computed values, decision rules
    "msg.rule_alert": ("⚠ 警示：{instruction}", "⚠ alert: {instruction}"),
    "label.rule": ("规则：{instruction}", "rule: {instruction}"),
    "label.rules": ("决策规则", "Decision rules"),
    "label.computed": ("自动计算", "Worked out"),
    "rule.or": (" 或 ", " or "),
    "rule.and": (" 且 ", " and "),
    "type.date": ("日期，如 2020-01-27", "a date, e.g. 2020-01-27"),
    "type.datetime": ("日期时间，如 2020-01-27 10:30", "a date and time, e.g. 2020-01-27 10:30"),
    "type.multi": ("可多选，用“、”分隔：{choices}", "one or more, separated by commas: {choices}"),
    # unit parts (blocks, wards)
    "action.part-added": ("新增分区", "part added"),
    "action.part-retired": ("撤销分区", "part retired"),
    "head.parts": ("{name} · 分区", "{name} · parts"),
    "head.part_progress": ("各分区进度", "Progress per part"),
    "col.part": ("分区", "part"),
    "col.part_kind": ("类型", "kind"),
    "col.part_name": ("名称", "name"),
    "col.added": ("启用", "added"),
    "col.retired": ("撤销", "retired"),
    "label.parts_done": ("{total} 个{kind}中 {done} 个已完成", "{done}/{total} {kind}s done"),
    "label.parts_missing": ("未完成：{parts}", "missing: {parts}"),
    "label.no_parts": ("尚无{kind}：`checklist part add {id} 编号`", "no {kind} yet: `checklist part add {id} ID`"),
    "label.part_of": ("{kind} {part}", "{kind} {part}"),
    "label.part_in_use": ("使用中", "in use"),
    "label.part_kinds": ("本单位的分区类型：{kinds}", "Kinds of part of this unit: {kinds}"),
    "label.status_of_part": ("仅分区 {part}", "part {part} only"),
    "msg.part_added": ("已新增{kind}：{part}{name}", "Added {kind} {part}{name}."),
    "msg.part_retired": ("已撤销{kind}：{part}（历史记录保留）", "Retired {kind} {part} (its records stay)."),
    "msg.part_next": ("其事项：`checklist today --part {part}`", "Its items: `checklist today --part {part}`."),
    "msg.no_parts": (
        "本单位尚无分区：`checklist part add 类型 编号`",
        "This unit has no parts yet: `checklist part add KIND ID`.",
    ),
    # occurrences: a subject's event that came more than once, each with its own items
    "label.occurrence_nth": ("第 {n} 次", "{nth}"),
    "label.occurrence": ("{subject}（第 {n} 次 {kind}，{at}）", "{subject}, {nth} {kind}, {at}"),
    "msg.occurrence_recorded": (
        "已记录事件：{kind} · {subject}（第 {n} 次，{at}）：新的一次，有其自己的事项。",
        "Recorded {kind} of {subject} ({nth}, {at}): a new occurrence, with its own items.",
    ),
    "msg.occurrence_withdrawn": (
        "已撤回事件：{kind} · {subject}（第 {n} 次，{at}）。",
        "Withdrew {kind} of {subject} ({nth}, {at}).",
    ),
    "msg.occurrence_noop": (
        "{subject} 在 {at} 的 {kind} 已有记录（第 {n} 次），未重复记录。",
        "{kind} of {subject} at {at} is recorded already ({nth}); nothing recorded.",
    ),
    # applicability: unit attributes, conditions, subject types
    "state.inapplicable": ("暂不适用", "does not apply"),
    "action.set": ("设置单位属性", "attributes set"),
    "label.inapplicable": ("{attributes}时不适用", "does not apply while {attributes}"),
    "label.attribute_is": ("{name}为{value}", "{name} is {value}"),
    "label.and": ("、", " and "),
    "label.or": ("或", " or "),
    "label.applies_while": ("适用条件：{conditions}", "applies while {conditions}"),
    "label.attribute": ("{name}：{value}", "{name}: {value}"),
    "label.attribute_since": ("（自 {when} 起，{who} 设定）", " (since {when}, set by {who})"),
    "label.attribute_default": ("（默认）", " (default)"),
    "label.subject_type": ("对象类型：{type}", "subject type: {type}"),
    "head.attributes": ("{name} · 单位属性", "{name} · attributes"),
    "head.attribute_changes": ("变更记录", "Changes"),
    "col.attribute": ("属性", "attribute"),
    "col.value": ("值", "value"),
    "col.since": ("起始", "since"),
    "col.reason": ("原因", "reason"),
    "msg.attributes_set": ("已记录：{changes}", "Recorded: {changes}"),
    "msg.attributes_noop": ("{names} 已是所给的值，未记录。", "{names} already had that value; nothing recorded."),
    "msg.attributes_next": (
        "各项措施已按新的属性重新计算：`checklist status`、`checklist today`",
        "The items follow the new values: `checklist status`, `checklist today`",
    ),
    "msg.no_attribute_changes": (
        "尚无变更，均为目录默认值。",
        "No changes yet: every attribute has the catalog's default.",
    ),
    # roles and owners, named evidence kinds, report recipients
    "action.granted": ("授予角色", "role granted"),
    "action.revoked": ("撤销角色", "role revoked"),
    "label.owner": ("负责", "owner"),
    "label.approver": ("审批", "approver"),
    "label.reports_to": ("报送", "reports to"),
    "label.kinds_given": ("已附", "given"),
    "label.role_holders": ("担任人", "held by"),
    "label.nobody": ("无人担任", "nobody"),
    "head.roles": ("{name} 的角色", "Roles of {name}"),
    "head.owners": ("按负责角色", "By owner"),
    "col.role": ("角色", "Role"),
    "col.holder": ("担任人", "Holder"),
    "col.held_since": ("自", "Since"),
    "col.granted_by": ("授予人", "Granted by"),
    "msg.kept_to_role": ("仅显示“{roles}”负责的事项", "Only the items {roles} owns"),
    "msg.kept_to_person": (
        "仅显示 {person} 担任的角色（{roles}）负责的事项",
        "Only the items of {person}'s roles ({roles})",
    ),
    "msg.role_granted": ("已授予 {person} 角色：{role}", "{person} now holds the role {role}"),
    "msg.role_revoked": ("已撤销 {person} 的角色：{role}", "{person} no longer holds the role {role}"),
    "msg.role_held": (
        "{person} 自 {since} 起已担任 {role}：未记录任何内容",
        "{person} holds the role {role} already (since {since}): nothing recorded",
    ),
    "walk.kind_file": ("{kind}：文件路径", "{kind}: file path"),
}


def t(key: str, lang: str, **values: object) -> str:
    zh, en = _WORDS[key]
    text = zh if lang == "zh" else en
    return text.format(**values) if values else text


def figure_text(value: object, lang: str) -> str:
    """A recorded figure in words: yes or no in the user's language, anything else as it is."""
    if isinstance(value, bool):
        return t("value.yes" if value else "value.no", lang)
    if isinstance(value, list):  # a multi-select's answers
        return ("、" if lang == "zh" else ", ").join(map(str, value))
    return str(value)


def answer_text(question: Question | None, answer: Sequence[str], lang: str) -> str:
    """A recorded answer in words: yes, no or unknown in the user's language, a choice by its label."""
    labels = {c.id: c.label(lang) for c in (question.choices or [])} if question is not None else {}
    said = [labels.get(a) or (t(f"answer.{a}", lang) if f"answer.{a}" in _WORDS else a) for a in answer]
    return ("、" if lang == "zh" else ", ").join(said)


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st: an occurrence's number in English."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def occurrence_label(  # noqa: PLR0917
    subject: str, number: int, count: int, kind: str, moment: datetime | None, lang: str
) -> str:
    """Who an item (or an event) concerns: the subject alone while it has had one occurrence
    of the kind, else which one and when ("P1, 2nd admission, 2020-02-03 10:00")."""
    if count <= 1:
        return subject
    at = f"{moment:%Y-%m-%d %H:%M}" if moment is not None else "?"
    return t("label.occurrence", lang, subject=subject, n=number, nth=ordinal(number), kind=kind, at=at)


def item_subject(item: Item, lang: str) -> str:
    """The subject of an item, and which occurrence of its event where the subject has had several."""
    kind = item.measure.trigger.event if item.measure.trigger else ""
    moment = item.event.moment if item.event else None
    return occurrence_label(item.subject or "", item.occurrence, item.occurrences, kind, moment, lang)


def by_occurrence(group: tuple[str, list[Any]]) -> tuple[str, int]:
    """The order of subjects' occurrences on screen: by subject, then first to latest (a slot
    'P1|2' sorts by 'P1' and 2, not as text after 'P10')."""
    key, items = group
    item = items[0].item
    return (item.subject or key, item.occurrence)
