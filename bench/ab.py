#!/usr/bin/env python3
"""Two builds side by side in one run (issue 19): one mock, switchboard A and B (each its own data directory,
the same account), wrk with 64 connections against direct, A and B in turn for ROUNDS rounds of SECONDS,
the gateways' CPU per request from /proc, then allocations per request (LD_PRELOAD counter).

    python3 bench/ab.py BIN_DIR_A BIN_DIR_B [ROUNDS] [SECONDS]

Each BIN_DIR holds `switchboard` and `libSwitchboardAllocationCounter.so` (copies of .build/release from
two commits). Needs wrk. Read the ratios, not the absolute numbers, on a shared machine."""
import json, os, re, signal, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path
A, B = Path(sys.argv[1]), Path(sys.argv[2])
ROUNDS = int(sys.argv[3]) if len(sys.argv) > 3 else 2
DUR = int(sys.argv[4]) if len(sys.argv) > 4 else 5
work = Path(tempfile.mkdtemp(prefix="perf19-ab-"))
def port():
    import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
procs = []
def start(argv, env, log):
    p = subprocess.Popen(argv, env={**os.environ, **env}, stdout=open(log, "w"), stderr=subprocess.STDOUT); procs.append(p); return p
def wait_http(url):
    for _ in range(300):
        try:
            if urllib.request.urlopen(url, timeout=1).status == 200: return
        except Exception: pass
        time.sleep(0.1)
    raise SystemExit("not up: " + url)
def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split(); return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
try:
    mp = port(); mock = start([str(A / "switchboard"), "mock-upstream", "--port", str(mp), "--deltas", "10", "--event-delay-ms", "0"], {}, work / "mock.log")
    wait_http(f"http://127.0.0.1:{mp}/_mock/health")
    req = urllib.request.Request(f"http://127.0.0.1:{mp}/_mock/accounts", data=b'{"email":"pool-1@bench.test"}', method="POST")
    auth = json.loads(urllib.request.urlopen(req).read()); (work / "auth.json").write_text(json.dumps(auth))
    sbs = {}
    for name, bin in (("A", A), ("B", B)):
        env = {"SWITCHBOARD_UPSTREAM_BASE_URL": f"http://127.0.0.1:{mp}/backend-api", "SWITCHBOARD_AUTH_BASE_URL": f"http://127.0.0.1:{mp}",
               "SWITCHBOARD_LOG_LEVEL": "warning", "SWITCHBOARD_DATA_DIR": str(work / f"data-{name}"),
               "LD_PRELOAD": str(bin / "libSwitchboardAllocationCounter.so"), "SWITCHBOARD_ALLOCATION_COUNT_FILE": str(work / f"count-{name}")}
        subprocess.run([str(bin / "switchboard"), "accounts", "import", str(work / "auth.json")], env={**os.environ, **env}, check=True, capture_output=True)
        p = port(); proc = start([str(bin / "switchboard"), "serve", "--port", str(p)], env, work / f"sb-{name}.log")
        wait_http(f"http://127.0.0.1:{p}/health"); sbs[name] = (p, proc)
    tok = auth["tokens"]
    def lua(path, body, headers):
        lines = ['wrk.method = "POST"', f"wrk.body = [==[{body}]==]", 'wrk.headers["Content-Type"] = "application/json"'] + [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
        path.write_text("\n".join(lines) + "\n"); return str(path)
    upstream = json.dumps({"model": "gpt-5.1-codex", "instructions": "x", "stream": True, "store": False, "input": [{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Say hello."}]}]})
    direct = lua(work / "direct.lua", upstream, {"Authorization": "Bearer " + tok["access_token"], "chatgpt-account-id": tok["account_id"], "Accept": "text/event-stream"})
    v1 = lua(work / "v1.lua", json.dumps({"model": "gpt-5.1-codex", "input": "Say hello.", "stream": False}), {})
    codex = lua(work / "codex.lua", upstream, {"Accept": "text/event-stream", "session-id": "abc"})
    def wrk(url, script, pid=None, conns=64, dur=DUR):
        c0 = cpu(pid) if pid else 0
        out = subprocess.run(["wrk", "-t1", f"-c{conns}", f"-d{dur}s", "--latency", "-s", script, url], capture_output=True, text=True).stdout
        c1 = cpu(pid) if pid else 0
        n = int(re.search(r"(\d+) requests in", out).group(1)); rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)
        return rps, (c1 - c0) / n * 1e6 if pid else None, int(bad.group(1)) if bad else 0, p99
    def count(name):
        f = work / f"count-{name}"; f.unlink(missing_ok=True); sbs[name][1].send_signal(signal.SIGUSR2)
        for _ in range(100):
            if f.exists(): return int(f.read_text())
            time.sleep(0.05)
    # warm-up
    for name in ("A", "B"):
        wrk(f"http://127.0.0.1:{sbs[name][0]}/v1/responses", v1, conns=8, dur=1)
    for r in range(ROUNDS):
        rps, _, bad, p99 = wrk(f"http://127.0.0.1:{mp}/backend-api/codex/responses", direct)
        print(f"round {r} direct: {rps:.0f} req/s p99 {p99} bad {bad}", flush=True)
        for name in ("A", "B"):
            for route, script in (("/v1/responses", v1), ("/backend-api/codex/responses", codex)):
                rps2, us, bad, p99 = wrk(f"http://127.0.0.1:{sbs[name][0]}{route}", script, sbs[name][1].pid)
                print(f"round {r} {name} {route}: {rps2:.0f} req/s = {rps2/rps:.2f}x direct, {us:.0f} us CPU/request, p99 {p99}, bad {bad}", flush=True)
    for name in ("A", "B"):
        for route, script in (("/v1/responses", v1), ("/backend-api/codex/responses", codex)):
            c0 = count(name)
            out = subprocess.run(["wrk", "-t1", "-c4", "-d2s", "-s", script, f"http://127.0.0.1:{sbs[name][0]}{route}"], capture_output=True, text=True).stdout
            n = int(re.search(r"(\d+) requests in", out).group(1)); c1 = count(name)
            print(f"allocations {name} {route}: {(c1 - c0) / n:.1f} per request ({n} requests)", flush=True)
finally:
    for p in procs: p.terminate()
    for p in procs: p.wait()
