#!/usr/bin/env bash
# CPU profile of the send path: a fresh Release server on PostgreSQL under a steady open-loop load (RATE msg/s offered),
# sampled on the CPU with Linux perf (cpu-clock, JIT frames named through DOTNET_PerfMapEnabled) for 10 s in the middle
# of the run, then split into the stages of a send (bench/profile/stages.py) and listed by function.
#   bench/profile/profile.sh [RATE] [SECONDS]     (defaults 1500 msg/s, 60 s)
#   SERVER_ROOT=/tmp/before bench/profile/profile.sh 500    profiles another checkout's server (a git worktree)
# Needs perf (apt-get install linux-perf). Output: /tmp/messaging-bench/profile.* and the top functions.
set -euo pipefail
cd "$(dirname "$0")/../.."
server_root=$(cd "${SERVER_ROOT:-$PWD}" && pwd)
rate=${1:-1500}; seconds=${2:-60}
port=5057; logs=${TMPDIR:-/tmp}/messaging-bench; mkdir -p "$logs"
database="Host=localhost;Port=5432;Username=messaging;Password=messaging;Database=messaging_bench"
ulimit -n "$(ulimit -Hn)"
dotnet build -c Release "$server_root/src/Messaging.Host" -v quiet -nologo >/dev/null
dotnet build -c Release bench/Messaging.Load -v quiet -nologo >/dev/null
su postgres -c "psql -qc 'drop database if exists messaging_bench' && psql -qc 'create database messaging_bench owner messaging'" >/dev/null
ASPNETCORE_ENVIRONMENT=Development Messaging__Store=postgres ConnectionStrings__Messaging="$database" Messaging__StoreConnections=75 \
  Messaging__MessagesPerMinute=1000000 Logging__LogLevel__Default=Warning akka__loglevel=WARNING DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 \
  dotnet "$server_root/src/Messaging.Host/bin/Release/net10.0/Messaging.Host.dll" --urls "http://127.0.0.1:$port" >"$logs/profile-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do
  kill -0 "$server" 2>/dev/null || { echo "the server exited; see $logs/profile-server.log" >&2; exit 1; }
  sleep 0.5
done
dotnet bench/Messaging.Load/bin/Release/net10.0/Messaging.Load.dll latency --url "http://127.0.0.1:$port" --server-pid "$server" \
  --database "$database" --server-messages-per-minute 1000000 --rate "$rate" --load 1 --seconds "$seconds" --label profile --results "$logs" &
load=$!
# Setting up (users, 2,000 connections, opening messages) takes a while: sample well after it.
sleep $(( seconds / 2 + 20 ))
perf record -e cpu-clock -F 499 -g -p "$server" -o "$logs/profile.perf" -- sleep 10 2>/dev/null
wait $load
perf report -i "$logs/profile.perf" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | awk 'NR <= 60' >"$logs/profile-self.txt"
cpu_per_message=$(python3 -c "import json; print(json.load(open('$logs/latency-profile.json'))['steps'][0]['server']['cpuMicrosecondsPerMessage'])")
echo "top functions (self): $logs/profile-self.txt"
echo "CPU per message over the whole run: $cpu_per_message µs; by stage, in the sampled window:"
perf script -i "$logs/profile.perf" 2>/dev/null | python3 bench/profile/stages.py "$cpu_per_message"
echo "by system call on the stack:"
perf script -i "$logs/profile.perf" 2>/dev/null | python3 bench/profile/stages.py --syscalls "$cpu_per_message" | head -16
