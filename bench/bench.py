#!/usr/bin/env python3
"""The switchboard benchmark: direct to the mock upstream vs through switchboard vs through codex-lb.

Started by bench/run.sh (which builds the tools and installs codex-lb first), normally inside a
private network namespace that has only a loopback interface. Standard library only.

Workloads (see BENCHMARKS.md):
  a  non-streaming /v1/responses, open loop at fixed rates → added p50/p99/p99.9 latency vs direct
  b  maximum sustained req/s, closed loop, 64 keep-alive connections
  c  streaming /backend-api/codex/responses of 200 events → added time to first event, per-event cost
  d  2,000 concurrent open streams → peak RSS and CPU of the gateway
  e  Balancer.pick micro-benchmark at 10, 1,000 and 10,000 accounts
  f  1,000 concurrent requests on an account whose access token has expired → token calls, latency
  g  (b) through switchboard with the request log on and off (SWITCHBOARD_REQUEST_LOG_DAYS=0), twice each → the log's cost
  w  wrk (an independent load tool) cross-check of (b), and heap allocations per proxied request (LD_PRELOAD counter)
  k  10,000 accounts: import, `serve` ready time, idle RSS, `accounts list --json`, a CLI change picked up, a usage round vs request p99
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from report import HOP  # bench/report.py: the name of (a)'s reference row

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
MODEL = "gpt-5.1-codex"
PROMPT = "Say hello."
INSTRUCTIONS = "You are a helpful assistant."
POOL_SIZE = 4
# Events of one mock stream besides the text deltas: created, in_progress, output_item.added,
# content_part.added, output_text.done, content_part.done, output_item.done, completed.
FIXED_EVENTS = 8
STREAM_EVENTS = 200


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None, timeout: float = 10) -> tuple[int, bytes]:
    assert url.startswith("http://127.0.0.1:"), url
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def http_json(method: str, url: str, payload=None, timeout: float = 10):
    body = None if payload is None else json.dumps(payload).encode()
    status, data = http(method, url, body, {"Content-Type": "application/json"} if body else {}, timeout)
    try:
        return status, json.loads(data) if data else None
    except json.JSONDecodeError:
        return status, data.decode(errors="replace")


def wait_until(check, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if result:
                return result
        except Exception as error:  # noqa: BLE001
            last_error = error
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout:.0f}s waiting for {what} (last error: {last_error})")


# ---------------------------------------------------------------- processes


class Process:
    """A child process with its log file, stopped with SIGTERM (then SIGKILL) by its own pid."""

    def __init__(self, name: str, argv: list[str], env: dict, log_path: Path, cwd: Path | None = None):
        self.name = name
        self.log_path = log_path
        self.log_file = open(log_path, "wb")
        self.popen = subprocess.Popen(argv, env=env, stdout=self.log_file, stderr=subprocess.STDOUT, cwd=cwd, start_new_session=True)
        self.pid = self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, grace: float = 10) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        self.log_file.close()

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def proc_sample(pid: int) -> tuple[int, float]:
    """(RSS bytes, CPU seconds user+system) of a process and its descendants."""
    rss = 0
    cpu = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    page = os.sysconf("SC_PAGE_SIZE")
    for p in [pid, *descendants(pid)]:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / tick
            with open(f"/proc/{p}/statm") as f:
                rss += int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
    return rss, cpu


def run_time(pid: int) -> float:
    """CPU seconds the threads of a process and its descendants have run, from the scheduler's nanosecond
    counters (`/proc/PID/task/*/schedstat`): /proc/PID/stat counts 10 ms ticks, too coarse for a few ms of work."""
    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            tasks = list(Path(f"/proc/{p}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, IndexError, ValueError):
                pass
    return total / 1e9


def descendants(pid: int) -> list[int]:
    found = []
    try:
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
    except OSError:
        return found
    for child in children:
        found.append(int(child))
        found.extend(descendants(int(child)))
    return found


@contextlib.contextmanager
def stopped(pids: list[int]):
    """Suspends these processes (SIGSTOP) for the duration of the block, then resumes them."""
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)


class Sampler:
    """Samples RSS and CPU of some processes every 50 ms while a workload runs."""

    def __init__(self, pids: dict[str, int]):
        self.pids = pids
        self.peak = {name: 0 for name in pids}
        self.start = {}
        self.end = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.t0 = time.monotonic()
        for name, pid in self.pids.items():
            rss, cpu = proc_sample(pid)
            self.start[name] = (rss, cpu)
            self.peak[name] = rss
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(0.05):
            for name, pid in self.pids.items():
                rss, _ = proc_sample(pid)
                self.peak[name] = max(self.peak[name], rss)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.wall = time.monotonic() - self.t0
        for name, pid in self.pids.items():
            self.end[name] = proc_sample(pid)
            self.peak[name] = max(self.peak[name], self.end[name][0])

    def report(self) -> dict:
        out = {}
        for name in self.pids:
            cpu = self.end[name][1] - self.start[name][1]
            out[name] = {
                "rss_before_mb": self.start[name][0] / 2**20,
                "rss_peak_mb": self.peak[name] / 2**20,
                "rss_after_mb": self.end[name][0] / 2**20,
                "cpu_s": cpu,
                "cpu_cores": cpu / self.wall if self.wall > 0 else 0,
                "wall_s": self.wall,
            }
        return out


# ---------------------------------------------------------------- the systems under test


class Bench:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.bin = Path(args.bin_dir)
        self.work = Path(tempfile.mkdtemp(prefix="switchboard-bench-"))
        self.processes: list[Process] = []
        self.results: dict = {"workloads": {}, "notes": []}
        self.mock_port = free_port()
        self.mock_url = f"http://127.0.0.1:{self.mock_port}"
        self.sb_port = free_port()
        self.sb_url = f"http://127.0.0.1:{self.sb_port}"
        self.cl_port = free_port()
        self.cl_url = f"http://127.0.0.1:{self.cl_port}"
        self.codexlb: Process | None = None
        self.codexlb_error: str | None = None
        self.accounts: list[dict] = []
        self.codexlb_ids: dict[str, str] = {}

    # -- timing knobs
    def t(self, full: float, quick: float) -> float:
        return quick if self.quick else full

    def start(self, name: str, argv: list[str], env: dict | None = None, cwd: Path | None = None) -> Process:
        full_env = dict(os.environ)
        full_env.update(env or {})
        process = Process(name, argv, full_env, self.work / f"{name}.log", cwd)
        self.processes.append(process)
        return process

    def stop_all(self):
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()

    # -- mock
    def start_mock(self):
        self.mock = self.start("mock", [str(self.bin / "switchboard"), "mock-upstream", "--port", str(self.mock_port), "--deltas", "10", "--event-delay-ms", "0"])
        wait_until(lambda: http("GET", self.mock_url + "/_mock/health")[0] == 200, 30, "the mock upstream")
        self.set_stream(10, 0)

    def set_stream(self, deltas: int, delay_ms: int):
        status, _ = http_json("PUT", self.mock_url + "/_mock/stream", {"delta_count": deltas, "event_delay_ms": delay_ms})
        assert status == 204, f"PUT /_mock/stream answered {status}"

    def create_account(self, email: str, lifetime: float | None = None) -> dict:
        spec = {"email": email}
        if lifetime is not None:
            spec["access_token_lifetime_seconds"] = lifetime
        status, auth = http_json("POST", self.mock_url + "/_mock/accounts", spec)
        assert status == 201, f"creating {email}: {status} {auth}"
        path = self.work / f"{email}.auth.json"
        path.write_text(json.dumps(auth))
        return {"email": email, "auth": auth, "path": path}

    def counters(self, email: str) -> dict:
        status, data = http_json("GET", self.mock_url + f"/_mock/accounts/{email}/counters")
        assert status == 200, data
        return data

    # -- switchboard
    def sb_env(self, data_dir: Path) -> dict:
        return {
            "SWITCHBOARD_UPSTREAM_BASE_URL": self.mock_url + "/backend-api",
            "SWITCHBOARD_AUTH_BASE_URL": self.mock_url,
            "SWITCHBOARD_LOG_LEVEL": "warning",
            "SWITCHBOARD_DATA_DIR": str(data_dir),
        }

    def switchboard_cli(self, *arguments: str):
        data_dir = self.sb_data
        result = subprocess.run([str(self.bin / "switchboard"), *arguments, "--data-dir", str(data_dir)], env={**os.environ, **self.sb_env(data_dir)}, capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError(f"switchboard {' '.join(arguments)} failed: {result.stderr.strip()}")
        return result.stdout

    def start_switchboard(self, first_accounts: list[dict], name: str = "switchboard-data", env: dict | None = None):
        data_dir = self.sb_data = self.work / name
        data_dir.mkdir(exist_ok=True)
        self.switchboard_cli("accounts", "import", *[str(a["path"]) for a in first_accounts])
        self.switchboard = self.start("switchboard", [str(self.bin / "switchboard"), "serve", "--host", "127.0.0.1", "--port", str(self.sb_port)], {**self.sb_env(data_dir), **(env or {})})
        wait_until(lambda: http("GET", self.sb_url + "/health/ready")[0] == 200, 60, "switchboard /health/ready")

    def sb_active(self) -> int:
        status, data = http_json("GET", self.sb_url + "/health/ready")
        return int(data.get("active_accounts", 0)) if status == 200 and isinstance(data, dict) else 0

    # -- codex-lb
    def codexlb_env(self, data_dir: Path) -> dict:
        return {
            "CODEX_LB_DATA_DIR": str(data_dir),
            "CODEX_LB_UPSTREAM_BASE_URL": self.mock_url + "/backend-api",
            "BENCH_AUTH_BASE_URL": self.mock_url,
            # Plain HTTP streaming to the upstream (the mock has no websocket endpoint).
            "CODEX_LB_UPSTREAM_STREAM_TRANSPORT": "http",
            "CODEX_LB_HTTP_RESPONSES_SESSION_BRIDGE_ENABLED": "false",
            # No calls off this machine: telemetry, the Codex release lookup of the model registry.
            "CODEX_LB_TELEMETRY_ENABLED": "false",
            "CODEX_LB_MODEL_REGISTRY_ENABLED": "false",
            "CODEX_LB_CONVERSATION_ARCHIVE_ENABLED": "false",
            # Its admission limits would otherwise answer 429/503 (after a 30 s wait) long before it is
            # busy: 4 response creates and 8 streams per account, a 512-request bulkhead, 256 concurrent
            # response creates, and at most 50 upstream connections per host. 0 = unlimited for each.
            "CODEX_LB_PROXY_ACCOUNT_STREAM_LIMIT": "0",
            "CODEX_LB_PROXY_ACCOUNT_RESPONSE_CREATE_LIMIT": "0",
            "CODEX_LB_PROXY_RESPONSE_CREATE_LIMIT": "0",
            "CODEX_LB_BULKHEAD_PROXY_LIMIT": "0",
            "CODEX_LB_HTTP_CONNECTOR_LIMIT": "0",
            "CODEX_LB_HTTP_CONNECTOR_LIMIT_PER_HOST": "0",
            "HOME": str(data_dir),
            "NO_PROXY": "*",
        }

    def start_codexlb(self, first_accounts: list[dict], name: str = "codexlb-data"):
        python = Path(self.args.venv) / "bin" / "python"
        if self.args.skip_codexlb:
            self.codexlb_error = "skipped (--skip-codexlb)"
            return
        if not python.exists():
            self.codexlb_error = f"not installed ({python} missing; see the bench/run.sh output)"
            return
        data_dir = self.work / name
        data_dir.mkdir()
        template = Path(self.args.venv) / "codex-lb-template" / "store.db"
        if template.exists():
            # Migrated once by bench/run.sh (`codex-lb-db upgrade head`): skips a minute of startup migrations.
            shutil.copy2(template, data_dir / "store.db")
        self.codexlb = self.start(
            "codex-lb", [str(python), str(BENCH / "codex-lb" / "launch.py"), "--host", "127.0.0.1", "--port", str(self.cl_port)],
            self.codexlb_env(data_dir), cwd=data_dir)

        def up():
            if not self.codexlb.alive():
                raise RuntimeError(f"exited with {self.codexlb.popen.returncode}")
            return http("GET", self.cl_url + "/health", timeout=2)[0] == 200

        try:
            wait_until(up, 300, "codex-lb /health", 0.5)
            for account in first_accounts:
                self.codexlb_import(account)
        except Exception as error:  # noqa: BLE001
            self.codexlb_error = f"did not start: {error}; log tail:\n{self.codexlb.tail()}"
            self.codexlb.stop()
            self.codexlb = None

    def codexlb_import(self, account: dict):
        boundary = "----bench" + uuid.uuid4().hex
        body = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"auth_json\"; filename=\"auth.json\"\r\n"
            f"Content-Type: application/json\r\n\r\n{json.dumps(account['auth'])}\r\n--{boundary}--\r\n"
        ).encode()
        status, data = http("POST", self.cl_url + "/api/accounts/import", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout=30)
        if status != 200:
            raise RuntimeError(f"codex-lb import of {account['email']} answered {status}: {data[:300]!r}")
        self.codexlb_ids[account["email"]] = json.loads(data)["accountId"]

    # -- the load generator
    def load(self, name: str, url: str, *, body: str, headers: list[str] = (), rate: float | None = None, duration: float,
             warmup: float = 0, connections: int = 64, per_connection: int = 0, sse: bool = False, drain: float = 20,
             connect_batch: int = 128, method: str = "POST", also_ports: list[int] = ()) -> dict:
        out = self.work / f"load-{name}.json"
        body_path = self.work / f"body-{abs(hash(body))}.json"
        body_path.write_text(body)
        argv = [str(self.bin / "switchboard-load"), "--url", url, "--body-file", str(body_path), "--duration", str(duration),
                "--warmup", str(warmup), "--connections", str(connections), "--drain-timeout", str(drain),
                "--connect-batch", str(connect_batch), "--json", str(out), "--label", name, "--method", method]
        for header in headers:
            argv += ["--header", header]
        for port in also_ports:
            argv += ["--also-port", str(port)]
        if rate is not None:
            argv += ["--rate", str(rate)]
        if per_connection:
            argv += ["--requests-per-connection", str(per_connection)]
        if sse:
            argv.append("--sse")
        limit = duration + warmup + drain + 90  # the generator stops itself well before (connect phase 30 s)
        result = subprocess.run(argv, capture_output=True, text=True, timeout=limit)
        if result.returncode != 0:
            raise RuntimeError(f"switchboard-load {name} failed: {result.stderr.strip()[-800:]}")
        data = json.loads(out.read_text())
        lat = data.get("latency_us", {})
        extra = f" first-event p50 {data['first_event_us'].get('p50', 0):.0f} µs" if sse and "first_event_us" in data else ""
        log(f"  {name}: {data['ok']}/{data['completed']} ok, {data['throughput_rps']:.0f} req/s, p50 {lat.get('p50', 0):.0f} µs, "
            f"p99 {lat.get('p99', 0):.0f} µs{extra}, errors {data['transport_errors']}, timed out {data['timed_out']}")
        return data

    # -- request shapes
    def upstream_body(self) -> str:
        return json.dumps({
            "model": MODEL, "instructions": INSTRUCTIONS, "stream": True, "store": False,
            "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": PROMPT}]}],
        })

    def direct_headers(self) -> list[str]:
        tokens = self.accounts[0]["auth"]["tokens"]
        return [f"Authorization: Bearer {tokens['access_token']}", f"chatgpt-account-id: {tokens['account_id']}", "Accept: text/event-stream"]

    def targets(self) -> list[tuple[str, str]]:
        targets = [("direct", self.mock_url), ("switchboard", self.sb_url)]
        if self.codexlb is not None:
            targets.append(("codex-lb", self.cl_url))
        return targets

    def gateway_pids(self) -> dict[str, int]:
        pids = {"mock": self.mock.pid, "switchboard": self.switchboard.pid}
        if self.codexlb is not None:
            pids["codex-lb"] = self.codexlb.pid
        return pids

    def responses_request(self, target: str, base: str) -> tuple[str, str, list[str]]:
        """(url, body, headers) of one non-streaming Responses call on `target`."""
        if target == "direct":
            return base + "/backend-api/codex/responses", self.upstream_body(), self.direct_headers()
        return base + "/v1/responses", json.dumps({"model": MODEL, "input": PROMPT, "stream": False}), []

    def stream_request(self, target: str, base: str) -> tuple[str, str, list[str]]:
        headers = self.direct_headers() if target == "direct" else ["Accept: text/event-stream"]
        return base + "/backend-api/codex/responses", self.upstream_body(), headers

    # ------------------------------------------------------------ workloads

    def settle(self, target: str, limit: float = 20):
        """Waits until the target's process is idle (the previous workload may have left work queued)."""
        pid = self.gateway_pids().get(target if target != "direct" else "mock")
        if pid is None:
            return
        deadline = time.monotonic() + limit
        step = 0.25
        cpu = run_time(pid)
        while time.monotonic() < deadline:
            time.sleep(step)
            now = run_time(pid)
            if now - cpu < 0.15 * step:  # under 15% of a core (codex-lb's background jobs use a few %)
                return
            cpu = now
        log(f"  ({target} still busy after {limit:.0f}s)")

    def measure(self, name: str, target: str, url: str, **load_args) -> dict:
        """One load run against one target, with the CPU and RSS of its process (and the mock's)."""
        self.settle(target)
        if target != "direct":
            self.settle("direct", 5)
        pids = {k: v for k, v in self.gateway_pids().items() if k in (target, "mock")}
        # The other gateways are stopped (SIGSTOP) for the run: their idle work (codex-lb's background
        # tasks, a collector) would otherwise take CPU from the one being measured on a shared machine.
        bystanders = [pid for k, pid in self.gateway_pids().items() if k not in (target, "mock")]
        try:
            with Sampler(pids) as sampler, stopped(bystanders):
                data = self.load(name, url, **load_args)
        except Exception as error:  # noqa: BLE001
            log(f"  {name} failed: {error}")
            return {"error": str(error)}
        data["resources"] = sampler.report()
        return data

    def max_rps(self, target: str) -> float | None:
        return self.results["workloads"].get("b", {}).get(target, {}).get("ok_rps")

    def workload_f(self):
        """1,000 concurrent requests on one account whose access token the upstream says has expired."""
        n = 1000
        log(f"(f) {n} concurrent requests on an account with an expired access token")
        out = self.results["workloads"]["f"] = {"requests": n}
        for target, base in self.targets()[1:]:
            if target == "codex-lb" and self.quick:
                out[target] = {"skipped": "not in quick mode (codex-lb takes minutes for 1,000 concurrent requests)"}
                continue
            email = f"expired-{target}@bench.test"
            # A fresh gateway process whose only account is this one: no queue left over from (d), and
            # the burst cannot fail over to another account.
            if target == "switchboard":
                self.switchboard.stop()
                self.start_switchboard([self.expired_accounts[target]], "switchboard-f")
            else:
                self.codexlb.stop()
                self.start_codexlb([self.expired_accounts[target]], "codexlb-f")
                if self.codexlb is None:
                    out[target] = {"error": self.codexlb_error}
                    continue
            time.sleep(2)  # let the startup usage poll finish before the token expires
            # The access token (valid when imported) is now expired upstream: the next use answers
            # 401 token_expired, so the gateway has to refresh (once, shared) and retry.
            status, _ = http_json("POST", self.mock_url + f"/_mock/accounts/{email}/expire")
            assert status == 204, status
            before = self.counters(email)
            url, body, headers = self.responses_request(target, base)
            drain = self.t(60, 30)
            data = self.measure(f"f-{target}-expired", target, url, body=body, headers=headers, connections=n, per_connection=1, duration=1, drain=drain)
            after = self.counters(email)
            again = self.measure(f"f-{target}-valid", target, url, body=body, headers=headers, connections=n, per_connection=1, duration=1, drain=drain)
            final = self.counters(email)
            out[target] = {
                "token_calls": after["token_calls"] - before["token_calls"],
                "token_calls_second_burst": final["token_calls"] - after["token_calls"],
                "upstream_responses_calls": after["responses_calls"] - before["responses_calls"],
                "expired": data, "valid": again, "account": email,
            }
            log(f"  {target}: {out[target]['token_calls']} token call(s), {data.get('ok', 0)}/{n} ok")

    def workload_b(self):
        duration, warmup = self.t(10, 2), self.t(2, 0.5)
        log(f"(b) maximum req/s, closed loop, 64 connections, {duration}s")
        out = self.results["workloads"]["b"] = {}
        for target, base in self.targets():
            url, body, headers = self.responses_request(target, base)
            # codex-lb answers 64 concurrent requests in seconds: give it time to reach a steady state.
            slow = target == "codex-lb"
            out[target] = self.measure(f"b-{target}", target, url, body=body, headers=headers, duration=max(duration, 4) if slow else duration,
                                       warmup=max(warmup, 4) if slow else warmup, connections=64, drain=15)

    def workload_g(self):
        """(b) through switchboard, each time on a fresh process and database: request log on, then off."""
        duration, warmup = self.t(10, 2), self.t(2, 0.5)
        log(f"(g) maximum req/s through switchboard with the request log on and off, {duration}s each")
        out = self.results["workloads"]["g"] = {}
        # On, off, on, off: the best run of each counts, so a slow moment of a shared machine hits neither mode alone.
        # Quick mode runs each once (it must stay under two minutes).
        for attempt, (mode, env) in enumerate((("log_on", {}), ("log_off", {"SWITCHBOARD_REQUEST_LOG_DAYS": "0"})) * (1 if self.quick else 2)):
            self.switchboard.stop()
            self.start_switchboard(self.accounts, f"switchboard-g-{mode}-{attempt}", env)
            url, body, headers = self.responses_request("switchboard", self.sb_url)
            run = self.measure(f"g-{mode}-{attempt}", "switchboard", url, body=body, headers=headers, duration=duration, warmup=warmup, connections=64, drain=15)
            if run.get("ok_rps", 0) >= out.get(mode, {}).get("ok_rps", 0):
                out[mode] = run
        on, off = out["log_on"].get("ok_rps"), out["log_off"].get("ok_rps")
        if on and off:
            out["cost_percent"] = (off - on) / off * 100
            log(f"  request log cost: {on:.0f} vs {off:.0f} req/s = {out['cost_percent']:.1f} %")

    def start_postgres(self) -> str:
        """A throwaway PostgreSQL on loopback (as the tests start it): initdb in the work dir, stopped with the rest."""
        versions = sorted((int(v) for v in os.listdir("/usr/lib/postgresql") if v.isdigit()), reverse=True) if os.path.isdir("/usr/lib/postgresql") else []
        if not versions:
            raise RuntimeError("PostgreSQL is not installed (make deps)")
        pg_bin = Path(f"/usr/lib/postgresql/{versions[0]}/bin")
        # A folder of its own: the work dir is private to this user, and the server runs as `postgres`.
        root = self.pg_root = Path(tempfile.mkdtemp(prefix="switchboard-bench-pg-"))
        as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if as_user:
            shutil.chown(root, "postgres", "postgres")
        subprocess.run([*as_user, str(pg_bin / "initdb"), "-D", str(root / "data"), "-U", "postgres", "--auth=trust", "--no-sync"],
                       check=True, capture_output=True, cwd="/tmp")
        port = free_port()
        self.postgres = self.start("postgres", [*as_user, str(pg_bin / "postgres"), "-D", str(root / "data"), "-p", str(port), "-k", str(root),
                                                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off"], cwd=Path("/tmp"))
        wait_until(lambda: subprocess.run([str(pg_bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True).returncode == 0, 30, "PostgreSQL")
        subprocess.run([str(pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "switchboard"], check=True, capture_output=True)
        return f"postgres://postgres@127.0.0.1:{port}/switchboard"

    def workload_h(self):
        """(b) against two instances on one PostgreSQL, the generator alternating between them, vs one on SQLite."""
        duration, warmup = self.t(10, 2), self.t(2, 0.5)
        log(f"(h) maximum req/s: two instances on PostgreSQL (round-robin) vs one on SQLite, {duration}s each")
        out = self.results["workloads"]["h"] = {}
        url = self.start_postgres()
        key = base64.b64encode(os.urandom(32)).decode()
        data_dir = self.work / "switchboard-h"
        data_dir.mkdir(exist_ok=True)
        env = {**self.sb_env(data_dir), "SWITCHBOARD_DATABASE_URL": url, "SWITCHBOARD_ENCRYPTION_KEY": key}
        subprocess.run([str(self.bin / "switchboard"), "accounts", "import", *[str(a["path"]) for a in self.accounts]],
                       env={**os.environ, **env}, check=True, capture_output=True, timeout=60)
        ports = [free_port(), free_port()]
        for index, port in enumerate(ports):
            self.start(f"switchboard-pg-{index}", [str(self.bin / "switchboard"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                       {**env, "SWITCHBOARD_DATA_DIR": str(data_dir / str(index))})
            wait_until(lambda: http("GET", f"http://127.0.0.1:{port}/health/ready")[0] == 200, 60, f"instance {index} /health/ready")
        body = json.dumps({"model": MODEL, "input": PROMPT, "stream": False})
        # Best of two runs each (one in quick mode), alternating, so a slow moment of a shared machine hits neither alone.
        for attempt in range(1 if self.quick else 2):
            # One instance on PostgreSQL too: what the store costs, apart from two processes sharing the cores.
            for name, base, extra in (("sqlite_one", self.sb_url, []), ("postgres_one", f"http://127.0.0.1:{ports[0]}", []),
                                      ("postgres_two", f"http://127.0.0.1:{ports[0]}", ports[1:])):
                run = self.measure(f"h-{name}-{attempt}", "switchboard", base + "/v1/responses", body=body, duration=duration, warmup=warmup,
                                   connections=64, drain=15, also_ports=extra)
                if run.get("ok_rps", 0) >= out.get(name, {}).get("ok_rps", 0):
                    out[name] = run
        for process in [p for p in self.processes if p.name.startswith("switchboard-pg-") or p.name == "postgres"]:
            process.stop()
            self.processes.remove(process)
        shutil.rmtree(self.pg_root, ignore_errors=True)
        one, two = out["sqlite_one"], out["postgres_two"]
        if one.get("ok_rps") and two.get("ok_rps"):
            out["added_p99_us"] = two["latency_us"]["p99"] - one["latency_us"]["p99"]
            log(f"  two on PostgreSQL {two['ok_rps']:.0f} req/s vs one on SQLite {one['ok_rps']:.0f} req/s; added p99 {out['added_p99_us']:.0f} µs"
                f" (one on PostgreSQL: {out['postgres_one'].get('ok_rps', 0):.0f} req/s)")
    def wrk_run(self, name: str, target: str, url: str, body: str, headers: list[str], duration: float, connections: int = 64) -> dict:
        """One closed-loop wrk run (1 thread) against `target`, with the CPU of its process (and the mock's)."""
        script = self.work / f"wrk-{name}.lua"
        lines = ['wrk.method = "POST"', f"wrk.body = [==[{body}]==]", 'wrk.headers["Content-Type"] = "application/json"']
        for header in headers:
            key, value = header.split(":", 1)
            lines.append(f"wrk.headers[{json.dumps(key.strip())}] = {json.dumps(value.strip())}")
        script.write_text("\n".join(lines) + "\n")
        self.settle(target)
        pids = {k: v for k, v in self.gateway_pids().items() if k in (target, "mock")}
        bystanders = [pid for k, pid in self.gateway_pids().items() if k not in (target, "mock")]
        with Sampler(pids) as sampler, stopped(bystanders):
            result = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{duration:.0f}s", "--latency", "-s", str(script), url],
                                    capture_output=True, text=True, timeout=duration + 60)
        text = result.stdout
        def number(pattern, default=0.0):
            match = re.search(pattern, text)
            return float(match.group(1)) if match else default
        def latency_us(percent):
            match = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
            return float(match.group(1)) * {"us": 1, "ms": 1e3, "s": 1e6}[match.group(2)] if match else None
        requests = number(r"(\d+) requests in")
        out = {"rps": number(r"Requests/sec:\s+([\d.]+)"), "requests": requests, "non_2xx": number(r"Non-2xx or 3xx responses: (\d+)"),
               "p50_us": latency_us(50), "p99_us": latency_us(99), "resources": sampler.report(), "raw": text}
        if target != "direct" and requests:
            out["cpu_us_per_request"] = out["resources"][target]["cpu_s"] / requests * 1e6
        log(f"  wrk {target}: {out['rps']:.0f} req/s, non-2xx {out['non_2xx']:.0f}, p99 {out['p99_us'] or 0:.0f} µs"
            + (f", gateway CPU {out['cpu_us_per_request']:.0f} µs/request" if "cpu_us_per_request" in out else ""))
        return out

    def workload_w(self):
        """wrk against direct, switchboard and codex-lb (same requests as (b)), then allocations per proxied request."""
        out = self.results["workloads"]["w"] = {}
        duration = self.t(10, 2)
        if shutil.which("wrk"):
            log(f"(w) wrk cross-check: 64 connections, {duration}s per target")
            for target, base in self.targets():
                if target == "codex-lb" and self.quick:
                    out[target] = {"skipped": "not in quick mode"}
                    continue
                url, body, headers = self.responses_request(target, base)
                out[target] = self.wrk_run(f"w-{target}", target, url, body, headers, duration)
        else:
            out["wrk_missing"] = "wrk is not installed (apt-get install wrk)"
            log("(w) wrk is not installed: no cross-check")
        self.allocations(out)

    def allocations(self, out: dict):
        """Heap allocations per proxied request: a switchboard process with the LD_PRELOAD counter, read before
        and after a fixed number of requests (the count includes its idle background work, which is small)."""
        counter = self.bin / "libSwitchboardAllocationCounter.so"
        if not counter.exists():
            out["allocations"] = {"error": f"{counter} was not built"}
            return
        count_file = self.work / "allocation-count"
        self.switchboard.stop()
        self.start_switchboard(self.accounts, "switchboard-allocations", {"LD_PRELOAD": str(counter), "SWITCHBOARD_ALLOCATION_COUNT_FILE": str(count_file)})
        pid = self.switchboard.pid

        def read_count() -> int:
            count_file.unlink(missing_ok=True)
            os.kill(pid, signal.SIGUSR2)
            wait_until(count_file.exists, 10, "the allocation count")
            return int(count_file.read_text())

        result = {}
        requests = int(self.t(2000, 1000))
        for route, (url, body, headers, sse) in {
            "/v1/responses": (*self.responses_request("switchboard", self.sb_url), False),
            "/backend-api/codex/responses": (*self.stream_request("switchboard", self.sb_url), True),
        }.items():
            self.load(f"alloc-warmup-{len(result)}", url, body=body, headers=headers, duration=1, connections=8, per_connection=50, sse=sse, drain=60)
            before = read_count()
            data = self.load(f"alloc-{len(result)}", url, body=body, headers=headers, duration=1, connections=8, per_connection=requests // 8, sse=sse, drain=120)
            after = read_count()
            ok = data.get("ok", 0)
            result[route] = {"requests": ok, "allocations": after - before, "per_request": (after - before) / ok if ok else None}
            log(f"  allocations {route}: {result[route]['per_request']:.0f} per request ({ok} requests)")
        out["allocations"] = result
        self.switchboard.stop()
        self.start_switchboard(self.accounts, "switchboard-after-allocations")

    def workload_k(self):
        """10,000 accounts (500 in quick mode): what stays flat as the pool grows."""
        n = 500 if self.quick else 10000
        log(f"(k) {n:,} accounts")
        out = self.results["workloads"]["k"] = {"accounts": n}
        from concurrent.futures import ThreadPoolExecutor
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            accounts = list(pool.map(lambda i: self.create_account(f"k-{i}@bench.test"), range(n)))
        log(f"  created {n:,} mock accounts in {time.monotonic() - started:.1f}s")
        data_dir = self.sb_data = self.work / "switchboard-k"
        data_dir.mkdir(exist_ok=True)
        started = time.monotonic()
        for i in range(0, n, 1000):
            self.switchboard_cli("accounts", "import", *[str(a["path"]) for a in accounts[i:i + 1000]])
        out["import_s"] = time.monotonic() - started
        # A usage round every `interval` s: the first at start-up, the next one inside the measurement below.
        interval = int(self.t(30, 4))
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        started = time.monotonic()
        server = self.start("switchboard-k", [str(self.bin / "switchboard"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            {**self.sb_env(data_dir), "SWITCHBOARD_USAGE_INTERVAL": str(interval)})
        wait_until(lambda: http("GET", url + "/health/ready")[0] == 200, 120, "switchboard /health/ready with many accounts")
        out["ready_s"] = time.monotonic() - started

        def usage_calls() -> int:
            accounts = http_json("GET", self.mock_url + "/_mock/counters")[1].get("accounts", {})
            return sum(counters.get("usage_calls", 0) for counters in accounts.values())

        # Idle: after the start-up usage round has finished.
        deadline = time.monotonic() + 120
        calls = usage_calls()
        while time.monotonic() < deadline:
            time.sleep(1)
            now = usage_calls()
            if now == calls:
                break
            calls = now
        out["startup_round_usage_calls"] = calls
        out["idle_rss_mb"] = proc_sample(server.pid)[0] / 2**20
        started = time.monotonic()
        listed = json.loads(self.switchboard_cli("accounts", "list", "--json"))
        out["list_json_s"] = time.monotonic() - started
        out["list_json_rows"] = len(listed)
        # CLI changes picked up by the running server: time until each shows, and the server's CPU for it
        # (scheduler run time; its run time over as long a span without a change is subtracted).
        span = self.t(1.5, 0.5)
        active = int(http_json("GET", url + "/health/ready")[1].get("active_accounts", 0))
        visible, cpu = [], []
        for paused in accounts[:3]:
            before = run_time(server.pid)
            time.sleep(span)
            idle = run_time(server.pid) - before
            started = time.monotonic()
            before = run_time(server.pid)
            self.switchboard_cli("accounts", "pause", paused["email"])
            changed = time.monotonic()
            active -= 1
            wait_until(lambda: int(http_json("GET", url + "/health/ready")[1].get("active_accounts", 0)) == active, 30, "the paused account to leave the pool", interval=0.05)
            visible.append(time.monotonic() - changed)
            time.sleep(max(0.0, span - (time.monotonic() - started)))
            cpu.append(max(0.0, run_time(server.pid) - before - idle) * 1000)
        out["change_visible_s"] = statistics.median(visible)
        out["change_cpu_ms"] = statistics.median(cpu)
        # Request p99 at 200 req/s without a usage round, then with one: the next round starts `interval`
        # after the first began; a window of `interval` seconds is sure to contain it.
        body, headers = json.dumps({"model": MODEL, "input": PROMPT, "stream": False}), []
        quiet = self.load("k-quiet", url + "/v1/responses", body=body, headers=headers, rate=200, duration=self.t(5, 1), drain=10)
        before = usage_calls()
        during = self.load("k-round", url + "/v1/responses", body=body, headers=headers, rate=200, duration=interval, drain=10)
        out["round_usage_calls_during"] = usage_calls() - before
        out["p99_quiet_us"] = quiet.get("latency_us", {}).get("p99")
        out["p99_round_us"] = during.get("latency_us", {}).get("p99")
        out["ok_quiet"], out["ok_round"] = quiet.get("ok"), during.get("ok")
        server.stop()
        log(f"  ready {out['ready_s']:.2f}s, idle RSS {out['idle_rss_mb']:.0f} MB, list --json {out['list_json_s']:.2f}s, "
            f"change visible {out['change_visible_s'] * 1000:.0f} ms ({out['change_cpu_ms']:.0f} ms CPU), "
            f"p99 {out['p99_quiet_us'] or 0:.0f} µs quiet vs {out['p99_round_us'] or 0:.0f} µs with a round ({out['round_usage_calls_during']} usage calls)")

    def workload_a(self):
        rates = [1000] if self.quick else [10, 100, 1000]  # 10/s: a rate codex-lb can sustain
        duration, warmup = self.t(10, 2), self.t(2, 0.5)
        log(f"(a) non-streaming /v1/responses, open loop at {rates} req/s, {duration}s each")
        out = self.results["workloads"]["a"] = {}
        for rate in rates:
            out[str(rate)] = {}
            for target, base in self.targets():
                best = self.max_rps(target)
                if best is not None and best < 0.5 * rate:
                    # Far past its maximum: the queue would only grow for the whole window.
                    out[str(rate)][target] = {"skipped": f"its maximum in (b) is {best:.0f} req/s, under half of {rate}"}
                    log(f"  a-{target}-{rate}: skipped (max {best:.0f} req/s in (b))")
                    continue
                url, body, headers = self.responses_request(target, base)
                out[str(rate)][target] = self.measure(f"a-{target}-{rate}", target, url, body=body, headers=headers, rate=rate, duration=duration, warmup=warmup, connections=64, drain=15)
            # The floor under any gateway's added latency: one more loopback HTTP exchange, here with a
            # trivial answer (the mock's health route) at the same rate and connection count.
            out[str(rate)][HOP] = self.measure(f"a-hop-{rate}", "direct", self.mock_url + "/_mock/health", body="", method="GET", rate=rate, duration=duration, warmup=warmup, connections=64, drain=15)

    def workload_c(self):
        rates = [100] if self.quick else [10, 100]  # 10 streams/s: a rate codex-lb can sustain
        duration, warmup = self.t(10, 2), self.t(2, 0.5)
        self.set_stream(STREAM_EVENTS - FIXED_EVENTS, 0)
        log(f"(c) streaming, {STREAM_EVENTS} events per stream, open loop at {rates} streams/s, {duration}s")
        out = self.results["workloads"]["c"] = {"events_per_stream": STREAM_EVENTS, "rates": {}}
        for rate in rates:
            runs = out["rates"][str(rate)] = {}
            for target, base in self.targets():
                best = self.max_rps(target)
                if best is not None and best < 0.5 * rate:
                    runs[target] = {"skipped": f"its maximum in (b) is {best:.0f} req/s, under half of {rate}"}
                    log(f"  c-{target}-{rate}: skipped (max {best:.0f} req/s in (b))")
                    continue
                url, body, headers = self.stream_request(target, base)
                runs[target] = self.measure(f"c-{target}-{rate}", target, url, body=body, headers=headers, rate=rate, duration=duration, warmup=warmup, connections=32, sse=True, drain=15)
        self.set_stream(10, 0)

    def workload_d(self):
        n = 2000
        deltas, delay = (10, 200) if self.quick else (20, 400)
        events = deltas + FIXED_EVENTS
        log(f"(d) {n} concurrent open streams ({events} events, one every {delay} ms: ~{events * delay / 1000:.0f}s each)")
        self.set_stream(deltas, delay)
        out = self.results["workloads"]["d"] = {"streams": n, "events_per_stream": events, "event_delay_ms": delay}
        for target, base in self.targets():
            if target == "codex-lb" and self.quick:
                out[target] = {"skipped": "not in quick mode (codex-lb takes minutes to open 2,000 streams)"}
                continue
            url, body, headers = self.stream_request(target, base)
            out[target] = self.measure(f"d-{target}", target, url, body=body, headers=headers, connections=n, per_connection=1, duration=1, sse=True, drain=self.t(120, 45), connect_batch=256)
        self.set_stream(10, 0)

    def workload_e(self):
        log("(e) Balancer.pick micro-benchmark")
        argv = [str(self.bin / "switchboard-pick-bench")] + (["--quick"] if self.quick else [])
        result = subprocess.run(argv, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            raise RuntimeError(f"switchboard-pick-bench failed: {result.stderr[-500:]}")
        data = json.loads(result.stdout)
        for size in data["sizes"]:
            cases = data["results"][str(size)]["cases"]
            log(f"  {size} accounts: no_key {cases['no_key']['batched']['mean_ns']:.0f} ns, sticky {cases['sticky']['batched']['mean_ns']:.0f} ns, "
                f"single p99 {cases['no_key']['single']['p99_ns']:.0f} ns")
        self.results["workloads"]["e"] = data

    def check_generator(self):
        """The load generator alone against the mock: how far above the gateway's rate it can go."""
        b = self.results["workloads"].get("b", {})
        direct = b.get("direct", {}).get("ok_rps", 0)
        sb = b.get("switchboard", {}).get("ok_rps", 0)
        self.results["generator_check"] = {
            "direct_max_rps": direct, "switchboard_max_rps": sb, "headroom": direct / sb if sb else None,
            "open_loop_schedule_lag_p99_us": {
                k: v.get("schedule_lag_us", {}).get("p99") for k, v in self.results["workloads"].get("a", {}).get("1000", {}).items()
            },
        }

    # ------------------------------------------------------------ run

    def run(self):
        started = time.time()
        self.results["meta"] = machine_info(self.args)
        self.results["meta"]["quick"] = self.quick
        self.results["meta"]["loadavg_before"] = os.getloadavg()
        log(f"work dir {self.work}")
        self.start_mock()
        self.accounts = [self.create_account(f"pool-{i}@bench.test") for i in range(1, POOL_SIZE + 1)]
        self.expired_accounts = {t: self.create_account(f"expired-{t}@bench.test") for t in ("switchboard", "codex-lb")}
        self.start_switchboard(self.accounts)
        log("switchboard is up; starting codex-lb")
        self.start_codexlb(self.accounts)
        if self.codexlb is None:
            log(f"codex-lb unavailable: {self.codexlb_error}")
            self.results["codexlb_error"] = self.codexlb_error
        time.sleep(2)
        for name, step in (("b", self.workload_b), ("w", self.workload_w), ("a", self.workload_a), ("c", self.workload_c), ("d", self.workload_d)):
            self.run_step(name, step)
        # Then: each gateway is restarted, for (g) with the request log on and off, for (f) with only its (f) account.
        self.run_step("g", self.workload_g)
        self.run_step("h", self.workload_h)
        self.run_step("k", self.workload_k)
        self.run_step("f", self.workload_f)
        self.stop_all()
        self.run_step("e", self.workload_e)
        self.check_generator()
        self.results["meta"]["loadavg_after"] = os.getloadavg()
        self.results["meta"]["elapsed_s"] = time.time() - started
        self.results["logs"] = str(self.work)

    def run_step(self, name: str, step):
        if self.args.only and name not in self.args.only:
            return
        try:
            step()
        except Exception as error:  # noqa: BLE001
            log(f"workload {name} failed: {error}")
            self.results["workloads"].setdefault(name, {})["error"] = str(error)
            for process in self.processes:
                if not process.alive():
                    log(f"{process.name} exited; log tail:\n{process.tail()}")


def machine_info(args) -> dict:
    def read(path):
        try:
            return Path(path).read_text()
        except OSError:
            return ""

    cpu = re.search(r"model name\s*:\s*(.*)", read("/proc/cpuinfo"))
    mem = re.search(r"MemTotal:\s*(\d+)", read("/proc/meminfo"))

    def command(*argv):
        try:
            return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
        except Exception:  # noqa: BLE001
            return ""

    codexlb_version = ""
    python = Path(args.venv) / "bin" / "python"
    if python.exists():
        codexlb_version = command(str(python), "-c", "import importlib.metadata as m; print(m.version('codex-lb'))")
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": args.command_line,
        "nproc": os.cpu_count(),
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "memory_gib": round(int(mem.group(1)) / 2**20, 1) if mem else None,
        "kernel": platform.release(),
        "os": command("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"),
        "swift": command("swift", "--version").splitlines()[0] if command("swift", "--version") else "",
        "switchboard_commit": command("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"),
        "switchboard_dirty": bool(command("git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "Sources")),
        "codex_lb_version": codexlb_version,
        "network_namespace": os.environ.get("BENCH_NETNS", "host"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--bin-dir", required=True)
    parser.add_argument("--venv", default=str(BENCH / ".venv"))
    parser.add_argument("--results-dir", default=str(BENCH / "results"))
    parser.add_argument("--skip-codexlb", action="store_true")
    parser.add_argument("--command-line", default="make bench")
    parser.add_argument("--only", default="", help="run only these workloads, e.g. 'bf' (for debugging)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory with the logs")
    args = parser.parse_args()

    bench = Bench(args)
    try:
        bench.run()
    finally:
        bench.stop_all()
    from report import write_outputs  # noqa: E402  (bench/report.py)

    write_outputs(bench.results, Path(args.results_dir), quick=args.quick)
    if not args.quick and not args.keep:
        shutil.rmtree(bench.work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH))
    main()
