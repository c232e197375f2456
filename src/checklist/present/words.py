"""The words of the interface, in Chinese and English."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .translations import plural, word

if TYPE_CHECKING:
    from ..core.models import Catalog, FieldSpec, Measure, Question
    from ..core.status import Item


def t(key: str, lang: str, **values: object) -> str:
    """The words of a key in the user's language (locale/*/LC_MESSAGES/interface.po)."""
    text = word("interface", key, lang)
    return text.format(**values) if values else text


def tn(key: str, n: int, lang: str, **values: object) -> str:
    """The words of a key for a count n ('1 problem', '2 problems'); {n} is the count."""
    return plural("interface", key, n, lang).format(n=n, **values)


def has(key: str, lang: str) -> bool:
    try:
        word("interface", key, lang)
    except KeyError:
        return False
    return True


def date_text(day: date, lang: str, short: bool = False) -> str:
    """A date as its reader writes it: 2020年1月28日 (short: 1月28日) in Chinese, 2020-01-28
    (short: 01-28) in English. JSON, logs and records keep ISO 8601."""
    if isinstance(day, datetime):
        day = day.date()
    if lang == "zh":
        return f"{day.month}月{day.day}日" if short else f"{day.year}年{day.month}月{day.day}日"
    return f"{day:%m-%d}" if short else day.isoformat()


def moment_text(moment: datetime, lang: str, short: bool = False, seconds: bool = False) -> str:
    """A date and time as its reader writes it: 2020年1月28日 10:30 (short: 1月28日 10:30) in
    Chinese, 2020-01-28 10:30 (short: 01-28 10:30) in English; in the moment's own time zone."""
    time = f"{moment:%H:%M:%S}" if seconds else f"{moment:%H:%M}"
    return f"{date_text(moment.date(), lang, short)} {time}"


def period_text(key: str, lang: str) -> str:
    """A period's key in Chinese words: a day or a day's round (2020年1月27日, 2020年1月27日 08:00),
    an ISO week (2020年第5周); a month or a run of days, keyed by its first day, reads as that
    day; '…' as it is. Every key stays as it is in English (the form `--for` takes)."""
    if lang != "zh":
        return key
    week = re.fullmatch(r"(\d{4})-W(\d{2})", key)
    if week:
        return f"{week[1]}年第{int(week[2])}周"
    try:
        day = date.fromisoformat(key[:10]) if len(key) >= 10 and key[4:5] == "-" and key[7:8] == "-" else None
    except ValueError:
        day = None
    if day is None:
        return key
    return date_text(day, lang) + (" " + key[11:] if len(key) > 10 else "")


def typed_command(command: str, lang: str) -> str:
    """A command to type, its placeholders in the reader's words: `--evidence 文件`, `answer 3 答案`
    in Chinese (the core writes FILE and ANSWER, as help's metavars)."""
    if lang != "zh":
        return command
    return re.sub(r"(?<=[ =])(FILE|ANSWER)\b", lambda found: t(f"placeholder.{found[1].lower()}", lang), command)


def figure_text(value: object, lang: str, spec: FieldSpec | None = None) -> str:
    """A recorded figure in words: yes or no in the user's language, a choice by the name the
    catalog gives it (its id if it has none), anything else as it is."""
    if isinstance(value, bool):
        return t("value.yes", lang) if value else t("value.no", lang)
    if isinstance(value, list):  # a multi-select's answers
        return ("、" if lang == "zh" else ", ").join(choice_text(spec, str(v), lang) for v in value)
    if isinstance(value, str) and spec is not None and spec.type == "choice":
        return choice_text(spec, value, lang)
    return str(value)


def choice_text(spec: FieldSpec | None, choice: str, lang: str) -> str:
    """A choice of a choice or multi field by its name in the reader's language (else its id)."""
    label = spec.choice_label(choice) if spec is not None else None
    return label(lang) if label is not None else choice


def after_chinese(name: str, lang: str) -> str:
    """A name set right after Chinese words: an id (a kind of event the catalog does not name)
    apart by a space ('第 2 次 admission'), a Chinese name close ('第 2 次入监')."""
    return f" {name}" if lang == "zh" and name[:1].isascii() else name


