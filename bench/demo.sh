#!/usr/bin/env bash
# `make demo`: the built-in mock upstream, switchboard in front of it with three demo accounts in a
# throwaway data directory, one streaming request, then serving until Ctrl-C.
set -euo pipefail
BIN=${BIN:-.build/debug/switchboard}
MOCK_PORT=${MOCK_PORT:-18765}
PORT=${PORT:-2455}
DATA=$(mktemp -d -t switchboard-demo.XXXXXX)
PIDS=()
cleanup() { kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT INT TERM

wait_for() { # url
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "timed out waiting for $1" >&2; exit 1
}

echo "==> starting the mock upstream on 127.0.0.1:$MOCK_PORT"
"$BIN" mock-upstream --port "$MOCK_PORT" --event-delay-ms 40 >"$DATA/mock.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$MOCK_PORT/_mock/health"

echo "==> creating three demo accounts and importing them into $DATA"
for email in alice bob carol; do
  curl -fsS -X POST "http://127.0.0.1:$MOCK_PORT/_mock/accounts" -d "{\"email\":\"$email@demo.example\"}" >"$DATA/$email.json"
done
export SWITCHBOARD_DATA_DIR="$DATA/data"
"$BIN" accounts import "$DATA"/alice.json "$DATA"/bob.json "$DATA"/carol.json
"$BIN" accounts list

echo "==> starting switchboard on 127.0.0.1:$PORT"
SWITCHBOARD_UPSTREAM_BASE_URL="http://127.0.0.1:$MOCK_PORT/backend-api" \
SWITCHBOARD_AUTH_BASE_URL="http://127.0.0.1:$MOCK_PORT" \
SWITCHBOARD_USAGE_INTERVAL=5 \
  "$BIN" serve --port "$PORT" &
PIDS+=($!)
wait_for "http://127.0.0.1:$PORT/health/ready"

echo "==> one streaming request (Codex CLI route), events as they arrive:"
curl -sN "http://127.0.0.1:$PORT/backend-api/codex/responses" -H 'Content-Type: application/json' \
  -d '{"model":"gpt-5","instructions":"be brief","input":[{"type":"message","role":"user","content":[{"type":"input_text","text":"hello"}]}],"stream":true,"store":false}' \
  | grep --line-buffered '^data: ' | grep --line-buffered -o '"delta":"[^"]*"' || true

cat <<INFO

switchboard is serving the demo pool at http://127.0.0.1:$PORT (Ctrl-C to stop).

Codex CLI — add to ~/.codex/config.toml (or a CODEX_HOME of your own):
  model_provider = "switchboard"
  [model_providers.switchboard]
  name = "switchboard"
  base_url = "http://127.0.0.1:$PORT/backend-api/codex"
  wire_api = "responses"
  env_key = "SWITCHBOARD_API_KEY"
then: SWITCHBOARD_API_KEY=demo codex exec "hello"

OpenAI SDK (Python):
  from openai import OpenAI
  client = OpenAI(base_url="http://127.0.0.1:$PORT/v1", api_key="demo")
  print(client.chat.completions.create(model="gpt-5", messages=[{"role": "user", "content": "hi"}]).choices[0].message.content)

Try: curl -s http://127.0.0.1:$PORT/v1/models
     SWITCHBOARD_DATA_DIR=$DATA/data $BIN accounts list
INFO
wait
