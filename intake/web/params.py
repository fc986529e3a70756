"""Reading values that arrive in a query string or a select box."""

from __future__ import annotations


def id_param(value) -> int | None:
    """A database id from user input, or None. ASCII digits only: ``int()`` also reads "９"
    and ``isdigit()`` also passes "²", which ``int()`` then refuses; at most nine digits, so
    that the value fits an INTEGER column on PostgreSQL."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None
