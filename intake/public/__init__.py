"""The citizen's side, one module per page family:

- ``submission``: what PAKN is, the submission form and the receipt;
- ``tracking``: following an item with its code and key, and the citizen's verbs on it
  (add information, withdraw, rate, ask for reconsideration) through one door;
- ``recovery``: a new access key for a citizen who lost theirs;
- ``published``: the published answers;
- ``stats``: the public statistics;
- ``letters``: the official letters of a tracked item, as PDF;
- ``open_data``: the published answers and the statistics as CSV and JSON downloads.
"""

from intake.public import (  # noqa: F401  (their routes)
    letters,
    open_data,
    published,
    recovery,
    stats,
    submission,
    tracking,
)
from intake.public.blueprint import bp

__all__ = ["bp"]
