"""The OpenAI Python SDK against the gateway's OpenAI-compatible API (`base_url = .../v1`)."""

from __future__ import annotations

import json

import openai
import pytest

from conftest import WRONG_KEY, missing_feature
from support import (
    A_STRING, MOCK_MODELS, MODEL, Env, Mock, WireLog, an_int, answered_by, calls_between, expect, expect_true, mock_reply,
)

WEATHER_TOOL_CHAT = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
WEATHER_TOOL_RESPONSES = {"type": "function", **WEATHER_TOOL_CHAT["function"]}
PARIS_CALL = {"kind": "tool_calls", "calls": [{"name": "get_weather", "arguments": json.dumps({"city": "Paris"})}]}
TOOL_RESULT = json.dumps({"city": "Paris", "temperature_c": 21})


def only_account(mock: Mock, before: dict[str, int]) -> str:
    """The one account that answered since `before` (the mock's reply names it)."""
    accounts = answered_by(before, mock.responses_calls())
    expect("exactly one upstream account answers one client call", 1, len(accounts))
    return accounts[0]


def upstream_bodies(env: Env, mark: int, path: str = "/backend-api/codex/responses") -> list[dict]:
    return [json.loads(record["request_body"]) for record in WireLog(env.upstream_wire_log).since(mark) if record["path"].startswith(path)]


# --- Responses API ------------------------------------------------------------------------------

def test_responses_create(client: openai.OpenAI, mock: Mock):
    before = mock.responses_calls()
    response = client.responses.create(model=MODEL, input="Say hello.")
    email = only_account(mock, before)
    expect("response.output_text", mock_reply(email), response.output_text)
    expect(
        "the response object",
        {"object": "response", "status": "completed", "model": MODEL, "id": A_STRING},
        response.model_dump(),
    )
    expect("response.usage", {"input_tokens": an_int(1), "output_tokens": an_int(1), "total_tokens": an_int(2)}, response.usage.model_dump() if response.usage else None)


def test_responses_stream_events(client: openai.OpenAI, mock: Mock):
    before = mock.responses_calls()
    events = list(client.responses.create(model=MODEL, input="Say hello.", stream=True))
    email = only_account(mock, before)
    types = [event.type for event in events]
    expect("the first and last stream events", ["response.created", "response.completed"], [types[0], types[-1]] if types else [])
    deltas = "".join(event.delta for event in events if event.type == "response.output_text.delta")
    expect("the concatenated response.output_text.delta events", mock_reply(email), deltas)
    expect("response.completed's output text", mock_reply(email), events[-1].response.output_text)


def test_responses_stream_helper(client: openai.OpenAI, mock: Mock):
    """`responses.stream()` rebuilds the response from the events and checks they fit together."""
    before = mock.responses_calls()
    with client.responses.stream(model=MODEL, input="Say hello.") as stream:
        text = "".join(event.delta for event in stream if event.type == "response.output_text.delta")
        final = stream.get_final_response()
    email = only_account(mock, before)
    expect("streamed text", mock_reply(email), text)
    expect("the final response's text", mock_reply(email), final.output_text)


def test_responses_tool_round_trip(client: openai.OpenAI, env: Env, mock: Mock):
    mock.script_all(next=[PARIS_CALL])
    first = client.responses.create(model=MODEL, input="What is the weather in Paris?", tools=[WEATHER_TOOL_RESPONSES])
    mock.reset_scripts()  # the other account keeps its queued call otherwise
    calls = [item for item in first.output if item.type == "function_call"]
    expect("function calls in the first answer", [{"type": "function_call", "name": "get_weather", "call_id": A_STRING}], [c.model_dump() for c in calls])
    expect("the call's arguments", {"city": "Paris"}, json.loads(calls[0].arguments))

    mark = WireLog(env.upstream_wire_log).mark()
    before = mock.responses_calls()
    second = client.responses.create(
        model=MODEL,
        tools=[WEATHER_TOOL_RESPONSES],
        input=[
            {"role": "user", "content": "What is the weather in Paris?"},
            {"type": "function_call", "call_id": calls[0].call_id, "name": "get_weather", "arguments": calls[0].arguments},
            {"type": "function_call_output", "call_id": calls[0].call_id, "output": TOOL_RESULT},
        ],
    )
    email = only_account(mock, before)
    expect("the answer after the tool result", mock_reply(email), second.output_text)
    sent = upstream_bodies(env, mark)
    outputs = [item for body in sent for item in body.get("input", []) if item.get("type") == "function_call_output"]
    expect("the tool result the gateway forwarded upstream", [{"type": "function_call_output", "call_id": calls[0].call_id, "output": TOOL_RESULT}], outputs)


