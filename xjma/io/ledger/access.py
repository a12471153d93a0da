"""Who may see what on a shared PostgreSQL ledger (office.md §9): row-level security per prefecture.

The ledger's owner role (the one that ran `db init` / `db migrate` and owns the tables) keeps everything:
PostgreSQL does not apply a table's policies to its owner (no FORCE: the owner is the office's own
account, and `db copy`, `db migrate` and the benchmarks keep their COPY paths). Every other role sees and
writes only what the policies below let it, and only when `xjma db grant` has given it table privileges:

- `access_roles` (schema v6) says what each granted role is: a prefecture role (`prefecture`), an office
  role (`office`: everything), read-only or not. A role has the settings of every granted role it has the
  privileges of (`pg_has_role(…, 'USAGE')`), so a NOLOGIN group granted here may hold the clerks' own
  LOGIN roles. A role that is in no row sees nothing (default deny).
- `xjma_office()` and `xjma_prefectures()` read those settings for the current role; the policies call
  them once per statement (`(SELECT …)`: an InitPlan, not a call per row).
- Each table holding prefecture data has one policy decision in `POLICIES` (a test fails when a table of
  the ledger's metadata is in neither `POLICIES` nor `SHARED`). Members are seen through their
  enrollments of the prefecture; a member not enrolled anywhere yet may be inserted (the enroll that
  enrolls them inserts the enrollment in the same transaction). `log_entries` and `changes` gain a
  PostgreSQL-only `prefecture` column that defaults to the writing role's prefecture.

SQLite ledgers are single-office files: nothing here applies (file mode 0600 decides)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection

ACCESS_ROLES = "access_roles"
OFFICE = "(SELECT xjma_office())"
MINE = "(SELECT xjma_prefectures())::text[]"


def _of(column: str) -> str:
    """Rows whose prefecture column is one of the role's (or any, for an office role)."""
    return f"({OFFICE} OR {column} = ANY ({MINE}))"


def _seen(table: str, where: str) -> str:
    """Rows that refer to a row of `table` the role sees (that table's own policy filters the EXISTS)."""
    return f"({OFFICE} OR EXISTS (SELECT 1 FROM {table} WHERE {where}))"


_MEMBER_ENROLLED = "e.id_number = {t}.id_number AND e.prefecture = ANY ({mine})"


def _enrolled(table: str) -> str:
    where = _MEMBER_ENROLLED.format(t=table, mine=MINE)
    return f"({OFFICE} OR EXISTS (SELECT 1 FROM enrollments e WHERE {where}))"


@dataclass(frozen=True)
class Policy:
    """USING (which rows a role reads, updates) and WITH CHECK (which rows it may write)."""

    using: str
    check: str


# Every table of schema v6 that holds a prefecture's data, and how its rows are tied to a prefecture.
POLICIES: dict[str, Policy] = {
    "members": Policy(_enrolled("members"), "true"),
    "enrollments": Policy(_of("prefecture"), _of("prefecture")),
    "batches": Policy(
        f"({_of('prefecture')} OR EXISTS (SELECT 1 FROM enrollments e WHERE e.batch_id = batches.id))",
        _of("prefecture"),
    ),
    "batch_units": Policy(_of("prefecture"), _of("prefecture")),
    "units": Policy(_of("prefecture"), _of("prefecture")),
    "unit_events": Policy(_seen("units u", "u.id = unit_events.unit_id"), _seen("units u", "u.id = unit_id")),
    "claims": Policy(_enrolled("claims"), _enrolled("claims")),
    "case_details": Policy(_of("prefecture"), _of("prefecture")),
    "case_events": Policy(
        _seen("claims c", "c.id = case_events.claim_id"), _seen("claims c", "c.id = case_events.claim_id")
    ),
    "submissions": Policy(_of("prefecture"), _of("prefecture")),
    "payment_batches": Policy(_of("prefecture"), _of("prefecture")),
    "payment_items": Policy(
        _seen("claims c", "c.id = payment_items.claim_id"), _seen("claims c", "c.id = payment_items.claim_id")
    ),
    "log_entries": Policy(
        f"({_of('prefecture')} OR EXISTS (SELECT 1 FROM batches b WHERE b.id = log_entries.batch_id))",
        _of("prefecture"),
    ),
    "log_subjects": Policy(
        _seen("log_entries l", "l.id = log_subjects.entry_id"),
        _seen("log_entries l", "l.id = log_subjects.entry_id"),
    ),
    "changes": Policy(
        f"({_of('prefecture')} OR EXISTS (SELECT 1 FROM voided_enrollments v WHERE v.change_id = changes.id)"
        " OR EXISTS (SELECT 1 FROM member_changes m WHERE m.change_id = changes.id))",
        _of("prefecture"),
    ),
    "voided_enrollments": Policy(
        _seen("enrollments e", "e.id = voided_enrollments.enrollment_id"),
        _seen("enrollments e", "e.id = voided_enrollments.enrollment_id"),
    ),
    "member_changes": Policy(_enrolled("member_changes"), _enrolled("member_changes")),
    # schema v7 (schema._v7_member_details adds its policy)
    "member_details": Policy(_enrolled("member_details"), _enrolled("member_details")),
}
# The tables schema v6 found and gave their policies (frozen: a later migration that adds a table adds
# it to POLICIES and calls add_policy for it itself).
V6_TABLES = (
    "members", "enrollments", "batches", "batch_units", "units", "unit_events", "claims", "case_details",
    "case_events", "submissions", "payment_batches", "payment_items", "log_entries", "log_subjects",
    "changes", "voided_enrollments", "member_changes",
)  # fmt: skip
# Tables without any prefecture's data: every granted role reads them whole.
SHARED = frozenset({"schema_version"})
# Tables whose rows carry the writing role's prefecture in a PostgreSQL-only column (not in `metadata`).
ROLE_STAMPED = ("log_entries", "changes")
# Which rows of the member table a role may insert and update: separate policies (see the docstring).
_MEMBER_POLICIES = (
    ("xjma_members_read", "SELECT", f"USING ({POLICIES['members'].using})"),
    ("xjma_members_insert", "INSERT", "WITH CHECK (true)"),
    ("xjma_members_update", "UPDATE", f"USING ({POLICIES['members'].using}) WITH CHECK (true)"),
)

