#!/usr/bin/env bash
# Where the server's allocations come from under a steady load: runs the latency scenario (RATE msg/s offered over 2,000
# users, as bench.sh does), records 10 s of the runtime's allocation ticks in the middle of it with dotnet-trace, and
# lists the sampled bytes by type and by call site (bench/profile/Allocations).
#   bench/profile/allocations.sh [RATE] [LABEL]     (defaults 1500 msg/s, label "allocations")
#   SERVER_ROOT=/tmp/before bench/profile/allocations.sh 1500 before    another checkout's server (a git worktree)
# Needs dotnet-trace (dotnet tool install -g dotnet-trace). Output: /tmp/messaging-bench/LABEL.nettrace and LABEL-allocations.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
rate=${1:-1500}; label=${2:-allocations}
logs=${TMPDIR:-/tmp}/messaging-bench; mkdir -p "$logs"
trace=$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")
dotnet build -c Release bench/profile/Allocations -v quiet -nologo >/dev/null
bench/bench.sh latency --rate $(( rate * 2 )) --warmup 10 --seconds 30 --label "$label" >"$logs/$label-latency.txt" 2>&1 &
load=$!
server=
for _ in $(seq 1 180); do
  server=$(pgrep -f "Messaging.Host.dll --urls http://127.0.0.1:${BENCH_PORT:-5055}" | head -1 || true)
  [ -n "$server" ] && break
  sleep 1
done
[ -n "$server" ] || { echo "no server started; see $logs/$label-latency.txt" >&2; exit 1; }
# Setting up (users, connections, opening messages) and the warm-up come first: sample well into the measured part.
sleep 45
"$trace" collect -p "$server" --providers "Microsoft-Windows-DotNETRuntime:0x1:5" --duration 00:00:00:10 -o "$logs/$label.nettrace" >/dev/null
wait $load
grep 'msg/s offered' "$logs/$label-latency.txt"
dotnet bench/profile/Allocations/bin/Release/net10.0/Allocations.dll "$logs/$label.nettrace" 3 60 | tee "$logs/$label-allocations.txt"
