#!/usr/bin/env bash
# Conformance with real clients: drives the gateway with the OpenAI Python SDK and the Codex CLI.
#
#   bash Tests/conformance/run.sh [PYTEST ARGS...]      (or: make conformance)
#
# 1. a virtualenv at Tests/conformance/.venv (reused while requirements.txt is unchanged) with the
#    pinned clients from PyPI;
# 2. the switchboard binary (.build/debug/switchboard, built when missing; SWITCHBOARD_BIN overrides);
# 3. on free loopback ports: `switchboard mock-upstream` with two accounts imported into a temp
#    data dir, `switchboard serve` on it, and two recording proxies (capture_proxy.py): clients ->
#    proxy -> gateway -> proxy -> mock, so a failing test prints exactly what went over the wire;
# 4. pytest over Tests/conformance; every server is killed on exit.
#
# Environment: SWITCHBOARD_BIN (binary to test), CONFORMANCE_KEEP=1 (keep the temp dir and its logs),
# CONFORMANCE_DIRECT=1 (clients talk to the gateway without the recording proxy),
# CONFORMANCE_BREAK=sse-framing|error-envelope (the client-side proxy corrupts what it relays, to
# prove the suite notices; the run must then FAIL), PYTHON (interpreter for the venv, default python3).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="$HERE/.venv"
REQUIREMENTS="$HERE/requirements.txt"
PYTHON="${PYTHON:-python3}"
BIN="${SWITCHBOARD_BIN:-$ROOT/.build/debug/switchboard}"
SUITE_TIMEOUT="${CONFORMANCE_TIMEOUT:-900}"

say() { printf '==> %s\n' "$*"; }
die() { printf 'conformance: %s\n' "$*" >&2; exit 2; }

