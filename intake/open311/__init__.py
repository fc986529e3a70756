"""Open311 GeoReport v2 at ``/open311/v2``, with its discovery file at ``/open311/discovery``.

A door of its own, for civic-tech clients that speak GeoReport: its own blueprint and its own
error format (``intake.open311.errors``), the same API keys (``intake.api_keys``: a client
key, passed as GeoReport's ``api_key`` parameter, with its own rate limit) and the same
operations as every other door: a request posted here is an ordinary item, submitted by
``intake.cases.operations.submit_case`` with the channel "app" naming the key."""

from __future__ import annotations

from flask import Flask

PREFIX = "/open311"


def register(app: Flask) -> None:
    from intake.extensions import csrf, limiter
    from intake.open311 import errors, views
    from intake.web import errors as web_errors

    csrf.exempt(views.bp)  # no cookie is read here: the key says who calls
    limiter.limit(views.rate_limit_value, key_func=views.rate_limit_key)(views.bp)
    app.register_blueprint(views.bp, url_prefix=PREFIX)
    web_errors.answer_under(PREFIX, errors.localised(errors.render))
