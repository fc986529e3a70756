"""Screenshots of pages of a running instance, for people to look at: headless Debian Chromium.

usage: python scripts/screenshots.py [-m] [--login EMAIL:PASSWORD] BASE_URL OUT_DIR path[=name] ...
(1280 pixels wide; 390, a phone, with -m; signed in first with --login)
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
    login = None
    if "--login" in args:
        at = args.index("--login")
        login = args[at + 1].split(":", 1)
        del args[at : at + 2]
    base, out, pages = args[0].rstrip("/"), Path(args[1]), args[2:]
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 390 if mobile else 1280, "height": 900})
        if login:
            page.goto(base + "/login")
            page.fill("input[name=email]", login[0])
            page.fill("input[name=password]", login[1])
            page.click("form button[type=submit]")
        for spec in pages:
            path, _, name = spec.partition("=")
            page.goto(base + path)
            target = out / f"{name or path.strip('/').replace('/', '_') or 'index'}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
