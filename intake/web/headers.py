"""The security headers of every response (Flask-Talisman), and ``Cache-Control: no-store``
on everything that is not a static file or a page that chose its own caching.

The policy allows nothing but this site: scripts only from ``/static`` (no inline script, no
``eval``), styles only from ``/static`` (no ``style=`` attribute either), images from the site
and ``data:`` (the QR code of the two-factor enrolment is inline SVG), forms posting only here,
no framing by anyone (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``), no plugins,
no ``<base>``. HSTS is sent in production over HTTPS. Talisman's HTTPS redirect is off: nginx
redirects, and development runs on plain HTTP.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Flask, current_app, request
from flask_talisman import Talisman
from markupsafe import escape
from werkzeug.datastructures import Headers

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:"],
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
PERMISSIONS = {"camera": "()", "microphone": "()", "geolocation": "()", "browsing-topics": "()"}
# Pages with personal data, whatever they say themselves: officers', administrators' and
# supervisors' pages (case pages, attachments, exports), signing in, and the citizen's own item.
_PRIVATE_BLUEPRINTS = {"officer", "admin", "supervision", "accounts"}
_PRIVATE_ENDPOINTS = {"public.track", "public.track_case", "public.receipt", "public.submit"}


def register(app: Flask) -> None:
    # One Talisman per app: it keeps its options on the instance.
    KeptTalisman(
        app,
        force_https=False,
        frame_options="DENY",
        content_security_policy=CSP,
        permissions_policy=PERMISSIONS,
        referrer_policy="strict-origin-when-cross-origin",
        strict_transport_security=app.config["ENV_NAME"] == "production",
        strict_transport_security_max_age=app.config["HSTS_MAX_AGE_SECONDS"],
        strict_transport_security_include_subdomains=False,
        # The cookie flags are the application's own settings (SESSION_COOKIE_*), not forced.
        session_cookie_secure=False,
        session_cookie_http_only=True,
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        x_content_type_options=True,
    )
    app.after_request(_no_store)
    app.after_request(_relative_location)


class KeptTalisman(Talisman):
    """Talisman's headers, worked out for the first response and copied onto every other.

    Talisman builds them again for each response: the view's options looked up five
    times, the policy joined into a string again. That was a tenth of the time of a kept
    public page (``bench/bench_http.py``, in-process profile). Here no view sets options
    of its own (``@talisman(...)``), no policy carries a nonce and nothing is forced to
    HTTPS (nginx redirects), so the headers are the same for every response; a view with
    options of its own still gets Talisman's own work, and HSTS, which depends on the
    request (sent over HTTPS only), is still decided by Talisman for each response."""

    _kept: list[tuple[str, str]] | None = None
    _kept_names: frozenset[str] = frozenset()
    #: The endpoints whose view carries options of its own (``@talisman(...)``), found once:
    #: every view is registered before the first request.
    _optioned: frozenset[str] | None = None

    def _has_view_options(self) -> bool:
        optioned = self._optioned
        if optioned is None:
            optioned = self._optioned = frozenset(
                endpoint
                for endpoint, view in current_app.view_functions.items()
                if hasattr(view, "talisman_view_options")
            )
        return bool(optioned) and request.endpoint in optioned

    def _force_https(self):
        if self.force_https or self.session_cookie_secure or self._has_view_options():
            return super()._force_https()
        return None

    def _make_nonce(self):
        if self.content_security_policy_nonce_in or self._has_view_options():
            super()._make_nonce()

    def _set_response_headers(self, response):
        if self.content_security_policy_nonce_in or self._has_view_options():
            return super()._set_response_headers(response)
        if self._kept is None:
            scratch = Headers()
            options = self._get_local_options()
            self._set_feature_policy_headers(scratch, options)
            self._set_permissions_policy_headers(scratch, options)
            self._set_document_policy_headers(scratch, options)
            self._set_frame_options_headers(scratch, options)
            self._set_content_security_policy_headers(scratch, options)
            self._set_referrer_policy_headers(scratch)
            self._kept = list(scratch.items())
            self._kept_names = frozenset(name.lower() for name, _ in self._kept)
        headers = response.headers
        if self._kept_names.isdisjoint(name.lower() for name, _ in headers):
            # The usual case: none of them is there yet, so each is added, not searched for
            # and replaced (Headers.set scans the whole list once per header).
            headers.extend(self._kept)
        else:
            for name, value in self._kept:
                headers[name] = value
        self._set_hsts_headers(headers)
        return response


def _no_store(response):
    private = request.blueprint in _PRIVATE_BLUEPRINTS or request.endpoint in _PRIVATE_ENDPOINTS
    if private or (request.endpoint != "static" and "Cache-Control" not in response.headers):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
    return response


def _relative_location(response):
    """Redirects stay on this site whatever Host header came in: Werkzeug's own redirects
    (``/officer`` to ``/officer/``) are absolute URLs built from the request's Host, so a forged
    Host would turn them into links elsewhere. A redirect to this site's host becomes a path,
    and a path never starts with two slashes (a browser would read another host)."""
    if not (response.status_code == 201 or 300 <= response.status_code < 400):
        # Only these send a browser (or a client following a created resource) to Location; not
        # looking for it elsewhere spares every page Werkzeug's exception for a missing header.
        return response
    location = response.headers.get("Location")
    if not location:
        return response
    parts = urlsplit(location)
    if parts.netloc and parts.netloc != request.host:
        return response  # deliberately elsewhere (none of our views does this)
    path = "/" + parts.path.lstrip("/\\")
    relative = urlunsplit(("", "", path, parts.query, parts.fragment))
    if relative != location:
        response.headers["Location"] = relative
        if response.mimetype == "text/html":
            # Werkzeug's redirect page repeats the absolute URL as a link.
            response.set_data(
                f'<!doctype html>\n<a href="{escape(relative)}">{escape(relative)}</a>\n'
            )
    return response
