#!/usr/bin/env bash
# Benchmarks of the messaging server on this machine, with the load generator bench/Messaging.Load (see bench/README.md).
#
#   bench/bench.sh throughput|latency|overload|idle|inbox [generator options]   one scenario against a fresh server
#   bench/bench.sh baselines [--label L]   the store's ceiling (pgbench) and the transport's (the relay)
#   bench/bench.sh suite [--label L]       baselines, then every scenario; latency and overload at the rate throughput found
#   bench/bench.sh plot [--labels before,after]
#
# Each scenario gets a freshly created database messaging_bench and a freshly started Release server on 127.0.0.1, with
# the per-user rate limit raised (BENCH_MESSAGES_PER_MINUTE); this script passes --url, --server-pid, --database,
# --server-messages-per-minute and --results to the generator. Results go to bench/results/<scenario>[-target]-<label>.json.
#
# Environment: SERVER_ROOT     repository whose server is built and measured (default: this one)
#              BENCH_USERS     users of the throughput, latency and overload runs, and of the relay (default 2000)
#              BENCH_IDLE_USERS connections of the idle runs (default 2000)
#              BENCH_PGBENCH_SECONDS (20), BENCH_PORT (5055), BENCH_RELAY_PORT (5056), BENCH_MESSAGES_PER_MINUTE (1000000)
#              BENCH_DATABASE  connection string of the server, the generator and pgbench (default: messaging_bench on localhost)
#              BENCH_SERVER_ENV extra environment of the server only, as NAME=value words (e.g. DOTNET_gcServer=1)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
server_root=$(cd "${SERVER_ROOT:-$repo}" && pwd)
users=${BENCH_USERS:-2000}
idle_users=${BENCH_IDLE_USERS:-2000}
pgbench_seconds=${BENCH_PGBENCH_SECONDS:-20}
port=${BENCH_PORT:-5055}
relay_port=${BENCH_RELAY_PORT:-5056}
messages_per_minute=${BENCH_MESSAGES_PER_MINUTE:-1000000}
results=$repo/bench/results
logs=${TMPDIR:-/tmp}/messaging-bench
database=${BENCH_DATABASE:-"Host=localhost;Port=5432;Username=messaging;Password=messaging;Database=messaging_bench"}
load_dll=$repo/bench/Messaging.Load/bin/Release/net10.0/Messaging.Load.dll
server_dll=$server_root/src/Messaging.Host/bin/Release/net10.0/Messaging.Host.dll
export PGPASSWORD=messaging
mkdir -p "$results" "$logs"
# One descriptor per connection on each side.
ulimit -n "$(ulimit -Hn)"

# Prints the comment block at the top of this file.
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 2; }

# The value of --label among the arguments (default: run).
label_of() {
  local label=run
  while [ $# -gt 0 ]; do
    if [ "$1" = --label ] && [ $# -gt 1 ]; then label=$2; fi
    shift
  done
  echo "$label"
}

as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }

prepare_postgres() {
  if ! pg_isready -q -h localhost; then
    pg_ctlcluster 15 main start
    for _ in $(seq 1 30); do pg_isready -q -h localhost && break; sleep 1; done
  fi
  as_postgres "psql -qtAc \"select 1 from pg_roles where rolname = 'messaging'\" | grep -q 1 || psql -qc \"create role messaging login password 'messaging'\""
}

recreate_database() {
  as_postgres "psql -qc 'drop database if exists messaging_bench' && psql -qc 'create database messaging_bench owner messaging'" 2>&1 | grep -v NOTICE || true
}

build() {
  echo "building $server_root/src/Messaging.Host and bench/Messaging.Load (Release)" >&2
  dotnet build -c Release "$server_root/src/Messaging.Host" -v quiet -nologo >/dev/null
  dotnet build -c Release "$repo/bench/Messaging.Load" -v quiet -nologo >/dev/null
}

# Waits (at most a minute) until $1/health answers; fails if process $2 died.
wait_healthy() {
  for _ in $(seq 1 120); do
    curl -sf "$1/health" >/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "process $2 exited before $1 was healthy" >&2; return 1; }
    sleep 0.5
  done
  echo "$1 was not healthy within a minute" >&2
  return 1
}

