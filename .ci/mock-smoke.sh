#!/usr/bin/env bash
# Smoke test of cmd/cashfin-mock as users run it: build it, start it on a free port with five
# demo contacts, list them with the docs' curl command, then stop it with SIGINT and check that
# it exits 0; start it again and check that SIGTERM (what service managers and docker send) ends
# it as cleanly. Run from anywhere: bash .ci/mock-smoke.sh
set -euo pipefail

cd "$(dirname "$0")/.."
work="$(mktemp -d)"
pid=""
cleanup() {
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
fail() {
	echo "mock-smoke: FAIL: $*" >&2
	echo "--- stdout" >&2; cat "$work/stdout" >&2 || true
	echo "--- stderr" >&2; cat "$work/stderr" >&2 || true
	exit 1
}

go build -o "$work/cashfin-mock" ./cmd/cashfin-mock

# start_mock ARGS...: starts cashfin-mock in the background (pid in $pid) and waits (up to 10s)
# for the line "listening on http://HOST:PORT" (the URL in $url).
start_mock() {
	"$work/cashfin-mock" -addr 127.0.0.1:0 "$@" >"$work/stdout" 2>"$work/stderr" &
	pid=$!
	url=""
	for _ in $(seq 100); do
		url="$(sed -n 's|^listening on \(http://[^ ]*\)$|\1|p' "$work/stdout" | head -n 1)"
		[[ -n "$url" ]] && return 0
		kill -0 "$pid" 2>/dev/null || fail "cashfin-mock exited before listening"
		sleep 0.1
	done
	fail "no 'listening on' line within 10s"
}

# stop_mock SIGNAL: sends SIGNAL and checks that cashfin-mock exits 0.
stop_mock() {
	kill "-$1" "$pid"
	local rc=0
	wait "$pid" || rc=$?
	pid=""
	[[ "$rc" == 0 ]] || fail "cashfin-mock exited $rc after SIG$1, want 0"
}

start_mock -seed 5
grep -qx "export CASHFIN_BASE_URL=$url CASHFIN_CLIENT_SECRET=cs_test_cashfintest" "$work/stdout" \
	|| fail "no export line for $url"

body="$(curl -fsS -H "Authorization: cs_test_cashfintest" "$url/business/contact/list?page=1&limit=10")" \
	|| fail "curl failed"
grep -q '"success":true' <<<"$body" || fail "no \"success\":true in: $body"
items="$(grep -o '"_id":"[0-9a-f]\{24\}"' <<<"$body" | wc -l | tr -d ' ')"
[[ "$items" == 5 ]] || fail "want 5 items, got $items in: $body"
grep -q '"pagination":{"total":5,"page":1,"limit":10,"pages":1}' <<<"$body" || fail "bad pagination in: $body"

body="$(curl -fsS -H "Authorization: cs_test_cashfintest" "$url/business/customer/list")" \
	|| fail "curl of the customers failed"
customers="$(grep -o '"_id":"[0-9a-f]\{24\}"' <<<"$body" | wc -l | tr -d ' ')"
[[ "$customers" == 5 ]] || fail "want 5 customers (-seed seeds both), got $customers in: $body"

# Unauthenticated requests are refused, as by the real API.
status="$(curl -sS -o /dev/null -w '%{http_code}' "$url/business/contact/list")"
[[ "$status" == 401 ]] || fail "want 401 without Authorization, got $status"

stop_mock INT
grep -q "GET /business/contact/list 200" "$work/stderr" || fail "no request log line on stderr"
if grep -q cs_test_cashfintest "$work/stderr"; then fail "the secret appears in the log"; fi

start_mock -plan 5,60,1000
headers="$(curl -fsS -D - -o /dev/null -H "Authorization: cs_test_cashfintest" "$url/business/contact/list")" || fail "curl failed"
grep -qi '^X-RateLimit-Limit: ' <<<"$headers" || fail "no X-RateLimit-Limit under -plan in: $headers"
stop_mock TERM
grep -q "shutting down" "$work/stderr" || fail "no graceful shutdown on SIGTERM"

echo "mock-smoke: ok ($items contacts, $customers customers, clean exit on SIGINT and on SIGTERM)"
