"""The officers' side: the intake office's queue and triage, the units' queues and answers,
cooperation, and the review before publication. One module per page family:

- ``queues``: the intake office's and the units' queues;
- ``record``: items received by phone, paper, e-mail, at the counter or from the national portal;
- ``case_page``: the case page and the one door through which every verb of
  ``intake.cases.verbs`` is done;
- ``review``: the review of an answer before publication;
- ``access_keys``: a new access key for a citizen who called or came in, shown once;
- ``letters``: the official letters of a case, as PDF;
- ``print_queue``: the print queue of notices that go by post.
"""

from intake.officer import (  # noqa: F401  (their routes)
    access_keys,
    case_page,
    letters,
    print_queue,
    queues,
    record,
    review,
)
from intake.officer.blueprint import bp

__all__ = ["bp"]
