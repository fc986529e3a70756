"""The administrator's pages: accounts, units, fields, procedures, routing rules, deadline
policies and the working calendar. Thin views: load, validate the form, ``perform`` one
operation (commit once), flash, redirect (303); a value the operation refuses comes back next
to its field with status 422. One module per page family:

- ``blueprint``: the blueprint, its gate (administrators only; 404 for everyone else), the index;
- ``users``: accounts (``user_tokens``: revoking an officer's personal API tokens);
- ``organisation``: units, fields and procedures;
- ``routing_rules``: which unit an item of a field or procedure is suggested to;
- ``policies``: the deadline policies;
- ``calendar``: the working calendar;
- ``api_keys``: the client apps' keys;
- ``exchange``: batches from the national system in, status and answers out.

``common`` holds the shape every form page shares; ``operations`` and ``queries`` are the verbs
and the reads, which the ``flask intake`` commands use too.
"""

from intake.admin import (  # noqa: F401
    api_keys,
    calendar,
    exchange,
    organisation,
    policies,
    response_templates,
    routing_rules,
    user_tokens,
    users,
)
from intake.admin.blueprint import bp

__all__ = ["bp"]
