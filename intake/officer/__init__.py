"""The officers' side: the intake office's queue and triage, the units' queues and answers,
cooperation, and the review before publication. One module per page family:

- ``queues``: the intake office's and the units' queues;
- ``record``: items received by phone, paper, e-mail, at the counter or from the national portal;
- ``case_page``: the case page and the one door through which every verb of
  ``intake.cases.verbs`` is done;
- ``review``: the review of an answer before publication;
- ``letters``: the print queue of notices that go by post.
"""

from intake.officer import case_page, letters, queues, record, review  # noqa: F401  (routes)
from intake.officer.blueprint import bp

__all__ = ["bp"]
