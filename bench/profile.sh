#!/usr/bin/env bash
# Profiles switchboard's hot path: a release build under closed-loop /v1/responses load (or the
# streaming route with --stream) against the mock upstream, sampled with `perf record -e cpu-clock`
# (software clock: works where hardware counters are not exposed) or, with --callgrind, run under
# valgrind's callgrind for a fixed number of requests (instruction counts: repeatable). On the
# benchmark machine (valgrind 3.19, kernel 6.18) valgrind itself crashes (SIGSEGV inside valgrind)
# on Swift 6.3 release binaries, with or without debug info: use the default perf mode there.
#
#   bash bench/profile.sh [--stream] [--callgrind] [--seconds N]
# Output: bench/results/profile-*.txt (top functions, self and inclusive), plus the raw data file.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_TO_SAMPLE=10
ROUTE=responses
TOOL=perf
while [ $# -gt 0 ]; do
  case "$1" in
    --stream) ROUTE=stream ;;
    --callgrind) TOOL=callgrind ;;
    --seconds) SECONDS_TO_SAMPLE=$2; shift ;;
    *) echo "usage: bench/profile.sh [--stream] [--callgrind] [--seconds N]" >&2; exit 2 ;;
  esac
  shift
done
say() { printf '[profile %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

SCRATCH=${BENCH_SCRATCH_PATH:-.build}
mkdir -p bench/results
for product in switchboard switchboard-load; do
  swift build -c release --scratch-path "$SCRATCH" --product "$product" >bench/results/build.log 2>&1 \
    || { tail -20 bench/results/build.log >&2; exit 1; }
done
BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)
WORK=$(mktemp -d /tmp/switchboard-profile.XXXXXX)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
MOCK_PORT=$(port)
SB_PORT=$(port)
"$BIN/switchboard" mock-upstream --port "$MOCK_PORT" --deltas 10 --event-delay-ms 0 >"$WORK/mock.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$MOCK_PORT/_mock/health" >/dev/null && break; sleep 0.1; done
for i in 1 2 3 4; do
  curl -sf -X POST "http://127.0.0.1:$MOCK_PORT/_mock/accounts" -d "{\"email\":\"pool-$i@bench.test\"}" >"$WORK/auth-$i.json"
done
if [ "$ROUTE" = stream ]; then
  curl -sf -X PUT "http://127.0.0.1:$MOCK_PORT/_mock/stream" -d '{"delta_count":192,"event_delay_ms":0}'
fi
export SWITCHBOARD_UPSTREAM_BASE_URL="http://127.0.0.1:$MOCK_PORT/backend-api" SWITCHBOARD_AUTH_BASE_URL="http://127.0.0.1:$MOCK_PORT"
export SWITCHBOARD_LOG_LEVEL=warning SWITCHBOARD_DATA_DIR="$WORK/data"
"$BIN/switchboard" accounts import "$WORK"/auth-*.json >/dev/null

if [ "$ROUTE" = stream ]; then
  URL="http://127.0.0.1:$SB_PORT/backend-api/codex/responses"
  BODY='{"model":"gpt-5.1-codex","instructions":"You are a helpful assistant.","stream":true,"store":false,"input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"Say hello."}]}]}'
  LOAD_EXTRA=(--sse)
else
  URL="http://127.0.0.1:$SB_PORT/v1/responses"
  BODY='{"model":"gpt-5.1-codex","input":"Say hello.","stream":false}'
  LOAD_EXTRA=()
fi
STAMP=$(date +%Y%m%d-%H%M%S)
OUT=bench/results/profile-$TOOL-$ROUTE-$STAMP

