"""Starts codex-lb (installed in bench/.venv) for the benchmark, pointed at the mock upstream.

codex-lb 1.24 reads its upstream base from CODEX_LB_UPSTREAM_BASE_URL, but its OAuth base
(`https://auth.openai.com`) is a module constant since it dropped CODEX_LB_AUTH_BASE_URL.
This launcher rebinds that constant to BENCH_AUTH_BASE_URL (the mock) before the app
imports it, so token refreshes reach the mock, and then runs codex-lb's own CLI entry point.
It also rebinds the other hosts codex-lb can call on its own (release checks, telemetry)
to the mock, so nothing leaves loopback even if a background job wakes up.
"""
import os
import sys

auth_base = os.environ.get("BENCH_AUTH_BASE_URL")
if not auth_base:
    sys.exit("BENCH_AUTH_BASE_URL is not set")

import app.core.config.settings as settings_module  # noqa: E402

settings_module.AUTH_BASE_URL = auth_base
import app.core.auth.refresh as refresh_module  # noqa: E402
import app.core.clients.oauth as oauth_module  # noqa: E402

refresh_module.AUTH_BASE_URL = auth_base
oauth_module.AUTH_BASE_URL = auth_base

try:  # off-loopback URLs of background jobs: point them at the mock (404) instead
    import app.core.clients.codex_version as codex_version_module
    import app.modules.runtime.service as runtime_module

    for module in (codex_version_module, runtime_module):
        for name, value in list(vars(module).items()):
            if isinstance(value, str) and value.startswith("https://"):
                setattr(module, name, auth_base + "/_offline")
except Exception as error:  # noqa: BLE001
    print(f"launch.py: could not rebind background URLs: {error}", file=sys.stderr)

from app.cli import main  # noqa: E402

sys.argv = ["codex-lb", *sys.argv[1:]]
main()
