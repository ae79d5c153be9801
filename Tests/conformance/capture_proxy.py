"""A loopback HTTP proxy that records every exchange, and can break what it relays.

Clients talk to the proxy, the proxy talks to `--target` (the gateway or the mock). Each
exchange is appended to `--log` as one JSON line: method, path, request headers and body,
response status, headers and body (bodies cut at 64 KiB). The tests use it to show exactly
what a client sent and saw when something goes wrong.

`--break` makes it lie on purpose, to prove the suite notices (never used by `run.sh`):
- `sse-framing`: event-stream bodies lose the blank line between events (`\\n\\n` -> `\\n`);
- `error-envelope`: JSON error bodies (status >= 400) are replaced by `{"detail": "..."}`.

Usage: python capture_proxy.py --port P --target http://127.0.0.1:G --log FILE [--break MODE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LIMIT = 64 * 1024
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--target", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--break", dest="breakage", choices=["sse-framing", "error-envelope"], default=None)
    args = parser.parse_args()
    target = urllib.parse.urlsplit(args.target)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_: object) -> None:
            pass

        def _relay(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP | {"host", "accept-encoding"}}
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
            connection.request(self.command, self.path, body=body, headers=headers)
            upstream = connection.getresponse()
            content_type = upstream.getheader("content-type", "")
            streaming = content_type.startswith("text/event-stream")
            seen = bytearray()

            if self.breakage == "error-envelope" and upstream.status >= 400 and "json" in content_type:
                payload = json.dumps({"detail": "broken on purpose by capture_proxy"}).encode()
                upstream.read()
                self._head(upstream, {"content-length": str(len(payload))})
                self.wfile.write(payload)
                seen += payload
            elif streaming:
                self._head(upstream, {"transfer-encoding": "chunked"})
                while True:
                    chunk = upstream.read1(65536)
                    if not chunk:
                        break
                    if self.breakage == "sse-framing":
                        chunk = chunk.replace(b"\n\n", b"\n")
                    seen += chunk[: max(0, LIMIT - len(seen))]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            else:
                payload = upstream.read()
                self._head(upstream, {"content-length": str(len(payload))})
                self.wfile.write(payload)
                seen += payload[:LIMIT]
            self.wfile.flush()
            connection.close()
            record = {
                "method": self.command,
                "path": self.path,
                "request_headers": dict(self.headers.items()),
                "request_body": body[:LIMIT].decode("utf-8", "replace"),
                "status": upstream.status,
                "response_headers": dict(upstream.getheaders()),
                "response_body": bytes(seen).decode("utf-8", "replace"),
            }
            with lock, open(args.log, "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")

        def _head(self, upstream: http.client.HTTPResponse, extra: dict[str, str]) -> None:
            self.send_response_only(upstream.status, upstream.reason)
            for name, value in upstream.getheaders():
                if name.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(name, value)
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()

        do_GET = do_POST = do_PUT = do_DELETE = _relay

    Handler.breakage = args.breakage
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"capture proxy on 127.0.0.1:{args.port} -> {args.target} (break: {args.breakage})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
