"""A local SMS gateway for `make run`: it takes the JSON POST a brand-name SMS gateway takes
(``brandname``, ``phone``, ``message``, ``request_id``), saves each message as a text file
under instance/sms/ and announces it on stdout, beside the mail sink's instance/mail/.

Like a real gateway it answers a request id it has already taken with the same "accepted"
and does not save the message twice. Nothing leaves the machine."""

from __future__ import annotations

import json
import os
import sys
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from intake.core.sms import count


class SinkHandler(BaseHTTPRequestHandler):
    directory: Path
    seen: set[str]
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = min(int(self.headers.get("Content-Length") or 0), 1 << 20)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
            phone, text = str(body["phone"]), str(body["message"])
        except (ValueError, KeyError, TypeError):
            return self._answer(400, {"status": "bad request"})
        request_id = str(body.get("request_id") or "")
        with self.lock:
            if request_id and request_id in self.seen:
                return self._answer(200, {"status": "accepted", "duplicate": True})
            self.seen.add(request_id)
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            path = self.directory / f"{stamp}.txt"
            parts = count(text)
            path.write_text(
                f"To: {phone}\nFrom: {body.get('brandname', '')}\nRequest-ID: {request_id}\n"
                f"Encoding: {parts.encoding}, {parts.units} units, {parts.segments} part(s)\n\n"
                f"{text}\n",
                encoding="utf-8",
            )
        print(f"[sms] to {phone} ({parts.segments} part(s)): {text[:60]}…  -> {path}", flush=True)
        return self._answer(200, {"status": "accepted"})

    def _answer(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 (quiet: the line above says it all)
        return None


def main() -> None:
    directory = Path(sys.argv[1] if len(sys.argv) > 1 else "instance/sms")
    directory.mkdir(parents=True, exist_ok=True)
    port = int(os.environ.get("SMS_SINK_PORT", "8026"))
    SinkHandler.directory = directory
    SinkHandler.seen = set()
    server = ThreadingHTTPServer(("127.0.0.1", port), SinkHandler)
    url = f"http://127.0.0.1:{port}/sms"
    print(f"[sms] sink listening on {url}, saving to {directory}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
