"""Words for `checklist db …`: the schema migrated, roles granted and revoked, who may do what."""

from __future__ import annotations

from typing import Any

from ..core.pgaccess import GROUPS, Access, Granted, Revoked
from ..core.pgschema import Migrated
from .output import safe
from .words import moment_text, t


def migrated(result: Migrated, lang: str) -> str:
    if not result.applied:
        return t("db.up_to_date", lang, version=result.after)
    names = ", ".join(f"{m.version:04d}_{m.name}" for m in result.applied)
    return t("db.migrated", lang, before=result.before, after=result.after, names=names)


def _what(access: Access, lang: str) -> str:
    from ..core.places import joined

    if access.kind == "writer":
        return t("db.access.writer", lang, unit=safe(access.unit))
    if access.kind == "supervisor":
        return t("db.access.supervisor", lang, node=safe(joined(access.node)))
    return t("db.access.admin", lang)


def granted(result: Granted, lang: str) -> str:
    """What `db grant` did, in lines."""
    role, what = result.access.role, _what(result.access, lang)
    lines = [t("db.granted" if result.added else "db.granted_already", lang, role=role, what=what)]
    if result.created:
        lines.append(t("db.role_created", lang, role=role))
    return "\n".join(lines)


def revoked(result: Revoked, lang: str) -> str:
    """What `db revoke` did, in lines."""
    role = result.access.role
    lines = [t("db.revoked", lang, role=role, what=_what(result.access, lang))]
    if result.left_group:
        lines.append(t("db.left_group", lang, role=role, group=GROUPS[result.access.kind]))
    return "\n".join(lines)


def roles_lines(shown: str, found: list[Access], lang: str) -> str:
    """`db roles`: each role and what it may do, granted when and by whom."""
    if not found:
        return t("db.no_roles", lang)
    lines = [t("db.roles_head", lang)]
    for access in found:
        when = moment_text(access.granted_at, lang) if access.granted_at else ""
        lines.append(
            t("db.role_line", lang, role=access.role, what=_what(access, lang), by=safe(access.granted_by), at=when)
        )
    return "\n".join(lines)


def roles_document(shown: str, found: list[Access]) -> dict[str, Any]:
    """The `db-roles` document (present/schemas.py: DbRolesDocument)."""
    return {
        "document": "db-roles",
        "format": 1,
        "store": shown,
        "roles": [
            {
                "role": access.role,
                "kind": access.kind,
                "unit": access.unit or None,
                "node": list(access.node) if access.kind == "supervisor" else None,
                "granted_at": access.granted_at.isoformat() if access.granted_at else None,
                "granted_by": access.granted_by,
            }
            for access in found
        ],
    }