# --- Chat Completions ---------------------------------------------------------------------------

@pytest.mark.needs_feature("chat-completions")
def test_chat_completion(client: openai.OpenAI, mock: Mock):
    before = mock.responses_calls()
    completion = client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "Say hello."}])
    email = only_account(mock, before)
    expect(
        "the chat completion",
        {"object": "chat.completion", "model": MODEL, "id": A_STRING,
         "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": mock_reply(email)}}]},
        completion.model_dump(),
    )
    expect("usage", {"prompt_tokens": an_int(1), "completion_tokens": an_int(1), "total_tokens": an_int(2)}, completion.usage.model_dump() if completion.usage else None)


@pytest.mark.needs_feature("chat-completions")
def test_chat_completion_stream(client: openai.OpenAI, mock: Mock):
    before = mock.responses_calls()
    chunks = list(client.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "Say hello."}], stream=True, stream_options={"include_usage": True},
    ))
    email = only_account(mock, before)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    expect("the concatenated delta.content", mock_reply(email), text)
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    expect("finish reasons over the stream", ["stop"], finishes)
    expect("every chunk's object", {"chat.completion.chunk"}, {c.object for c in chunks})
    usage = [c.usage.model_dump() for c in chunks if c.usage]
    expect("the usage chunk asked for with stream_options.include_usage", [{"prompt_tokens": an_int(1), "completion_tokens": an_int(1), "total_tokens": an_int(2)}], usage)


@pytest.mark.needs_feature("chat-completions")
def test_chat_tool_round_trip(client: openai.OpenAI, env: Env, mock: Mock):
    question = {"role": "user", "content": "What is the weather in Paris?"}
    mock.script_all(next=[PARIS_CALL])
    first = client.chat.completions.create(model=MODEL, messages=[question], tools=[WEATHER_TOOL_CHAT])
    mock.reset_scripts()
    choice = first.choices[0]
    expect("the first choice", {"finish_reason": "tool_calls", "message": {"role": "assistant", "tool_calls": [
        {"type": "function", "id": A_STRING, "function": {"name": "get_weather", "arguments": A_STRING}}]}}, choice.model_dump())
    call = choice.message.tool_calls[0]
    expect("the call's arguments", {"city": "Paris"}, json.loads(call.function.arguments))

    mark = WireLog(env.upstream_wire_log).mark()
    before = mock.responses_calls()
    second = client.chat.completions.create(model=MODEL, tools=[WEATHER_TOOL_CHAT], messages=[
        question,
        choice.message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": TOOL_RESULT},
    ])
    email = only_account(mock, before)
    expect("the answer after the tool result", {"finish_reason": "stop", "message": {"content": mock_reply(email)}}, second.choices[0].model_dump())
    sent = upstream_bodies(env, mark)
    outputs = [item for body in sent for item in body.get("input", []) if item.get("type") == "function_call_output"]
    expect("the tool result the gateway forwarded upstream", [{"type": "function_call_output", "call_id": call.id, "output": TOOL_RESULT}], outputs)


@pytest.mark.needs_feature("chat-completions")
def test_chat_tool_call_stream_helper(client: openai.OpenAI, mock: Mock):
    """`chat.completions.stream()` accumulates streamed tool-call deltas into whole calls."""
    mock.script_all(next=[PARIS_CALL])
    with client.chat.completions.stream(model=MODEL, messages=[{"role": "user", "content": "Weather in Paris?"}], tools=[WEATHER_TOOL_CHAT]) as stream:
        for _ in stream:
            pass
        final = stream.get_final_completion()
    choice = final.choices[0]
    expect("the accumulated tool call", {"finish_reason": "tool_calls", "message": {"tool_calls": [
        {"type": "function", "id": A_STRING, "function": {"name": "get_weather", "arguments": json.dumps({"city": "Paris"})}}]}}, choice.model_dump())


