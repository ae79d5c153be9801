"""Codex as it really runs: the Responses WebSocket (`supports_websockets = true`), and a plain
`websockets` client doing an incremental second turn. WebSockets go to the gateway directly (the
recording proxy speaks HTTP only); the gateway's upstream calls are still recorded."""

from __future__ import annotations

import json
from pathlib import Path

from websockets.sync.client import connect

from support import MODEL, Env, Mock, answered_by, expect, expect_in, expect_true, metric, mock_reply
from test_codex_cli import codex_config, run_codex

WS_TURNS = 'switchboard_websocket_turns_total{route="/backend-api/codex/responses",outcome="completed"}'


def websocket_config(env: Env, extra: str = "", name: str = "switchboard") -> str:
    config = codex_config(env.gateway_direct_url).replace('name = "switchboard"', f'name = "{name}"')
    return config + "supports_websockets = true\n" + extra


def test_codex_over_websocket_answers_without_falling_back(env: Env, mock: Mock, api_key: str, tmp_path: Path):
    before_turns = metric(env, api_key, WS_TURNS)
    before = mock.responses_calls()
    run = run_codex(env, api_key, tmp_path, websocket_config(env), "Say hello over a WebSocket.")
    expect(f"codex exec's exit code\n{run.transcript()}", 0, run.exit_code)
    accounts = answered_by(before, mock.responses_calls())
    expect_true("one account answered", len(accounts) == 1, accounts)
    expect_in("codex exec's stdout (the final message)", mock_reply(accounts[0]), run.stdout)
    output = run.stdout + run.stderr
    expect_true(f"no reconnect or HTTP fallback\n{run.transcript()}", "Reconnecting" not in output and "Falling back" not in output, run.seconds)
    expect_true("the gateway counted the turn as a WebSocket turn", metric(env, api_key, WS_TURNS) > before_turns, metric(env, api_key, WS_TURNS))


def test_a_websocket_client_continues_with_previous_response_id(env: Env, mock: Mock, api_key: str):
    url = env.gateway_direct_url.replace("http://", "ws://") + "/backend-api/codex/responses"
    first_item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "first"}]}
    second_item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "second"}]}
    base = {"type": "response.create", "model": MODEL, "instructions": "be brief", "store": False, "stream": True}

    def turn(socket, message: dict) -> list[dict]:
        socket.send(json.dumps(message))
        events = []
        while True:
            event = json.loads(socket.recv(timeout=20))
            events.append(event)
            if event["type"] in ("response.completed", "response.failed", "error"):
                return events

    with connect(url, additional_headers={"Authorization": f"Bearer {api_key}", "OpenAI-Beta": "responses_websockets=2026-02-06"}) as socket:
        first = turn(socket, {**base, "input": [first_item]})
        expect("the first turn's last event", "response.completed", first[-1]["type"])
        output = [event["item"] for event in first if event["type"] == "response.output_item.done"]
        second = turn(socket, {**base, "input": [second_item], "previous_response_id": first[-1]["response"]["id"]})
        expect("the second turn's last event", "response.completed", second[-1]["type"])
    sent = mock.received_responses()[-1]
    expect("what the upstream received for the incremental turn", [first_item, *output, second_item], sent["input"])
    expect_true("no previous_response_id went upstream", "previous_response_id" not in sent, sorted(sent))


def test_codex_compacts_remotely_over_websocket(env: Env, mock: Mock, api_key: str, tmp_path: Path):
    """A provider named `OpenAI` (exactly) makes Codex compact remotely (v2: a `compaction_trigger` item). The first
    answer is a tool call, so the turn goes on; its usage is over the tiny auto-compact limit, so Codex
    compacts before the follow-up and then continues from the compaction item."""
    plan = json.dumps({"plan": [{"step": "say hello", "status": "completed"}]})
    mock.script_all(next=[{"kind": "tool_calls", "calls": [{"name": "update_plan", "arguments": plan}]}], then={"kind": "ok"})
    try:
        config = websocket_config(env, name="OpenAI").replace(f'model = "{MODEL}"', f'model = "{MODEL}"\nmodel_auto_compact_token_limit = 1000', 1)
        run = run_codex(env, api_key, tmp_path, config, "Make a one-step plan, then say hello.")
    finally:
        mock.reset_scripts()
    expect(f"codex exec's exit code\n{run.transcript()}", 0, run.exit_code)
    bodies = mock.received_responses()
    triggers = [i for i, body in enumerate(bodies) if (body.get("input") or [{}])[-1].get("type") == "compaction_trigger"]
    expect_true(f"Codex sent a v2 compaction through the gateway\n{run.transcript()}", len(triggers) >= 1, [b.get("input", [{}])[-1].get("type") for b in bodies])
    later = bodies[triggers[-1] + 1:]
    expect_true(
        "the request after the compaction carries the compaction item",
        any(item.get("type") == "compaction" for body in later for item in body.get("input", [])),
        [[item.get("type") for item in body.get("input", [])] for body in later],
    )
