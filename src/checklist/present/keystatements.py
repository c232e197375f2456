"""What `keys rotate` and `keys revoke` made, and how `keys list` shows a key's rotation or revocation."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from ..core.keystatements import moment
from .output import message, safe
from .words import t

if TYPE_CHECKING:
    from ..core.keystatements import KeyStatement
    from ..usecases.rotation import Stated
    from .schemas import KeyStatementDocument


def stated(result: Stated, lang: str = "en") -> None:
    statement = result.statement
    values = {
        "key_id": statement.key,
        "name": safe(statement.name),
        "since": moment(statement.since),
        "signer": result.signer.key,
        "where": result.where,
    }
    if statement.revoked:
        said = t("keys.revoked", lang, reason=safe(statement.reason or ""), **values)
    else:
        said = t("keys.rotated", lang, new=statement.replaced_by, **values)
    message(said, "green")


def ended(statements: list[KeyStatement], lang: str) -> str:
    """What holds about a key, as `keys list` adds it to its registration ('' if nothing)."""
    said = []
    for statement in statements:
        since = moment(statement.since)
        if statement.revoked:
            said.append(t("keys.list_revoked", lang, since=since, reason=safe(statement.reason or "")))
        else:
            said.append(t("keys.list_replaced", lang, since=since, new=statement.replaced_by))
    return "".join(said)


def document(statement: KeyStatement) -> KeyStatementDocument:
    return cast("KeyStatementDocument", statement.model_dump(mode="json", exclude_none=True))
