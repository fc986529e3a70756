"""No header or path trick gives a 500 or a link off the site: the login form's ``next``, the
language switch of any page (a 404 included), and whatever hypothesis draws."""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cases.factories import PASSWORD, make_staff
from tests.conftest import hidden_inputs

LINK = re.compile(r'(?:href|action|src)="([^"]*)"')
FUZZ = settings(
    max_examples=int(os.environ.get("INTAKE_FUZZ_EXAMPLES", "150")),
    deadline=None,
    database=None,
    derandomize=not os.environ.get("INTAKE_FUZZ_EXAMPLES"),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TRICKS = ["/\\evil.example/x", "/\t/evil.example", "/%09/evil.example", "/%5Cevil.example",
          "//evil.example", "/\\\\evil.example", "/%2F%2Fevil.example", "/\r\nSet-Cookie:x=1",
          "/%0d%0aLocation:%20https://evil.example", "/\x00", "/é/\u2028/x", "/ /evil"]  # fmt: skip


def as_a_browser_reads_it(url: str) -> str:
    """What a browser makes of a link: tabs and line breaks dropped, backslashes as slashes,
    then resolved against https://pakn.test/."""
    cleaned = re.sub(r"[\t\n\r]", "", url).replace("\\", "/").strip(" \x00-\x1f")
    return cleaned


def assert_on_site(url: str, where: str) -> None:
    read = as_a_browser_reads_it(url)
    parts = urlsplit(read)
    assert not parts.scheme or parts.scheme in ("tel", "mailto"), (where, url)
    if parts.scheme:
        return
    assert not parts.netloc and not read.startswith("//"), (where, url)


def assert_page_stays_on_site(response, where: str) -> None:
    assert response.status_code < 500, where
    location = response.headers.get("Location")
    if location:
        assert_on_site(location, where)
    if response.mimetype == "text/html":
        for link in LINK.findall(response.get_data(as_text=True)):
            assert_on_site(link.replace("&amp;", "&"), where)


def get(client, path: str, **kwargs):
    """The path as a WSGI server hands it over (percent-decoded), not as the test client would
    parse it (it reads ``//host`` as a host)."""
    from urllib.parse import unquote

    wsgi_path = unquote(path).encode("utf-8", "surrogateescape").decode("latin-1")
    return client.get("/", environ_overrides={"PATH_INFO": wsgi_path}, **kwargs)


@pytest.mark.parametrize("path", TRICKS)
def test_the_language_link_of_a_tricky_path_stays_on_the_site(app, client, path):
    response = get(client, path)
    assert_page_stays_on_site(response, path)
    assert response.status_code in (404, 308), path


@pytest.mark.parametrize("host", ["evil.example", "pakn.test:443", "evil.example/x"])
def test_a_forged_host_never_turns_a_redirect_into_a_link_elsewhere(app, client, host):
    for path in ("/officer", "/login?next=/officer/", "/officer/unit"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code in (302, 308, 200, 400), path
        assert_page_stays_on_site(response, f"{host} {path}")


def login_with_next(app, staff, next_url):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    form = {**hidden_inputs(page), "email": staff.intake.email, "password": PASSWORD,
            "next": next_url}  # fmt: skip
    return client.post("/login", data=form)


@pytest.mark.parametrize(
    "next_url",
    [
        *TRICKS,
        "/officer/\r\nX-Evil: 1",
        "/officer/\n",
        "/officer/intake?q=Nguyễn Văn An",
        "javascript:alert(1)",
    ],
)
def test_a_crafted_next_never_gives_a_500_nor_leaves_the_site(org, app, next_url):
    response = login_with_next(app, make_staff(), next_url)
    assert response.status_code == 303, next_url
    assert_on_site(response.headers["Location"], next_url)
    # And on the login page itself, where ?next= is put into the form.
    page = app.test_client().get("/login", query_string={"next": next_url})
    assert_page_stays_on_site(page, next_url)


PATH_CHARS = st.sampled_from(["/", "\\", "\t", "\n", "\r", "%", "%2F", "%5C", "%0A", "%00", ".",
                              "..", "@", ":", "?", "#", "&", "=", "evil.example", "é", "\u202e",
                              " ", "~", "officer", "track", "login", "lang", "next"])  # fmt: skip
HEADERS = st.dictionaries(
    st.sampled_from(["Host", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto",
                     "Accept-Language", "Referer", "Cookie", "X-Request-ID", "Content-Type",
                     "Origin", "If-None-Match", "Range"]),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
    | st.sampled_from(["evil.example", "//evil.example", "https://evil.example", "session=x",
                       "vi;q=2, en", "bytes=0-1", "*"]),
    max_size=4,
)  # fmt: skip


@FUZZ
@given(
    parts=st.lists(PATH_CHARS, min_size=1, max_size=6),
    headers=HEADERS,
    query=st.sampled_from(["", "lang=en", "lang=vi&next=//evil.example", "next=/\\evil"]),
)
def test_no_path_or_header_gives_a_500_or_an_off_site_link(app, org, parts, headers, query):
    path = "/" + "".join(parts)
    client = app.test_client()
    try:
        response = get(client, path, headers=headers, query_string=query)
    except ValueError:
        return  # the test client itself refuses (a header Werkzeug cannot send), not the site
    assert_page_stays_on_site(response, f"{path!r} {headers!r}")
