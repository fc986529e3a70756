"""Screenshots of pages of a running instance, for people to look at: headless Debian Chromium.

usage: python scripts/screenshots.py BASE_URL OUT_DIR path[=name] ...
(1280 pixels wide; 390, a phone, with -m)
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(argv: list[str]) -> None:
    mobile = "-m" in argv
    args = [a for a in argv if a != "-m"]
    base, out, pages = args[0].rstrip("/"), Path(args[1]), args[2:]
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390 if mobile else 1280, "height": 900})
        for spec in pages:
            path, _, name = spec.partition("=")
            page.goto(base + path)
            target = out / f"{name or path.strip('/').replace('/', '_') or 'index'}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