# --- 1. the virtualenv ----------------------------------------------------------------------
stamp="$VENV/.requirements.sha256"
want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1) $("$PYTHON" -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo none)"
if [[ -x "$VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    say "reusing $VENV"
else
    command -v "$PYTHON" >/dev/null || die "no $PYTHON on PATH (set PYTHON=/path/to/python3)"
    if ! "$PYTHON" -m venv --clear "$VENV" 2>/dev/null; then
        if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
            say "installing python3-venv"
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            "$PYTHON" -m venv --clear "$VENV" || die "could not create a virtualenv with $PYTHON"
        else
            die "could not create a virtualenv with $PYTHON (install python3-venv)"
        fi
    fi
    say "installing the pinned clients from PyPI into $VENV"
    if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --quiet --retries 2 --timeout 30 \
        -r "$REQUIREMENTS"; then
        rm -f "$stamp"
        die "pip could not install $REQUIREMENTS: is PyPI reachable from this machine? (the suite needs openai and openai-codex-cli-bin from PyPI)"
    fi
    echo "$want" >"$stamp"
fi
PY="$VENV/bin/python"
CODEX="$("$PY" -c 'import codex_cli_bin; print(codex_cli_bin.bundled_codex_path())')"
[[ -x "$CODEX" ]] || die "the codex binary from openai-codex-cli-bin is missing at $CODEX"

# --- 2. the binary --------------------------------------------------------------------------
if [[ ! -x "$BIN" ]]; then
    say "building switchboard (no $BIN yet)"
    (cd "$ROOT" && swift build --product switchboard) || die "swift build failed"
fi
[[ -x "$BIN" ]] || die "no switchboard binary at $BIN"

# --- 3. the servers -------------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-conformance.XXXXXX")"
PIDS=()
cleanup() {
    local status=$?
    trap '' PIPE  # stdout may be a closed pipe (run.sh | head): still clean up
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || continue 2; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    if [[ "${CONFORMANCE_KEEP:-}" == 1 ]]; then
        echo "conformance: kept $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

read -r MOCK_PORT UPSTREAM_PROXY_PORT GATEWAY_PORT CLIENT_PROXY_PORT <<<"$("$PY" "$HERE/harness.py" ports 4)"
MOCK_URL="http://127.0.0.1:$MOCK_PORT"
DATA="$WORK/data"
mkdir -p "$DATA"

"$BIN" mock-upstream --host 127.0.0.1 --port "$MOCK_PORT" >"$WORK/mock.log" 2>&1 &
PIDS+=($!)
"$PY" "$HERE/harness.py" wait "$MOCK_URL/_mock/health" 20 "${PIDS[-1]}" || { cat "$WORK/mock.log" >&2; die "mock-upstream did not start"; }

ACCOUNTS=(alice@conformance.test bob@conformance.test)
AUTH_FILES=()
for email in "${ACCOUNTS[@]}"; do
    "$PY" "$HERE/harness.py" account "$MOCK_URL" "$email" "$WORK/$email.auth.json"
    AUTH_FILES+=("$WORK/$email.auth.json")
done
"$BIN" accounts import "${AUTH_FILES[@]}" --data-dir "$DATA" >"$WORK/import.log" 2>&1 \
    || { cat "$WORK/import.log" >&2; die "accounts import failed"; }

"$PY" "$HERE/capture_proxy.py" --port "$UPSTREAM_PROXY_PORT" --target "$MOCK_URL" \
    --log "$WORK/upstream-wire.jsonl" >"$WORK/upstream-proxy.log" 2>&1 &
PIDS+=($!)
"$PY" "$HERE/harness.py" wait "http://127.0.0.1:$UPSTREAM_PROXY_PORT/_mock/health" 10 "${PIDS[-1]}"

SWITCHBOARD_UPSTREAM_BASE_URL="http://127.0.0.1:$UPSTREAM_PROXY_PORT/backend-api" \
SWITCHBOARD_AUTH_BASE_URL="$MOCK_URL" \
    "$BIN" serve --host 127.0.0.1 --port "$GATEWAY_PORT" --data-dir "$DATA" >"$WORK/serve.log" 2>&1 &
PIDS+=($!)
GATEWAY_DIRECT="http://127.0.0.1:$GATEWAY_PORT"
"$PY" "$HERE/harness.py" wait "$GATEWAY_DIRECT/health" 30 "${PIDS[-1]}" || { cat "$WORK/serve.log" >&2; die "switchboard serve did not start"; }

GATEWAY_URL="$GATEWAY_DIRECT"
if [[ "${CONFORMANCE_DIRECT:-}" != 1 ]]; then
    "$PY" "$HERE/capture_proxy.py" --port "$CLIENT_PROXY_PORT" --target "$GATEWAY_DIRECT" \
        --log "$WORK/client-wire.jsonl" ${CONFORMANCE_BREAK:+--break "$CONFORMANCE_BREAK"} >"$WORK/client-proxy.log" 2>&1 &
    PIDS+=($!)
    GATEWAY_URL="http://127.0.0.1:$CLIENT_PROXY_PORT"
    "$PY" "$HERE/harness.py" wait "$GATEWAY_URL/health" 10 "${PIDS[-1]}"
fi
if [[ -n "${CONFORMANCE_BREAK:-}" ]]; then
    say "CONFORMANCE_BREAK=$CONFORMANCE_BREAK: the client-side proxy corrupts responses; this run is expected to FAIL"
fi
say "mock $MOCK_URL, gateway $GATEWAY_DIRECT (clients use $GATEWAY_URL), data $DATA"

# --- 4. the tests ---------------------------------------------------------------------------
export SB_BIN="$BIN" SB_DATA_DIR="$DATA" SB_WORK_DIR="$WORK" SB_MOCK_URL="$MOCK_URL" SB_CODEX="$CODEX"
export SB_GATEWAY_URL="$GATEWAY_URL" SB_GATEWAY_DIRECT_URL="$GATEWAY_DIRECT"
export SB_ACCOUNTS="$(IFS=,; echo "${ACCOUNTS[*]}")"
export SB_CLIENT_WIRE_LOG="$WORK/client-wire.jsonl" SB_UPSTREAM_WIRE_LOG="$WORK/upstream-wire.jsonl"
export PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1

# In the background so that a signal to run.sh interrupts `wait` and the trap cleans up at once.
(cd "$HERE" && exec timeout "$SUITE_TIMEOUT" "$PY" -m pytest -c "$HERE/pytest.ini" "$HERE" "$@") &
PIDS+=($!)
set +e
wait "${PIDS[-1]}"
status=$?
set -e
if [[ $status == 124 ]]; then echo "conformance: the suite exceeded ${SUITE_TIMEOUT} s" >&2; fi
if [[ $status == 5 ]]; then echo "conformance: no test ran" >&2; status=1; fi
if [[ $status != 0 ]]; then
    for log in serve mock; do
        echo "----- last lines of switchboard $log log ($WORK/$log.log) -----" >&2
        grep -v 'route=/health' "$WORK/$log.log" | tail -n 30 >&2 || true
    done
    echo "conformance: FAILED (exit $status); rerun with CONFORMANCE_KEEP=1 to keep $WORK" >&2
fi
exit "$status"
