"""A local SMTP server for `make run`: every message the worker sends is saved as an .eml file
under instance/mail/ (open it with any mail client or a text editor) and announced on stdout.

Nothing leaves the machine; this is the "outgoing mail" a developer reads in demo mode."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


class SaveToDirectory:
    def __init__(self, directory: Path):
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        path = self.directory / f"{stamp}.eml"
        path.write_bytes(envelope.content)
        subject = message_from_bytes(envelope.content, policy=policy.default)["subject"]
        print(f"[mail] to {', '.join(envelope.rcpt_tos)}: {subject}  -> {path}", flush=True)
        return "250 Message accepted"


def main() -> None:
    directory = Path(sys.argv[1] if len(sys.argv) > 1 else "instance/mail")
    port = int(os.environ.get("INTAKE_MAIL_PORT", "8025"))
    controller = Controller(SaveToDirectory(directory), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"[mail] sink listening on 127.0.0.1:{port}, saving to {directory}/", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
