"""JSON documents of `xjma db grant` and `xjma db roles` (office.md §9)."""

from __future__ import annotations

from typing import Any


def grant_document(result: Any) -> dict[str, Any]:
    return {
        "db": result.ledger,
        "role": result.role,
        "prefecture": result.prefecture,
        "office": result.office,
        "read_only": result.read_only,
        "created": result.created,
        "password_set": result.password_set,
    }


def roles_document(result: Any) -> dict[str, Any]:
    return {
        "db": result.ledger,
        "roles": [
            {
                "role": r.role,
                "prefecture": r.prefecture,
                "office": r.office,
                "read_only": r.read_only,
                "login": r.login,
                "granted_at": r.granted_at.replace(microsecond=0).isoformat(),
                "granted_by": r.granted_by,
            }
            for r in result.roles
        ],
    }


def failed_grant_document() -> dict[str, Any]:
    """The exit-2 document of `db grant`: nothing granted (the target is not echoed: it may carry a
    password)."""
    return {
        "db": None, "role": None, "prefecture": None, "office": False, "read_only": False, "created": False,
        "password_set": False,
    }  # fmt: skip


def failed_roles_document() -> dict[str, Any]:
    """The exit-2 document of `db roles`: no role listed."""
    return {"db": None, "roles": []}
