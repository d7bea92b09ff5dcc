#!/bin/sh
# run.sh PLAN GOROUTINES CREATES PACER: starts cashfin-mock -plan PLAN on a free loopback port,
# runs the planlimit measurement against it, and prints the 429s the mock itself logged.
#
#	internal/measure/planlimit/run.sh 5,60,0 8 80 plan
#	internal/measure/planlimit/run.sh 5,60,1000 4 80 rate
set -eu
plan=${1:-5,60,0} goroutines=${2:-8} creates=${3:-80} pacer=${4:-plan}
cd "$(dirname "$0")/../../.."
tmp=$(mktemp -d)
trap 'kill $mock 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/mock" ./cmd/cashfin-mock
go build -o "$tmp/planlimit" ./internal/measure/planlimit
"$tmp/mock" -addr 127.0.0.1:0 -plan "$plan" >"$tmp/out" 2>"$tmp/log" &
mock=$!
while ! grep -q '^export ' "$tmp/out" 2>/dev/null; do sleep 0.1; done
eval "$(grep '^export ' "$tmp/out")"
"$tmp/planlimit" -plan "$plan" -goroutines "$goroutines" -creates "$creates" -pacer "$pacer"
echo "mock: $(grep -c ' /business/' "$tmp/log") requests, $(grep -c ' 429 ' "$tmp/log" || true) answered 429"
