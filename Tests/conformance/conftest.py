"""Fixtures of the conformance suite (run it with run.sh, which sets the SB_* environment).

Every test starts with the mock's accounts scripted to answer normally and the gateway's pool
back to every account active. A failing test gets two extra report sections: what went over the
wire between the client and the gateway, and between the gateway and the (mock) upstream.
"""

from __future__ import annotations

import functools
import re
import subprocess
import time

import openai
import pytest

from support import Env, Mock, WireLog, format_exchanges, http, wait_until_ready

# A key the gateway never issued (it has the `sb-` shape of real ones).
WRONG_KEY = "sb-conformance-wrong-key-0000000000000000"
# What clients send while no key exists (the gateway then serves loopback clients without one).
NO_KEY = "sk-conformance-no-keys-configured"


@functools.lru_cache(maxsize=None)
def environment() -> Env:
    return Env.from_environment()


@pytest.fixture(scope="session")
def env() -> Env:
    return environment()


@pytest.fixture(scope="session")
def mock(env: Env) -> Mock:
    return Mock(env.mock_url, env.accounts)


# --- client API keys ----------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def created_key() -> tuple[str | None, str]:
    """(key, how it went): `switchboard keys create --data-dir D`, once for the whole run; None while
    the gateway has no `keys` command yet."""
    env = environment()
    result = subprocess.run([env.bin, "keys", "create", "--data-dir", env.data_dir], capture_output=True, text=True, timeout=30)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        return None, f"`switchboard keys create` failed (exit {result.returncode}): {output.strip()[:500]}"
    match = re.search(r"\bsb-[A-Za-z0-9_\-]{8,}", output)
    if not match:
        return None, f"`switchboard keys create` printed no sb-… key: {output.strip()[:500]}"
    key = match.group(0)
    # The running gateway must notice the new key (another process wrote it) and start requiring it.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        status, _, _ = http("GET", f"{env.gateway_direct_url}/v1/models", headers={"Authorization": f"Bearer {WRONG_KEY}"})
        if status == 401:
            return key, "created; the gateway requires it"
        time.sleep(0.2)
    return key, "created, but after 5 s the gateway still served a wrong key"


@pytest.fixture(scope="session")
def api_key() -> str:
    """The key clients present: a real `sb-…` key once the gateway has `keys create`, else any string."""
    key, _ = created_key()
    return key or NO_KEY


# --- features that may not be built yet ---------------------------------------------------------

@functools.lru_cache(maxsize=None)
def missing_feature(name: str) -> str | None:
    """Why `name` is not in the running gateway, or None when it is there."""
    env = environment()
    if name == "chat-completions":
        status, _, body = http(
            "POST", f"{env.gateway_direct_url}/v1/chat/completions",
            {"model": "gpt-5.1-codex", "messages": [{"role": "user", "content": "ping"}]},
            headers={"Authorization": f"Bearer {created_key()[0] or NO_KEY}"}, timeout=30,
        )
        if status == 404:
            return f"POST /v1/chat/completions answers 404: {body[:300]!r}"
        return None
    if name == "api-keys":
        key, how = created_key()
        return None if key else how
    raise ValueError(f"unknown feature {name}")


def pytest_report_header(config: pytest.Config) -> list[str]:
    env = environment()
    _, how = created_key()
    lines = [f"gateway under test: {env.bin} (clients use {env.gateway_url})", f"client API key: {how}"]
    for feature in ("chat-completions", "api-keys"):
        why = missing_feature(feature)
        lines.append(f"feature {feature}: {'NOT BUILT YET: ' + why if why else 'present'}")
    return lines


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for marker in item.iter_markers("needs_feature"):
            why = missing_feature(marker.args[0])
            if why:
                item.add_marker(pytest.mark.xfail(reason=f"NOT BUILT YET ({marker.args[0]}): {why}", strict=False))


# --- every test -------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def fresh_pool(request: pytest.FixtureRequest, env: Env, mock: Mock):
    """Normal answers from every account, the whole pool active; wire logs marked for the report."""
    mock.reset_scripts()
    wait_until_ready(env, active=len(env.accounts))
    request.node.stash[WIRE_MARKS] = (WireLog(env.client_wire_log).mark(), WireLog(env.upstream_wire_log).mark())
    yield
    mock.reset_scripts()


WIRE_MARKS = pytest.StashKey[tuple[int, int]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call" and report.failed and WIRE_MARKS in item.stash:
        env = environment()
        client_mark, upstream_mark = item.stash[WIRE_MARKS]
        report.sections.append(("wire: client <-> gateway", format_exchanges(WireLog(env.client_wire_log).since(client_mark))))
        report.sections.append(("wire: gateway <-> upstream (mock)", format_exchanges(WireLog(env.upstream_wire_log).since(upstream_mark))))
    return report


# --- clients ------------------------------------------------------------------------------------

@pytest.fixture
def client(env: Env, api_key: str) -> openai.OpenAI:
    """The OpenAI SDK as an application would set it up, minus retries (each call is one exchange)."""
    return openai.OpenAI(base_url=f"{env.gateway_url}/v1", api_key=api_key, max_retries=0, timeout=30)