# --- Models -------------------------------------------------------------------------------------

def test_models_list(client: openai.OpenAI):
    models = client.models.list()
    expect("model ids", MOCK_MODELS, [m.id for m in models.data])
    expect("each model's object", ["model"] * len(MOCK_MODELS), [m.object for m in models.data])


# --- Errors -------------------------------------------------------------------------------------

def error_envelope(error: openai.APIStatusError) -> dict:
    """The whole JSON body the client got (the SDK keeps only `error` in `.body`)."""
    try:
        return error.response.json()
    except ValueError:
        return {"not JSON": error.response.text}


def test_rate_limit_error_when_every_account_is_limited(client: openai.OpenAI, mock: Mock, env: Env):
    resets = 4
    mock.script_all(then={"kind": "usage_limit_reached", "resets_in_seconds": resets})
    before = mock.responses_calls()
    attempts = {
        "responses.create": lambda: client.responses.create(model=MODEL, input="hi"),
        "responses.create(stream=True)": lambda: list(client.responses.create(model=MODEL, input="hi", stream=True)),
    }
    if not missing_feature("chat-completions"):
        attempts["chat.completions.create"] = lambda: client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hi"}])
        attempts["chat.completions.create(stream=True)"] = lambda: list(client.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hi"}], stream=True))
    for name, attempt in attempts.items():
        with pytest.raises(openai.RateLimitError) as raised:
            attempt()
        error = raised.value
        expect(f"{name}: the 429 body", {"error": {
            "type": "usage_limit_reached", "code": "usage_limit_reached", "message": A_STRING,
            "resets_at": an_int(0), "resets_in_seconds": an_int(0, resets),
        }}, error_envelope(error))
        expect(f"{name}: error.code as the SDK reads it", "usage_limit_reached", error.code)
        retry_after = error.response.headers.get("retry-after", "")
        expect_true(f"{name}: a Retry-After header in seconds, at most {resets}", retry_after.isdigit() and 0 <= int(retry_after) <= resets, retry_after)
    calls = calls_between(before, mock.responses_calls())
    expect_true(f"upstream calls for {len(attempts)} client calls: at most one per account", calls <= len(env.accounts), calls)


@pytest.mark.needs_feature("api-keys")
def test_authentication_error_with_a_wrong_key(env: Env):
    wrong = openai.OpenAI(base_url=f"{env.gateway_url}/v1", api_key=WRONG_KEY, max_retries=0, timeout=30)
    for name, attempt in {
        "models.list": lambda: wrong.models.list(),
        "responses.create": lambda: wrong.responses.create(model=MODEL, input="hi"),
    }.items():
        with pytest.raises(openai.AuthenticationError) as raised:
            attempt()
        expect(f"{name}: the 401 body", {"error": {"message": A_STRING, "type": A_STRING, "code": "invalid_api_key"}}, error_envelope(raised.value))


def test_bad_request_error_for_malformed_input(client: openai.OpenAI):
    with pytest.raises(openai.BadRequestError) as raised:
        client.responses.create(model=MODEL, input=42)  # type: ignore[arg-type]
    expect("responses: the 400 body", {"error": {"type": "invalid_request_error", "message": A_STRING, "param": "input"}}, error_envelope(raised.value))

    with pytest.raises(openai.BadRequestError) as raised:
        client.responses.create(model="", input="hi")
    expect("responses without a model: the 400 body", {"error": {"type": "invalid_request_error", "message": A_STRING, "param": "model"}}, error_envelope(raised.value))


@pytest.mark.needs_feature("chat-completions")
def test_bad_request_error_for_malformed_chat(client: openai.OpenAI):
    with pytest.raises(openai.BadRequestError) as raised:
        client.chat.completions.create(model=MODEL, messages="hello")  # type: ignore[arg-type]
    expect("chat: the 400 body", {"error": {"type": "invalid_request_error", "message": A_STRING, "param": A_STRING}}, error_envelope(raised.value))