if [ "$TOOL" = callgrind ]; then
  command -v valgrind >/dev/null || { say "valgrind is not installed (apt-get install valgrind)"; exit 1; }
  # valgrind 3.19 cannot read the DWARF 5 debug info Swift 6 emits: profile a copy without it (symbols stay).
  cp "$BIN/switchboard" "$WORK/switchboard-nodebug"
  strip --strip-debug "$WORK/switchboard-nodebug"
  valgrind --tool=callgrind --callgrind-out-file="$OUT.callgrind" "$WORK/switchboard-nodebug" serve --port "$SB_PORT" >"$WORK/sb.log" 2>&1 &
  SB=$!
  PIDS+=($SB)
  for _ in $(seq 600); do
    curl -sf "http://127.0.0.1:$SB_PORT/health" >/dev/null && break
    kill -0 "$SB" 2>/dev/null || { tail -5 "$WORK/sb.log" >&2; say "switchboard under valgrind exited"; exit 1; }
    sleep 0.2
  done
  # Warm up, zero the counters, then a fixed number of requests (closed loop, 8 connections x 250).
  "$BIN/switchboard-load" --url "$URL" --body "$BODY" --connections 8 --requests-per-connection 50 --duration 1 --drain-timeout 120 ${LOAD_EXTRA[@]+"${LOAD_EXTRA[@]}"} >/dev/null
  callgrind_control --zero "$SB" >/dev/null
  "$BIN/switchboard-load" --url "$URL" --body "$BODY" --connections 8 --requests-per-connection 250 --duration 1 --drain-timeout 300 ${LOAD_EXTRA[@]+"${LOAD_EXTRA[@]}"} >"$WORK/load.json"
  callgrind_control --dump=measured "$SB" >/dev/null
  sleep 1
  kill "$SB"; wait "$SB" 2>/dev/null || true
  DUMP=$(ls -t "$OUT".callgrind* | head -1)
  {
    echo "# callgrind: 2,000 requests on $ROUTE (8 connections), release build, dump $DUMP"
    callgrind_annotate --inclusive=no "$DUMP" 2>/dev/null | head -60
    echo; echo "# inclusive"
    callgrind_annotate --inclusive=yes "$DUMP" 2>/dev/null | head -80
  } | swift demangle --simplified >"$OUT.txt"
else
  "$BIN/switchboard" serve --port "$SB_PORT" >"$WORK/sb.log" 2>&1 &
  SB=$!
  PIDS+=($SB)
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$SB_PORT/health" >/dev/null && break; sleep 0.1; done
  TOTAL=$((SECONDS_TO_SAMPLE + 4))
  "$BIN/switchboard-load" --url "$URL" --body "$BODY" --connections 64 --duration "$TOTAL" --drain-timeout 10 ${LOAD_EXTRA[@]+"${LOAD_EXTRA[@]}"} >"$WORK/load.json" &
  LOAD=$!
  sleep 2
  perf record -e cpu-clock -F 999 -g -p "$SB" -o "$OUT.perf.data" -- sleep "$SECONDS_TO_SAMPLE" >/dev/null 2>&1
  wait "$LOAD"
  {
    echo "# perf record -e cpu-clock -F 999 -g, ${SECONDS_TO_SAMPLE}s of switchboard under 64-connection closed-loop load on $ROUTE"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); l=d["latency_us"]; print("# load: %.0f req/s, p50 %.0f us, p99 %.0f us" % (d["ok_rps"], l["p50"], l["p99"]))' "$WORK/load.json"
    echo; echo "## by shared object"
    perf report -i "$OUT.perf.data" --stdio --no-children --sort dso -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -25
    echo; echo "## self time by symbol"
    perf report -i "$OUT.perf.data" --stdio --no-children --sort dso,symbol -g none --percent-limit 0.4 2>/dev/null | grep -v '^#' | grep -v '^$' | head -80
    echo; echo "## inclusive (children) by symbol"
    perf report -i "$OUT.perf.data" --stdio --children --sort symbol -g none --percent-limit 2 2>/dev/null | grep -v '^#' | grep -v '^$' | head -80
  } | swift demangle --simplified >"$OUT.txt"
fi
say "wrote $OUT.txt"