server_pid=""
relay_pid=""
stop_children() {
  for pid in $server_pid $relay_pid; do
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  done
  server_pid=""
  relay_pid=""
}
trap stop_children EXIT
trap "exit 130" INT TERM

# A fresh database and server; $1 names the log file.
start_server() {
  recreate_database
  ASPNETCORE_ENVIRONMENT=Development Messaging__Store=postgres \
    ConnectionStrings__Messaging="$database" Messaging__StoreConnections=75 \
    Messaging__MessagesPerMinute="$messages_per_minute" \
    Logging__LogLevel__Default=Warning akka__loglevel=WARNING env ${BENCH_SERVER_ENV:-} \
    dotnet "$server_dll" --urls "http://127.0.0.1:$port" >"$logs/server-$1.log" 2>&1 &
  server_pid=$!
  wait_healthy "http://127.0.0.1:$port" "$server_pid"
}

start_relay() {
  dotnet "$load_dll" relay --port "$relay_port" --lifetime 3600 >"$logs/relay.log" 2>&1 &
  relay_pid=$!
  wait_healthy "http://127.0.0.1:$relay_port" "$relay_pid"
}

generate() { dotnet "$load_dll" "$@"; }

# One scenario against a fresh server: scenario name, then generator options.
scenario() {
  local name=$1
  shift
  start_server "$name-$(label_of "$@")"
  generate "$name" --url "http://127.0.0.1:$port" --server-pid "$server_pid" --database "$database" \
    --server-messages-per-minute "$messages_per_minute" --results "$results" "$@"
  stop_children
}

baselines() {
  local label
  label=$(label_of "$@")
  # The journal's tables are the server's own: one tiny run makes the server create them, then it stops.
  start_server "journal-schema"
  generate latency --url "http://127.0.0.1:$port" --database "$database" --users 2 --rate 4 --seconds 1 --warmup 0 \
    --results "$logs/journal-schema" --label schema >/dev/null
  stop_children
  psql -q -h localhost -U messaging -d messaging_bench -f bench/pgbench/plain-rows-schema.sql
  # The generator's concurrency is one writer per conversation (users / 2), capped below max_connections.
  local clients=$(( users / 2 < 90 ? users / 2 : 90 ))
  for script in send-3-rows send-1-row; do
    generate pgbench --script "bench/pgbench/$script.sql" --database "$database" --clients "$clients" \
      --seconds "$pgbench_seconds" --results "$results" --label "$label"
  done
  generate pgbench --script bench/pgbench/one-row-300-bytes.sql --database "$database" --clients 16 \
    --seconds "$pgbench_seconds" --results "$results" --label "$label"

  start_relay
  generate throughput --target relay --url "http://127.0.0.1:$relay_port" --server-pid "$relay_pid" --users "$users" \
    --results "$results" --label "$label"
  stop_children
  start_relay
  generate idle --target relay --url "http://127.0.0.1:$relay_port" --server-pid "$relay_pid" --users "$idle_users" \
    --results "$results" --label "$label"
  stop_children
}

suite() {
  local label
  label=$(label_of "$@")
  baselines --label "$label"
  scenario throughput --users "$users" --label "$label"
  # Latency and overload are relative to the rate throughput sustained (its lowest step if none was).
  local rate
  rate=$(jq -r '.sustainedRate // .steps[0].offeredRate' "$results/throughput-$label.json")
  scenario latency --rate "$rate" --users "$users" --label "$label"
  scenario overload --rate "$rate" --users "$users" --label "$label"
  scenario idle --users "$idle_users" --label "$label"
  scenario inbox --label "$label"
  plot --labels "$label"
}

plot() { generate plot --results "$results" "$@"; }

[ $# -ge 1 ] || usage
command=$1
shift
case "$command" in
  throughput|latency|overload|idle|inbox) prepare_postgres; build; scenario "$command" "$@" ;;
  baselines) prepare_postgres; build; baselines "$@" ;;
  suite) prepare_postgres; build; suite "$@" ;;
  plot) dotnet build -c Release "$repo/bench/Messaging.Load" -v quiet -nologo >/dev/null; plot "$@" ;;
  *) usage ;;
esac
