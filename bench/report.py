"""Turns one benchmark result (bench/bench.py) into JSON, a Markdown report and an SVG plot."""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"
# The reference row in (a): one HTTP exchange with a trivial answer, no gateway.
HOP = "one HTTP hop"
COLORS = {"direct": "#4c78a8", "switchboard": "#f58518", "codex-lb": "#54a24b", HOP: "#9d9d9d"}


def ms(us) -> str:
    if us is None:
        return "–"
    if abs(us) >= 1000:
        return f"{us / 1000:.2f} ms"
    return f"{us:.0f} µs"


def num(value, digits=0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def ratio(a, b, digits=1) -> str:
    if not a or not b:
        return "–"
    return f"{a / b:.{digits}f}×"


def pct(data: dict, key: str, p: str):
    return (data or {}).get(key, {}).get(p)


def added(through: dict, direct: dict, key: str, p: str):
    a, b = pct(through, key, p), pct(direct, key, p)
    return None if a is None or b is None else a - b


def saturated(data: dict) -> bool:
    """An open-loop run that could not keep up: requests timed out or failed, or waited for a free connection."""
    return bool(data) and (data.get("timed_out", 0) > 0 or data.get("ok", 0) < 0.95 * data.get("completed", 1) or data.get("max_backlog", 0) > 0)


def mark(ok) -> str:
    return "✅" if ok else ("❌" if ok is not None else "–")


def markdown(results: dict) -> str:
    meta = results.get("meta", {})
    w = results.get("workloads", {})
    lines: list[str] = []
    add = lines.append
    add(f"Run: **{meta.get('date')}**{' (quick)' if meta.get('quick') else ''} — `{meta.get('command')}` — "
        f"switchboard `{meta.get('switchboard_commit')}`{' + uncommitted changes' if meta.get('switchboard_dirty') else ''}, "
        f"codex-lb {meta.get('codex_lb_version') or 'n/a'}")
    add("")
    la_before = meta.get("loadavg_before") or [0, 0, 0]
    add(f"Machine: {meta.get('nproc')} × {meta.get('cpu')}, {meta.get('memory_gib')} GiB, Linux {meta.get('kernel')}, "
        f"{meta.get('os')}, {meta.get('swift')}; load average before the run {la_before[0]:.2f}; "
        f"network: {meta.get('network_namespace')}; mock, gateways and load generator share the machine.")
    add("")
    if results.get("codexlb_error"):
        add(f"codex-lb: **not measured** — {results['codexlb_error'].splitlines()[0]}")
        add("")

    # targets
    a1000 = w.get("a", {}).get("1000", {})
    b = w.get("b", {})
    c = w.get("c", {})
    d = w.get("d", {})
    e = w.get("e", {})
    f = w.get("f", {})
    added_p99 = added(a1000.get("switchboard"), a1000.get("direct"), "latency_us", "p99")
    sb_rps = b.get("switchboard", {}).get("ok_rps")
    cl_rps = b.get("codex-lb", {}).get("ok_rps")
    c100 = c.get("rates", {}).get("100", {})
    ttfb_p99 = added(c100.get("switchboard"), c100.get("direct"), "first_event_us", "p99")
    d_sb = d.get("switchboard", {})
    rss = d_sb.get("resources", {}).get("switchboard", {}).get("rss_peak_mb")
    d_ok = d_sb.get("ok")
    pick10k = e.get("results", {}).get("10000", {}).get("cases", {})
    pick_mean = max((case.get("batched", {}).get("mean_ns", 0) for name, case in pick10k.items() if name != "new_key"), default=None) if pick10k else None
    token_calls = f.get("switchboard", {}).get("token_calls")
    log_cost = w.get("g", {}).get("cost_percent")
    add("### Targets")
    add("")
    add("| target | switchboard | met |")
    add("|---|---|---|")
    add(f"| added p99 ≤ 1 ms at 1,000 req/s (a) | {ms(added_p99)} | {mark(None if added_p99 is None else added_p99 <= 1000 and not saturated(a1000.get('switchboard')))} |")
    add(f"| ≥ 10× codex-lb's max req/s (b) | {num(sb_rps)} vs {num(cl_rps)} req/s = {ratio(sb_rps, cl_rps)} | {mark(None if not (sb_rps and cl_rps) else sb_rps >= 10 * cl_rps)} |")
    add(f"| added time-to-first-event p99 ≤ 1 ms (c, 100 streams/s) | {ms(ttfb_p99)} | {mark(None if ttfb_p99 is None else ttfb_p99 <= 1000)} |")
    add(f"| 2,000 open streams under 200 MB RSS (d) | {num(rss, 1)} MB peak, {num(d_ok)} streams ok | {mark(None if rss is None else rss < 200 and d_ok == d.get('streams'))} |")
    add(f"| `pick` ≤ 2 µs at 10,000 accounts (e) | {num(pick_mean)} ns (slowest case, mean) | {mark(None if pick_mean is None else pick_mean <= 2000)} |")
    add(f"| exactly one token call (f) | {num(token_calls)} | {mark(None if token_calls is None else token_calls == 1)} |")
    wk, k = w.get("w", {}), w.get("k", {})
    wrk_ratio = (wk.get("switchboard", {}).get("rps") or 0) / (wk.get("direct", {}).get("rps") or 1) if wk.get("switchboard") else None
    cpu_us = wk.get("switchboard", {}).get("cpu_us_per_request")
    allocs = wk.get("allocations", {}).get("/v1/responses", {}).get("per_request")
    hop_p99 = pct(a1000.get(HOP) or {}, "latency_us", "p99") if a1000.get(HOP) else None
    add(f"| added p99 ≤ 2× one HTTP hop's p99 at 1,000 req/s (a, issue 19) | {ms(added_p99)} vs 2 × {ms(hop_p99)} | "
        f"{mark(None if added_p99 is None or hop_p99 is None else added_p99 <= 2 * hop_p99)} |")
    add(f"| added time-to-first-event p99 ≤ 0.5 ms (c, 100 streams/s, issue 19) | {ms(ttfb_p99)} | {mark(None if ttfb_p99 is None else ttfb_p99 <= 500)} |")
    c_total = added(c100.get("switchboard"), c100.get("direct"), "latency_us", "p50")
    per_event = c_total / c.get("events_per_stream", 200) if c_total is not None else None
    add(f"| per-event overhead ≤ 3 µs (c, 100 streams/s) | {ms(per_event)} | {mark(None if per_event is None else per_event <= 3)} |")
    add(f"| throughput ≥ 0.8× direct at 64 connections, wrk (w) | {num(wrk_ratio, 2)}× | {mark(None if wrk_ratio is None else wrk_ratio >= 0.8)} |")
    add(f"| gateway CPU ≤ 150 µs per proxied request, wrk at saturation (w) | {ms(cpu_us)} | {mark(None if cpu_us is None else cpu_us <= 150)} |")
    add(f"| allocations per proxied request counted (w) | {num(allocs)} (`/v1/responses`) | {mark(None if allocs is None else True)} |")
    if k:
        n = num(k.get("accounts"))
        add(f"| {n} accounts: `serve` ready < 1 s (k) | {num(k.get('ready_s'), 2)} s | {mark(None if k.get('ready_s') is None else k['ready_s'] < 1)} |")
        add(f"| {n} accounts: idle RSS < 100 MB (k) | {num(k.get('idle_rss_mb'), 1)} MB | {mark(None if k.get('idle_rss_mb') is None else k['idle_rss_mb'] < 100)} |")
        add(f"| {n} accounts: `accounts list --json` < 1 s (k) | {num(k.get('list_json_s'), 2)} s | {mark(None if k.get('list_json_s') is None else k['list_json_s'] < 1)} |")
        add(f"| {n} accounts: a CLI change costs < 10 ms of server work (k) | {num(k.get('change_cpu_ms'))} ms CPU | {mark(None if k.get('change_cpu_ms') is None else k['change_cpu_ms'] < 10)} |")
        quiet, round_ = k.get("p99_quiet_us"), k.get("p99_round_us")
        add(f"| {n} accounts: p99 during a usage round within 10 % (k) | {ms(round_)} vs {ms(quiet)} | {mark(None if not (quiet and round_) else round_ <= 1.1 * quiet)} |")
    log_runs = w.get("g", {})
    add(f"| request log costs < 5 % of max req/s (g) | {num(log_runs.get('log_on', {}).get('ok_rps'))} req/s on vs "
        f"{num(log_runs.get('log_off', {}).get('ok_rps'))} off = {num(log_cost, 1)} % | {mark(None if log_cost is None else log_cost < 5)} |")
    scale = w.get("h", {})
    two, one = scale.get("postgres_two", {}).get("ok_rps"), scale.get("sqlite_one", {}).get("ok_rps")
    single = scale.get("postgres_one", {})
    add(f"| two instances on PostgreSQL, round-robin, vs one on SQLite (h): max req/s, added p99 | {num(two)} vs {num(one)} req/s, "
        f"added p99 {ms(scale.get('added_p99_us'))} (one instance on PostgreSQL: {num(single.get('ok_rps'))} req/s, "
        f"p99 {ms(single.get('latency_us', {}).get('p99'))}) | {mark(None if not (two and one) else two >= one)} |")
    add("")

    # (a)
    if w.get("a") and "error" not in w["a"]:
        add("### (a) Non-streaming `/v1/responses`, open loop (latency from the intended send time)")
        add("")
        add("Direct = the same request as the gateway sends, straight to the mock's `/backend-api/codex/responses` "
            "(SSE read to the end). Added = gateway percentile − direct percentile. "
            f"*{HOP}* = `GET /_mock/health` on the mock at the same rate: the cost of one loopback HTTP exchange "
            "with a trivial answer, which a gateway adds at the least.")
        add("")
        add("| rate | target | ok / sent | p50 | p99 | p99.9 | max | added p50 | added p99 | added p99.9 | gateway CPU |")
        add("|---|---|---|---|---|---|---|---|---|---|---|")
        for rate, runs in w["a"].items():
            direct = runs.get("direct")
            for target, data in runs.items():
                if "latency_us" not in data:
                    add(f"| {rate}/s | {target} | {data.get('skipped') or data.get('error')} |" + " |" * 8)
                    continue
                lat = data.get("latency_us", {})
                gw = data.get("resources", {}).get(target if target != "direct" else "mock", {})
                sent = data.get("completed", 0) + data.get("timed_out", 0)
                extra = " (saturated)" if saturated(data) else ""
                add(f"| {rate}/s | {target}{extra} | {num(data.get('ok'))} / {num(sent)} | {ms(lat.get('p50'))} | {ms(lat.get('p99'))} | "
                    f"{ms(lat.get('p99_9'))} | {ms(lat.get('max'))} | "
                    + (" | ".join(["–"] * 3) if target in ("direct", HOP) else
                       f"{ms(added(data, direct, 'latency_us', 'p50'))} | {ms(added(data, direct, 'latency_us', 'p99'))} | {ms(added(data, direct, 'latency_us', 'p99_9'))}")
                    + f" | {gw.get('cpu_cores', 0) * 100:.0f}% |")
            sb, cl = runs.get("switchboard"), runs.get("codex-lb")
            if sb and cl and direct and "latency_us" in cl and "latency_us" in sb:
                add(f"| {rate}/s | **codex-lb ÷ switchboard** | | | | | | {ratio(added(cl, direct, 'latency_us', 'p50'), added(sb, direct, 'latency_us', 'p50'))} | "
                    f"{ratio(added(cl, direct, 'latency_us', 'p99'), added(sb, direct, 'latency_us', 'p99'))} | "
                    f"{ratio(added(cl, direct, 'latency_us', 'p99_9'), added(sb, direct, 'latency_us', 'p99_9'))} | |")
        add("")

    # (b)
    if b and "error" not in b:
        add("### (b) Maximum sustained throughput, closed loop, 64 keep-alive connections")
        add("")
        add("| target | ok req/s | p50 | p99 | errors | gateway CPU | gateway CPU per request | mock CPU | switchboard ÷ target |")
        add("|---|---|---|---|---|---|---|---|---|")
        for target, data in b.items():
            if "latency_us" not in data:
                add(f"| {target} | {data.get('error', 'no result')} |" + " |" * 7)
                continue
            res = data.get("resources", {})
            gw = res.get(target, {}) if target != "direct" else {}
            mock = res.get("mock", {})
            per_req = gw.get("cpu_s", 0) / max(1, data.get("completed", 1)) * 1e6 if gw else None
            add(f"| {target} | {num(data.get('ok_rps'))} | {ms(pct(data, 'latency_us', 'p50'))} | {ms(pct(data, 'latency_us', 'p99'))} | "
                f"{data.get('transport_errors', 0) + data.get('completed', 0) - data.get('ok', 0)} | "
                f"{(gw.get('cpu_cores', 0) * 100):.0f}% | {ms(per_req) if per_req else '–'} | {mock.get('cpu_cores', 0) * 100:.0f}% | "
                f"{ratio(sb_rps, data.get('ok_rps'), 2) if target != 'switchboard' else '1×'} |")
        add("")
        g = results.get("generator_check", {})
        if g.get("headroom"):
            add(f"Load generator check: it drives the mock directly at {num(g.get('direct_max_rps'))} req/s, "
                f"{g['headroom']:.1f}× switchboard's maximum, through the same client code (the mock and the generator then share the 2 cores).")
            add("")

    # (w)
    wk = w.get("w", {})
    if wk and "error" not in wk:
        add("### (w) wrk cross-check of (b), and heap allocations per proxied request")
        add("")
        if wk.get("wrk_missing"):
            add(f"wrk: not measured — {wk['wrk_missing']}.")
        else:
            add("`wrk -t1 -c64 --latency` (an independent load tool), the same requests as (b): direct = the mock's own "
                "`/backend-api/codex/responses`, the gateways = non-streaming `/v1/responses`. CPU per request from /proc.")
            add("")
            add("| target | req/s | p50 | p99 | non-2xx | gateway CPU per request | ÷ direct |")
            add("|---|---|---|---|---|---|---|")
            direct_rps = wk.get("direct", {}).get("rps")
            for target in ("direct", "switchboard", "codex-lb"):
                data = wk.get(target)
                if not data or "rps" not in data:
                    continue
                add(f"| {target} | {num(data.get('rps'))} | {ms(data.get('p50_us'))} | {ms(data.get('p99_us'))} | {num(data.get('non_2xx'))} | "
                    f"{ms(data.get('cpu_us_per_request')) if data.get('cpu_us_per_request') else '–'} | {ratio(data.get('rps'), direct_rps, 2)} |")
        allocations = wk.get("allocations", {})
        if allocations.get("error"):
            add("")
            add(f"Allocations: not measured — {allocations['error']}.")
        elif allocations:
            add("")
            add("Allocations: a switchboard process with the LD_PRELOAD counter (`libSwitchboardAllocationCounter.so`: "
                "malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign), read before and after a fixed number of requests "
                "on 8 connections after a warm-up; the count includes the process's idle background work.")
            add("")
            add("| route | requests | allocations | per request |")
            add("|---|---|---|---|")
            for route, data in allocations.items():
                add(f"| `{route}` | {num(data.get('requests'))} | {num(data.get('allocations'))} | **{num(data.get('per_request'))}** |")
        add("")

    # (k)
    k = w.get("k", {})
    if k and "error" not in k:
        add(f"### (k) {num(k.get('accounts'))} accounts")
        add("")
        add("Accounts imported from the mock (`accounts import`, 1,000 files per call), then a fresh `serve` with "
            "`SWITCHBOARD_USAGE_INTERVAL` set so that a usage round (every account's usage fetched, 8 at a time) "
            "falls inside the second latency window. Change = `accounts pause` of one account, seen through "
            "`/health/ready` (polled every 50 ms); its CPU is the server's scheduler run time over 1.5 s (0.5 s quick) "
            "minus its run time over as long an idle span just before; the median of three changes.")
        add("")
        add("| import | `serve` ready | idle RSS | `accounts list --json` | change visible after | change CPU | p99 at 200 req/s, no round | p99 with a usage round | usage calls in that window |")
        add("|---|---|---|---|---|---|---|---|---|")
        add(f"| {num(k.get('import_s'), 1)} s | {num(k.get('ready_s'), 2)} s | {num(k.get('idle_rss_mb'), 1)} MB | {num(k.get('list_json_s'), 2)} s | "
            f"{ms((k.get('change_visible_s') or 0) * 1e6)} | {num(k.get('change_cpu_ms'))} ms | {ms(k.get('p99_quiet_us'))} | {ms(k.get('p99_round_us'))} | "
            f"{num(k.get('round_usage_calls_during'))} |")
        add("")

    # (c)
    if c and "error" not in c:
        n = c.get("events_per_stream", 200)
        add(f"### (c) Streaming `/backend-api/codex/responses`, {n} events per stream, open loop")
        add("")
        add("First event = time from the intended send to the first byte of `response.created` (codex-lb first sends its own "
            "`codex.keepalive` event, which is not counted as the first event but is counted in events/stream); total = to the end of the stream. Per-event overhead = added total p50 ÷ events.")
        add("")
        add("| rate | target | streams ok | events/stream | first event p50 | p99 | total p50 | p99 | added first event p50 | p99 | per-event overhead |")
        add("|---|---|---|---|---|---|---|---|---|---|---|")
        for rate, runs in c.get("rates", {}).items():
            direct = runs.get("direct")
            for target in ("direct", "switchboard", "codex-lb"):
                data = runs.get(target)
                if not data:
                    continue
                if "latency_us" not in data:
                    add(f"| {rate}/s | {target} | {data.get('skipped') or data.get('error', 'no result')} |" + " |" * 8)
                    continue
                if target == "direct":
                    extra = "– | – | –"
                else:
                    total = added(data, direct, "latency_us", "p50")
                    extra = (f"{ms(added(data, direct, 'first_event_us', 'p50'))} | {ms(added(data, direct, 'first_event_us', 'p99'))} | "
                             f"{ms(total / n) if total is not None else '–'}")
                sat = " (saturated)" if saturated(data) else ""
                add(f"| {rate}/s | {target}{sat} | {num(data.get('ok'))} | {num(data.get('events_per_stream'), 1)} | {ms(pct(data, 'first_event_us', 'p50'))} | "
                    f"{ms(pct(data, 'first_event_us', 'p99'))} | {ms(pct(data, 'latency_us', 'p50'))} | {ms(pct(data, 'latency_us', 'p99'))} | {extra} |")
            sb, cl = runs.get("switchboard"), runs.get("codex-lb")
            if sb and cl and direct and "latency_us" in cl and "latency_us" in sb:
                add(f"| {rate}/s | **codex-lb ÷ switchboard** | | | | | | | {ratio(added(cl, direct, 'first_event_us', 'p50'), added(sb, direct, 'first_event_us', 'p50'))} | "
                    f"{ratio(added(cl, direct, 'first_event_us', 'p99'), added(sb, direct, 'first_event_us', 'p99'))} | "
                    f"{ratio(added(cl, direct, 'latency_us', 'p50'), added(sb, direct, 'latency_us', 'p50'))} |")
        add("")

    # (d)
    if d and "error" not in d:
        add(f"### (d) {num(d.get('streams'))} concurrent open streams ({d.get('events_per_stream')} events, one every {d.get('event_delay_ms')} ms)")
        add("")
        add("| target | streams ok | complete | process | RSS before | peak RSS | CPU time | avg CPU | stream p50 | p99 |")
        add("|---|---|---|---|---|---|---|---|---|---|")
        for target, data in d.items():
            if not isinstance(data, dict):
                continue
            if "resources" not in data:
                add(f"| {target} | {data.get('skipped') or data.get('error', 'no result')} |" + " |" * 8)
                continue
            name = target if target != "direct" else "mock"
            res = data["resources"].get(name, {})
            complete = data.get("ok", 0) - data.get("streams_without_completed_event", 0)
            add(f"| {target} | {num(data.get('ok'))} | {num(complete)} | {name} | {num(res.get('rss_before_mb'), 1)} MB | "
                f"**{num(res.get('rss_peak_mb'), 1)} MB** | {num(res.get('cpu_s'), 2)} s | {res.get('cpu_cores', 0) * 100:.0f}% | "
                f"{ms(pct(data, 'latency_us', 'p50'))} | {ms(pct(data, 'latency_us', 'p99'))} |")
        sb_rss = d.get("switchboard", {}).get("resources", {}).get("switchboard", {}).get("rss_peak_mb")
        cl_rss = d.get("codex-lb", {}).get("resources", {}).get("codex-lb", {}).get("rss_peak_mb")
        if sb_rss and cl_rss:
            add(f"| **codex-lb ÷ switchboard** | | | | | {ratio(cl_rss, sb_rss)} | | | | |")
        add("")

    # (e)
    if e and "error" not in e:
        add("### (e) `Balancer.pick` (ns per call; batched mean over batches of 1,000, single-call p99 includes ~"
            f"{e.get('clock_cost_ns', {}).get('p50_ns', 0):.0f} ns of clock reads)")
        add("")
        add("| accounts | no key | sticky key | excluding 2 | first pick of a new key | single p99 (no key) | single p99 (sticky) | new key, sticky table full | publish |")
        add("|---|---|---|---|---|---|---|---|---|")
        for size in e.get("sizes", []):
            r = e["results"][str(size)]
            cs = r["cases"]
            full = r.get("new_key_table_full", {})
            add(f"| {num(size)} | {num(cs['no_key']['batched']['mean_ns'])} | {num(cs['sticky']['batched']['mean_ns'])} | "
                f"{num(cs['excluding_2']['batched']['mean_ns'])} | {num(cs['new_key']['batched']['mean_ns'])} | "
                f"{num(cs['no_key']['single']['p99_ns'])} | {num(cs['sticky']['single']['p99_ns'])} | "
                f"{ms(full.get('p50_ns', 0) / 1000) if full else '–'} (p50) | {ms(r['publish_ns'] / 1000)} |")
        add("")

    # (f)
    if f and "error" not in f:
        add(f"### (f) {num(f.get('requests'))} concurrent requests on an account whose access token has expired")
        add("")
        add("A fresh gateway process with one account; the mock then answers that account's access token with 401 `token_expired` "
            "(`POST /_mock/accounts/{email}/expire`) and 1,000 requests go out at once. Token calls are read from the mock's counters. "
            "The second burst reuses the refreshed token: the difference is the added latency.")
        add("")
        add("| target | token calls | ok | p50 | p99 | max | same burst, valid token p50 | p99 | added p50 | added p99 |")
        add("|---|---|---|---|---|---|---|---|---|---|")
        for target in ("switchboard", "codex-lb"):
            data = f.get(target)
            if not data:
                continue
            if "skipped" in data:
                add(f"| {target} | {data['skipped']} |" + " |" * 8)
                continue
            ex, va = data["expired"], data["valid"]
            if "latency_us" not in ex:
                add(f"| {target} | **{data['token_calls']}** | {ex.get('error', 'no result')} |" + " |" * 7)
                continue
            add(f"| {target} | **{data['token_calls']}** | {num(ex.get('ok'))} / {num(f.get('requests'))} | {ms(pct(ex, 'latency_us', 'p50'))} | "
                f"{ms(pct(ex, 'latency_us', 'p99'))} | {ms(pct(ex, 'latency_us', 'max'))} | {ms(pct(va, 'latency_us', 'p50'))} | "
                f"{ms(pct(va, 'latency_us', 'p99'))} | {ms(added(ex, va, 'latency_us', 'p50'))} | {ms(added(ex, va, 'latency_us', 'p99'))} |")
        add("")
    failed = {k: v["error"] for k, v in w.items() if isinstance(v, dict) and "error" in v}
    if failed:
        add("Workloads that failed: " + "; ".join(f"({k}) {v}" for k, v in failed.items()))
        add("")
    add(f"Elapsed: {results.get('meta', {}).get('elapsed_s', 0):.0f} s.")
    return "\n".join(lines)


# ---------------------------------------------------------------- SVG


def svg_plot(results: dict) -> str:
    w = results.get("workloads", {})
    panels = []
    for rate, runs in w.get("a", {}).items():
        if isinstance(runs, dict) and "error" not in runs:
            panels.append((f"(a) /v1/responses at {rate} req/s: latency", {t: d.get("latency_spectrum_us", []) for t, d in runs.items()}))
    for rate, runs in w.get("c", {}).get("rates", {}).items():
        panels.append((f"(c) {rate} streams/s of 200 events: time to first event", {t: d.get("first_event_spectrum_us", []) for t, d in runs.items()}))
        panels.append((f"(c) {rate} streams/s of 200 events: whole stream", {t: d.get("latency_spectrum_us", []) for t, d in runs.items()}))
    if not panels:
        return ""
    pw, ph, margin = 460, 300, 70
    cols = 2
    rows = math.ceil(len(panels) / cols)
    width, height = cols * (pw + margin) + margin, rows * (ph + margin + 20) + 60
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="11">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{margin}" y="24" font-size="15" font-weight="bold">switchboard benchmark — latency distributions ({results.get("meta", {}).get("date", "")})</text>']
    max_x = math.log10(1 / (1 - 0.99999))
    for i, (title, series) in enumerate(panels):
        ox = margin + (i % cols) * (pw + margin)
        oy = 50 + (i // cols) * (ph + margin + 20)
        values = [v for pts in series.values() for _, v in pts if v > 0]
        if not values:
            continue
        lo = 10 ** math.floor(math.log10(min(values)))
        hi = 10 ** math.ceil(math.log10(max(values)))

        def px(p):
            frac = min(p / 100, 0.99999)
            return ox + pw * math.log10(1 / (1 - frac)) / max_x

        def py(v):
            return oy + ph - ph * (math.log10(max(v, lo)) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

        out.append(f'<text x="{ox}" y="{oy - 8}" font-size="12" font-weight="bold">{title}</text>')
        out.append(f'<rect x="{ox}" y="{oy}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>')
        for label, p in (("0%", 0), ("90%", 90), ("99%", 99), ("99.9%", 99.9), ("99.99%", 99.99), ("99.999%", 99.999)):
            x = px(p)
            out.append(f'<line x1="{x:.1f}" y1="{oy}" x2="{x:.1f}" y2="{oy + ph}" stroke="#eee"/>')
            out.append(f'<text x="{x:.1f}" y="{oy + ph + 14}" text-anchor="middle">{label}</text>')
        decade = lo
        while decade <= hi:
            y = py(decade)
            out.append(f'<line x1="{ox}" y1="{y:.1f}" x2="{ox + pw}" y2="{y:.1f}" stroke="#eee"/>')
            label = f"{decade / 1000:g} ms" if decade >= 1000 else f"{decade:g} µs"
            out.append(f'<text x="{ox - 4}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
            decade *= 10
        out.append(f'<text x="{ox + pw / 2}" y="{oy + ph + 30}" text-anchor="middle">percentile</text>')
        legend_y = oy + 14
        for target, pts in series.items():
            if not pts:
                continue
            color = COLORS.get(target, "#000")
            path = " ".join(f"{'M' if j == 0 else 'L'}{px(p):.1f},{py(v):.1f}" for j, (p, v) in enumerate(pts))
            out.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
            out.append(f'<rect x="{ox + 8}" y="{legend_y - 9}" width="10" height="10" fill="{color}"/>')
            out.append(f'<text x="{ox + 22}" y="{legend_y}">{target}</text>')
            legend_y += 14
    out.append("</svg>")
    return "\n".join(out)


def write_outputs(results: dict, results_dir: Path, quick: bool):
    results_dir.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kind = "quick" if quick else "full"
    json_path = results_dir / f"bench-{kind}-{stamp}.json"
    json_path.write_text(json.dumps(results, indent=1, sort_keys=True))
    (results_dir / f"latest-{kind}.json").write_text(json.dumps(results, indent=1, sort_keys=True))
    table = markdown(results)
    svg = svg_plot(results)
    svg_path = results_dir / f"latency-{kind}.svg"
    if svg:
        svg_path.write_text(svg)
    (results_dir / f"latest-{kind}.md").write_text(table + "\n")
    print(table)
    print()
    print(f"JSON: {json_path}\nSVG:  {svg_path}")
    if not quick:
        # The full run goes into BENCHMARKS.md, between the markers, with its plot next to it.
        (ROOT / "bench" / "latency.svg").write_text(svg)
        (ROOT / "bench" / "results-full.json").write_text(json.dumps(strip_for_repo(results), indent=1, sort_keys=True))
        doc = ROOT / "BENCHMARKS.md"
        text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
        if START not in text:
            text += f"\n{START}\n{END}\n"
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        body = table + "\n\n![latency distributions](bench/latency.svg)\n\nRaw numbers: [`bench/results-full.json`](bench/results-full.json)."
        doc.write_text(f"{head}{START}\n{body}\n{END}{tail}")
        print(f"BENCHMARKS.md updated")


def strip_for_repo(results: dict) -> dict:
    """The committed copy of a full run: everything but the temporary log directory."""
    copy = json.loads(json.dumps(results))
    copy.pop("logs", None)
    return copy
