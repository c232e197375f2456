"""The unit's attributes and the conditions on them, in words: the head of `status`, an item
that does not apply and why, `checklist set` (what it recorded, and the attributes' history)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from .output import message, safe
from .words import moment_text, t

if TYPE_CHECKING:
    from ..core.models import Attribute, Catalog, Measure
    from ..core.status import ItemStatus, UnitStatus
    from ..usecases.applicability import AttributesSet, AttributesView
    from .schemas import AttributeDocument


def value_text(attribute: Attribute | None, value: str, lang: str) -> str:
    """A value in the reader's language: the catalog's name for it, yes/no in words, else its id."""
    name = attribute.value_name(value) if attribute is not None else None
    if name is not None:
        return name(lang)
    if attribute is not None and attribute.type == "yesno" and value in ("yes", "no"):
        return t(f"value.{value}", lang)
    return value


def subject_type_name(catalog: Catalog, type_id: str, lang: str) -> str:
    """A subject type's name in the reader's language (its id, if the catalog no longer has it)."""
    found = next((kind for kind in catalog.meta.subject_types if kind.id == type_id), None)
    return found.name(lang) if found is not None else type_id


def _name(catalog: Catalog, attribute_id: str, lang: str) -> str:
    attribute = catalog.attribute(attribute_id)
    return attribute.name(lang) if attribute is not None else attribute_id


def _is(catalog: Catalog, pairs: Iterable[tuple[str, str]], lang: str) -> str:
    """'risk level is low and medical ward is no' (风险等级为低、设有医疗监区为否)."""
    said = [
        t(
            "label.attribute_is",
            lang,
            name=_name(catalog, name, lang),
            value=value_text(catalog.attribute(name), v, lang),
        )
        for name, v in pairs
    ]
    return t("label.and", lang).join(said)


def _value(catalog: Catalog, name: str, value: str, lang: str) -> str:
    return value_text(catalog.attribute(name), value, lang)


def inapplicable_text(status: ItemStatus, catalog: Catalog, lang: str) -> str:
    """Why an item does not apply now: 'does not apply while risk level is low'."""
    return t("label.inapplicable", lang, attributes=_is(catalog, status.inapplicable, lang))


def conditions_text(measure: Measure, catalog: Catalog, lang: str) -> str:
    """When a measure applies: 'applies while risk level is medium or high'."""
    parts = []
    for name, values in measure.conditions.items():
        attribute = catalog.attribute(name)
        ordered = [v for v in (attribute.ids if attribute else sorted(values)) if v in values]
        said = t("label.or", lang).join(value_text(attribute, v, lang) for v in ordered)
        parts.append(t("label.attribute_is", lang, name=_name(catalog, name, lang), value=said))
    return t("label.applies_while", lang, conditions=t("label.and", lang).join(parts))


def attributes_head(status: UnitStatus, lang: str) -> Text:
    """The head of `status`: each attribute's value, since when and set by whom."""
    text = Text()
    timeline = status.timeline
    if timeline is None:
        return text
    for attribute in status.catalog.meta.attributes:
        value = timeline.values.get(attribute.id, attribute.initial)
        text.append("\n" + t("label.attribute", lang, name=safe(attribute.name(lang)), value=""))
        text.append(safe(value_text(attribute, value, lang)), style="bold")
        record = timeline.record(timeline.since(attribute.id))
        if record is None:
            text.append(t("label.attribute_default", lang), style="dim")
        else:
            moment = moment_text((record.clock or record.at).astimezone(status.now.tzinfo), lang)
            text.append(t("label.attribute_since", lang, when=moment, who=safe(record.actor)), style="dim")
    return text


def attributes_document(status: UnitStatus) -> list[AttributeDocument]:
    """The attributes of `status --json`: each one's value now, and the change that gave it."""
    timeline = status.timeline
    if timeline is None:
        return []
    found: list[AttributeDocument] = []
    for attribute in status.catalog.meta.attributes:
        record = timeline.record(timeline.since(attribute.id))
        found.append(
            {
                "id": attribute.id,
                "value": timeline.values.get(attribute.id, attribute.initial),
                "default": record is None,
                "since": (record.clock or record.at).isoformat() if record is not None else None,
                "set_by": record.actor if record is not None else None,
                "reason": record.note if record is not None else None,
                "record": record.id if record is not None else None,
            }
        )
    return found


def attributes_set(result: AttributesSet, lang: str) -> None:
    """What `checklist set` recorded (or that nothing changed)."""
    catalog = result.catalog
    if result.unchanged:
        names = t("label.and", lang).join(_name(catalog, name, lang) for name in result.unchanged)
        message(t("msg.attributes_noop", lang, names=safe(names)), style="yellow")
    if result.draft is None:
        return
    changes = "; ".join(
        t("label.attribute", lang, name=_name(catalog, name, lang), value=f"{_value(catalog, name, before, lang)} → ")
        + _value(catalog, name, after, lang)
        for name, (before, after) in result.changed.items()
    )
    message(t("msg.attributes_set", lang, changes=safe(changes)), style="green")
    message(t("msg.attributes_next", lang))


def attributes_view(view: AttributesView, lang: str) -> RenderableType:
    """`checklist set` alone: each attribute now, then every change, oldest first."""
    catalog = view.catalog
    name = catalog.unit_name(view.unit, lang)
    now = Table(title=Text(t("head.attributes", lang, name=safe(name)), style="bold"), box=box.SIMPLE_HEAD)
    now.add_column(t("col.attribute", lang))
    now.add_column(t("col.value", lang))
    now.add_column(t("col.since", lang))
    for state in view.attributes:
        attribute = state.attribute
        since = Text(t("label.attribute_default", lang).strip(" （）()"), style="dim")
        if state.since is not None:
            record = state.since.record
            since = Text(
                t("label.attribute_since", lang, when=_when(state.since.moment, view, lang), who=safe(record.actor))
            )
        label = (
            f"{safe(attribute.name(lang))}（{attribute.id}）"
            if lang == "zh"
            else f"{safe(attribute.name(lang))} ({attribute.id})"
        )
        now.add_row(label, Text(safe(value_text(attribute, state.value, lang)), style="bold"), since)
    if not view.history:
        return Group(now, Text(t("msg.no_attribute_changes", lang), style="dim"))
    changes = Table(title=Text(t("head.attribute_changes", lang), style="bold"), box=box.SIMPLE_HEAD)
    changes.add_column(t("col.when", lang), no_wrap=True)
    changes.add_column(t("col.who", lang))
    changes.add_column(t("col.value", lang))
    changes.add_column(t("col.reason", lang))
    for change in view.history:
        values = "\n".join(
            t(
                "label.attribute",
                lang,
                name=_name(catalog, key, lang),
                value=value_text(catalog.attribute(key), v, lang),
            )
            for key, v in change.values.items()
        )
        record = change.record
        changes.add_row(_when(change.moment, view, lang), safe(record.actor), safe(values), safe(record.note or ""))
    return Group(now, changes)


def _when(moment: datetime, view: AttributesView, lang: str) -> str:
    return moment_text(moment.astimezone(view.now.tzinfo), lang)
