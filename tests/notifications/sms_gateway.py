"""A brand-name SMS gateway on loopback (http.server in a thread, port 0) whose behaviour a test
switches: accepting, failing with a status, or answering too late. Like a real gateway it
delivers a request id once, however often it is posted."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Gateway:
    port: int = 0
    mode: str = "ok"  # "ok", "status" (answer ``status``), "slow" (deliver, answer late)
    status: int = 503
    delay: float = 0.0
    posts: list[dict] = field(default_factory=list)  # every request body, in order
    delivered: dict[str, dict] = field(default_factory=dict)  # request id -> first body
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sms"

    @property
    def texts(self) -> list[str]:
        return [body.get("message") for body in self.delivered.values()]


def start_gateway() -> tuple[ThreadingHTTPServer, Gateway]:
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with gateway.lock:
                gateway.posts.append(body)
                mode = gateway.mode
            if mode == "status":
                return self._answer(gateway.status, {"error": "unavailable"})
            request_id = body.get("request_id") or body.get("RequestId")
            with gateway.lock:
                if request_id not in gateway.delivered:
                    gateway.delivered[request_id] = body
            if mode == "slow":
                time.sleep(gateway.delay)  # delivered, but the answer comes after the time-out
            return self._answer(200, {"code": "100"})

        def _answer(self, status, payload):
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up (time-out)

        def log_message(self, *args):
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    gateway.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, gateway