_HAS = "EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = a.role AND pg_has_role(r.oid, 'USAGE'))"
_FUNCTIONS = (
    f"""CREATE OR REPLACE FUNCTION xjma_office() RETURNS boolean LANGUAGE sql STABLE AS
    $$ SELECT EXISTS (SELECT 1 FROM {ACCESS_ROLES} a WHERE a.office AND {_HAS}) $$""",
    f"""CREATE OR REPLACE FUNCTION xjma_prefectures() RETURNS text[] LANGUAGE sql STABLE AS
    $$ SELECT coalesce(array_agg(a.prefecture), '{{}}') FROM {ACCESS_ROLES} a
       WHERE NOT a.office AND a.prefecture IS NOT NULL AND {_HAS} $$""",
    f"""CREATE OR REPLACE FUNCTION xjma_role_prefecture() RETURNS text LANGUAGE sql STABLE AS
    $$ SELECT CASE WHEN bool_or(a.office) THEN NULL ELSE min(a.prefecture) END FROM {ACCESS_ROLES} a
       WHERE {_HAS} $$""",
)

# New members of a batch, inserted as the owner: `ON CONFLICT` needs the SELECT policy to pass on the
# new row, which a member not enrolled yet cannot; a member another prefecture enrolled stays as it is.
# Executable only by the roles `db grant` lets write.
ADD_MEMBERS_SIGNATURE = "xjma_add_members(text[], text[], text[], date[])"
ADD_MEMBERS = """CREATE OR REPLACE FUNCTION xjma_add_members(ids text[], names text[], genders text[],
    births date[]) RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = "{schema}", pg_temp AS
    $$ INSERT INTO members (id_number, name, gender, birth) SELECT * FROM unnest(ids, names, genders, births)
       ON CONFLICT (id_number) DO NOTHING $$"""


