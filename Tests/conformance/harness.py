"""Small steps of `run.sh` that are easier in Python than in bash (stdlib only).

- `ports N`: prints N free loopback TCP ports.
- `wait URL SECONDS [PID]`: waits until GET URL answers (any HTTP status); fails early when PID died.
- `account MOCK_URL EMAIL OUT`: creates a mock account and writes its Codex auth.json to OUT.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request


def ports(count: int) -> None:
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in sockets))
    for s in sockets:
        s.close()


def wait(url: str, seconds: float, pid: int | None) -> None:
    deadline = time.monotonic() + seconds
    last = "no answer yet"
    while time.monotonic() < deadline:
        if pid is not None:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                sys.exit(f"process {pid} exited before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers; the status is for the tests to judge
        except OSError as error:
            last = str(error)
        time.sleep(0.1)
    sys.exit(f"{url} did not answer within {seconds:g} s ({last})")


def account(mock_url: str, email: str, out: str) -> None:
    request = urllib.request.Request(
        f"{mock_url}/_mock/accounts",
        data=json.dumps({"email": email}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    json.loads(body)  # must be the auth.json
    with open(out, "wb") as f:
        f.write(body)


def main() -> None:
    command, *args = sys.argv[1:]
    if command == "ports":
        ports(int(args[0]))
    elif command == "wait":
        wait(args[0], float(args[1]), int(args[2]) if len(args) > 2 else None)
    elif command == "account":
        account(*args)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
