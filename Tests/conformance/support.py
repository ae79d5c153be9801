"""What the conformance tests share: the environment run.sh set up, the mock's control API,
the wire logs of the recording proxies, and assertions that fail with a readable diff."""

from __future__ import annotations

import difflib
import json
import os
import pprint
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable

MODEL = "gpt-5.1-codex"
#: The models `switchboard mock-upstream` serves (Sources/MockUpstream/MockModel.swift).
MOCK_MODELS = ["gpt-5.1-codex", "gpt-5.1-codex-mini", "gpt-5.1"]


def mock_reply(email: str) -> str:
    """The text of the mock's happy stream with its default 10 deltas (Sources/MockUpstream/MockReply.swift)."""
    return f"Hello from mock account {email}. The quick brown fox jumps over the lazy dog."


@dataclass(frozen=True)
class Env:
    bin: str
    data_dir: str
    work_dir: str
    mock_url: str
    gateway_url: str  # what clients use (the recording proxy unless CONFORMANCE_DIRECT=1)
    gateway_direct_url: str  # the gateway itself, for the suite's own probes
    accounts: tuple[str, ...]
    codex: str
    client_wire_log: str
    upstream_wire_log: str

    @staticmethod
    def from_environment() -> "Env":
        try:
            return Env(
                bin=os.environ["SB_BIN"],
                data_dir=os.environ["SB_DATA_DIR"],
                work_dir=os.environ["SB_WORK_DIR"],
                mock_url=os.environ["SB_MOCK_URL"],
                gateway_url=os.environ["SB_GATEWAY_URL"],
                gateway_direct_url=os.environ["SB_GATEWAY_DIRECT_URL"],
                accounts=tuple(os.environ["SB_ACCOUNTS"].split(",")),
                codex=os.environ["SB_CODEX"],
                client_wire_log=os.environ["SB_CLIENT_WIRE_LOG"],
                upstream_wire_log=os.environ["SB_UPSTREAM_WIRE_LOG"],
            )
        except KeyError as missing:
            raise RuntimeError(f"{missing} is not set: run the suite with Tests/conformance/run.sh") from None


# --- HTTP without dependencies ------------------------------------------------------------------

def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, dict, bytes]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


class Mock:
    """The mock upstream's control API (Sources/MockUpstream/ControlRoutes.swift)."""

    def __init__(self, url: str, accounts: tuple[str, ...]):
        self.url = url
        self.accounts = accounts

    def script(self, email: str, next: list[dict] | None = None, then: dict | None = None) -> None:
        update: dict[str, Any] = {}
        if next is not None:
            update["next"] = next
        if then is not None:
            update["then"] = then
        status, _, body = http("POST", f"{self.url}/_mock/accounts/{email}/script", {"responses": update})
        assert status == 204, f"scripting {email} failed: {status} {body!r}"

    def script_all(self, next: list[dict] | None = None, then: dict | None = None) -> None:
        for email in self.accounts:
            self.script(email, next=next, then=then)

    def reset_scripts(self) -> None:
        self.script_all(next=[], then={"kind": "ok"})

    def responses_calls(self) -> dict[str, int]:
        status, _, body = http("GET", f"{self.url}/_mock/counters")
        assert status == 200, f"mock counters: {status} {body!r}"
        accounts = json.loads(body)["accounts"]
        return {email: accounts.get(email, {}).get("responses_calls", 0) for email in self.accounts}


    def received_responses(self) -> list[dict]:
        """The last `/codex/responses` bodies the mock accepted, oldest first."""
        status, _, body = http("GET", f"{self.url}/_mock/responses/received")
        assert status == 200, f"mock received bodies: {status} {body!r}"
        return [json.loads(text) for text in json.loads(body)["bodies"]]


def metric(env: Env, api_key: str, line_prefix: str) -> float:
    """The value of the first `/metrics` sample whose line starts with `line_prefix` (0 when absent)."""
    status, _, body = http("GET", f"{env.gateway_direct_url}/metrics", headers={"Authorization": f"Bearer {api_key}"})
    assert status == 200, f"/metrics: {status}"
    for line in body.decode().splitlines():
        if line.startswith(line_prefix):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def answered_by(before: dict[str, int], after: dict[str, int]) -> list[str]:
    """The accounts whose upstream responses counter moved between two readings."""
    return [email for email in after if after[email] > before.get(email, 0)]


def calls_between(before: dict[str, int], after: dict[str, int]) -> int:
    return sum(after[email] - before.get(email, 0) for email in after)


def wait_until_ready(env: Env, active: int, seconds: float = 20) -> None:
    """Waits until the gateway reports `active` selectable accounts (after a test rate-limited them)."""
    deadline = time.monotonic() + seconds
    seen: Any = None
    while time.monotonic() < deadline:
        status, _, body = http("GET", f"{env.gateway_direct_url}/health/ready")
        try:
            seen = json.loads(body)
        except ValueError:
            seen = body
        if status == 200 and isinstance(seen, dict) and seen.get("active_accounts") == active:
            return
        time.sleep(0.25)
    raise AssertionError(f"the gateway did not get back to {active} active accounts within {seconds:g} s; /health/ready says {seen!r}")


# --- wire logs ----------------------------------------------------------------------------------

