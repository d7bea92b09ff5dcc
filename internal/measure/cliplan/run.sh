#!/usr/bin/env bash
# run.sh PLAN ROWS [PROCESSES]: the measured run of issue 17's CLI figure. It starts a
# redis-server and cashfin-mock -plan PLAN on free loopback ports, runs PROCESSES imports of ROWS
# different people each at once, all with --plan PLAN --redis, and prints the wall time, the
# requests and 429s the mock logged, and the contacts it holds. Needs redis-server on PATH.
#
#	internal/measure/cliplan/run.sh 10,0,0 100 3
set -eu
plan=${1:-10,0,0} rows=${2:-100} procs=${3:-3}
cd "$(dirname "$0")/../../.."
tmp=$(mktemp -d)
trap 'kill $mock 2>/dev/null; redis-cli -p $port shutdown nosave >/dev/null 2>&1; rm -rf "$tmp"' EXIT
go build -o "$tmp/mock" ./cmd/cashfin-mock
go build -o "$tmp/cashfin" ./cmd/cashfin
port=$(( 20000 + $$ % 20000 ))
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --dir "$tmp" >/dev/null
until redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; do sleep 0.1; done
"$tmp/mock" -addr 127.0.0.1:0 -plan "$plan" >"$tmp/out" 2>"$tmp/log" &
mock=$!
while ! grep -q '^export ' "$tmp/out" 2>/dev/null; do sleep 0.1; done
eval "$(grep '^export ' "$tmp/out")"
for p in $(seq "$procs"); do
  { echo "name,email,phone"; for i in $(seq "$rows"); do echo "P$p Person $i,p$p.person$i@example.com,+2547$(printf '%02d%06d' "$p" "$i")"; done; } >"$tmp/in$p.csv"
done
start=$(date +%s.%N)
pids=()
for p in $(seq "$procs"); do
  "$tmp/cashfin" contacts import "$tmp/in$p.csv" --plan "$plan" --redis "redis://127.0.0.1:$port/0" --concurrency 8 \
    >"$tmp/stdout$p" 2>"$tmp/stderr$p" &
  pids+=($!)
done
fail=0
for pid in "${pids[@]}"; do wait "$pid" || fail=1; done
end=$(date +%s.%N)
for p in $(seq "$procs"); do tail -n 1 "$tmp/stderr$p"; done
n=$(grep -c ' /business/' "$tmp/log"); tooMany=$(grep -c ' 429 ' "$tmp/log" || true)
per=${plan%%,*}
# The floor: the n-th request falls in the ceil(n/per)-th clock second from the start, so it
# cannot be sent before that second begins.
k=$(( (n + per - 1) / per ))
floor=$(echo "$k - 1 - ($start - ${start%.*})" | bc -l)
held=$(curl -s "$CASHFIN_BASE_URL/business/contact/list?page=1&limit=1" -H "Authorization: $CASHFIN_CLIENT_SECRET" | sed -n 's/.*"total": *\([0-9]*\).*/\1/p')
printf 'wall %.2f s, floor %.2f s, ratio %.3f; mock: %d requests, %d answered 429; contacts held: %s; any import failed: %d\n' \
  "$(echo "$end - $start" | bc)" "$floor" "$(echo "($end - $start) / $floor" | bc -l)" "$n" "$tooMany" "$held" "$fail"
