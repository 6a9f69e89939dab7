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

# The realtime and demo tests drive /ws with the real @stomp/stompjs client (over ws and sockjs-client) and the demo page
# with playwright-core: install them (npm ci) when node_modules is missing or older than the lock file. Without Node
# those tests fail; they never skip.
stomp_client=tests/stomp-client
if [ ! -f "$stomp_client/node_modules/.package-lock.json" ] || [ "$stomp_client/package-lock.json" -nt "$stomp_client/node_modules/.package-lock.json" ]; then
  if command -v npm >/dev/null 2>&1; then
    (cd "$stomp_client" && npm ci --no-audit --no-fund) || echo "npm ci failed in $stomp_client: the STOMP.js test will fail" >&2
  else
    echo "npm not found: the STOMP.js test (tests/stomp-client) will fail; install Node.js 18+ with npm" >&2
  fi
fi

# The demo page's browser tests drive Debian's chromium headless (through playwright-core, which never downloads a
# browser): install it when missing. Without it they fail; they never skip.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    { DEBIAN_FRONTEND=noninteractive apt-get install -y chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }; } || echo "apt-get install chromium failed: the browser tests will fail" >&2
  else
    echo "/usr/bin/chromium not found: the browser tests will fail; install it as root (apt-get install -y chromium)" >&2
  fi
fi

# One test assembly at a time (-m:1): the load generator's smoke runs start servers and put them under load, which on a
# 2-core machine starves the timing-sensitive actor specs if they run alongside.
dotnet test Messaging.sln -m:1 "$@"
