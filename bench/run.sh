#!/usr/bin/env bash
# Benchmarks on this machine, against a Release build on PostgreSQL (database messaging_bench):
#   1. memory of N idle STOMP connections (default 10,000), each authenticated and subscribed;
#   2. send throughput and receipt latency over STOMP (PAIRS senders x MESSAGES each, one at a time per sender).
# Usage: bench/run.sh [N] [PAIRS] [MESSAGES]
set -euo pipefail
cd "$(dirname "$0")"
connections=${1:-10000}; pairs=${2:-20}; messages=${3:-50}
port=5055
npm ci --silent

pg_isready -q -h localhost || pg_ctlcluster 15 main start
as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
as_postgres "psql -qtAc \"select 1 from pg_roles where rolname = 'messaging'\" | grep -q 1 || psql -qc \"create role messaging login password 'messaging'\""
as_postgres "psql -qc 'drop database if exists messaging_bench' && psql -qc 'create database messaging_bench owner messaging'"
export PGPASSWORD=messaging
psql_bench() { psql -qtA -h localhost -U messaging -d messaging_bench -c "$1"; }

dotnet build -c Release ../src/Messaging.Host >/dev/null
ulimit -n "$(ulimit -Hn)"  # one descriptor per connection on each side
export ASPNETCORE_ENVIRONMENT=Development Messaging__Store=postgres \
  ConnectionStrings__Messaging="Host=localhost;Username=messaging;Password=messaging;Database=messaging_bench;Maximum Pool Size=50" \
  Logging__LogLevel__Default=Warning akka__loglevel=WARNING Messaging__MessagesPerMinute=1000000
dotnet ../src/Messaging.Host/bin/Release/net10.0/Messaging.Host.dll --urls "http://127.0.0.1:$port" >/tmp/bench-server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.5; done
rss() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$server/status"; }

baseline=$(rss)
node idle-connections.mjs "ws://127.0.0.1:$port/ws" "$connections" >/tmp/bench-idle.log &
client=$!
until grep -q connections /tmp/bench-idle.log 2>/dev/null; do sleep 1; kill -0 $client; done
sleep 5
loaded=$(rss)
echo "idle: $(cat /tmp/bench-idle.log) server RSS ${baseline} MiB -> ${loaded} MiB: $(( (loaded - baseline) * 1024 / connections )) KiB per connection"
kill $client; wait $client 2>/dev/null || true

ids=()
for _ in $(seq 1 "$pairs"); do
  id=$(cat /proc/sys/kernel/random/uuid)
  psql_bench "insert into users (id, name, email) values ('$id', 'Bench $id', 'bench@example.com')"
  ids+=("$id")
done
echo "send: $(node send-throughput.mjs "ws://127.0.0.1:$port/ws" "$pairs" "$messages" "${ids[@]}")"
