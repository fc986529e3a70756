"""A fuzzer over every route, parameter and form of the site, as every kind of user: whatever
anyone sends, the answer is never a 500.

It learns the site from its own pages: the URL map gives the routes, the rendered pages give
every form field's name and every option a select offers. Hypothesis then draws requests that
mix plausible values (offered options, existing ids and codes, dates, numbers) with hostile
ones (ids beyond INTEGER, twenty-digit numbers, control characters, very long text, a text
where a file belongs, keys such as ``endpoint`` and ``_method``). ``make test`` runs a few
hundred requests per test; ``make fuzz`` (``INTAKE_FUZZ_EXAMPLES``) runs thousands.
"""

from __future__ import annotations

import io
import os
import re
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intake.core.states import State
from intake.extensions import db
from tests.cases.factories import advance, make_staff, submit
from tests.conftest import hidden_inputs
from tests.officer.helpers import login

EXAMPLES = int(os.environ.get("INTAKE_FUZZ_EXAMPLES", "250"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not os.environ.get("INTAKE_FUZZ_EXAMPLES"),  # the suite is repeatable
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ROLES = ("anonymous", "intake", "handler", "lead", "supervisor", "admin")
HOSTILE_KEYS = ["endpoint", "_method", "_external", "_anchor", "_scheme", "page", "lang", "next"]
EDGE_NUMBERS = ["0", "-1", "1", "2147483647", "2147483648", "9223372036854775808",
                "1" * 25, "9" * 400, "-" + "9" * 400, "1e400", "NaN", "１２", "²", "3.5",
                "%(value)s", "\x00", "<script>alert(1)</script>", "' OR 1=1 --"]  # fmt: skip
NAME = re.compile(r'name="([^"]+)"')
OPTION = re.compile(r'<option[^>]*value="([^"]*)"')
SELECT = re.compile(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)
HREF = re.compile(r'href="(/[^"#?]*)')


@pytest.fixture
def site(org, app, now):
    """Items in the states officers work on, one published, clients for every role, and what
    the pages say about their forms."""
    staff = make_staff()
    cases = [advance(submit(now), s, staff, now) for s in
             (State.RECEIVED, State.IN_PROGRESS, State.ANSWER_REVIEW, State.ANSWERED,
              State.NEEDS_INFO, State.ASSIGNED)]  # fmt: skip
    db.session.commit()
    clients = {role: app.test_client() for role in ROLES}
    for role in ROLES[1:]:
        login(clients[role], getattr(staff, role))
    with clients["anonymous"].session_transaction() as session:
        session["tracked_case_ids"] = [c.id for c in cases]
    names: set[str] = set()
    options: dict[str, set[str]] = defaultdict(set)
    pages = ["/", "/submit", "/track", "/published", "/stats", "/login"]
    pages += [f"/officer/cases/{c.id}" for c in cases] + [f"/officer/cases/{cases[2].id}/review"]
    pages += [f"/track/{c.reference_code}" for c in cases]
    for role, client in clients.items():
        for path in pages + _admin_and_supervision_pages(client, role):
            html = client.get(path).get_data(as_text=True)
            names.update(NAME.findall(html))
            for name, body in SELECT.findall(html):
                options[name].update(OPTION.findall(body))
    names.discard("csrf_token")
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    return {
        "staff": staff, "cases": cases, "clients": clients, "rules": rules,
        "names": sorted(names | set(HOSTILE_KEYS)),
        "options": {k: sorted(v) for k, v in options.items()},
        "codes": [c.reference_code for c in cases], "ids": [str(c.id) for c in cases],
    }  # fmt: skip


def _admin_and_supervision_pages(client, role) -> list[str]:
    if role == "admin":
        index = client.get("/admin/").get_data(as_text=True)
        found = {p for p in HREF.findall(index) if p.startswith("/admin/")}
        for listing in list(found):
            found.update(
                p for p in HREF.findall(client.get(listing).get_data(as_text=True))
                if p.startswith("/admin/")
            )  # fmt: skip
        return sorted(found)[:60]
    if role == "supervisor":
        return ["/supervision/", "/supervision/reports"]
    return ["/officer/intake", "/officer/unit", "/officer/cases/new"]


def _value(draw, site, name: str) -> str:
    choice = draw(st.integers(0, 9))
    offered = site["options"].get(name)
    if offered and choice < 5:
        return draw(st.sampled_from(offered))
    if choice == 5:
        return draw(st.sampled_from(EDGE_NUMBERS + site["ids"] + site["codes"]))
    if choice == 6:
        return draw(st.sampled_from(["2026-02-30", "1900-01-01", "9999-12-31", "2026-11-30",
                                     "30/11/2026", "y", "on", "approve", "refuse"]))  # fmt: skip
    if choice == 7:
        # Longer than every field allows, yet the whole body stays under the 500 KB past which
        # the test client spools it to a temporary file it never closes (a ResourceWarning).
        return "Nội dung " * draw(st.integers(200, 2500))
    return draw(st.text(max_size=60))


def _path(draw, site, rule) -> str:
    args = {}
    for arg in rule.arguments:
        converter = rule._converters[arg]  # noqa: SLF001 — the rule's own converters
        kind = type(converter).__name__
        if kind in ("IdConverter", "IntegerConverter"):
            # The converter refuses what the database cannot hold: probe within its range.
            args[arg] = draw(st.sampled_from([*site["ids"], "1", "999999", "2147483647"]))
        elif kind == "AnyConverter":
            args[arg] = draw(st.sampled_from(sorted(converter.items)))
        else:
            args[arg] = draw(st.sampled_from([*site["codes"], "x", "PAKN-2026-0000-0000",
                                              "2026-09-03", "handling", "ü" * 300]))  # fmt: skip
    return rule.build(args, append_unknown=False)[1]


def _fields(draw, site) -> dict:
    keys = draw(st.lists(st.sampled_from(site["names"]), max_size=12, unique=True))
    return {k: _value(draw, site, k) for k in keys}


@FUZZ
@given(data=st.data())
def test_no_get_answers_500(site, data):
    rule = data.draw(st.sampled_from([r for r in site["rules"] if "GET" in r.methods]))
    role = data.draw(st.sampled_from(ROLES))
    path = _path(data.draw, site, rule)
    query = _fields(data.draw, site)
    response = site["clients"][role].get(path, query_string=query)
    if rule.endpoint == "monitoring.readyz":
        return  # 503 is its answer while no worker has been seen: not an error
    assert response.status_code < 500, (role, path, query)


@FUZZ
@given(data=st.data())
def test_no_post_answers_500(site, data):
    rule = data.draw(st.sampled_from([r for r in site["rules"] if "POST" in r.methods]))
    role = data.draw(st.sampled_from(ROLES))
    client = site["clients"][role]
    path = _path(data.draw, site, rule)
    page = client.get("/account/password" if role != "anonymous" else "/submit")
    form = {"csrf_token": hidden_inputs(page.get_data(as_text=True)).get("csrf_token", "")}
    form.update(_fields(data.draw, site))
    for case in site["cases"]:
        if str(case.id) in path and data.draw(st.booleans()):
            db.session.expire(case)
            form["version"] = str(db.session.get(type(case), case.id).version)
    kind = data.draw(st.integers(0, 3))
    if kind == 1:  # a file where one belongs, or bytes that are not what they claim
        field = data.draw(st.sampled_from(["attachments", "attachment"]))
        body = data.draw(st.sampled_from([b"%PDF-1.4\n%%EOF\n", b"MZ\x90\x00", b"", b"x" * 5000]))
        form[field] = (
            io.BytesIO(body),
            data.draw(st.sampled_from(["a.pdf", "../../x", "ảnh.png"])),
        )
    response = client.post(path, data=form, content_type="multipart/form-data")
    assert response.status_code < 500, (role, path, {k: v[:80] for k, v in form.items()
                                                      if isinstance(v, str)})  # fmt: skip
