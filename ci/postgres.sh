#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (CI and developers alike).
#
#   source ci/postgres.sh start    # initdb + start on 127.0.0.1:55432, exports XJMA_TEST_PG_URL
#   bash ci/postgres.sh stop       # stops it and removes its folder
#   bash ci/postgres.sh status     # running or not, and the URL
#
# Idempotent: `start` on a running cluster only exports the URL; `stop` on none does nothing.
# The cluster runs as an unprivileged user (`postgres` when we are root, else yourself) in a folder
# under /tmp; it listens on the loopback address only. Settings: XJMA_PG_PORT (55432), XJMA_PG_DIR.
# It is meant for tests: durability is switched off (fsync=off), so never keep data in it.
# The script may be sourced by a shell running `set -euo pipefail`: it never calls `exit` there, but a
# failed start returns non-zero, which stops such a shell (CI must fail loudly).

_xjma_pg_port="${XJMA_PG_PORT:-55432}"
_xjma_pg_dir="${XJMA_PG_DIR:-/tmp/xjma-pg-${_xjma_pg_port}}"
_xjma_pg_url="postgresql://xjma:xjma@127.0.0.1:${_xjma_pg_port}/xjma"

_xjma_pg_bin() {
    # The newest installed server's bin folder (Debian keeps them in /usr/lib/postgresql/NN/bin).
    local found
    found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [ -z "$found" ] && command -v pg_config >/dev/null 2>&1; then
        found="$(pg_config --bindir)"
    fi
    if [ -z "$found" ] || [ ! -x "$found/initdb" ]; then
        echo "postgres.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
        return 1
    fi
    echo "$found"
}

_xjma_pg_as() {
    # Run a command as the cluster's owner: PostgreSQL refuses to run as root.
    if [ "$(id -u)" = "0" ]; then
        if ! id -u postgres >/dev/null 2>&1; then
            useradd --system --no-create-home --shell /usr/sbin/nologin postgres || return 1
        fi
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_xjma_pg_running() {
    local bin
    bin="$(_xjma_pg_bin)" || return 1
    [ -f "$_xjma_pg_dir/data/PG_VERSION" ] && _xjma_pg_as "$bin/pg_ctl" -D "$_xjma_pg_dir/data" status >/dev/null 2>&1
}

_xjma_pg_start() {
    local bin
    bin="$(_xjma_pg_bin)" || return 1
    if _xjma_pg_running; then
        export XJMA_TEST_PG_URL="$_xjma_pg_url"
        echo "postgres.sh: already running, XJMA_TEST_PG_URL=$XJMA_TEST_PG_URL" >&2
        return 0
    fi
    rm -rf "$_xjma_pg_dir"
    mkdir -p "$_xjma_pg_dir" || return 1
    chmod 700 "$_xjma_pg_dir"
    if [ "$(id -u)" = "0" ]; then
        _xjma_pg_as true || return 1  # creates the user if needed
        chown postgres: "$_xjma_pg_dir" || return 1
    fi
    # Local (socket) connections trust the owner; TCP needs the password, so a wrong one is refused.
    _xjma_pg_as "$bin/initdb" -D "$_xjma_pg_dir/data" -U postgres -E UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 >"$_xjma_pg_dir/initdb.log" 2>&1 || {
        cat "$_xjma_pg_dir/initdb.log" >&2
        return 1
    }
    _xjma_pg_as "$bin/pg_ctl" -D "$_xjma_pg_dir/data" -l "$_xjma_pg_dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$_xjma_pg_port -c unix_socket_directories=$_xjma_pg_dir \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" \
        start >/dev/null || {
        cat "$_xjma_pg_dir/server.log" >&2
        return 1
    }
    # CREATEDB: the tests make one database per test as this role and drop it afterwards. CREATEROLE:
    # `xjma db grant` (office.md §9) creates the prefecture roles; the access tests make and drop some.
    _xjma_pg_as "$bin/psql" -q -h "$_xjma_pg_dir" -p "$_xjma_pg_port" -U postgres -d postgres \
        -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE xjma LOGIN CREATEDB CREATEROLE PASSWORD 'xjma'" \
        -c "CREATE DATABASE xjma OWNER xjma" || return 1
    export XJMA_TEST_PG_URL="$_xjma_pg_url"
    echo "postgres.sh: started in $_xjma_pg_dir, XJMA_TEST_PG_URL=$XJMA_TEST_PG_URL" >&2
}

_xjma_pg_stop() {
    local bin
    bin="$(_xjma_pg_bin)" || return 1
    if _xjma_pg_running; then
        _xjma_pg_as "$bin/pg_ctl" -D "$_xjma_pg_dir/data" -m fast -w stop >/dev/null || return 1
        echo "postgres.sh: stopped" >&2
    fi
    rm -rf "$_xjma_pg_dir"
    unset XJMA_TEST_PG_URL
}

_xjma_pg_main() {
    case "${1:-}" in
        start) _xjma_pg_start ;;
        stop) _xjma_pg_stop ;;
        status)
            if _xjma_pg_running; then
                echo "running: $_xjma_pg_url"
            else
                echo "not running"
                return 3
            fi
            ;;
        *)
            echo "usage: source ci/postgres.sh start | bash ci/postgres.sh stop | bash ci/postgres.sh status" >&2
            return 2
            ;;
    esac
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    _xjma_pg_main "$@"  # sourced: return, never exit the caller's shell
else
    _xjma_pg_main "$@"
    exit $?
fi
