#!/usr/bin/env bash
# Peak RSS of the gateway while it takes 4 concurrent maximum-size (32 MiB) request bodies: the hostile
# shape (a 16-million-element array, issue 21) and a legitimate one (one 32 MiB string), on
# /v1/responses and /v1/chat/completions. Prints BENCHMARKS.md rows; a benchmark, not a test.
# Usage: bench/hostile-rss.sh [BIN]   (default .build/release/switchboard, else .build/debug/switchboard)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-$( [ -x .build/release/switchboard ] && echo .build/release/switchboard || echo .build/debug/switchboard )}
WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$WORK"' EXIT
MOCK_PORT=$((20000 + RANDOM % 10000)); PORT=$((MOCK_PORT + 1))
wait_for() { for _ in $(seq 100); do curl -fsS "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; echo "timed out waiting for $1" >&2; exit 1; }

"$BIN" mock-upstream --port "$MOCK_PORT" >"$WORK/mock.log" 2>&1 & PIDS+=($!)
wait_for "http://127.0.0.1:$MOCK_PORT/_mock/health"
curl -fsS -X POST "http://127.0.0.1:$MOCK_PORT/_mock/accounts" -d '{"email":"rss@bench.example"}' >"$WORK/a.json"
export SWITCHBOARD_DATA_DIR="$WORK/data"
"$BIN" accounts import "$WORK/a.json" >/dev/null
SWITCHBOARD_UPSTREAM_BASE_URL="http://127.0.0.1:$MOCK_PORT/backend-api" SWITCHBOARD_AUTH_BASE_URL="http://127.0.0.1:$MOCK_PORT" \
SWITCHBOARD_LOG_LEVEL=warning "$BIN" serve --port "$PORT" >"$WORK/serve.log" 2>&1 & GATEWAY=$!; PIDS+=($GATEWAY)
wait_for "http://127.0.0.1:$PORT/health/ready"

python3 - "$WORK" <<'PY'
import sys
work, size = sys.argv[1], 32 * 1024 * 1024 - 4096
head = b'{"model":"gpt-5","messages":[{"role":"user","content":"hi"}],"input":'
array = b"[" + b",".join([b"1"] * ((size - len(head) - 3) // 2)) + b"]}"
open(f"{work}/array.json", "wb").write(head + array)
text = b'"' + b"a" * (size - len(head) - 3) + b'"}'
open(f"{work}/string.json", "wb").write(head + text)
PY

hwm() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$GATEWAY/status"; }
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$GATEWAY/status"; }
echo "| body (4 concurrent, 32 MiB each) | route | answers | RSS before | peak RSS (VmHWM) |"
echo "|---|---|---|---|---|"
for shape in array string; do
  for route in /v1/responses /v1/chat/completions; do
    before=$(rss)
    echo 5 >"/proc/$GATEWAY/clear_refs"  # restarts the peak (VmHWM) from the current RSS
    codes=() clients=()
    for i in 1 2 3 4; do
      curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$PORT$route" -H 'Content-Type: application/json' \
        --data-binary "@$WORK/$shape.json" >"$WORK/code.$i" & clients+=($!)
    done
    wait "${clients[@]}" || true
    for i in 1 2 3 4; do codes+=("$(cat "$WORK/code.$i")"); done
    echo "| $shape | $route | ${codes[*]} | ${before} MB | $(hwm) MB |"
  done
done
