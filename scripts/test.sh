#!/usr/bin/env bash
# Runs every test of gongkai on SQLite and on a real PostgreSQL.
#
# PostgreSQL: uses GONGKAI_TEST_PG_URL if set; else a server on 127.0.0.1:5432 that accepts the
# user postgres without a password; else installs Debian's postgresql (when missing) and starts a
# throwaway cluster on a loopback port, stopped again on exit. Tools the tests call (pdftotext,
# chromium and chromium-driver for the browser tests) are installed from Debian's packages when
# missing, axe-core from npm. After `cargo test` it runs schemathesis, the
# short durability drill and the fuzz smoke run (GONGKAI_TEST_CARGO_ONLY=1 skips those).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

apt_updated=0
apt_install() {
    if [ "$(id -u)" != 0 ]; then
        echo "test.sh: need $* but not root; install it and re-run" >&2
        return 1
    fi
    if [ "$apt_updated" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Tools the tests call.
command -v pdftotext >/dev/null || apt_install poppler-utils
# The browser tests (crates/web/tests/browser.rs): Debian's headless Chromium and its driver, and
# axe-core pinned by crates/web/tests/browser/package-lock.json.
if [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/chromium ]; then
    apt_install chromium chromium-driver fonts-noto-cjk
fi
if [ ! -f crates/web/tests/browser/node_modules/axe-core/axe.min.js ]; then
    command -v npm >/dev/null || apt_install npm
    (cd crates/web/tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

pg_dir=""
cleanup() {
    if [ -n "$pg_dir" ]; then
        runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$pg_dir"
    fi
}
trap cleanup EXIT

if [ -z "${GONGKAI_TEST_PG_URL:-}" ]; then
    if command -v psql >/dev/null && psql "postgres://postgres@127.0.0.1:5432/postgres" -Atqc 'select 1' >/dev/null 2>&1; then
        export GONGKAI_TEST_PG_URL="postgres://postgres@127.0.0.1:5432/postgres"
    else
        pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
        if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
            apt_install postgresql
            pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
        fi
        pg_dir=$(mktemp -d /tmp/gongkai-pg.XXXXXX)
        chown postgres "$pg_dir"
        port=$(( 54000 + RANDOM % 1000 ))
        runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
        runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
            -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null
        export GONGKAI_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
        echo "test.sh: started a throwaway PostgreSQL on 127.0.0.1:$port"
    fi
fi
export GONGKAI_REQUIRE_PG=1

# Databases left by earlier runs of the suite.
if command -v psql >/dev/null; then
    for db in $(psql "$GONGKAI_TEST_PG_URL" -Atqc "select datname from pg_database where datname like 'gk_test_%'" 2>/dev/null); do
        psql "$GONGKAI_TEST_PG_URL" -qc "drop database if exists $db" >/dev/null 2>&1 || true
    done
fi

echo "test.sh: PostgreSQL at $GONGKAI_TEST_PG_URL"
cargo test --workspace --locked "$@"

# Beyond the unit and integration tests: the API against its own OpenAPI document (schemathesis),
# kill -9 while filing (the short form of the durability drill), and every fuzz target for a few
# seconds. GONGKAI_TEST_CARGO_ONLY=1 skips them (e.g. while iterating on one crate).
if [ "${GONGKAI_TEST_CARGO_ONLY:-0}" != 1 ]; then
    command -v python3 >/dev/null || apt_install python3 python3-pip
    echo "test.sh: schemathesis"
    scripts/schemathesis.sh
    echo "test.sh: durability drill (short form)"
    scripts/drill.sh --rounds 2 --quick
    echo "test.sh: fuzz smoke run"
    scripts/fuzz-smoke.sh 10
fi
