"""The Codex CLI (`codex exec`, from the pinned openai-codex-cli-bin wheel) against the gateway's
Codex route: a model provider with `base_url = http://HOST:PORT/backend-api/codex`."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import MODEL, Env, Mock, WireLog, answered_by, calls_between, expect, expect_in, expect_true, mock_reply

CODEX_TIMEOUT = 90  # seconds; a hang or a retry loop fails the test instead of the whole run
PROMPT = "Say hello to the conformance suite."


def codex_config(base_url: str) -> str:
    # Keys checked against codex-cli 0.163.0 with `codex exec --strict-config`.
    return f"""\
model = "{MODEL}"
model_provider = "switchboard"
check_for_update_on_startup = false

[analytics]
enabled = false

[model_providers.switchboard]
name = "switchboard"
base_url = "{base_url}/backend-api/codex"
wire_api = "responses"
env_key = "SWITCHBOARD_KEY"
# Codex's own defaults, stated so a retry loop is visible: 4 request retries, 5 stream retries.
request_max_retries = 4
stream_max_retries = 5
stream_idle_timeout_ms = 20000
"""


@dataclass
class CodexRun:
    exit_code: int | None  # None: killed by the timeout
    stdout: str
    stderr: str
    seconds: float

    def transcript(self) -> str:
        return f"exit code: {self.exit_code}, {self.seconds:.1f} s\n--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"


def run_codex(env: Env, api_key: str, tmp_path: Path, config: str, prompt: str = PROMPT) -> CodexRun:
    """`codex exec PROMPT` with `config` as its config.toml, in a fresh home under `tmp_path`."""
    home, codex_home, workdir = tmp_path / "home", tmp_path / "codex-home", tmp_path / "work"
    for directory in (home, codex_home, workdir):
        directory.mkdir(exist_ok=True)
    (codex_home / "config.toml").write_text(config)
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "CODEX_HOME": str(codex_home),
        "SWITCHBOARD_KEY": api_key,
        "LANG": "C.UTF-8",
        "NO_COLOR": "1",
    }
    command = [env.codex, "exec", "--skip-git-repo-check", "--strict-config", "--ephemeral", "--color", "never", prompt]
    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=workdir, env=environment, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=CODEX_TIMEOUT)
        return CodexRun(done.returncode, done.stdout, done.stderr, time.monotonic() - started)
    except subprocess.TimeoutExpired as expired:
        def text(value: bytes | str | None) -> str:
            return value.decode(errors="replace") if isinstance(value, bytes) else (value or "")

        return CodexRun(None, text(expired.stdout), text(expired.stderr), time.monotonic() - started)


@pytest.fixture
def codex(env: Env, api_key: str, tmp_path: Path):
    def run(prompt: str = PROMPT) -> CodexRun:
        return run_codex(env, api_key, tmp_path, codex_config(env.gateway_url), prompt)

    return run


def codex_requests(env: Env, mark: int) -> list[dict]:
    return [r for r in WireLog(env.client_wire_log).since(mark) if r["path"].startswith("/backend-api/codex/responses")]


def test_codex_exec_prints_the_reply(codex, env: Env, mock: Mock):
    before = mock.responses_calls()
    run = codex()
    accounts = answered_by(before, mock.responses_calls())
    expect(f"codex exec's exit code\n{run.transcript()}", 0, run.exit_code)
    expect_true("one account answered the turn", len(accounts) == 1, accounts)
    expect_in("codex exec's stdout (the final message)", mock_reply(accounts[0]), run.stdout)


def test_codex_requests_reach_the_upstream_as_codex_sent_them(codex, env: Env, api_key: str):
    """The Codex route is a passthrough: Codex's own headers go upstream, its client key does not."""
    mark = WireLog(env.upstream_wire_log).mark()
    run = codex()
    expect(f"codex exec's exit code\n{run.transcript()}", 0, run.exit_code)
    upstream = [r for r in WireLog(env.upstream_wire_log).since(mark) if r["path"].startswith("/backend-api/codex/responses")]
    expect_true("the gateway called the upstream's /codex/responses", len(upstream) >= 1, [r["path"] for r in upstream])
    headers = {k.lower(): v for k, v in upstream[0]["request_headers"].items()}
    expect("headers Codex sent, forwarded upstream", {"originator": "codex_exec", "accept": "text/event-stream"},
           {"originator": headers.get("originator"), "accept": headers.get("accept")})
    expect_true("the upstream gets an account token, not the client's key", headers.get("authorization", "") not in ("", f"Bearer {api_key}"), headers.get("authorization", "")[:16])
    expect_true("the upstream gets a chatgpt-account-id", bool(headers.get("chatgpt-account-id")), headers.get("chatgpt-account-id"))


def test_codex_reports_the_usage_limit(codex, env: Env, mock: Mock):
    resets = 4
    mock.script_all(then={"kind": "usage_limit_reached", "resets_in_seconds": resets})
    before = mock.responses_calls()
    mark = WireLog(env.client_wire_log).mark()
    run = codex()
    upstream_calls = calls_between(before, mock.responses_calls())
    expect_true(f"codex exec finishes within {CODEX_TIMEOUT} s (no retry loop)\n{run.transcript()}", run.exit_code is not None, run.seconds)
    expect_true(f"codex exec exits non-zero\n{run.transcript()}", run.exit_code not in (0, None), run.exit_code)
    expect_in("what codex tells the user", "usage limit", run.stderr, ignore_case=True)
    expect_true(f"no crash\n{run.transcript()}", "panicked" not in run.stderr and "RUST_BACKTRACE" not in run.stderr, run.exit_code)
    expect_true("it gives up quickly (well under its timeout)", run.seconds < 30, round(run.seconds, 1))
    if os.environ.get("CONFORMANCE_DIRECT") != "1":
        requests = codex_requests(env, mark)
        expect_true("codex does not retry a usage limit: one request to the gateway", len(requests) == 1, [(r["path"], r["status"]) for r in requests])
        expect("the gateway's answer to codex", 429, requests[0]["status"] if requests else None)
    expect_true("the gateway asks the upstream at most once per account", upstream_calls <= len(env.accounts), upstream_calls)