def event_name(catalog: Catalog | None, kind: str, lang: str) -> str:
    """A kind of event by the name the catalog's head gives it (入监 / admission), else its id."""
    found = catalog.event_kind(kind) if catalog is not None else None
    return found.name(lang) if found is not None else kind


def trigger_words(measure: Measure, catalog: Catalog | None, lang: str) -> str:
    """What makes a measure's items: 'each admission (newly admitted prisoner)', '每次入监（新收押罪犯）'."""
    trigger = measure.trigger
    if trigger is None:
        return ""
    said = t("trigger.each", lang, event=after_chinese(event_name(catalog, trigger.event, lang), lang))
    if trigger.subject is not None:
        said += t("trigger.subject", lang, subject=trigger.subject(lang))
    return said


def span_words(months: int, days: int, minutes: int, lang: str) -> str:
    """A duration in words: '14 days', '2 hours', '1 month and 3 days' ('14 天', '2 小时')."""
    parts = [tn("span.months", months, lang)] if months else []
    parts += [tn("span.days", days, lang)] if days else []
    if minutes:
        hours, rest = divmod(minutes, 60)
        parts += [tn("span.hours", hours, lang)] if hours else []
        parts += [tn("span.minutes", rest, lang)] if rest else []
    return t("span.and", lang).join(parts) if parts else tn("span.days", 0, lang)


def deadline_words(measure: Measure, catalog: Catalog | None, lang: str) -> str:  # noqa: PLR0911
    """When a measure is due, as its catalog says: 'within 14 days of admission', '入监后 14 天内',
    '入监当天', 'by 2020-01-31', '转运前 1 天'; empty without a deadline."""
    deadline, trigger = measure.deadline, measure.trigger
    if deadline is None and trigger is not None and trigger.lasts_days is not None:  # a window after the event
        span = tn("span.days", trigger.lasts_days, lang)
        return t("deadline.after_event", lang, span=span, event=event_name(catalog, trigger.event, lang))
    if deadline is None:
        return ""
    if deadline.date is not None:
        return t("deadline.date", lang, date=date_text(deadline.date, lang))
    duration = deadline.duration
    if duration is None:
        return ""
    event = event_name(catalog, measure.trigger.event, lang) if measure.trigger is not None else ""
    span = span_words(*duration, lang)
    if deadline.before == "event":
        return t("deadline.before_event", lang, span=span, event=event)
    if deadline.after != "event":
        return t("deadline.after_start", lang, span=span) if any(duration) else t("deadline.start_day", lang)
    if not any(duration):  # days: 0
        return t("deadline.event_day", lang, event=event)
    return t("deadline.after_event", lang, span=span, event=event)


def answer_text(question: Question | None, answer: Sequence[str], lang: str) -> str:
    """A recorded answer in words: yes, no or unknown in the user's language, a choice by its label."""
    labels = {c.id: c.label(lang) for c in (question.choices or [])} if question is not None else {}
    said = [labels.get(a) or (t(f"answer.{a}", lang) if has(f"answer.{a}", lang) else a) for a in answer]
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
    at = moment_text(moment, lang) if moment is not None else "?"
    kind = after_chinese(kind, lang)
    return t("label.occurrence", lang, subject=subject, n=number, nth=ordinal(number), kind=kind, at=at)


def item_subject(item: Item, lang: str, catalog: Catalog | None = None) -> str:
    """The subject of an item, and which occurrence of its event (by the event kind's name,
    given the catalog) where the subject has had several."""
    kind = event_name(catalog, item.measure.trigger.event, lang) if item.measure.trigger else ""
    moment = item.event.moment if item.event else None
    return occurrence_label(item.subject or "", item.occurrence, item.occurrences, kind, moment, lang)


def by_occurrence(group: tuple[str, list[Any]]) -> tuple[str, int]:
    """The order of subjects' occurrences on screen: by subject, then first to latest (a slot
    'P1|2' sorts by 'P1' and 2, not as text after 'P10')."""
    key, items = group
    item = items[0].item
    return (item.subject or key, item.occurrence)
