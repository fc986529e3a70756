"""Every user-facing string has its English translation, with the same placeholders."""

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_the_english_catalogue_is_complete_and_current(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()",
         "--quiet", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
         # Babel skips folders starting with "_" by default: templates/_macros has strings.
         "--ignore-dirs", ".* .venv",
         "-o", str(pot), "--no-location", "."],
        cwd=ROOT, check=True,
    )  # fmt: skip
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with (ROOT / "intake/translations/en/LC_MESSAGES/messages.po").open("rb") as f:
        catalogue = {m.id: m for m in read_po(f) if m.id}
    missing = sorted(wanted - catalogue.keys())
    assert missing == [], "run `make extract-messages` and translate these"
    for message_id in wanted:
        message = catalogue[message_id]
        assert message.string, f"untranslated: {message_id!r}"
        assert not message.fuzzy, f"fuzzy: {message_id!r}"
        assert set(PLACEHOLDER.findall(message_id)) == set(PLACEHOLDER.findall(message.string))