class WireLog:
    """The JSON-lines log a capture_proxy.py writes: one exchange per line."""

    def __init__(self, path: str):
        self.path = path

    def mark(self) -> int:
        try:
            return os.path.getsize(self.path)
        except OSError:
            return 0

    def since(self, offset: int) -> list[dict]:
        try:
            with open(self.path, "rb") as f:
                f.seek(offset)
                lines = f.read().splitlines()
        except OSError:
            return []
        records = []
        for line in lines:
            try:
                records.append(json.loads(line))
            except ValueError:
                pass
        return records


SECRET_HEADERS = {"authorization", "chatgpt-account-id"}


def _masked(headers: dict[str, str]) -> dict[str, str]:
    shown = {}
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS and len(value) > 24:
            value = value[:20] + "…(masked)"
        elif len(value) > 160:
            value = value[:150] + f"…({len(value)} chars)"
        shown[name] = value
    return shown


def _body(text: str, limit: int) -> str:
    try:
        value = json.loads(text)
    except ValueError:
        return text if len(text) <= limit else text[:limit] + f"… ({len(text)} chars)"
    if isinstance(value, dict):
        # Codex sends ~40 KB of prompt and tool schemas: keep their shape, not their text.
        value = {key: (_summary(item) if key in ("input", "tools") and len(json.dumps(item)) > 1500 else _short(item)) for key, item in value.items()}
    rendered = json.dumps(value, indent=2, ensure_ascii=False)
    return rendered if len(rendered) <= limit else rendered[:limit] + f"… ({len(rendered)} chars)"


def _short(value: Any) -> Any:
    """`value` with long strings cut (Codex repeats its turn metadata in several places)."""
    if isinstance(value, str) and len(value) > 300:
        return value[:280] + f"…({len(value)} chars)"
    if isinstance(value, dict):
        return {key: _short(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_short(item) for item in value]
    return value


def _summary(items: Any) -> Any:
    if not isinstance(items, list):
        return "…"
    return [f"<{item.get('type', '?')}{' ' + item['role'] if 'role' in item else ''}{' ' + item['name'] if 'name' in item else ''}>" if isinstance(item, dict) else "…" for item in items]


def format_exchanges(records: list[dict], limit: int = 2500) -> str:
    if not records:
        return "(no exchange recorded)"
    parts = []
    for number, record in enumerate(records, 1):
        parts.append(
            f"#{number} {record['method']} {record['path']} -> {record['status']}\n"
            f"  request headers: {json.dumps(_masked(record['request_headers']))}\n"
            f"  request body:\n{_indent(_body(record['request_body'], limit))}\n"
            f"  response headers: {json.dumps(record['response_headers'])}\n"
            f"  response body:\n{_indent(_body(record['response_body'], limit))}"
        )
    return "\n".join(parts)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines()) or "    (empty)"


# --- assertions with a diff ---------------------------------------------------------------------

class Like:
    """A placeholder in an expected value: equal to anything `check` accepts."""

    def __init__(self, description: str, check: Callable[[Any], bool]):
        self.description = description
        self.check = check

    def __eq__(self, other: object) -> bool:
        return other is self or self.check(other)

    def __repr__(self) -> str:
        return f"<{self.description}>"


def an_int(low: float = float("-inf"), high: float = float("inf")) -> Like:
    bounds = "" if low == float("-inf") and high == float("inf") else f" in [{low:g}, {high:g}]"
    return Like(f"an integer{bounds}", lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high)


A_STRING = Like("a non-empty string", lambda v: isinstance(v, str) and v != "")


def _project(expected: Any, seen: Any) -> Any:
    """`seen` cut down to the keys `expected` names, with values an expected `Like` accepts shown as the `Like`."""
    if isinstance(expected, Like):
        return expected if expected == seen else seen
    if isinstance(expected, dict) and isinstance(seen, dict):
        return {key: (_project(expected[key], seen[key]) if key in seen else _MISSING) for key in expected}
    if isinstance(expected, list) and isinstance(seen, list) and len(expected) == len(seen):
        return [_project(e, s) for e, s in zip(expected, seen)]
    return seen


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


def _render(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.splitlines() or [""]
    try:
        return json.dumps(value, indent=2, sort_keys=True, default=repr, ensure_ascii=False).splitlines()
    except (TypeError, ValueError):
        return pprint.pformat(value, width=100).splitlines()


def diff(expected: Any, seen: Any) -> str:
    return "\n".join(difflib.unified_diff(_render(expected), _render(seen), "expected", "seen by the client", lineterm=""))


def expect(what: str, expected: Any, seen: Any) -> None:
    """Fails with a unified diff when `seen` differs from `expected`. Dicts compare on the keys
    `expected` names; `Like` values (an_int(), A_STRING) match a kind of value."""
    projected = _project(expected, seen)
    if projected != expected or (isinstance(expected, str) and seen != expected):
        raise AssertionError(f"{what}\n{diff(expected, projected)}")


def expect_in(what: str, needle: str, haystack: str, ignore_case: bool = False) -> None:
    if (needle.lower() not in haystack.lower()) if ignore_case else (needle not in haystack):
        raise AssertionError(f"{what}: expected to find\n    {needle!r}\nin what the client saw:\n{_indent(haystack[-4000:]) if haystack else '    (nothing)'}")


def expect_true(what: str, condition: bool, seen: Any) -> None:
    if not condition:
        raise AssertionError(f"{what}; seen: {seen!r}")
