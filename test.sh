#!/usr/bin/env bash
# Runs every test. The integration tests need PostgreSQL: this starts the local one when it is not running
# (PostgreSQL 15 from Debian on our machines) and creates the test role and database.
# Point MESSAGING_TEST_POSTGRES at another server to skip that.
set -euo pipefail
cd "$(dirname "$0")"

if [ -z "${MESSAGING_TEST_POSTGRES:-}" ]; then
  export MESSAGING_TEST_POSTGRES="Host=localhost;Port=5432;Username=messaging;Password=messaging;Database=messaging_test"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    if ! pg_isready -q -h localhost -p 5432; then
      pg_ctlcluster 15 main start
      for _ in $(seq 1 30); do pg_isready -q -h localhost -p 5432 && break; sleep 1; done
    fi
    as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
    as_postgres "psql -qtAc \"select 1 from pg_roles where rolname = 'messaging'\" | grep -q 1 || psql -qc \"create role messaging login password 'messaging'\""
    as_postgres "psql -qtAc \"select 1 from pg_database where datname = 'messaging_test'\" | grep -q 1 || psql -qc 'create database messaging_test owner messaging'"
  else
    echo "pg_ctlcluster not found: the integration tests will fail unless PostgreSQL is reachable at $MESSAGING_TEST_POSTGRES" >&2
  fi
fi

# The realtime tests drive /ws with the real @stomp/stompjs client: install it (npm ci) when node_modules is missing
# or older than the lock file. Without Node the STOMP.js test fails; it never skips.
stomp_client=tests/stomp-client
if [ ! -f "$stomp_client/node_modules/.package-lock.json" ] || [ "$stomp_client/package-lock.json" -nt "$stomp_client/node_modules/.package-lock.json" ]; then
  if command -v npm >/dev/null 2>&1; then
    (cd "$stomp_client" && npm ci --no-audit --no-fund) || echo "npm ci failed in $stomp_client: the STOMP.js test will fail" >&2
  else
    echo "npm not found: the STOMP.js test (tests/stomp-client) will fail; install Node.js 18+ with npm" >&2
  fi
fi

# One test assembly at a time (-m:1): the load generator's smoke runs start servers and put them under load, which on a
# 2-core machine starves the timing-sensitive actor specs if they run alongside.
dotnet test Messaging.sln -m:1 "$@"
