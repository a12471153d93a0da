"""Ledgers made before the history tables are carried forward by `db migrate` (schema v4): their units
registered, their batches listed; `db copy` copies the history tables. Both backends.

tests/data/ledger_v3_release.db was made by the release before this one (schema v3): 一中.xlsx (王伟 A
住院+意外 and 重大疾病, 李芳 B 住院+意外: 260.00) and 天山.xlsx (张强 C 住院+意外 and 2 份 重大疾病: 190.00),
both enrolled on 2026-11-20 for 2026-12-01, and one recorded claim of 2000.00 for A."""

from __future__ import annotations

import shutil
from pathlib import Path

from history_helpers import SCHOOL, TIANSHAN, A, enroll, school_roster, tianshan_roster, x

RELEASE = Path(__file__).parent / "data" / "ledger_v3_release.db"


def _release_ledger(target: str, tmp_path: Path) -> str:
    """The release's ledger at `target`: the file itself, or its rows in a PostgreSQL database at v3."""
    if "://" not in target:
        shutil.copy(RELEASE, target)
        return target
    from sqlalchemy import create_engine, select

    from xjma.io.ledger.db import resolve_url
    from xjma.io.ledger.schema import LEDGER_TABLES, MIGRATIONS, schema_version

    source = create_engine(f"sqlite:///{shutil.copy(RELEASE, tmp_path / 'release.db')}")
    engine = create_engine(resolve_url(target))
    with source.connect() as rconn, engine.begin() as wconn:
        for step in MIGRATIONS[:3]:
            step(wconn)
        # The enrollments table as v3 made it (v1 now creates the v4 shape): a UNIQUE constraint, no marker.
        wconn.exec_driver_sql("DROP INDEX uq_enrollments_member_plan_start")
        wconn.exec_driver_sql("ALTER TABLE enrollments DROP COLUMN voided_by")
        wconn.exec_driver_sql(
            "ALTER TABLE enrollments ADD CONSTRAINT uq_enrollments_member_plan_start UNIQUE (id_number, plan, start)"
        )
        schema_version.create(wconn, checkfirst=True)
        wconn.execute(schema_version.insert().values(version=3))
        for table in LEDGER_TABLES:
            columns = [c for c in table.c if c.name != "voided_by"]  # v3 has no such column
            rows = [dict(r._mapping) for r in rconn.execute(select(*columns))]
            if rows:
                wconn.execute(table.insert(), rows)
            if "id" not in table.c:
                continue
            wconn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
            )
    engine.dispose()
    source.dispose()
    return target


def test_a_release_ledger_is_migrated_with_its_units_registered_and_batches_listed(
    ledger_target: str, tmp_path: Path
) -> None:
    target = _release_ledger(ledger_target, tmp_path)
    assert x("db", "check", "--db", target, "--json")[1]["schema_version"] == 3
    code, doc, out = x("db", "migrate", "--db", target, "--json")
    from xjma.io.ledger.schema import SCHEMA_VERSION

    assert code == 0 and (doc["from_version"], doc["schema_version"]) == (3, SCHEMA_VERSION), out
    entry = x("log", "--db", target, "--json")[1]["entries"][-1]
    assert (entry["kind"], entry["operator"], entry["refs"]) == (
        "db-migrate",
        "测试员",
        {"from_version": 3, "to_version": SCHEMA_VERSION},
    )
    expected_guard = "constraint" if "://" in target else "sqlite"
    assert x("db", "check", "--db", target, "--json")[1]["overlap_guard"] == expected_guard
    if "://" in target:  # the exclusion constraint now leaves voided enrollments out
        from sqlalchemy import create_engine

        from xjma.io.ledger.db import resolve_url

        engine = create_engine(resolve_url(target))
        with engine.connect() as conn:
            definition = conn.exec_driver_sql(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ex_enrollments_member_plan_period'"
            ).scalar()
        engine.dispose()
        assert "WHERE ((voided_by IS NULL))" in str(definition)
    assert [(u["code"], u["name"]) for u in x("unit", "list", "--db", target, "--json")[1]["units"]] == [
        ("6501-00001", SCHOOL), ("6528-00001", TIANSHAN)]  # fmt: skip
    batches = x("batch", "list", "--db", target, "--json")[1]["batches"]
    assert [(b["batch"], b["members"], b["fee"], b["status"], b["operator"]) for b in batches] == [
        (1, 2, "260.00", "recorded", ""), (2, 1, "190.00", "recorded", "")]  # fmt: skip
    assert x("fees", "summary", "--month", "2026-11", "--db", target, "--json")[1]["total"] == "450.00"
    shown = x("member", "show", A, "--db", target, "--json")[1]
    assert {e["status"] for e in shown["enrollments"]} == {"recorded"} and shown["claims"][0][
        "payout"
    ] == "2000.00"
    # The migrated ledger takes history as any other: a void, the voided enrolled again, a new batch.
    assert x("void", "--batch", "2", "--reason", "录错", "--db", target)[0] == 0
    assert enroll(target, tianshan_roster(tmp_path))["batch"] == 3
    assert enroll(target, school_roster(tmp_path), "--start", "2027-12-01")["batch"] == 4
    assert enroll(target, tianshan_roster(tmp_path, name="again.xlsx"))["already_recorded"] == 1
    assert [u["code"] for u in x("unit", "list", "--db", target, "--json")[1]["units"]] == [
        "6501-00001",
        "6528-00001",
    ]


def test_a_copy_carries_the_history_tables_and_every_view_is_the_same(
    ledger_target: str, tmp_path: Path
) -> None:
    source = str(tmp_path / "clerk.db")
    enroll(source, school_roster(tmp_path), "--operator", "张三")
    enroll(source, tianshan_roster(tmp_path))
    x("void", "--batch", "2", "--reason", "录错", "--refund-on", "2026-12-05", "--db", source)
    x("unit", "alias", SCHOOL, "一中", "--db", source)
    x("member", "correct", A, "--name", "王玮", "--reason", "户籍为准", "--db", source)
    code, doc, out = x("db", "copy", "--from", source, "--to", ledger_target, "--json")
    assert code == 0 and doc["match"], out
    assert {t["table"] for t in doc["tables"]} >= {"log_entries", "units", "batch_units", "changes",
                                                  "voided_enrollments", "member_changes", "unit_events"}  # fmt: skip
    copied, original = (x("log", "--db", t, "--json")[1]["entries"] for t in (ledger_target, source))
    assert copied[:-1] == original and copied[-1]["kind"] == "db-copy"  # the copy logs itself in the target
    assert copied[-1]["operator"] == "测试员"
    for view in (["batch", "list"], ["unit", "list"], ["member", "show", A],
                 ["fees", "summary", "--month", "2026-12"], ["batch", "show", "2"]):  # fmt: skip
        assert x(*view, "--db", ledger_target, "--json")[1] == x(*view, "--db", source, "--json")[1], view
    # New rows after the copy get new ids, not copied ones.
    assert enroll(ledger_target, school_roster(tmp_path), "--start", "2027-12-01")["batch"] == 3
    assert x("unit", "alias", TIANSHAN, "天山", "--db", ledger_target)[0] == 0
