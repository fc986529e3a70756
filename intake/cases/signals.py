"""What the case aggregate announces, for the packages that project it (the reports).

Cases never import the reports: ``intake.reports.recording`` connects its receivers here when
the application is built, and each receiver runs synchronously, inside the operation's own
transaction, so a report entry exists exactly when its event does. Blinker comes with Flask.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: ``sender`` is the new case, just flushed.
case_received = _signals.signal("case-received")
#: ``sender`` is the case; keywords ``action``, ``now``, ``ended`` (clocks ended by the
#: transition, with their verdicts) and ``reason_code``.
case_transitioned = _signals.signal("case-transitioned")
#: ``sender`` is the case, just rated; keyword ``now``.
answer_rated = _signals.signal("answer-rated")
