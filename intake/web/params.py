"""Reading values that arrive in a path, a query string or a select box.

Every route takes its database ids through the ``id`` converter and every list its page number
through ``page_number``: a value outside what the database can hold is simply "not found" (or
the first page), never an overflow deep inside a query.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import redirect, request
from werkzeug.routing import IntegerConverter

#: The largest id an INTEGER column holds on PostgreSQL (SQLite's limit is higher).
MAX_ID = 2**31 - 1
#: No list has a million pages; a larger page number is a typing error or a probe.
MAX_PAGE = 1_000_000


class IdConverter(IntegerConverter):
    """``<id:case_id>``: a positive integer that fits an INTEGER column, else 404."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 — werkzeug's own parameter name
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def id_param(value) -> int | None:
    """A database id from user input, or None. ASCII digits only: ``int()`` also reads "９"
    and ``isdigit()`` also passes "²", which ``int()`` then refuses; within INTEGER's range."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def page_number(name: str = "page") -> int:
    """The requested page of a list, 1 for anything that is not a plausible page number."""
    text = request.args.get(name, "")
    if text.isascii() and text.isdigit() and len(text) <= 7:
        return min(max(int(text), 1), MAX_PAGE)
    return 1


def redirect_without(*names: str, **values) -> object:
    """The same page without the parameters ``names`` (and with ``values`` set): a value that a
    public page does not know (a year without figures, a field that does not exist, "page=007")
    is not a page of its own. Rendering it would show the default page under a new cache key
    each time, so anyone inventing values could make the server render uncached pages at will;
    one cheap redirect to the page that is kept costs nothing and tells the browser where it is."""
    args = request.args.to_dict(flat=False)
    for name in (*names, *values):
        args.pop(name, None)
    args.update({name: [str(value)] for name, value in values.items()})
    # Not url_for: a parameter named "endpoint" or "_external" would be taken as its own.
    query = urlencode(args, doseq=True)
    return redirect(f"{request.script_root}{request.path}{'?' if query else ''}{query}", 302)


def redirect_to_page(number: int, name: str = "page") -> object:
    """The same list at page ``number``: the first page is the list without the parameter."""
    return redirect_without(name) if number <= 1 else redirect_without(**{name: number})


def redirect_to_written_page(name: str = "page") -> object | None:
    """A redirect when ``?page=`` is not written as the page number it is read as ("0", "02",
    "abc", "99999999"): the same list, under the one spelling that is kept; else None."""
    text, number = request.args.get(name), page_number(name)
    return None if text is None or text == str(number) else redirect_to_page(number, name)
