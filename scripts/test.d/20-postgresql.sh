# shellcheck shell=bash
# PostgreSQL server binaries for packages/release-manager's PostgreSQL test
# (src/__tests__/postgres.test.ts starts a throw-away cluster with initdb/pg_ctl).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
