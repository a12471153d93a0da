"""xjma commands as each role of a shared ledger (office.md §9): enroll, member show, fees summary, log,
db migrate, db grant and db roles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from access_support import H1, H2, HAMI, U1, URUMQI, Office, connect, make_office
from conftest import make_id, member, write_roster
from history_helpers import figures, x

pytestmark = pytest.mark.postgresql


@pytest.fixture(scope="module")
def office(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    yield from make_office(pg_url, tmp_path_factory.mktemp("access_cli"))


def test_a_row_of_another_prefecture_is_refused_with_prefecture_not_permitted(
    office: Office, tmp_path: Path
) -> None:
    new_hami, new_urumqi = make_id("19700101", 31, female=False), make_id("19700202", 32, female=False)
    roster = write_roster(tmp_path / "混合.xlsx", [
        member("哈密乙公司", HAMI, "孙一", new_hami), member("乌鲁木齐乙公司", URUMQI, "周二", new_urumqi),
    ])  # fmt: skip
    before = figures(office.owner)
    code, doc, out = x("enroll", str(roster), "--start", "2026-12-01", "--db", office.hami, "--json")
    assert code == 1, out
    refused = [p for p in doc["problems"] if p["code"] == "prefecture-not-permitted"]
    assert [p["row"] for p in refused] == [3] and "乌鲁木齐市" in refused[0]["message"]
    assert figures(office.owner) == before  # a refused batch records nothing
    code, doc, out = x(
        "enroll", str(roster), "--start", "2026-12-01", "--db", office.hami, "--json", "--skip-invalid"
    )
    assert code == 0 and doc["enrolled"] == 1, out
    with connect(office.owner) as conn:
        found = conn.execute("SELECT id_number, prefecture FROM enrollments WHERE id_number IN (%s, %s)",
                             (new_hami, new_urumqi)).fetchall()  # fmt: skip
    assert found == [(new_hami, HAMI)]
    # The owner enrolls any prefecture's rows.
    code, doc, out = x("enroll", str(roster), "--start", "2026-12-01", "--db", office.owner, "--json")
    assert code == 0 and doc["enrolled"] == 1, out


def test_a_member_already_in_the_ledger_can_be_enrolled_by_another_prefecture(
    office: Office, tmp_path: Path
) -> None:
    """The member row exists (another prefecture's): the new enrollment is recorded; the member's row is
    left to the prefecture that has it, and this prefecture now sees the member through its enrollment."""
    roster = write_roster(tmp_path / "调入.xlsx", [member("哈密丙公司", HAMI, "王强", U1)])
    code, doc, out = x("enroll", str(roster), "--start", "2027-12-01", "--db", office.hami, "--json")
    assert code == 0 and doc["enrolled"] == 1, out
    code, doc, out = x("member", "show", U1, "--db", office.hami, "--json")
    assert code == 0, out
    assert {e["unit"] for e in doc["enrollments"]} == {"哈密丙公司"}  # not the other prefecture's
    code, doc, out = x("member", "show", U1, "--db", office.owner, "--json")
    assert {e["unit"] for e in doc["enrollments"]} == {"哈密丙公司", "乌鲁木齐甲公司"}


def test_member_show_of_another_prefectures_member_is_refused(office: Office) -> None:
    code, _, out = x("member", "show", H1, "--db", office.urumqi)
    assert code == 2 and "无权查看" in out
    assert H1 not in out  # masked
    code, doc, out = x("member", "show", H1, "--db", office.urumqi, "--json")
    assert code == 2 and "无权查看" in out  # and the empty member document (tests/test_json_failures.py)
    assert (doc["name"], doc["enrollments"], doc["claims"], doc["remaining"]) == ("", [], [], {})
    code, doc, out = x("member", "show", H1, "--db", office.hami, "--json")
    assert code == 0 and doc["name"] == "张伟", out
    assert x("member", "show", H1, "--db", office.owner)[0] == 0
    assert x("member", "show", H1, "--db", office.audit)[0] == 0


def test_a_claim_is_recorded_only_for_a_member_of_the_roles_prefecture(office: Office) -> None:
    claim = ["claim", "calc", "--plan", "住院+意外", "--benefit", "住院", "--event-date", "2027-03-01",
             "--pooled-self-pay", "3000", "--pooled-fund-paid", "8000", "--cause", "疾病", "--care", "住院",
             "--record", "--json"]  # fmt: skip
    code, doc, out = x(*claim, "--id", H1, "--db", office.hami)
    assert code == 0 and doc["claims"] and not doc["errors"], out
    # The other prefecture's member: the ledger shows no enrollment, and a claim given its own period is
    # refused by the database.
    code, doc, out = x(*claim, "--id", H1, "--start", "2026-12-01", "--db", office.urumqi)
    assert not doc["claims"] and "权限" in doc["errors"][0]["message"], out
    with connect(office.urumqi) as conn:
        assert conn.execute("SELECT count(*) FROM claims").fetchone()[0] == 0
    with connect(office.owner) as conn:
        assert conn.execute("SELECT count(*) FROM claims WHERE id_number = %s", (H1,)).fetchone()[0] == 1


def test_fees_summary_holds_only_the_roles_prefecture(office: Office) -> None:
    code, doc, out = x("fees", "summary", "--month", "2026-11", "--db", office.hami, "--json")
    assert code == 0, out
    assert {p["prefecture"] for p in doc["by_prefecture"]} == {HAMI}
    code, doc, out = x("fees", "summary", "--month", "2026-11", "--db", office.owner, "--json")
    assert {p["prefecture"] for p in doc["by_prefecture"]} >= {HAMI, URUMQI}


def test_the_log_shows_a_role_its_own_prefectures_entries_with_its_role(office: Office) -> None:
    code, doc, out = x("log", "--db", office.urumqi, "--json")
    assert code == 0, out
    roles = {e["db_role"] for e in doc["entries"]}
    # Its own writes, and the owner's that concern its prefecture (an enroll of its rows), no others.
    assert office.roles["urumqi"] in roles and office.roles["hami"] not in roles
    assert all(e["kind"] == "enroll" for e in doc["entries"])
    code, doc, out = x("log", "--db", office.owner, "--json", "--kind", "db-grant")
    assert len(doc["entries"]) == 3 and {e["db_role"] for e in doc["entries"]} == {
        _current_user(office.owner)
    }


def _current_user(url: str) -> str:
    with connect(url) as conn:
        return str(conn.execute("SELECT current_user").fetchone()[0])


def test_a_read_only_role_cannot_write(office: Office, tmp_path: Path) -> None:
    roster = write_roster(
        tmp_path / "只读.xlsx", [member("哈密丁公司", HAMI, "吴三", make_id("19700303", 33, False))]
    )
    before = figures(office.owner)
    code, _, out = x("enroll", str(roster), "--start", "2026-12-01", "--db", office.audit)
    assert code == 2 and "只读账号" in out, out
    code, _, out = x("void", "--id", H2, "--plan", "住院+意外", "--reason", "测试", "--db", office.audit)
    assert code == 2 and "只读账号" in out, out
    code, _, out = x("claim", "calc", "--plan", "住院+意外", "--benefit", "住院", "--event-date", "2027-03-01",
                     "--id", H2, "--pooled-self-pay", "3000", "--pooled-fund-paid", "8000", "--cause", "疾病",
                     "--care", "住院", "--record", "--db", office.audit)  # fmt: skip
    assert "只读账号" in out, out
    assert figures(office.owner) == before
    # Reading is what it is for.
    assert x("enroll", str(roster), "--start", "2026-12-01", "--db", office.audit, "--dry-run")[0] == 0


def test_migrate_and_grant_run_only_as_the_owner(office: Office) -> None:
    code, _, out = x("db", "migrate", "--db", office.hami)
    assert code == 2 and "所有者" in out, out
    code, _, out = x("db", "grant", "--role", "t_someone", "--office", "--db", office.hami)
    assert code == 2 and "所有者" in out, out


def test_db_roles_lists_the_roles_each_sees_its_own(office: Office) -> None:
    code, doc, out = x("db", "roles", "--db", office.owner, "--json")
    assert code == 0, out
    listed = {r["role"]: (r["prefecture"], r["office"], r["read_only"]) for r in doc["roles"]}
    assert listed == {
        office.roles["hami"]: (HAMI, False, False),
        office.roles["urumqi"]: (URUMQI, False, False),
        office.roles["audit"]: (None, True, True),
    }
    code, doc, out = x("db", "roles", "--db", office.hami, "--json")
    assert [r["role"] for r in doc["roles"]] == [office.roles["hami"]]
    code, _, out = x("db", "roles", "--db", office.owner)
    assert code == 0 and "办事处（全部）" in out and "只读" in out


def test_db_grant_sets_a_password_from_stdin_and_updates_a_role(office: Office) -> None:
    from typer.testing import CliRunner

    from xjma.cli import app

    role = f"t{office.database[-8:]}_kumul"
    env = {"XJMA_DB": "", "XJMA_TODAY": "2026-11-20", "XJMA_OPERATOR": "测试员"}
    try:
        args = [
            "db",
            "grant",
            "--role",
            role,
            "--prefecture",
            "哈密",
            "--password-stdin",
            "--db",
            office.owner,
        ]
        done = CliRunner().invoke(app, [*args, "--json"], input="s3cret-pw\n", env=env)
        assert done.exit_code == 0, done.output
        assert '"created": true' in done.stdout and '"password_set": true' in done.stdout
        mine = office.as_role(role, "s3cret-pw")
        assert _current_user(mine) == role
        code, doc, out = x("db", "grant", "--role", role, "--prefecture", "乌鲁木齐", "--read-only",
                           "--db", office.owner, "--json")  # fmt: skip
        assert code == 0 and doc["created"] is False and doc["prefecture"] == URUMQI, out
        code, doc, out = x("member", "show", U1, "--db", mine, "--json")
        assert code == 0, out
        assert x("member", "show", H1, "--db", mine)[0] == 2
    finally:
        with connect(office.owner) as conn:
            conn.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"')
            conn.execute(f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM "{role}"')
            conn.execute(f'REVOKE ALL ON SCHEMA public FROM "{role}"')
            conn.execute(f'REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM "{role}"')
            conn.execute("DELETE FROM access_roles WHERE role = %s", (role,))
            conn.execute(f'DROP ROLE "{role}"')
            conn.commit()


@pytest.mark.parametrize(
    "args, says",
    [
        (["--role", "t_x"], "--prefecture"),
        (["--role", "t_x", "--office", "--prefecture", "哈密"], "--prefecture"),
        (["--role", "t_x", "--prefecture", "火星"], "不认识"),
        (["--role", "Bad-Name", "--office"], "账号名"),
    ],
)
def test_db_grant_refuses_bad_options(office: Office, args: list[str], says: str) -> None:
    code, _, out = x("db", "grant", *args, "--db", office.owner)
    assert code == 2 and says in out, out


def test_db_grant_refuses_the_owner_itself(office: Office) -> None:
    code, _, out = x("db", "grant", "--role", _current_user(office.owner), "--office", "--db", office.owner)
    assert code == 2 and "不受行级安全限制" in out, out


def test_db_grant_and_roles_on_sqlite_say_the_file_decides(tmp_path: Path) -> None:
    target = str(tmp_path / "ledger.db")
    for args in (["grant", "--role", "t_x", "--office"], ["roles"]):
        code, _, out = x("db", *args, "--db", target)
        assert code == 2 and "0600" in out, out
    assert not (tmp_path / "ledger.db").exists()
