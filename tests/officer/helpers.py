"""Signing in and posting forms as an officer's browser would (CSRF on)."""

from __future__ import annotations

import re

from tests.cases.factories import PASSWORD
from tests.conftest import hidden_inputs


def login(client, user) -> None:
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={**hidden_inputs(page), "email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


def form_fields(html: str, action: str) -> dict[str, str]:
    """The hidden inputs of the form posting to ``action`` on a page."""
    match = re.search(rf'<form[^>]*action="{re.escape(action)}"[^>]*>(.*?)</form>', html, re.S)
    if match is None:  # a second button of a form: <button formaction="…">
        forms = re.findall(r"<form[^>]*>(.*?)</form>", html, re.S)
        match = next((m for m in forms if f'formaction="{action}"' in m), None)
        assert match, f"no form posting to {action}"
        return hidden_inputs(match)
    return hidden_inputs(match.group(1))


def act(client, case_id: int, action: str, **data):
    """Open the case page, take the form's hidden fields (CSRF, version), post the action."""
    page = client.get(f"/officer/cases/{case_id}").get_data(as_text=True)
    path = f"/officer/cases/{case_id}/{action}"
    return client.post(path, data={**form_fields(page, path), **data})
