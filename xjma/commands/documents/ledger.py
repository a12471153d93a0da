"""The JSON documents of cli.md for the ledger commands (fees summary, member show, db init|check|migrate|
copy), built from the jobs' typed results: the single home of their keys. Money as strings with two
decimals, dates ISO."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xjma.core.money import fmt_money

if TYPE_CHECKING:
    from xjma.io.ledger.fees import FeeFigures
    from xjma.jobs.db_results import (
        CheckResult,
        CopyResult,
        InitResult,
        LedgerFigures,
        MigrateResult,
        TableFigures,
    )
    from xjma.jobs.fees import FeeSummary
    from xjma.jobs.member import MemberEnrollment, MemberReport


# ---------------------------------------------------------------- fees summary


def fees_document(summary: FeeSummary) -> dict[str, Any]:
    return {"period": summary.period.label, **_fee_figures(summary.figures)}


def failed_fees_document(period: str | None) -> dict[str, Any]:
    """The exit-2 document: no fee read; the period asked for, None when --month/--year is the mistake."""
    from xjma.io.ledger.fees import FeeFigures

    return {"period": period, **_fee_figures(FeeFigures.empty(()))}


def _fee_figures(f: FeeFigures) -> dict[str, Any]:
    return {
        "total": fmt_money(f.total),
        "members": f.members,
        "by_prefecture": [
            {"prefecture": p.prefecture, "members": p.members, "shares": p.shares, "fee": fmt_money(p.fee)}
            for p in f.by_prefecture
        ],
        "by_unit": [
            {
                "unit": u.unit,
                "prefecture": u.prefecture,
                "members": u.members,
                "shares": u.shares,
                "fee": fmt_money(u.fee),
            }
            for u in f.by_unit
        ],
        "by_plan": [
            {"plan": p.plan, "members": p.members, "shares": p.shares, "fee": fmt_money(p.fee)}
            for p in f.by_plan
        ],
        "by_month": [{"month": m.month, "members": m.members, "fee": fmt_money(m.fee)} for m in f.by_month],
    }


# ---------------------------------------------------------------- member show


def member_document(report: MemberReport) -> dict[str, Any]:
    return {
        "id_number": report.id_number,
        "name": report.name,
        "enrollments": [_enrollment(e) for e in report.enrollments],
        "claims": [
            {
                "plan": c.plan,
                "benefit": c.benefit,
                "event_date": c.event_date.isoformat(),
                "payout": fmt_money(c.payout),
            }
            for c in report.claims
        ],
        "remaining": {
            plan: {benefit: fmt_money(amount) for benefit, amount in left.items()}
            for plan, left in report.remaining.items()
        },
        "history": [
            {
                "at": h.at.replace(microsecond=0).isoformat(),
                "operator": h.operator,
                "field": h.field,
                "before": h.before,
                "after": h.after,
                "reason": h.reason,
            }
            for h in report.history
        ],
    }


def failed_member_document(id_number: str | None) -> dict[str, Any]:
    """The exit-2 document: nothing read; the ID asked for, None when the ID itself is the mistake."""
    from xjma.jobs.member import MemberReport

    return {**member_document(MemberReport(id_number or "")), "id_number": id_number}


def _enrollment(item: MemberEnrollment) -> dict[str, Any]:
    e, observation_end = item.enrollment, item.observation_end
    return {
        "plan": e.plan,
        "start": e.start.isoformat(),
        "end": e.end.isoformat(),
        "shares": e.shares,
        "renewed_shares": e.renewed_shares,
        "observation_end": observation_end.isoformat() if observation_end else None,
        "unit": e.unit,
        "status": "voided" if item.voided else "recorded",
        "voided_at": item.voided.at.replace(microsecond=0).isoformat() if item.voided else None,
        "void_reason": item.voided.reason if item.voided else None,
    }


# ---------------------------------------------------------------- db init | check | migrate | copy


def figures_document(figures: TableFigures | None) -> dict[str, Any]:
    """{"rows": 3, "shares": 3, "fee": "260.00"}; {} for a table the target does not have."""
    if figures is None:
        return {}
    sums = {k: fmt_money(v) if isinstance(v, Decimal) else v for k, v in figures.sums.items()}
    return {"rows": figures.rows, **sums}


def _tables(tables: LedgerFigures) -> dict[str, dict[str, Any]]:
    return {name: figures_document(f) for name, f in tables.items()}


def init_document(result: InitResult) -> dict[str, Any]:
    return {
        "db": result.db,
        "backend": result.backend,
        "created": result.created,
        "schema_version": result.schema_version,
        "tables": _tables(result.tables),
    }


def check_document(result: CheckResult) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "db": result.db,
        "backend": result.backend,
        "server": result.server,
        "schema_version": result.schema_version,
        "expected_version": result.expected_version,
        "up_to_date": result.up_to_date,
        "tables": _tables(result.tables),
    }
    if result.overlap_guard is not None:
        doc["overlap_guard"] = result.overlap_guard
    return doc


def migrate_document(result: MigrateResult) -> dict[str, Any]:
    return {
        "db": result.db,
        "backend": result.backend,
        "from_version": result.from_version,
        "schema_version": result.schema_version,
        "migrated": result.migrated,
    }


def copy_document(result: CopyResult) -> dict[str, Any]:
    return {
        "from": result.source,
        "to": result.target,
        "tables": [
            {
                "table": t.table,
                "source": figures_document(t.source),
                "target": figures_document(t.target),
                "match": t.match,
            }
            for t in result.tables
        ],
        "match": result.match,
    }


# The exit-2 documents of db init|check|migrate|copy: the same keys, nothing found. The target is None
# (it is not echoed: it may be the mistake, and a URL may carry a password), versions None (not read).


def failed_db_document(subcommand: str) -> dict[str, Any]:
    """The exit-2 document of `db SUBCOMMAND` (init, check, migrate, copy, grant, roles)."""
    from xjma.commands.documents.access import failed_grant_document, failed_roles_document

    builders = {
        "init": failed_init_document, "check": failed_check_document, "migrate": failed_migrate_document,
        "copy": failed_copy_document, "grant": failed_grant_document, "roles": failed_roles_document,
    }  # fmt: skip
    return builders[subcommand]()


def failed_init_document() -> dict[str, Any]:
    return {"db": None, "backend": None, "created": False, "schema_version": None, "tables": {}}


def failed_check_document() -> dict[str, Any]:
    """`expected_version` is this program's, known whatever the target."""
    from xjma.io.ledger.schema import SCHEMA_VERSION

    return {
        "db": None, "backend": None, "server": None, "schema_version": None, "expected_version": SCHEMA_VERSION,
        "up_to_date": False, "tables": {},
    }  # fmt: skip


def failed_migrate_document() -> dict[str, Any]:
    return {"db": None, "backend": None, "from_version": None, "schema_version": None, "migrated": False}


def failed_copy_document() -> dict[str, Any]:
    return {"from": None, "to": None, "tables": [], "match": False}