def create_access(conn: Connection) -> None:
    """Schema v6 (PostgreSQL): the role settings, their functions, the role-stamped prefecture columns
    and the policies of every table in POLICIES. Nothing in SQLite."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        f"""CREATE TABLE IF NOT EXISTS {ACCESS_ROLES} (role TEXT PRIMARY KEY, prefecture TEXT,
            office BOOLEAN NOT NULL DEFAULT false, read_only BOOLEAN NOT NULL DEFAULT false,
            granted_at TIMESTAMP NOT NULL, granted_by TEXT NOT NULL,
            CHECK (office OR prefecture IS NOT NULL))"""
    )
    for sql in _FUNCTIONS:
        conn.exec_driver_sql(sql)
    schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
    conn.exec_driver_sql(ADD_MEMBERS.format(schema=schema))
    conn.exec_driver_sql(f"REVOKE ALL ON FUNCTION {ADD_MEMBERS_SIGNATURE} FROM PUBLIC")
    # A role sees the settings of the roles it has the privileges of (its own, its group's).
    conn.exec_driver_sql(f"ALTER TABLE {ACCESS_ROLES} ENABLE ROW LEVEL SECURITY")
    conn.exec_driver_sql(f"DROP POLICY IF EXISTS xjma_own ON {ACCESS_ROLES}")  # migrations may run again
    conn.exec_driver_sql(
        f"CREATE POLICY xjma_own ON {ACCESS_ROLES} FOR SELECT USING (EXISTS (SELECT 1 FROM pg_roles r "
        f"WHERE r.rolname = {ACCESS_ROLES}.role AND pg_has_role(r.oid, 'USAGE')))"
    )
    for table in ROLE_STAMPED:
        conn.exec_driver_sql(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS prefecture TEXT DEFAULT xjma_role_prefecture()"
        )
    for table in V6_TABLES:
        add_policy(conn, table, POLICIES[table])


def add_policy(conn: Connection, table: str, policy: Policy) -> None:
    """Row-level security on one table (a later migration adding a table calls this for it)."""
    conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    if table == "members":
        for name, command, clauses in _MEMBER_POLICIES:
            conn.exec_driver_sql(f"DROP POLICY IF EXISTS {name} ON members")
            conn.exec_driver_sql(f"CREATE POLICY {name} ON members FOR {command} {clauses}")
        return
    conn.exec_driver_sql(f"DROP POLICY IF EXISTS xjma_prefecture ON {table}")
    conn.exec_driver_sql(
        f"CREATE POLICY xjma_prefecture ON {table} USING ({policy.using}) WITH CHECK ({policy.check})"
    )


# ---------------------------------------------------------------- the session's own role


@dataclass(frozen=True)
class Scope:
    """What the session's role may do. `limited`: only the rows of `prefectures`."""

    role: str
    owner: str  # the role that owns the ledger's tables
    is_owner: bool
    office: bool
    prefectures: tuple[str, ...]
    writable: bool

    @property
    def limited(self) -> bool:
        return not (self.is_owner or self.office)


def has_access_table(conn: Connection) -> bool:
    return bool(conn.exec_driver_sql(f"SELECT to_regclass('{ACCESS_ROLES}') IS NOT NULL").scalar())


def session_scope(conn: Connection) -> Scope | None:
    """The session's scope on a PostgreSQL ledger of schema v6 or later; None elsewhere (SQLite, older)."""
    if conn.dialect.name != "postgresql" or not has_access_table(conn):
        return None
    row = conn.exec_driver_sql(
        "SELECT current_user, t.tableowner, pg_has_role(t.tableowner, 'USAGE') OR r.rolsuper, "
        "xjma_office(), xjma_prefectures(), has_table_privilege('log_entries', 'INSERT') "
        "FROM pg_tables t, pg_roles r WHERE t.tablename = 'schema_version' "
        "AND t.schemaname = current_schema() AND r.rolname = current_user"
    ).first()
    if row is None:  # the ledger's tables are in another schema than the session's: nothing to judge
        return None
    return Scope(
        str(row[0]), str(row[1]), bool(row[2]), bool(row[3]), tuple(sorted(row[4] or ())), bool(row[5])
    )


def read_only_sentence(role: str) -> str:
    return f"数据库账号 {role} 只能查看台账，不能写入（只读账号）；需要登记或修改请换用有写入权限的账号"


def require_may_write(conn: Connection, migrating: bool) -> None:
    """Refuse, before anything is read or written, a migrate by a role that is not the ledger's owner
    and any write by a read-only role. Nothing to check on SQLite or a ledger without access_roles."""
    from xjma.errors import XjmaError

    if migrating:
        found = conn.exec_driver_sql(
            "SELECT current_user, t.tableowner, pg_has_role(t.tableowner, 'USAGE') OR r.rolsuper "
            "FROM pg_tables t, pg_roles r WHERE t.tablename = 'schema_version' "
            "AND t.schemaname = current_schema() AND r.rolname = current_user"
        ).first()
        if found is not None and not found[2]:
            raise XjmaError(
                f"只有台账的所有者账号 {found[1]} 能升级台账结构（xjma db migrate）；当前账号是 {found[0]}"
            )
    scope = session_scope(conn)
    if scope is not None and not scope.writable:
        raise XjmaError(read_only_sentence(scope.role))


def require_owner(conn: Connection, doing: str) -> Scope:
    """The session's scope, refusing a role that is not the ledger's owner (db grant)."""
    from xjma.errors import XjmaError

    scope = session_scope(conn)
    if scope is None:
        raise XjmaError("台账还没有权限设置（结构版本较旧），请先运行 xjma db migrate")
    if not scope.is_owner:
        raise XjmaError(f"只有台账的所有者账号 {scope.owner} 能{doing}；当前账号是 {scope.role}")
    return scope
